// Immediate retries under per-message loss (THEORY.md §3.2 "Immediate retries", §3.4): fixed
// interval P, message loss q, RetryCount r, RetrySpacing b, 2000 devices on the message
// transport. The simulated mean R and T_trust must lie within 3 standard errors of the exact
// phase integral computed here (RetryModel), the mean R also of analytic::Predict, and r = 0
// and r = 2 must differ by what the theory says (a Broker that ignores RetryCount fails).
#include "teepsim/message-transport.h"
#include "teepsim/sim/analytic.h"
#include "teepsim/sim/deployment.h"

#include "ns3/nstime.h"
#include "ns3/type-id.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "theory_helpers.h"

namespace teepsim::sim
{
namespace
{

using theory::RunResult;

/// THEORY §3.2's retry model, integrated exactly over the phase u of t0 in a round (rounds start
/// at the regular policy checks, every P; attempt j of a round starts at j·spacing, j <= r, if
/// all earlier attempts of the round failed). On the message transport one attempt is a session
/// of `sessionMessages` messages, each lost with probability q, so an attempt
///   - yields an AR when its first `arMessages` messages got through (the Verifier appraised),
///   - removes the TA when its first `removalMessages` got through (the Update arrived),
///   - fails, and so triggers the next retry, when any of its messages is lost.
/// Before t0 a retry burst is triggered by a session failure (1 - (1-q)^6), after t0 only an
/// attempt that did not remove matters (1 - (1-q)^4): t0 may fall inside a burst that started
/// before it, which is where the two differ. d_T = d_V = 0: only pre-t0 ARs vouch.
struct RetryModel
{
    double P = 3600;     // policy-check interval
    double q = 0;        // per-message loss
    int r = 0;           // RetryCount
    double spacing = 0;  // start-to-start time of attempts: RetrySpacing + failure detection
    double V = 4 * 3600; // AR validity
    double delta = 0;    // from the removing attempt's start to the removal
    int arMessages = 3;  // messages before the Verifier issues the AR (background check)
    int removalMessages = 4;
    int sessionMessages = 6;
    int steps = 20000; // midpoint rule over u; E[R | u] is piecewise linear

    double Fail() const { return 1 - std::pow(1 - q, sessionMessages); }
    double NoRemoval() const { return 1 - std::pow(1 - q, removalMessages); }

    /// E[R] = (1/P) ∫ E[R | u] du + δ.
    double MeanR() const
    {
        const double f = Fail();
        const double g = NoRemoval();
        // E[W]: from a round start (all of it after t0) to the removing attempt.
        double w = 0;
        for (int j = 0; j <= r; ++j)
        {
            w += std::pow(g, j) * (1 - g) * j * spacing;
        }
        w = (w + std::pow(g, r + 1) * P) / (1 - std::pow(g, r + 1));
        double sum = 0;
        for (int i = 0; i < steps; ++i)
        {
            const double u = (i + 0.5) / steps * P;
            const int j0 = FirstAttemptAfter(u);
            const double nextRound = P - u + w;
            double e = nextRound;
            if (j0 <= r)
            {
                // Attempt j0 (the first after t0) happens if the j0 before t0 all failed.
                const double reach = std::pow(f, j0);
                double inRound = std::pow(g, r + 1 - j0) * nextRound;
                for (int j = j0; j <= r; ++j)
                {
                    inRound += std::pow(g, j - j0) * (1 - g) * (j * spacing - u);
                }
                e = reach * inRound + (1 - reach) * nextRound;
            }
            sum += e;
        }
        return sum / steps + delta;
    }

