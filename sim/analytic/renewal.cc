// Renewal-theory building blocks: residual time to the next successful policy check.
#include "teepsim/sim/analytic.h"

#include <algorithm>
#include <cmath>

namespace teepsim::analytic
{

namespace
{
double IntervalVariance(const Inputs& in)
{
    switch (in.law)
    {
        case IntervalLaw::Fixed:
            return 0;
        case IntervalLaw::UniformJitter:
            return in.jitter * in.jitter * in.interval * in.interval / 3;
        case IntervalLaw::Exponential:
            return in.interval * in.interval;
    }
    return 0;
}
} // namespace

double RenewalMeanResidualWithLoss(const Inputs& in)
{
    const double m = in.interval;
    const double p = in.sessionLoss;
    return IntervalVariance(in) / (2 * m) + m * (1 + p) / (2 * (1 - p));
}

std::optional<double> ResidualSurvival(const Inputs& in, double t)
{
    if (in.retries > 0 || in.meanOff > 0 || in.synchronized)
    {
        return std::nullopt;
    }
    if (t <= 0)
    {
        return 1.0;
    }
    const double P = in.interval;
    const double p = in.sessionLoss;
    switch (in.law)
    {
        case IntervalLaw::Fixed:
        {
            // t = kP + s: k failed ticks, then the remaining part of the current interval.
            const double k = std::floor(t / P);
            const double s = t - k * P;
            return std::pow(p, k) * (1 - (1 - p) * s / P);
        }
        case IntervalLaw::Exponential:
            return std::exp(-t * (1 - p) / P);
        case IntervalLaw::UniformJitter:
        {
            if (p > 0)
            {
                return std::nullopt; // a sum of a geometric number of uniforms: no closed form here
            }
            // Equilibrium residual of U[a, b]: (1/m) ∫_t^∞ (1 - F(x)) dx.
            const double a = P * (1 - in.jitter);
            const double b = P * (1 + in.jitter);
            if (t < a)
            {
                return ((a - t) + (b - a) / 2) / P;
            }
            if (t < b)
            {
                return (b - t) * (b - t) / (2 * (b - a)) / P;
            }
            return 0.0;
        }
    }
    return std::nullopt;
}

double FixedIntervalRetryMean(double P, double p, int r, double b, double pTrigger, double drop)
{
    const double pt = pTrigger < 0 ? p : pTrigger;
    // THEORY §3.2, integrated exactly over the phase u of t0 within a round: attempts of the
    // current round at j·b (j = 0..r) still ahead of u happen only if all earlier ones failed.
    // After t0 an attempt is dropped by the Broker with probability `drop` (the burst ends: a
    // dropped session shows no failure, so nothing retries, THEORY-EXTENSIONS §4), removes with
    // probability a = (1 - drop)(1 - p), or fails and retries with c = (1 - drop) p.
    const double a = (1 - drop) * (1 - p);
    const double c = (1 - drop) * p;
    // A round that starts after t0: success at attempt j with probability c^j a; no success in
    // the round with Q = 1 - a Σ c^j, after which the next round starts P after this one.
    double successWait = 0; // Σ_j c^j a · j b
    double successProb = 0;
    for (int j = 0; j <= r; ++j)
    {
        successWait += std::pow(c, j) * a * j * b;
        successProb += std::pow(c, j) * a;
    }
    const double roundFails = 1 - successProb;
    const double roundWait = (successWait + roundFails * P) / (1 - roundFails);

    // E[R | u] is linear in u between attempt instants; integrate piece by piece. Attempts
    // before t0 (j < j0) continue the burst with probability pt (the Broker is honest then).
    auto meanGiven = [&](double u)
    {
        int j0 = r + 1;
        for (int j = 0; j <= r; ++j)
        {
            if (j * b > u)
            {
                j0 = std::min(j0, j);
            }
        }
        const double reach = std::pow(pt, j0); // the burst is still running at t0
        double e = 0;
        double success = 0;
        for (int j = j0; j <= r; ++j)
        {
            const double w = reach * std::pow(c, j - j0) * a;
            e += w * (j * b - u);
            success += w;
        }
        return e + (1 - success) * (P - u + roundWait);
    };
    double total = 0;
    double lo = 0;
    for (int j = 0; j <= r + 1; ++j)
    {
        const double hi = (j <= r) ? std::min(P, j * b) : P;
        if (hi > lo)
        {
            // Linear on (lo, hi]: the midpoint rule is exact. Evaluate just inside the piece.
            const double eps = (hi - lo) * 1e-9;
            total += (meanGiven(lo + eps) + meanGiven(hi - eps)) / 2 * (hi - lo);
        }
        lo = std::max(lo, hi);
    }
    return total / P;
}

std::optional<double> FleetMax(const Inputs& in)
{
    if (!ResidualSurvival(in, in.interval))
    {
        return std::nullopt;
    }
    // ∫ 1 - (1 - S)^N dt with the trapezoid rule on a grid fine against P, until S is negligible.
    const double step = in.interval / 2000;
    const double n = static_cast<double>(in.devices);
    double integral = 0;
    double prev = 1.0;
    for (double t = step;; t += step)
    {
        const double s = *ResidualSurvival(in, t);
        const double cur = 1 - std::pow(1 - s, n);
        integral += (prev + cur) / 2 * step;
        prev = cur;
        if (cur < 1e-12 || t > 1e4 * in.interval)
        {
            break;
        }
    }
    return integral;
}

} // namespace teepsim::analytic
