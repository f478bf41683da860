// Epoch and nonce freshness against their closed forms (docs/THEORY-FRESHNESS.md §3, §4), on
// the message transport (tests/sim/fixtures/e2e_theory.yaml: fixed P = 1 h, t0 = 4 h, V = 4 h):
// the simulated mean T_trust within 3 standard errors of the analytic value, and where the
// law is continuous a one-sample Kolmogorov-Smirnov test (p > 0.01) against its CDF. The
// analytic values come from analytic::Predict for the same scenario (AnalyticInputsFor), so
// the formulas tested are the ones `teepsim analytic` and the summaries print.
#include "teepsim/sim/analytic.h"
#include "teepsim/sim/deployment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "tests/sim/deployment/theory_helpers.h"
#include "tests/support/ks_test.h"

namespace teepsim::sim
{
namespace
{

using theory::ExpectWithinThreeSe;
using theory::LoadFixture;
using theory::Run;
using theory::RunResult;
using theory::SampleOf;

// 1000 devices keep each run to a few seconds; the horizon leaves 4 P after t0, more than the
// longest T_trust and R tested here (nothing is censored).
const std::vector<std::string> kBase = {"fleet.0.count=1000", "horizon=8h"};

std::vector<std::string> With(std::vector<std::string> extra)
{
    std::vector<std::string> all = kBase;
    all.insert(all.end(), extra.begin(), extra.end());
    return all;
}

struct Checked
{
    RunResult run;
    analytic::Inputs inputs;
    analytic::Prediction prediction;
    std::vector<double> trust; // T_trust per affected device, seconds
};

Checked RunAndPredict(const std::vector<std::string>& overrides, const std::string& label)
{
    Checked c;
    const auto s = LoadFixture(overrides);
    if (!s)
    {
        return c;
    }
    c.run = Run(*s, label);
    c.inputs = AnalyticInputsFor(*s, nullptr);
    c.prediction = analytic::Predict(c.inputs);
    for (const recorder::Exposure& e : c.run.exposures)
    {
        if (e.tTrust)
        {
            c.trust.push_back(theory::Seconds(*e.tTrust));
        }
    }
    return c;
}

// One-sample KS statistic against a CDF continuous on (0, ∞) with an atom F(0) at 0 (nonce
// trust that ended before t0): the zeros are compared once, as one step of the empirical CDF.
double KsWithAtomAtZero(std::vector<double> sample, const std::function<double(double)>& cdf)
{
    std::sort(sample.begin(), sample.end());
    const double n = static_cast<double>(sample.size());
    size_t zeros = 0;
    while (zeros < sample.size() && sample[zeros] <= 0)
    {
        ++zeros;
    }
    double d = std::abs(zeros / n - cdf(0));
    for (size_t i = zeros; i < sample.size(); ++i)
    {
        const double f = cdf(sample[i]);
        d = std::max({d, (i + 1) / n - f, f - i / n});
    }
    return d;
}

void ExpectKs(const std::string& label, const Checked& c)
{
    ASSERT_FALSE(c.trust.empty()) << label;
    const auto cdf = [&](double t) { return *analytic::FreshnessTrustCdf(c.inputs, t); };
    ASSERT_TRUE(analytic::FreshnessTrustCdf(c.inputs, 0)) << label << ": no closed-form CDF";
    const double d = KsWithAtomAtZero(c.trust, cdf);
    const double p = test::KsPValue(d, c.trust.size());
    std::printf("[theory] %-36s KS D=%.4f p=%.3f (n=%zu)\n", label.c_str(), d, p, c.trust.size());
    EXPECT_GT(p, 0.01) << label << ": T_trust does not follow the closed-form law (D = " << d
                       << ")";
}

// Epoch freshness, E = 25 min (not a divisor of P, so ARs fall everywhere in an epoch), w = 3,
// every relying party 2 min late: T_trust takes the three lattice values 12, 37 and 62 min
// (t0 lies 15 min into its epoch), with the probabilities of the AR age (THEORY-FRESHNESS §3.1).
TEST(FreshnessTheory, EpochMeanTtrustMatchesTheLattice)
{
    const Checked c =
        RunAndPredict(With({"verifier.freshness=epoch", "verifier.epoch.duration=25m",
                            "verifier.epoch.window=3", "verifier.epoch.delivery_delay=2m"}),
                      "epoch E=25m w=3 D=2m");
    ASSERT_TRUE(c.prediction.meanTtrust);
    // The lattice by hand: P(A <= 15m) = 1/4 -> 62 min, P(15 < A <= 40) = 5/12 -> 37 min,
    // P(A > 40m) = 1/3 -> 12 min.
    EXPECT_NEAR(*c.prediction.meanTtrust, 60 * (62.0 / 4 + 37.0 * 5 / 12 + 12.0 / 3), 1e-6);
    ExpectWithinThreeSe("epoch T_trust", SampleOf(c.run.exposures, &recorder::Exposure::tTrust),
                        *c.prediction.meanTtrust);
    // W_danger = min(R, T_trust): R and the AR age are coupled through the poll phase.
    ASSERT_TRUE(c.prediction.meanWdanger);
    ExpectWithinThreeSe("epoch W_danger", SampleOf(c.run.exposures, &recorder::Exposure::wDanger),
                        *c.prediction.meanWdanger);
    // Every T_trust is one of the lattice values: the ARs carry the epoch of their appraisal.
    for (double t : c.trust)
    {
        const double minutes = t / 60;
        EXPECT_TRUE(std::abs(minutes - 12) < 1e-6 || std::abs(minutes - 37) < 1e-6 ||
                    std::abs(minutes - 62) < 1e-6)
            << "T_trust " << minutes << " min is not on the epoch lattice";
    }
}

// A per-device delivery delay (exponential, mean 10 min) smooths the lattice into a
// continuous law: its mean and whole distribution match. (w = 3 keeps every lattice value
// positive: with w = 2 the oldest results would end before t0 with positive probability, an
// atom at T_trust = 0 that a KS test against a continuous law cannot take.)
TEST(FreshnessTheory, EpochWithDeliveryDelayFollowsTheClosedFormLaw)
{
    const Checked c = RunAndPredict(
        With({"verifier.freshness=epoch", "verifier.epoch.duration=25m", "verifier.epoch.window=3",
              "verifier.epoch.delivery_delay=10m", "verifier.epoch.delivery_law=exponential"}),
        "epoch E=25m w=3 D~Exp(10m)");
    ASSERT_TRUE(c.prediction.meanTtrust);
    ExpectWithinThreeSe("epoch T_trust, exponential delay",
                        SampleOf(c.run.exposures, &recorder::Exposure::tTrust),
                        *c.prediction.meanTtrust);
    ExpectKs("epoch T_trust, exponential delay", c);
}

// The Verifier's answer leg: the relying party's client to the Verifier has the message
// transport's default one-way delay (10 ms), so without loss and with d_V = 0 an answer ends
// trust ρ - a_V = 10 ms after its challenge's residual (THEORY-FRESHNESS §4.1).
constexpr double kVerifierLeg = 0.010;

// Nonce freshness, challenges every C = 20 min, d_V = 0: T_trust is the challenges' residual,
// U(0, C) (fixed) or Exp(C) (exponential), plus the Verifier's answer leg, independent of the
// policy checks.
TEST(FreshnessTheory, NonceTtrustIsTheChallengeResidual)
{
    for (const char* law : {"fixed", "exponential"})
    {
        const std::string label = std::string("nonce C=20m ") + law;
        const Checked c =
            RunAndPredict(With({"verifier.freshness=nonce", "relying_party.check_interval=20m",
                                std::string("relying_party.check_law=") + law}),
                          label);
        ASSERT_TRUE(c.prediction.meanTtrust) << label;
        EXPECT_NEAR(*c.prediction.meanTtrust,
                    (std::string(law) == "fixed" ? 600 : 1200) + kVerifierLeg, 1e-9);
        ExpectWithinThreeSe(label, SampleOf(c.run.exposures, &recorder::Exposure::tTrust),
                            *c.prediction.meanTtrust);
        ExpectKs(label, c);
        // W_danger = min(R, T_trust) with R and T_trust independent.
        ASSERT_TRUE(c.prediction.meanWdanger) << label;
        ExpectWithinThreeSe(label + " W_danger",
                            SampleOf(c.run.exposures, &recorder::Exposure::wDanger),
                            *c.prediction.meanWdanger);
    }
}

// The access link loses 10 % of messages: a challenge exchange goes unanswered with
// p = 1 - 0.9^2 = 0.19 and ends trust at its timeout (30 s), also before t0: an atom at
// T_trust = 0 of weight about p, and E[T_trust] drops from C/2 to about q C/2 (§4.1). Two runs
// (--run 1 and 2, same seed) pool 2000 devices.
TEST(FreshnessTheory, NonceLostChallengesEndTrustEarly)
{
    for (const char* law : {"fixed", "exponential"})
    {
        const std::string label = std::string("nonce C=20m loss=0.1 ") + law;
        Checked pooled;
        for (const char* run : {"run=1", "run=2"})
        {
            Checked c = RunAndPredict(
                With({"verifier.freshness=nonce", "relying_party.check_interval=20m",
                      std::string("relying_party.check_law=") + law, "fleet.0.link.loss=0.1", run}),
                label + " " + run);
            ASSERT_TRUE(c.prediction.meanTtrust) << label;
            pooled.inputs = c.inputs;
            pooled.prediction = c.prediction;
            pooled.trust.insert(pooled.trust.end(), c.trust.begin(), c.trust.end());
            pooled.run.exposures.insert(pooled.run.exposures.end(), c.run.exposures.begin(),
                                        c.run.exposures.end());
        }
        EXPECT_NEAR(pooled.inputs.freshness.challengeLoss, 0.19, 1e-12);
        ExpectWithinThreeSe(label, SampleOf(pooled.run.exposures, &recorder::Exposure::tTrust),
                            *pooled.prediction.meanTtrust);
        ExpectKs(label, pooled);
        // Trust that ended before t0 is there, about p of the devices.
        const double zeros =
            static_cast<double>(std::count(pooled.trust.begin(), pooled.trust.end(), 0.0)) /
            static_cast<double>(pooled.trust.size());
        EXPECT_NEAR(zeros, *analytic::FreshnessTrustCdf(pooled.inputs, 0),
                    4 * std::sqrt(0.19 * 0.81 / static_cast<double>(pooled.trust.size())))
            << label;
    }
}

// Every Broker drops all TEEP traffic from t0: the relying party's challenges no longer get
// through, so trust ends τ after the first challenge after t0 (or earlier if the last ones
// before were lost), however late the Verifier learns: E[T_trust] = C/2 + τ - a_R here.
TEST(FreshnessTheory, NonceWithDroppingBrokerEndsAtTheTimeout)
{
    const Checked c =
        RunAndPredict(With({"verifier.freshness=nonce", "relying_party.check_interval=20m",
                            "fleet.0.broker.drop_all=1", "verifier.policy_delay=2h"}),
                      "nonce C=20m drop-all");
    ASSERT_TRUE(c.inputs.brokerDropsAll);
    ASSERT_TRUE(c.prediction.meanTtrust);
    EXPECT_NEAR(*c.prediction.meanTtrust, 600 + 30 - 0.005, 1e-9);
    ExpectWithinThreeSe("nonce T_trust, drop-all Broker",
                        SampleOf(c.run.exposures, &recorder::Exposure::tTrust),
                        *c.prediction.meanTtrust);
    ExpectKs("nonce T_trust, drop-all Broker", c);
}

// Nonce with the Verifier 20 min late and the TAM at t0: trust ends at the first challenge
// after min(R, d_V), E[T_trust] = ∫_0^{d_V} S_R + C/2 (THEORY-FRESHNESS §4.1).
TEST(FreshnessTheory, NonceWithVerifierDelayEndsAfterRemovalOrPolicy)
{
    const Checked c =
        RunAndPredict(With({"verifier.freshness=nonce", "relying_party.check_interval=20m",
                            "verifier.policy_delay=20m"}),
                      "nonce C=20m d_V=20m");
    ASSERT_TRUE(c.prediction.meanTtrust);
    ExpectWithinThreeSe("nonce T_trust, d_V=20m",
                        SampleOf(c.run.exposures, &recorder::Exposure::tTrust),
                        *c.prediction.meanTtrust);
}

// Same scenario, seed and run: identical trust ends, device by device (the epoch delays and the
// relying party's challenges come from their own seeded streams).
TEST(FreshnessTheory, SameSeedGivesIdenticalTrustEnds)
{
    for (const std::vector<std::string>& mechanism :
         {std::vector<std::string>{"verifier.freshness=epoch", "verifier.epoch.duration=25m",
                                   "verifier.epoch.delivery_delay=5m",
                                   "verifier.epoch.delivery_law=exponential"},
          std::vector<std::string>{"verifier.freshness=nonce",
                                   "relying_party.check_law=exponential",
                                   "relying_party.check_interval=20m"}})
    {
        std::vector<std::string> overrides = {"fleet.0.count=100", "horizon=6h"};
        overrides.insert(overrides.end(), mechanism.begin(), mechanism.end());
        const auto s = LoadFixture(overrides);
        ASSERT_TRUE(s);
        const RunResult a = theory::Run(*s, mechanism.front() + " first");
        const RunResult b = theory::Run(*s, mechanism.front() + " second");
        ASSERT_EQ(a.exposures.size(), b.exposures.size());
        ASSERT_FALSE(a.exposures.empty());
        for (size_t i = 0; i < a.exposures.size(); ++i)
        {
            EXPECT_EQ(a.exposures[i].trustEnd, b.exposures[i].trustEnd) << mechanism.front();
            EXPECT_EQ(a.exposures[i].removed, b.exposures[i].removed) << mechanism.front();
        }
    }
}

} // namespace
} // namespace teepsim::sim
