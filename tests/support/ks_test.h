// Kolmogorov-Smirnov tests shared by the theory tests: the two-sample statistic (two runs that
// should agree), the one-sample statistic against a closed-form CDF, and the asymptotic p-value.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <vector>

namespace teepsim::test
{

/// Two-sample KS statistic D = sup |F1 - F2| over the pooled sample.
inline double KsStatistic(std::vector<double> a, std::vector<double> b)
{
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    size_t i = 0, j = 0;
    double d = 0;
    while (i < a.size() && j < b.size())
    {
        const double x = std::min(a[i], b[j]);
        while (i < a.size() && a[i] <= x)
        {
            ++i;
        }
        while (j < b.size() && b[j] <= x)
        {
            ++j;
        }
        d = std::max(
            d, std::abs(static_cast<double>(i) / a.size() - static_cast<double>(j) / b.size()));
    }
    return d;
}

/// One-sample KS statistic D = sup |F_n - F| of `sample` against a continuous CDF F.
inline double KsStatisticAgainst(std::vector<double> sample,
                                 const std::function<double(double)>& cdf)
{
    std::sort(sample.begin(), sample.end());
    const double n = static_cast<double>(sample.size());
    double d = 0;
    for (size_t i = 0; i < sample.size(); ++i)
    {
        const double f = cdf(sample[i]);
        d = std::max({d, (i + 1) / n - f, f - i / n});
    }
    return d;
}

/// Asymptotic p-value of D (Kolmogorov distribution with Stephens' small-sample correction,
/// as in Numerical Recipes' probks): Q(λ) = 2 Σ (-1)^{k-1} exp(-2 k² λ²). n2 = 0: one-sample.
inline double KsPValue(double d, size_t n1, size_t n2 = 0)
{
    const double ne = n2 == 0 ? static_cast<double>(n1) : static_cast<double>(n1) * n2 / (n1 + n2);
    const double lambda = (std::sqrt(ne) + 0.12 + 0.11 / std::sqrt(ne)) * d;
    if (lambda < 1e-3)
    {
        return 1.0;
    }
    double sum = 0, sign = 1;
    for (int k = 1; k <= 100; ++k)
    {
        const double term = sign * std::exp(-2.0 * k * k * lambda * lambda);
        sum += term;
        if (std::abs(term) < 1e-12)
        {
            break;
        }
        sign = -sign;
    }
    return std::clamp(2 * sum, 0.0, 1.0);
}

} // namespace teepsim::test