    /// E[T_trust] = E[(V - A)^+], A = age at t0 of the last AR issued before t0.
    double MeanTtrust() const
    {
        const double f = Fail();
        const double success = std::pow(1 - q, sessionMessages);     // ends the burst, with an AR
        const double arOnly = std::pow(1 - q, arMessages) - success; // AR, then a failure
        const double none = 1 - std::pow(1 - q, arMessages);         // failure without an AR
        // Last AR of a complete round: at attempt j with this probability; none at all: empty.
        std::vector<double> lastAt(r + 1);
        for (int j = 0; j <= r; ++j)
        {
            lastAt[j] = std::pow(f, j) * (success + arOnly * std::pow(none, r - j));
        }
        const double empty = std::pow(none, r + 1);
        double sum = 0;
        for (int i = 0; i < steps; ++i)
        {
            const double u = (i + 0.5) / steps * P;
            const int j0 = std::min(FirstAttemptAfter(u), r + 1); // attempts before t0
            double e = 0;
            for (int j = 0; j < j0; ++j) // the current round's part before t0
            {
                const double pj = std::pow(f, j) * (success + arOnly * std::pow(none, j0 - 1 - j));
                e += pj * std::max(0.0, V - (u - j * spacing));
            }
            // Nothing since the round start: earlier rounds, k of them empty.
            double older = 0;
            for (int k = 0; k < 64; ++k)
            {
                for (int j = 0; j <= r; ++j)
                {
                    const double age = u + (P - j * spacing) + k * P;
                    older += std::pow(empty, k) * lastAt[j] * std::max(0.0, V - age);
                }
            }
            sum += e + std::pow(none, j0) * older;
        }
        return sum / steps;
    }

    /// r = 0 only: E[T_trust | affected]. The run starts at time 0 with an equilibrium phase,
    /// so a device has K = floor((t0 - a)/P) + 1 polls before t0 (a = age of the last one), and
    /// it is affected only if one of them got the Update through (installing the TA). Devices
    /// that never did are not counted, and they are the ones with old ARs: the stationary
    /// E[(V - A)^+] would be biased low by about 1 % of devices at T_trust near 0.
    double MeanTtrustGivenInstalled(double t0) const
    {
        const double install = std::pow(1 - q, removalMessages);
        const double arOnly = std::pow(1 - q, arMessages) - install; // AR, Update lost
        const double none = 1 - std::pow(1 - q, arMessages);
        double weighted = 0, affected = 0;
        for (int i = 0; i < steps; ++i)
        {
            const double a = (i + 0.5) / steps * P;
            const int polls = static_cast<int>(std::floor((t0 - a) / P)) + 1;
            // The last AR at poll k (0 = the latest); affected if k installed, or an older one.
            for (int k = 0; k < polls; ++k)
            {
                const double olderInstall = 1 - std::pow(1 - install, polls - 1 - k);
                weighted += std::pow(none, k) * (install + arOnly * olderInstall) *
                            std::max(0.0, V - (a + k * P));
            }
            affected += 1 - std::pow(1 - install, polls);
        }
        return weighted / affected;
    }

