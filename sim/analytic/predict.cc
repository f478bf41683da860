// Predict(): picks, for the given inputs, the THEORY.md result that applies exactly and
// leaves everything else empty with a note.
#include "teepsim/sim/analytic.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <sstream>

namespace teepsim::analytic
{

namespace
{

struct Windows
{
    double r = 0, t = 0, danger = 0, clean = 0, r2 = 0;
};

void Accumulate(Windows& acc, double weight, double r, double t)
{
    acc.r += weight * r;
    acc.r2 += weight * r * r;
    acc.t += weight * t;
    acc.danger += weight * std::min(r, t);
    acc.clean += weight * std::max(r, t);
}

// Fixed interval, no loss: integrate over the phase φ of the poll grid (polls at φ + kP
// relative to t0). The TAM learns at d_T, the Verifier at d_V. The last stale AR is the one
// issued at min(first poll after d_T (the removal session, whose evidence still lists the TA),
// last poll at or before d_V).
Windows FixedPhaseIntegral(const Inputs& in)
{
    const double P = in.interval;
    const int steps = 4000;
    Windows acc;
    for (int i = 0; i < steps; ++i)
    {
        const double phi = (i + 0.5) / steps * P;
        const double firstAfterT = phi + std::floor((in.tamDelay - phi) / P + 1) * P;
        const double lastBeforeV = phi + std::floor((in.verifierDelay - phi) / P) * P;
        const double r = firstAfterT + in.sessionDelay;
        const double t = std::max(0.0, std::min(firstAfterT, lastBeforeV) + in.validity);
        Accumulate(acc, 1.0 / steps, r, t);
    }
    return acc;
}

// Fixed interval with per-session loss p, d_T = d_V = 0: u = time to the next grid point,
// K_f failures ahead and K_b failures behind t0 (independent geometrics).
Windows FixedLossSum(const Inputs& in)
{
    const double P = in.interval;
    const double p = in.sessionLoss;
    const double pA = in.arSessionLoss < 0 ? p : in.arSessionLoss;
    const int steps = 400;
    const int kMax =
        static_cast<int>(std::ceil(std::log(1e-13) / std::log(std::max(std::max(p, pA), 1e-300))));
    Windows acc;
    for (int i = 0; i < steps; ++i)
    {
        const double u = (i + 0.5) / steps * P;
        for (int kf = 0; kf <= kMax; ++kf)
        {
            const double wf = std::pow(p, kf) * (1 - p);
            const double r = u + kf * P + in.sessionDelay;
            for (int kb = 0; kb <= kMax; ++kb)
            {
                const double wb = std::pow(pA, kb) * (1 - pA);
                const double age = (P - u) + kb * P;
                Accumulate(acc, wf * wb / steps, r, std::max(0.0, in.validity - age));
            }
        }
    }
    return acc;
}

// Independent R and A (Poisson polling): E[min] = ∫ S_R(t) S_T(t) dt, one-dimensional.
Windows IndependentExponential(const Inputs& in)
{
    const double Pp = in.interval / (1 - in.sessionLoss); // mean time between removals chances
    const double pA = in.arSessionLoss < 0 ? in.sessionLoss : in.arSessionLoss;
    const double PA = in.interval / (1 - pA); // mean time between ARs
    const double V = in.validity;
    Windows w;
    w.r = Pp + in.sessionDelay;
    w.r2 = 2 * Pp * Pp + 2 * Pp * in.sessionDelay + in.sessionDelay * in.sessionDelay;
    w.t = V - PA * (1 - std::exp(-V / PA));
    const int steps = 20000;
    const double h = V / steps;
    double danger = 0;
    for (int i = 0; i < steps; ++i)
    {
        const double t = (i + 0.5) * h;
        const double sr = t < in.sessionDelay ? 1.0 : std::exp(-(t - in.sessionDelay) / Pp);
        const double st = 1 - std::exp(-(V - t) / PA);
        danger += sr * st * h;
    }
    w.danger = danger;
    w.clean = w.r + w.t - w.danger;
    return w;
}

// Uniform-jitter intervals, no loss, d_T = d_V = 0: the interval covering t0 is length-biased
// and t0 is uniform inside it, so (age, residual) = (x - y, y) with y ~ U(0, x).
Windows UniformCovering(const Inputs& in)
{
    const double a = in.interval * (1 - in.jitter);
    const double b = in.interval * (1 + in.jitter);
    const int nx = 600, ny = 600;
    Windows acc;
    for (int i = 0; i < nx; ++i)
    {
        const double x = a + (i + 0.5) / nx * (b - a);
        const double wx = (1.0 / nx) * x / in.interval; // length-biased weight
        for (int j = 0; j < ny; ++j)
        {
            const double y = (j + 0.5) / ny * x;
            Accumulate(acc, wx / ny, y + in.sessionDelay, std::max(0.0, in.validity - (x - y)));
        }
    }
    return acc;
}

double Quantile(const std::function<double(double)>& survival, double q, double hi)
{
    double lo = 0;
    while (survival(hi) > 1 - q)
    {
        hi *= 2;
    }
    for (int i = 0; i < 200 && hi - lo > 1e-9 * (1 + hi); ++i)
    {
        const double mid = (lo + hi) / 2;
        (survival(mid) > 1 - q ? lo : hi) = mid;
    }
    return (lo + hi) / 2;
}

} // namespace

Prediction Predict(const Inputs& in)
{
    Prediction out;
    if (in.unmodelled)
    {
        out.notes.push_back("scenario outside every closed form: no analytic values");
        return out;
    }
    const double shift = in.tamDelay + in.sessionDelay;
    const bool plain = in.retries == 0 && in.meanOff <= 0 && !in.synchronized;
    const bool capacity = in.serviceTime > 0;

    // ---- queueing at the TAM ----
    double wait = 0;
    bool waitKnown = !capacity;
    if (capacity)
    {
        const double rho = in.devices * in.serviceTime / (in.interval * std::max(1, in.tamWorkers));
        out.utilisation = rho;
        if (rho >= 1)
        {
            out.notes.push_back("TAM overloaded (rho >= 1): no steady state");
        }
        else if (in.tamWorkers != 1)
        {
            out.notes.push_back("queue wait: no closed form for several workers (M/D/c)");
        }
        else if (in.synchronized)
        {
            out.notes.push_back("synchronized fleet: herd, see mean R");
        }
        else if (in.law == IntervalLaw::Exponential)
        {
            wait = MD1Wait(rho, in.serviceTime);
            waitKnown = true;
            out.notes.push_back("queue wait: M/D/1");
        }
        else if (in.law == IntervalLaw::Fixed)
        {
            wait = NDD1Wait(in.devices, in.interval, in.serviceTime);
            waitKnown = true;
            out.notes.push_back("queue wait: N*D/D/1 (Roberts & Virtamo)");
        }
        else
        {
            out.notes.push_back("queue wait: no closed form for jittered intervals");
        }
        if (waitKnown)
        {
            out.meanQueueWait = wait;
        }
    }
    const double serviceShift = capacity ? wait + in.serviceTime : 0;

    // ---- removal time R ----
    std::optional<double> meanResidual;
    if (in.brokerDropsAll)
    {
        out.notes.push_back("Broker drops everything: R is infinite (censored)");
    }
    else if (in.synchronized)
    {
        if (in.law == IntervalLaw::Fixed && in.sessionLoss == 0 && in.tamWorkers <= 1)
        {
            meanResidual = in.interval / 2 + (in.devices + 1) * in.serviceTime / 2;
            out.notes.push_back("synchronized herd: E[R] = P/2 + (N+1)s/2");
        }
        else
        {
            out.notes.push_back("synchronized fleet: only fixed interval without loss is modelled");
        }
    }
    else if (in.meanOff > 0)
    {
        const double m = AvailabilityMeanResidual(in);
        if (std::isnan(m))
        {
            out.notes.push_back("availability: no model for this policy-check law");
        }
        else
        {
            meanResidual = m;
            out.notes.push_back("availability: Markov chain (THEORY 3.3)");
        }
    }
    else if (in.retries > 0)
    {
        if (in.law == IntervalLaw::Fixed)
        {
            meanResidual =
                FixedIntervalRetryMean(in.interval, in.sessionLoss, in.retries, in.retrySpacing);
            out.notes.push_back("retries: exact phase integral (THEORY 3.2)");
        }
        else
        {
            out.notes.push_back("retries: only the fixed interval is modelled");
        }
    }
    else
    {
        meanResidual = RenewalMeanResidualWithLoss(in);
    }
    if (meanResidual && (waitKnown || in.synchronized))
    {
        out.meanR = *meanResidual + shift + (in.synchronized ? 0 : serviceShift);
    }

    // Distribution of R. With a TAM queue the curve is shifted by the mean wait + service: an
    // approximation (the wait's own spread is not modelled), negligible at low utilisation.
    if (!in.brokerDropsAll && plain && waitKnown && ResidualSurvival(in, in.interval))
    {
        const double curveShift = shift + serviceShift;
        auto survival = [&](double t)
        { return t < curveShift ? 1.0 : *ResidualSurvival(in, t - curveShift); };
        out.quantR.p50 = Quantile(survival, 0.50, in.interval);
        out.quantR.p90 = Quantile(survival, 0.90, in.interval);
        out.quantR.p95 = Quantile(survival, 0.95, in.interval);
        out.quantR.p99 = Quantile(survival, 0.99, in.interval);
        const double end = Quantile(survival, 0.9999, in.interval);
        for (int i = 0; i <= 200; ++i)
        {
            const double t = end * i / 200;
            out.survival.emplace_back(t, survival(t));
        }
        if (auto fm = FleetMax(in))
        {
            out.fleetMaxR = *fm + curveShift;
        }
    }

    // ---- stale trust and the coupled windows ----
    std::optional<Windows> w;
    // A known mean queue wait + service enters the windows as extra session delay: exact for
    // means when R and T_trust are linear in δ (fixed interval, V > P), an approximation else.
    Inputs win = in;
    win.sessionDelay += serviceShift;
    const bool zeroDelays = in.tamDelay == 0 && in.verifierDelay == 0;
    if (!plain)
    {
        out.notes.push_back("T_trust/W_danger: only modelled without retries, availability, herds");
    }
    else if (in.law == IntervalLaw::Fixed && in.sessionLoss == 0 && in.arSessionLoss <= 0)
    {
        w = FixedPhaseIntegral(win);
    }
    else if (in.law == IntervalLaw::Fixed && zeroDelays)
    {
        w = FixedLossSum(win);
    }
    else if (in.law == IntervalLaw::Exponential && zeroDelays)
    {
        w = IndependentExponential(win);
    }
    else if (in.law == IntervalLaw::UniformJitter && in.sessionLoss == 0 && in.arSessionLoss <= 0 &&
             zeroDelays)
    {
        w = UniformCovering(win);
    }
    else
    {
        out.notes.push_back("T_trust/W_danger: no closed form with d_T or d_V > 0 for this law");
    }
    if (w)
    {
        out.meanTtrust = w->t;
        if (in.brokerDropsAll)
        {
            out.meanWdanger = w->t; // R = ∞
        }
        else if (waitKnown)
        {
            out.meanWdanger = w->danger;
            out.meanWclean = w->clean;
            if (!out.meanR)
            {
                out.meanR = w->r;
            }
            out.sdR = std::sqrt(std::max(0.0, w->r2 - w->r * w->r));
        }
    }
    return out;
}

} // namespace teepsim::analytic
