// Numerics on Predict's R survival grid shared by the freshness closed forms (freshness.cc,
// freshness-nonce.cc).
#pragma once

#include <functional>
#include <utility>
#include <vector>

namespace teepsim::analytic::detail
{

/// Linear interpolation of Predict's R survival grid; 0 past its end (<= 1e-4 there).
inline double SurvivalAt(const std::vector<std::pair<double, double>>& curve, double t)
{
    if (t <= curve.front().first)
    {
        return curve.front().second;
    }
    for (size_t i = 1; i < curve.size(); ++i)
    {
        if (t <= curve[i].first)
        {
            const auto& [t0, s0] = curve[i - 1];
            const auto& [t1, s1] = curve[i];
            return s0 + (s1 - s0) * (t - t0) / (t1 - t0);
        }
    }
    return 0.0;
}

/// ∫_0^end g(t) dt by the midpoint rule on n steps.
inline double Integrate(const std::function<double(double)>& g, double end, int n = 20000)
{
    const double h = end / n;
    double sum = 0;
    for (int i = 0; i < n; ++i)
    {
        sum += g((i + 0.5) * h);
    }
    return sum * h;
}

} // namespace teepsim::analytic::detail
