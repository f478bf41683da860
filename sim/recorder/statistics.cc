// Type-7 quantiles and metric summaries over uncensored values.
#include "teepsim/sim/recorder.h"

#include <algorithm>
#include <cmath>

namespace teepsim::recorder
{

std::optional<double> Quantile(std::span<const double> sorted, double p)
{
    if (sorted.empty())
    {
        return std::nullopt;
    }
    const double h = static_cast<double>(sorted.size() - 1) * std::clamp(p, 0.0, 1.0);
    const auto lo = static_cast<size_t>(std::floor(h));
    const size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

Summary Summarize(std::vector<double>& values, uint64_t censored)
{
    Summary s;
    s.n = values.size();
    s.nCensored = censored;
    if (values.empty())
    {
        return s;
    }
    std::sort(values.begin(), values.end());
    // Two-pass mean/variance: exact enough and order-independent given the sorted input.
    double sum = 0;
    for (double v : values)
    {
        sum += v;
    }
    const double mean = sum / static_cast<double>(s.n);
    s.mean = mean;
    if (s.n > 1)
    {
        double ss = 0;
        for (double v : values)
        {
            ss += (v - mean) * (v - mean);
        }
        const double sd = std::sqrt(ss / static_cast<double>(s.n - 1));
        s.sd = sd;
        s.se = sd / std::sqrt(static_cast<double>(s.n));
    }
    s.p50 = Quantile(values, 0.50);
    s.p90 = Quantile(values, 0.90);
    s.p95 = Quantile(values, 0.95);
    s.p99 = Quantile(values, 0.99);
    s.max = values.back();
    return s;
}

} // namespace teepsim::recorder
