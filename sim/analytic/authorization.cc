// Execution-time TA authorization (docs/THEORY-AUTHORIZATION.md): the law of X_a, the end of the
// TA's last authorization after t0, and its use in X = min(R, X_a) and W_danger = min(X, T_trust).
//
// The successful refreshes form a stationary renewal process (interval Y = the sum of K refresh
// intervals, K ~ Geometric(1 - q)). Around A = t0 + d_T the covering interval Y* is length-biased
// and A is uniform in it: the last good status was issued B ~ U(0, Y*) before A and expires at
// A - B + V_a; the next success, at A - B + Y*, brings "revoked". So the TA stops at
// A - B + min(V_a, Y*), and X_a = max(0, d_T + min(V_a, Y*) - B).
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>

#include "parts.h"

namespace teepsim::analytic
{

namespace detail
{

namespace
{

// Probability of more than k failed refreshes in a row is q^k: stop the mixture below this.
constexpr double kTail = 1e-13;
// Bins of one uniform refresh interval (jitter): the discrete convolution's variance differs
// from the continuous one by a factor 1 - 1/n^2.
constexpr int kJitterBins = 200;
// Grid of the tabulated Integral over [0, d_T + V_a].
constexpr int kGrid = 8000;

int MaxFailures(double q)
{
    return q <= 0 ? 1 : std::max(1, static_cast<int>(std::ceil(std::log(kTail) / std::log(q))));
}

// E[max(0, m - B)] and P(max(0, m - B) > u) for B ~ U(0, y).
double AtomMean(double m, double y)
{
    return m >= y ? m - y / 2 : m * m / (2 * y);
}
double AtomSurvival(double m, double y, double u)
{
    return std::clamp((m - u) / y, 0.0, 1.0);
}

} // namespace

AuthorizationCap::AuthorizationCap(const Inputs& in)
    : tamDelay_(in.tamDelay), validity_(in.statusValidity)
{
    const double s = 1 - in.statusLoss;
    const double R = in.statusRefresh;
    const double meanY = R / s; // mean time between successful refreshes
    const int kMax = MaxFailures(in.statusLoss);
    if (in.statusJitter <= 0)
    {
        // Y = K R: length-biased P(K = k) k / E[K] = k s^2 q^(k-1).
        for (int k = 1; k <= kMax; ++k)
        {
            const double p = k * s * s * std::pow(in.statusLoss, k - 1);
            atoms_.emplace_back(k * R, p);
        }
    }
    else
    {
        // Y = sum of K intervals U[a, b]: convolve the binned density k times.
        const double a = R * (1 - in.statusJitter);
        const double h = 2 * R * in.statusJitter / kJitterBins;
        std::vector<double> one(kJitterBins, 1.0 / kJitterBins);
        std::vector<double> sum = one; // masses of K = k at k a + (i + k / 2) h
        for (int k = 1; k <= kMax; ++k)
        {
            const double pk = s * std::pow(in.statusLoss, k - 1);
            for (size_t i = 0; i < sum.size(); ++i)
            {
                const double y = k * a + (static_cast<double>(i) + k / 2.0) * h;
                atoms_.emplace_back(y, pk * sum[i] * y / meanY);
            }
            if (k == kMax)
            {
                break;
            }
            std::vector<double> next(sum.size() + one.size() - 1, 0.0);
            for (size_t i = 0; i < sum.size(); ++i)
            {
                for (size_t j = 0; j < one.size(); ++j)
                {
                    next[i + j] += sum[i] * one[j];
                }
            }
            sum = std::move(next);
        }
    }
    double total = 0;
    for (const auto& [y, p] : atoms_)
    {
        total += p;
    }
    for (auto& [y, p] : atoms_)
    {
        p /= total; // the truncated tail, < 1e-12
        mean_ += p * AtomMean(tamDelay_ + std::min(validity_, y), y);
    }
    // X_a <= d_T + V_a: tabulate ∫_0^w S on [0, d_T + V_a] (S is piecewise linear per atom).
    step_ = (tamDelay_ + validity_) / kGrid;
    integral_.assign(kGrid + 1, 0.0);
    double prev = Survival(0);
    for (int i = 1; i <= kGrid; ++i)
    {
        const double cur = Survival(i * step_);
        integral_[i] = integral_[i - 1] + (prev + cur) / 2 * step_;
        prev = cur;
    }
}

double AuthorizationCap::Survival(double t) const
{
    if (t < 0)
    {
        return 1;
    }
    // Linear in the atoms (≈ 18,000 for a jittered lossy law): fine once the law is built once
    // per parameter set (For), and the summation order keeps recorded analytic rows identical.
    double out = 0;
    for (const auto& [y, p] : atoms_)
    {
        out += p * AtomSurvival(tamDelay_ + std::min(validity_, y), y, t);
    }
    return out;
}

std::shared_ptr<const AuthorizationCap> AuthorizationCap::For(const Inputs& in)
{
    using Key = std::array<double, 5>;
    static std::mutex mutex;
    static std::map<Key, std::shared_ptr<const AuthorizationCap>> cache;
    const Key key{in.tamDelay, in.statusValidity, in.statusRefresh, in.statusJitter, in.statusLoss};
    const std::lock_guard<std::mutex> lock(mutex);
    auto it = cache.find(key);
    if (it == cache.end())
    {
        if (cache.size() >= 64)
        {
            cache.clear(); // a sweep visits many sets; only the last few are asked again
        }
        it = cache.emplace(key, std::make_shared<const AuthorizationCap>(in)).first;
    }
    return it->second;
}

double AuthorizationCap::Integral(double w) const
{
    if (w <= 0)
    {
        return 0;
    }
    const double pos = w / step_;
    if (pos >= kGrid)
    {
        return mean_;
    }
    const auto i = static_cast<size_t>(pos);
    return integral_[i] + (pos - static_cast<double>(i)) * (integral_[i + 1] - integral_[i]);
}

Windows AuthorizationCap::Start(const Inputs& in)
{
    Windows w;
    if (in.executionTime && !in.statusUnmodelled)
    {
        w.cap = For(in);
    }
    return w;
}

void PredictAuthorization(const Inputs& in, std::optional<double> rShift,
                          const std::optional<Windows>& w, Prediction& out)
{
    out.meanWdanger.reset(); // the install-time value does not apply
    if (in.statusUnmodelled)
    {
        out.notes.push_back("execution-time authorization: no closed form for X here");
        return;
    }
    const std::shared_ptr<const AuthorizationCap> cap = AuthorizationCap::For(in);
    if (rShift)
    {
        // E[X] = ∫ P(R > t) P(X_a > t) dt over [0, d_T + V_a] (X_a is 0 beyond).
        const double end = in.tamDelay + in.statusValidity;
        const int steps = 20000;
        const double h = end / steps;
        double mean = 0;
        for (int i = 0; i < steps; ++i)
        {
            const double t = (i + 0.5) * h;
            const double sr = t < *rShift ? 1.0 : ResidualSurvival(in, t - *rShift).value_or(0);
            mean += sr * cap->Survival(t) * h;
        }
        out.meanX = mean;
        out.notes.push_back("X = min(R, X_a), X_a independent (THEORY-AUTHORIZATION 3)");
    }
    else
    {
        out.notes.push_back("X: no closed form for R's distribution here");
    }
    if (in.brokerDropsAll)
    {
        out.notes.push_back("W_danger at execution time: not modelled with R infinite");
    }
    else if (w && w->cap && out.meanWclean)
    {
        out.meanWdanger = w->dangerExec;
    }
}

} // namespace detail

double AuthorizationSurvival(const Inputs& in, double t)
{
    return detail::AuthorizationCap::For(in)->Survival(t);
}

double AuthorizationMean(const Inputs& in)
{
    return detail::AuthorizationCap::For(in)->Mean();
}

} // namespace teepsim::analytic
