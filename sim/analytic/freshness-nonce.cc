// Nonce freshness (docs/THEORY-FRESHNESS.md §4). The relying party's challenges are a stationary
// renewal process (fixed C or exponential, mean C) independent of everything else; each
// exchange gets a valid answer with probability q = 1 - p, independently. Measured from t0,
// let B' be the instant from which a challenge's answer no longer vouches for the TA: its
// evidence is signed after the removal (challenge at R - a_R or later) or appraised after the
// Verifier learned (at d_V - a_V or later), B' = min(R - a_R, d_V - a_V). An affirming answer
// is accepted until the next challenge resolves (answered: ρ after it; unanswered: τ after
// it). Then T_trust = (B' + X)+ with X independent of B':
//   q^2   : X = Res + ρ        (last challenge before B' answered, the next one answered)
//   q p   : X = Res + τ        (... the next one unanswered)
//   p     : X = τ - V          (the last ones before B' unanswered: trust ended τ after the
//                               first of them, V before B'), V of density g below,
// Res the equilibrium residual of the challenges after B'. g(v) = q p^j / C on
// [(j - 1)C, jC) for fixed intervals; (q p / C) e^{-q v / C} for exponential ones (the
// unanswered challenges before the last answered one are a thinned Poisson process).
// Assumes τ and ρ shorter than the intervals (the exchanges of one device do not overlap).
#include "freshness-nonce.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <vector>

#include "survival_grid.h"

namespace teepsim::analytic::detail
{

namespace
{

constexpr double kTail = 1e-15;

struct Law
{
    bool fixed;
    double C, p, q, tau, rho, aR, aV;