  private:
    /// Index of the first attempt of the round that starts after t0 (r + 1: none left).
    int FirstAttemptAfter(double u) const
    {
        return spacing > 0 ? std::min(r + 1, static_cast<int>(std::floor(u / spacing)) + 1) : r + 1;
    }
};

/// The message transport fails a lost exchange only at its timeout: a retry starts RetrySpacing
/// after that, so attempts are RetrySpacing + Timeout apart (read from the attribute default).
double MessageTransportTimeout()
{
    ns3::TypeId::AttributeInformation info;
    const bool found =
        ns3::MessageClientTransport::GetTypeId().LookupAttributeByName("Timeout", &info);
    EXPECT_TRUE(found);
    const auto* value = dynamic_cast<const ns3::TimeValue*>(PeekPointer(info.initialValue));
    return value ? value->Get().GetSeconds() : 0;
}

// The in-test model reduces to THEORY.md's closed forms and to the analytic model's exact
// integral where their assumptions hold (one loss law for every purpose, no detection delay).
TEST(RetryModel, ReducesToTheoryClosedFormsAndTheAnalyticIntegral)
{
    RetryModel m;
    m.q = 0.1;
    const double p4 = 1 - std::pow(0.9, 4);
    const double p3 = 1 - std::pow(0.9, 3);
    // r = 0, §3.2: E[R] = P(1+p)/(2(1-p)); §3.4 with V = 4P: E[T] = nP - P(1+p)(1-p^n)/(2(1-p)).
    EXPECT_NEAR(m.MeanR(), m.P * (1 + p4) / (2 * (1 - p4)), 1e-6 * m.P);
    EXPECT_NEAR(m.MeanTtrust(), 4 * m.P - m.P * (1 + p3) * (1 - std::pow(p3, 4)) / (2 * (1 - p3)),
                1e-3 * m.P);
    // A long history before t0 leaves (almost) every device affected: back to the stationary form.
    EXPECT_NEAR(m.MeanTtrustGivenInstalled(100 * m.P), m.MeanTtrust(), 1e-3 * m.P);
    // THEORY §3.2's example: P = 1 h, p = 0.2, r = 3, b = 1 min gives 0.50168 h.
    RetryModel t;
    t.q = 0.2;
    t.r = 3;
    t.spacing = 60;
    t.removalMessages = t.sessionMessages = 1;
    EXPECT_NEAR(t.MeanR() / 3600, 0.50168, 5e-5);
    // The midpoint rule here against the analytic model's piecewise-exact integral: 1e-5 P.
    EXPECT_NEAR(t.MeanR(), analytic::FixedIntervalRetryMean(3600, 0.2, 3, 60), 1e-5 * 3600);
}

constexpr double kLoss = 0.1;       // per message
constexpr int kRetries = 2;         // RetryCount of the retrying fleet
constexpr double kSpacing = 5 * 60; // RetrySpacing b

std::vector<std::string> RetryOverrides(int retries)
{
    // 1500 devices keep each run near 10 s of CPU; the horizon leaves P(R censored) < 1e-5
    // (per-round failure 4 % with retries, 34 % without).
    return {"fleet.0.count=1500", retries > 0 ? "horizon=12h" : "horizon=16h",
            "fleet.0.link.loss=0.1", "policy_check.retries.count=" + std::to_string(retries),
            "policy_check.retries.spacing=5m"};
}

/// The model with the scenario's parameters (P, V, δ from the analytic mapping).
RetryModel ModelFor(const Scenario& s)
{
    const analytic::Inputs in = AnalyticInputsFor(s, nullptr);
    RetryModel m;
    m.P = in.interval;
    m.q = s.fleet.front().link.loss;
    m.r = in.retries;
    m.spacing = in.retrySpacing + MessageTransportTimeout();
    m.V = in.validity;
    m.delta = in.sessionDelay;
    return m;
}

/// One run per RetryCount, shared by the tests below (2000 devices each).
const RunResult& RetryRun(int retries)
{
    static std::map<int, RunResult> cache;
    auto it = cache.find(retries);
    if (it == cache.end())
    {
        const std::optional<Scenario> s = theory::LoadFixture(RetryOverrides(retries));
        EXPECT_TRUE(s.has_value());
        it = cache
                 .emplace(retries,
                          s ? theory::Run(*s, "retries r=" + std::to_string(retries)) : RunResult{})
                 .first;
    }
    return it->second;
}

std::optional<Scenario> RetryScenario(int retries)
{
    return theory::LoadFixture(RetryOverrides(retries));
}

// Retries (§3.2, r = 2, b = 5 min, q = 10 %): mean R vs the exact phase integral and vs
// analytic::Predict, mean T_trust vs E[(V - A)^+] of the same model, within 3 SE.
TEST(Retries, RemovalAndStaleTrustMatchTheoryWithinThreeStandardErrors)
{
    const std::optional<Scenario> s = RetryScenario(kRetries);
    ASSERT_TRUE(s);
    ASSERT_EQ(s->policy_check.retry_count, kRetries);
    ASSERT_DOUBLE_EQ(theory::Seconds(s->policy_check.retry_spacing_ns), kSpacing);
    ASSERT_DOUBLE_EQ(s->fleet.front().link.loss, kLoss);
    const RetryModel model = ModelFor(*s);
    ASSERT_LT(model.r * model.spacing, model.P) << "bursts must end before the next round";

    std::vector<std::string> notes;
    const analytic::Prediction p = analytic::Predict(AnalyticInputsFor(*s, &notes));
    ASSERT_TRUE(p.meanR.has_value()) << "the analytic model covers retries at a fixed interval";

    const RunResult& run = RetryRun(kRetries);
    ASSERT_GE(run.exposures.size(), static_cast<size_t>(0.95 * s->TotalDevices()));
    EXPECT_GT(run.Counter("sessions_failed"), 0) << "10 % message loss must fail sessions";
    const recorder::Summary r = theory::SampleOf(run.exposures, &recorder::Exposure::r);
    const recorder::Summary t = theory::SampleOf(run.exposures, &recorder::Exposure::tTrust);
    theory::ExpectWithinThreeSe("retries R vs exact integral", r, model.MeanR());
    theory::ExpectWithinThreeSe("retries R vs analytic::Predict", r, *p.meanR);
    theory::ExpectWithinThreeSe("retries T_trust vs exact integral", t, model.MeanTtrust());
    std::printf("[theory] retries: analytic T_trust %s (%zu notes)\n",
                p.meanTtrust ? "present" : "not modelled", p.notes.size());
}

// Without retries (r = 0) the same loss gives §3.2's E[R] = P(1+p)/(2(1-p)) + δ with
// p = 1 - (1-q)^4 (also analytic::Predict's), and T_trust E[(V - A)^+ | affected].
TEST(Retries, NoRetriesMatchTheLossFormula)
{
    const std::optional<Scenario> s = RetryScenario(0);
    ASSERT_TRUE(s);
    const RetryModel model = ModelFor(*s);
    const analytic::Prediction p = analytic::Predict(AnalyticInputsFor(*s, nullptr));
    ASSERT_TRUE(p.meanR.has_value());
    const RunResult& run = RetryRun(0);
    const recorder::Summary r = theory::SampleOf(run.exposures, &recorder::Exposure::r);
    const recorder::Summary t = theory::SampleOf(run.exposures, &recorder::Exposure::tTrust);
    theory::ExpectWithinThreeSe("no retries R vs exact", r, model.MeanR());
    theory::ExpectWithinThreeSe("no retries R vs analytic", r, *p.meanR);
    const double t0 = theory::Seconds(s->malicious.t0_ns);
    const double expectedAffected =
        1 - std::pow(1 - std::pow(1 - model.q, model.removalMessages), t0 / model.P);
    std::printf("[theory] no retries: %zu of %lld affected (expected %.1f); stationary T_trust "
                "%.1f s, given affected %.1f s\n",
                run.exposures.size(), static_cast<long long>(s->TotalDevices()),
                expectedAffected * s->TotalDevices(), model.MeanTtrust(),
                model.MeanTtrustGivenInstalled(t0));
    theory::ExpectWithinThreeSe("no retries T_trust vs exact | affected", t,
                                model.MeanTtrustGivenInstalled(t0));
}

// RetryCount matters: r = 2 shortens the mean R by the theory's difference (about 30 min here),
// within 3 SE of the difference; a Broker that never retries fails this.
TEST(Retries, RetryCountShortensRemovalByTheTheoreticalAmount)
{
    const std::optional<Scenario> s0 = RetryScenario(0);
    const std::optional<Scenario> s2 = RetryScenario(kRetries);
    ASSERT_TRUE(s0 && s2);
    const double predicted = ModelFor(*s0).MeanR() - ModelFor(*s2).MeanR();
    const recorder::Summary r0 = theory::SampleOf(RetryRun(0).exposures, &recorder::Exposure::r);
    const recorder::Summary r2 =
        theory::SampleOf(RetryRun(kRetries).exposures, &recorder::Exposure::r);
    ASSERT_TRUE(r0.mean && r0.se && r2.mean && r2.se);
    const double diff = *r0.mean - *r2.mean;
    const double se = std::hypot(*r0.se, *r2.se);
    std::printf("[theory] E[R](r=0) - E[R](r=2): sim %.1f s se %.1f s, theory %.1f s, z=%+.2f\n",
                diff, se, predicted, (diff - predicted) / se);
    EXPECT_GT(diff, 10 * se) << "retries must shorten the removal time";
    EXPECT_LT(std::abs(diff - predicted), 3 * se);
}

} // namespace
} // namespace teepsim::sim
