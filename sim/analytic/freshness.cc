// Epoch and nonce freshness (docs/THEORY-FRESHNESS.md): the law of T_trust when a relying party
// accepts an affirming result while its epoch ID is among its last w epochs (§3), or until its
// own next challenge is answered (§4, freshness-nonce.cc), and the windows W_danger, W_clean where
// R and T_trust are independent. R itself does not depend on the freshness mechanism.
#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "freshness-nonce.h"
#include "parts.h"
#include "survival_grid.h"

namespace teepsim::analytic
{

namespace
{

// Survival terms below this are dropped from the epoch sums.
constexpr double kTail = 1e-15;

// P(A > a): the age, at t0 + d_V, of the last affirming result. ARs come from the successful
// sessions (loss arSessionLoss), a stationary renewal process, so A has the equilibrium law of
// the residual (THEORY §3.1, §3.2). nullopt where that law has no closed form.
std::optional<double> AgeSurvival(const Inputs& in, double a)
{
    Inputs ar = in;
    ar.sessionLoss = in.arSessionLoss < 0 ? in.sessionLoss : in.arSessionLoss;
    ar.brokerDrop = 0;
    return ResidualSurvival(ar, a);
}

// E[(x + D)+] for the delivery-delay law.
double PositivePartMean(const FreshnessInputs& f, double x)
{
    const double mu = f.delayMean;
    if (mu <= 0 || f.delayLaw == DelayDistribution::Fixed)
    {
        return std::max(0.0, x + mu);
    }
    if (x >= 0)
    {
        return x + mu;
    }
    if (f.delayLaw == DelayDistribution::Exponential)
    {
        return mu * std::exp(x / mu); // E[(D - a)+] = mu e^{-a/mu}, a = -x
    }
    const double b = 2 * mu; // U[0, b]
    return x <= -b ? 0.0 : (b + x) * (b + x) / (2 * b);
}

// P(x + D <= t).
double ShiftedDelayCdf(const FreshnessInputs& f, double x, double t)
{
    const double u = t - x;
    const double mu = f.delayMean;
    if (mu <= 0 || f.delayLaw == DelayDistribution::Fixed)
    {
        return u >= mu ? 1.0 : 0.0;
    }
    if (u < 0)
    {
        return 0.0;
    }
    if (f.delayLaw == DelayDistribution::Exponential)
    {
        return 1 - std::exp(-u / mu);
    }
    return std::min(1.0, u / (2 * mu));
}

// The epoch model applies: a closed-form age law, and the last affirming AR is the last one
// before the Verifier learns (no removal session in between: d_V <= d_T).
bool EpochModelled(const Inputs& in, std::string* why)
{
    const FreshnessInputs& f = in.freshness;
    if (f.epochDuration <= 0 || f.epochWindow < 1 || f.epochPhase < 0 ||
        f.epochPhase >= f.epochDuration)
    {
        *why = "epoch: needs E > 0, w >= 1 and 0 <= phase < E";
        return false;
    }
    if (in.verifierDelay > in.tamDelay)
    {
        *why = "epoch: T_trust only modelled for d_V <= d_T (the removal session's AR is later)";
        return false;
    }
    if (in.trustUnmodelled)
    {
        *why = "epoch: the AR process changes at t0 before the Verifier knows";
        return false;
    }
    if (!AgeSurvival(in, in.interval))
    {
        *why = "epoch: no closed-form age law for this policy-check law, loss or availability";
        return false;
    }
    return true;
}

// Visits the lattice of T_trust: M = m epoch boundaries lie between the last affirming AR and
// t0 + d_V, with probability P(M = m), and then T_trust = (x_m + D)+ with
// x_m = d_V - φ + (w - m) E (THEORY-FRESHNESS §3.1).
void ForEachEpochTerm(const Inputs& in, const std::function<void(double, double)>& visit)
{
    const FreshnessInputs& f = in.freshness;
    const double E = f.epochDuration;
    const double phi = f.epochPhase;
    double above = *AgeSurvival(in, phi); // P(A > φ + (m - 1)E) for the next m
    visit(1 - above, in.verifierDelay - phi + f.epochWindow * E);
    for (long m = 1; above > kTail && m < 100'000'000; ++m)
    {
        const double next = *AgeSurvival(in, phi + m * E);
        visit(above - next, in.verifierDelay - phi + (f.epochWindow - m) * E);
        above = next;
    }
}

using detail::Integrate;
using detail::SurvivalAt;

// Quantile-midpoint values of the delivery delay D (equal weights).
std::vector<double> DelayPoints(const FreshnessInputs& f)
{
    const double mu = f.delayMean;
    if (mu <= 0 || f.delayLaw == DelayDistribution::Fixed)
    {
        return {std::max(0.0, mu)};
    }
    const int n = 256;
    std::vector<double> d(n);
    for (int j = 0; j < n; ++j)
    {
        const double u = (j + 0.5) / n;
        d[j] = f.delayLaw == DelayDistribution::Uniform ? 2 * mu * u : -mu * std::log(1 - u);
    }
    return d;
}

// Fixed interval P without loss (THEORY-FRESHNESS §3.3): integrate over the poll phase ψ (polls
// at ψ + kP after t0, as THEORY §3.4's phase integral). The removal follows the first poll
// after d_T; the last AR is the last poll at or before d_V, its age A = d_V - that poll. R's
// constant part (d_T, δ, TAM waits) is E[R] - P/2.
void EpochFixedPhaseWindows(const Inputs& in, Prediction& out)
{
    const FreshnessInputs& f = in.freshness;
    const double P = in.interval;
    const double E = f.epochDuration;
    const double phi = f.epochPhase;
    const double rShift = *out.meanR - P / 2;
    const std::vector<double> delays = DelayPoints(f);
    const int steps = 2000;
    double danger = 0;
    for (int i = 0; i < steps; ++i)
    {
        const double psi = (i + 0.5) / steps * P;
        const double firstAfterT = psi + std::floor((in.tamDelay - psi) / P + 1) * P;
        const double lastBeforeV = psi + std::floor((in.verifierDelay - psi) / P) * P;
        const double r = rShift + (firstAfterT - in.tamDelay);
        const double age = in.verifierDelay - lastBeforeV;
        const double m = age <= phi ? 0.0 : std::ceil((age - phi) / E);
        const double x = in.verifierDelay - phi + (f.epochWindow - m) * E;
        double sum = 0;
        for (double d : delays)
        {
            sum += std::min(r, std::max(0.0, x + d));
        }
        danger += sum / static_cast<double>(delays.size()) / steps;
    }
    out.meanWdanger = danger;
    out.meanWclean = *out.meanR + *out.meanTtrust - danger;
}

void ApplyEpoch(const Inputs& in, Prediction& out)
{
    std::string why;
    if (!EpochModelled(in, &why))
    {
        out.notes.push_back(why);
        return;
    }
    out.meanTtrust = EpochMeanTtrust(in);
    out.notes.push_back("epoch freshness: T_trust = (d_V - phase + (w - M) E + D)+ "
                        "(THEORY-FRESHNESS 3)");
    if (in.brokerDropsAll)
    {
        out.meanWdanger = out.meanTtrust;
        return;
    }
    if (!out.meanR)
    {
        out.notes.push_back("epoch: W_danger/W_clean need E[R], unknown here");
        return;
    }
    // A fixed interval without loss couples R and the AR age through the poll phase; Poisson
    // checks with d_T = d_V = 0 make them independent (THEORY §3.4). Elsewhere min(R, T_trust)
    // needs a joint law not derived here.
    const bool fixedLossless = in.law == IntervalLaw::Fixed && in.sessionLoss == 0 &&
                               in.arSessionLoss <= 0 && in.pushReach == 0;
    if (fixedLossless)
    {
        EpochFixedPhaseWindows(in, out);
        return;
    }
    const bool independent = in.law == IntervalLaw::Exponential && in.tamDelay == 0 &&
                             in.verifierDelay == 0 && in.pushReach == 0;
    if (!independent || out.survival.empty())
    {
        out.notes.push_back("epoch: W_danger/W_clean only modelled for a fixed interval without "
                            "loss, or exponential checks with d_T = d_V = 0");
        return;
    }
    const FreshnessInputs& f = in.freshness;
    const double tail =
        f.delayLaw == DelayDistribution::Exponential ? 40 * f.delayMean : 2 * f.delayMean;
    const double end = std::max(out.survival.back().first,
                                in.verifierDelay + f.epochWindow * f.epochDuration + tail);
    out.meanWdanger = Integrate(
        [&](double t)
        { return SurvivalAt(out.survival, t) * (1 - FreshnessTrustCdf(in, t).value_or(1.0)); },
        end, 4000);
    out.meanWclean = *out.meanR + *out.meanTtrust - *out.meanWdanger;
}

} // namespace

std::optional<double> EpochMeanTtrust(const Inputs& in)
{
    std::string why;
    if (in.freshness.kind != FreshnessKind::Epoch || !EpochModelled(in, &why))
    {
        return std::nullopt;
    }
    double mean = 0;
    ForEachEpochTerm(in, [&](double prob, double x)
                     { mean += prob * PositivePartMean(in.freshness, x); });
    return mean;
}

std::optional<double> FreshnessTrustCdf(const Inputs& in, double t)
{
    const FreshnessInputs& f = in.freshness;
    if (t < 0)
    {
        return 0.0;
    }
    if (f.kind == FreshnessKind::Nonce)
    {
        return detail::NonceTrustCdf(in, t);
    }
    std::string why;
    if (f.kind != FreshnessKind::Epoch || !EpochModelled(in, &why))
    {
        return std::nullopt;
    }
    double cdf = 0;
    ForEachEpochTerm(in, [&](double prob, double x) { cdf += prob * ShiftedDelayCdf(f, x, t); });
    return std::min(1.0, cdf);
}

namespace detail
{

void ApplyFreshness(const Inputs& in, Prediction& out)
{
    if (in.freshness.kind == FreshnessKind::Timestamp)
    {
        return;
    }
    // The timestamp windows no longer apply; R does.
    out.meanTtrust.reset();
    out.meanWdanger.reset();
    out.meanWclean.reset();
    if (in.freshness.kind == FreshnessKind::Nonce)
    {
        ApplyNonce(in, out);
    }
    else
    {
        ApplyEpoch(in, out);
    }
    // The freshness windows assume the TA runs until removal; with execution-time
    // authorization W_danger = min(X, T_trust) has no closed form combining both.
    if (in.executionTime && out.meanWdanger)
    {
        out.meanWdanger.reset();
        out.notes.push_back("W_danger: no closed form for execution-time authorization together "
                            "with epoch or nonce freshness (only each alone)");
    }
}

} // namespace detail

} // namespace teepsim::analytic
