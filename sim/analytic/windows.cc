// The coupled windows (R, T_trust, W_danger, W_clean) where THEORY §3.4 has a closed form,
// with the push of THEORY-EXTENSIONS §1 folded into R.
#include <algorithm>
#include <cmath>

#include "parts.h"

namespace teepsim::analytic::detail
{

namespace
{

void Accumulate(Windows& acc, double weight, double r, double t)
{
    acc.r += weight * r;
    acc.r2 += weight * r * r;
    acc.t += weight * t;
    acc.danger += weight * std::min(r, t);
    if (acc.cap)
    {
        acc.dangerExec += weight * acc.cap->Integral(std::min(r, t)); // E[min(r, t, X_a)]
    }
    acc.clean += weight * std::max(r, t);
}

// One device whose next successful poll is `forward` after d_T: a reached device whose push
// session succeeds (probability r(1 - p)) is cleaned at L instead when L comes first.
void AccumulateDevice(Windows& acc, const Inputs& in, double weight, double forward, double t)
{
    const double base = in.tamDelay + in.sessionDelay;
    const double pushed = in.pushReach * (1 - in.sessionLoss);
    if (pushed > 0 && in.pushLatency < forward)
    {
        Accumulate(acc, weight * pushed, base + in.pushLatency, t);
        Accumulate(acc, weight * (1 - pushed), base + forward, t);
        return;
    }
    Accumulate(acc, weight, base + forward, t);
}

// Fixed interval, no loss: integrate over the phase φ of the poll grid (polls at φ + kP
// relative to t0). The TAM learns at d_T, the Verifier at d_V. The last stale AR is the one
// issued at min(first poll after d_T (the removal session, whose evidence still lists the TA),
// last poll at or before d_V).
Windows FixedPhaseIntegral(const Inputs& in)
{
    const double P = in.interval;
    const int steps = 4000;
    Windows acc = AuthorizationCap::Start(in);
    for (int i = 0; i < steps; ++i)
    {
        const double phi = (i + 0.5) / steps * P;
        const double firstAfterT = phi + std::floor((in.tamDelay - phi) / P + 1) * P;
        const double lastBeforeV = phi + std::floor((in.verifierDelay - phi) / P) * P;
        const double t = std::max(0.0, std::min(firstAfterT, lastBeforeV) + in.validity);
        AccumulateDevice(acc, in, 1.0 / steps, firstAfterT - in.tamDelay, t);
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
    Windows acc = AuthorizationCap::Start(in);
    for (int i = 0; i < steps; ++i)
    {
        const double u = (i + 0.5) / steps * P;
        for (int kf = 0; kf <= kMax; ++kf)
        {
            const double wf = std::pow(p, kf) * (1 - p);
            for (int kb = 0; kb <= kMax; ++kb)
            {
                const double wb = std::pow(pA, kb) * (1 - pA);
                const double age = (P - u) + kb * P;
                AccumulateDevice(acc, in, wf * wb / steps, u + kf * P,
                                 std::max(0.0, in.validity - age));
            }
        }
    }
    return acc;
}

// Independent R and A (Poisson polling), d_T = d_V = 0: E[min] = ∫ S_R(t) S_T(t) dt.
Windows IndependentExponential(const Inputs& in)
{
    const double Pp = in.interval / (1 - in.sessionLoss); // mean time between removal chances
    const double pA = in.arSessionLoss < 0 ? in.sessionLoss : in.arSessionLoss;
    const double PA = in.interval / (1 - pA); // mean time between ARs
    const double V = in.validity;
    const double d = in.sessionDelay;
    const double q = in.pushReach * (1 - in.sessionLoss);
    const double L = in.pushLatency;
    // Residual X with push: S_X(u) = e^{-u/P'} (1 - q 1[u >= L]).
    const double tailAtL = std::exp(-L / Pp);
    const double meanX = Pp * (1 - q * tailAtL);
    const double meanX2 = 2 * Pp * Pp - 2 * q * tailAtL * (Pp * L + Pp * Pp);
    Windows w = AuthorizationCap::Start(in);
    w.r = meanX + d;
    w.r2 = meanX2 + 2 * d * meanX + d * d;
    w.t = V - PA * (1 - std::exp(-V / PA));
    const int steps = 20000;
    const double h = V / steps;
    double danger = 0;
    for (int i = 0; i < steps; ++i)
    {
        const double t = (i + 0.5) * h;
        double sr = 1.0;
        if (t >= d)
        {
            sr = std::exp(-(t - d) / Pp) * (t - d >= L ? 1 - q : 1.0);
        }
        const double st = 1 - std::exp(-(V - t) / PA);
        danger += sr * st * h;
        w.dangerExec += w.cap ? sr * st * w.cap->Survival(t) * h : 0.0;
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
    Windows acc = AuthorizationCap::Start(in);
    for (int i = 0; i < nx; ++i)
    {
        const double x = a + (i + 0.5) / nx * (b - a);
        const double wx = (1.0 / nx) * x / in.interval; // length-biased weight
        for (int j = 0; j < ny; ++j)
        {
            const double y = (j + 0.5) / ny * x;
            AccumulateDevice(acc, in, wx / ny, y, std::max(0.0, in.validity - (x - y)));
        }
    }
    return acc;
}

} // namespace

std::optional<Windows> CoupledWindows(const Inputs& in, std::vector<std::string>& notes)
{
    const bool zeroDelays = in.tamDelay == 0 && in.verifierDelay == 0;
    const bool lossless = in.sessionLoss == 0 && in.arSessionLoss <= 0;
    if (in.pushReach > 0 && in.verifierDelay > in.tamDelay)
    {
        // Push sessions before d_V would issue fresh stale ARs: not modelled.
        notes.push_back("T_trust/W_danger with push: only modelled for d_V <= d_T");
        return std::nullopt;
    }
    if (in.law == IntervalLaw::Fixed && lossless)
    {
        return FixedPhaseIntegral(in);
    }
    if (in.law == IntervalLaw::Fixed && zeroDelays)
    {
        return FixedLossSum(in);
    }
    if (in.law == IntervalLaw::Exponential && zeroDelays)
    {
        return IndependentExponential(in);
    }
    if (in.law == IntervalLaw::UniformJitter && lossless && zeroDelays)
    {
        return UniformCovering(in);
    }
    notes.push_back("T_trust/W_danger: no closed form with d_T or d_V > 0 for this law");
    return std::nullopt;
}

} // namespace teepsim::analytic::detail
