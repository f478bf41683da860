// Push notifications at t0 + d_T (docs/THEORY-EXTENSIONS.md §1). A reached device whose push
// session succeeds is cleaned at min(next successful poll, L): the push cuts the residual's
// survival by the factor 1 - r(1 - p) from L on, so it saves r(1 - p) ∫_L^∞ S(u) du on average.
#include "teepsim/sim/analytic.h"

#include <algorithm>
#include <cmath>

namespace teepsim::analytic
{

std::optional<double> ResidualTailIntegral(const Inputs& in, double L)
{
    if (in.retries > 0 || in.meanOff > 0 || in.synchronized)
    {
        return std::nullopt;
    }
    L = std::max(0.0, L);
    const double P = in.interval;
    const double p = in.sessionLoss;
    switch (in.law)
    {
        case IntervalLaw::Fixed:
        {
            // S = p^k (1 - (1-p) s/P) on [kP, (k+1)P): the part of period m after ℓ, then the
            // whole periods after it, each p^k P (1+p)/2.
            const double m = std::floor(L / P);
            const double l = L - m * P;
            const double partial = (P - l) - (1 - p) * (P * P - l * l) / (2 * P);
            return std::pow(p, m) * partial + std::pow(p, m + 1) * P * (1 + p) / (2 * (1 - p));
        }
        case IntervalLaw::Exponential:
        {
            const double Pp = P / (1 - p); // successful polls are Poisson with mean gap P'
            return Pp * std::exp(-L / Pp);
        }
        case IntervalLaw::UniformJitter:
        {
            if (p > 0)
            {
                return std::nullopt; // a geometric sum of uniforms: no closed form here
            }
            const double a = P * (1 - in.jitter);
            const double b = P * (1 + in.jitter);
            if (L >= b)
            {
                return 0.0;
            }
            if (L >= a)
            {
                return std::pow(b - L, 3) / (6 * (b - a) * P);
            }
            return ((a - L) * (a - L) / 2 + (b - a) * (a - L) / 2 + (b - a) * (b - a) / 6) / P;
        }
    }
    return std::nullopt;
}

std::optional<double> PushMeanResidual(const Inputs& in)
{
    const auto tail = ResidualTailIntegral(in, in.pushLatency);
    if (!tail)
    {
        return std::nullopt;
    }
    return RenewalMeanResidualWithLoss(in) - in.pushReach * (1 - in.sessionLoss) * *tail;
}

} // namespace teepsim::analytic
