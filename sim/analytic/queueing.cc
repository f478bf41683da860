// TAM queueing (THEORY §3.6): M/D/1 for Poisson polling, N·D/D/1 for fixed periods with
// independent uniform phases (Roberts & Virtamo 1991).
#include "teepsim/sim/analytic.h"

#include <cmath>

namespace teepsim::analytic
{

double MD1Wait(double rho, double s)
{
    return rho * s / (2 * (1 - rho));
}

namespace
{
// P(W > x), x and D in service units.
double NDD1Tail(size_t N, double D, double x)
{
    const double n0 = std::floor(x) + 1;
    double sum = 0;
    const double lgN = std::lgamma(static_cast<double>(N) + 1);
    for (double n = n0; n <= static_cast<double>(N); ++n)
    {
        const double u = (n - x) / D;
        if (u >= 1)
        {
            break;
        }
        const double logTerm = lgN - std::lgamma(n + 1) - std::lgamma(N - n + 1) + n * std::log(u) +
                               (N - n) * std::log1p(-u);
        const double term = std::exp(logTerm) * (D - N + x) / (D - n + x);
        sum += term;
        if (n > x + 10 && term < 1e-16 * sum)
        {
            break; // past the peak of the binomial-like terms
        }
    }
    return sum;
}
} // namespace

double NDD1Wait(size_t n, double period, double s)
{
    const double D = period / s;
    // E[W] = ∫ P(W > x) dx (service units), Simpson's rule until the tail is negligible.
    const double h = 0.02;
    double integral = 0;
    double prev = NDD1Tail(n, D, 0);
    for (size_t k = 1;; ++k)
    {
        const double x = static_cast<double>(k) * h; // integer index: no drift across unit steps
        const double mid = NDD1Tail(n, D, x - h / 2);
        const double cur = NDD1Tail(n, D, x);
        integral += h / 6 * (prev + 4 * mid + cur);
        prev = cur;
        if (cur < 1e-12 || x >= static_cast<double>(n))
        {
            break;
        }
    }
    return integral * s;
}

} // namespace teepsim::analytic