    double MeanRes() const { return fixed ? C / 2 : C; }
    // P(Res <= u).
    double ResCdf(double u) const
    {
        if (u <= 0)
        {
            return 0;
        }
        return fixed ? std::min(1.0, u / C) : 1 - std::exp(-u / C);
    }
    // E[(Res + k)+].
    double ResPositiveMean(double k) const
    {
        if (k >= 0)
        {
            return k + MeanRes();
        }
        const double x = -k;
        if (fixed)
        {
            return x >= C ? 0.0 : (C - x) * (C - x) / (2 * C);
        }
        return C * std::exp(-x / C);
    }
    // G(x) = ∫_x^∞ g: the weight of V >= x (p in all for x <= 0).
    double VTail(double x) const
    {
        if (p <= 0)
        {
            return 0;
        }
        x = std::max(0.0, x);
        if (!fixed)
        {
            return p * std::exp(-q * x / C);
        }
        const double k = std::floor(x / C);
        const double pk = std::pow(p, k + 1);
        return q * pk * (1 - (x - k * C) / C) + pk * p;
    }
    // H(m) = ∫_0^m (m - v) g(v) dv = E[(m - V)+ ; the p part].
    double VPositiveMean(double m) const
    {
        if (m <= 0 || p <= 0)
        {
            return 0;
        }
        if (!fixed)
        {
            if (q <= 0)
            {
                return 0; // every challenge unanswered: V is infinitely far
            }
            const double lambda = q / C;
            return p * (m - (1 - std::exp(-lambda * m)) / lambda);
        }
        double sum = 0;
        double pj = p;
        for (int j = 1; pj > kTail; ++j, pj *= p)
        {
            const double lo = (j - 1) * C;
            if (lo >= m)
            {
                break;
            }
            const double hi = std::min(j * C, m);
            sum += q * pj / C * ((m - lo) * (m - lo) - (m - hi) * (m - hi)) / 2;
        }
        return sum;
    }
    // h(b) = E[(b + X)+] for a given B' = b.
    double MeanGiven(double b) const
    {
        return q * q * ResPositiveMean(b + rho) + q * p * ResPositiveMean(b + tau) +
               VPositiveMean(b + tau);
    }
    // P(b + X <= t), t >= 0.
    double CdfGiven(double b, double t) const
    {
        return q * q * ResCdf(t - b - rho) + q * p * ResCdf(t - b - tau) + VTail(b + tau - t);
    }
};

std::optional<Law> LawOf(const Inputs& in)
{
    const FreshnessInputs& f = in.freshness;
    if (f.challengeLaw == IntervalLaw::UniformJitter || f.challengeLossUnmodelled)
    {
        return std::nullopt;
    }
    Law l;
    l.fixed = f.challengeLaw == IntervalLaw::Fixed;
    l.C = f.challengeInterval;
    l.p = std::clamp(f.challengeLoss, 0.0, 1.0);
    l.q = 1 - l.p;
    l.tau = f.challengeTimeout;
    l.rho = f.answerDelay;
    l.aR = f.signingDelay;
    l.aV = f.appraisalDelay;
    return l;
}

// A compromised Broker that drops everything from t0 drops every challenge reaching the device
// from then on: the first challenge after -a_R is unanswered for sure, whatever R and d_V.
// E[T_trust] and P(T_trust <= t) then.
double DropAllMean(const Law& l)
{
    const double b = -l.aR;
    return l.q * l.ResPositiveMean(b + l.tau) + l.VPositiveMean(b + l.tau);
}

double DropAllCdf(const Law& l, double t)
{
    const double b = -l.aR;
    return l.q * l.ResCdf(t - b - l.tau) + l.VTail(b + l.tau - t);
}

} // namespace

std::optional<double> NonceTrustCdf(const Inputs& in, double t)
{
    const std::optional<Law> l = LawOf(in);
    if (!l)
    {
        return std::nullopt;
    }
    if (t < 0)
    {
        return 0.0;
    }
    if (in.brokerDropsAll)
    {
        return std::min(1.0, DropAllCdf(*l, t));
    }
    if (in.verifierDelay != 0)
    {
        return std::nullopt; // B' depends on R
    }
    // d_V = 0: B' = -a_V (the removal comes later).
    return std::min(1.0, l->CdfGiven(-l->aV, t));
}

void ApplyNonce(const Inputs& in, Prediction& out)
{
    const std::optional<Law> law = LawOf(in);
    if (!law)
    {
        out.notes.push_back(in.freshness.challengeLossUnmodelled
                                ? "nonce: challenge losses are not independent here (device "
                                  "availability): no closed form"
                                : "nonce: only fixed and exponential challenge intervals are "
                                  "modelled");
        return;
    }
    const Law& l = *law;
    const double dV = in.verifierDelay;
    out.notes.push_back("nonce freshness: T_trust = (B' + X)+, B' = min(R - a_R, d_V - a_V), X "
                        "the resolution of the first challenge after B' or the timeout of an "
                        "unanswered one before it (THEORY-FRESHNESS 4)");
    if (const auto a = NonceTrustAvailability(in))
    {
        char buf[160];
        std::snprintf(buf, sizeof buf,
                      "nonce: a healthy device is trusted %.4f of the time (p = %.4f per "
                      "challenge, THEORY-FRESHNESS 4.3)",
                      *a, l.p);
        out.notes.emplace_back(buf);
    }
    const bool rKnown = !out.survival.empty();
    if (in.brokerDropsAll)
    {
        out.meanTtrust = DropAllMean(l);
        out.meanWdanger = out.meanTtrust; // R = ∞
        return;
    }
    if (dV == 0)
    {
        out.meanTtrust = l.MeanGiven(-l.aV);
    }
    else if (rKnown)
    {
        // E[h(B')]: B' = R - a_R while R - a_R < d_V - a_V, else d_V - a_V (an atom).
        const double cut = dV - l.aV + l.aR; // R below this: the removal decides
        const int n = 4000;
        double mean = 0, prev = 1.0;
        for (int i = 0; i < n; ++i)
        {
            const double r1 = cut * (i + 1) / n;
            const double s1 = SurvivalAt(out.survival, r1);
            mean += (prev - s1) * l.MeanGiven(cut * (i + 0.5) / n - l.aR);
            prev = s1;
        }
        mean += prev * l.MeanGiven(dV - l.aV);
        out.meanTtrust = mean;
    }
    else
    {
        out.notes.push_back("nonce: T_trust with d_V > 0 needs the law of R, unknown here");
        return;
    }
    if (!rKnown || !out.meanR)
    {
        out.notes.push_back("nonce: W_danger/W_clean need the law of R, unknown here");
        return;
    }
    const double resEnd = l.fixed ? l.C : 40 * l.C;
    const double end = std::max(out.survival.back().first, dV + resEnd + l.tau);
    if (dV == 0)
    {
        // T_trust is independent of R: P(min(R, T) > t) = S_R(t) (1 - F_T(t)).
        out.meanWdanger = Integrate(
            [&](double t)
            { return SurvivalAt(out.survival, t) * (1 - std::min(1.0, l.CdfGiven(-l.aV, t))); },
            end);
    }
    else if (l.p == 0)
    {
        // Without loss: for t <= d_V, T > t whenever R > t; after, R > t > d_V makes
        // B' = d_V - a_V, so T > t iff Res > t - d_V - (ρ - a_V).
        out.meanWdanger = Integrate(
            [&](double t)
            {
                const double sR = SurvivalAt(out.survival, t);
                return t <= dV ? sR : sR * (1 - l.ResCdf(t - dV - (l.rho - l.aV)));
            },
            end);
    }
    else
    {
        out.notes.push_back("nonce: W_danger/W_clean with d_V > 0 and lost challenges: no "
                            "closed form here");
        return;
    }
    out.meanWclean = *out.meanR + *out.meanTtrust - *out.meanWdanger;
}

} // namespace teepsim::analytic::detail

namespace teepsim::analytic
{

std::optional<double> NonceTrustAvailability(const Inputs& in)
{
    const FreshnessInputs& f = in.freshness;
    if (f.kind != FreshnessKind::Nonce || f.challengeLossUnmodelled || f.challengeInterval <= 0)
    {
        return std::nullopt;
    }
    // Renewal reward per challenge: an answered one (q) starts a hold that lasts until the next
    // resolution, one interval later plus (τ - ρ) if that one goes unanswered (p).
    const double p = std::clamp(f.challengeLoss, 0.0, 1.0);
    const double q = 1 - p;
    return std::min(1.0, q * (1 + p * (f.challengeTimeout - f.answerDelay) / f.challengeInterval));
}

} // namespace teepsim::analytic
