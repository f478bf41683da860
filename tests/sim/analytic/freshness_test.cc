// THEORY-FRESHNESS §3 and §4 worked by hand: the epoch lattice (§3.1) and its phase average
// (§3.2), the delivery-delay laws, the nonce residual (§4.1) and W_danger (§4.2), and that
// timestamp freshness leaves every prediction as it was.
#include "teepsim/sim/analytic.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace teepsim::analytic;

namespace
{

Inputs Fixed(double P)
{
    Inputs in;
    in.law = IntervalLaw::Fixed;
    in.interval = P;
    in.validity = 4 * P;
    return in;
}

Inputs Epoch(double P, double E, int w, double phase)
{
    Inputs in = Fixed(P);
    in.freshness.kind = FreshnessKind::Epoch;
    in.freshness.epochDuration = E;
    in.freshness.epochWindow = w;
    in.freshness.epochPhase = phase;
    return in;
}

// ∫_0^end (1 - F(t)) dt by the midpoint rule: the mean of a non-negative law from its CDF.
double MeanFromCdf(const Inputs& in, double end)
{
    const int n = 20000;
    const double h = end / n;
    double sum = 0;
    for (int i = 0; i < n; ++i)
    {
        sum += 1 - *FreshnessTrustCdf(in, (i + 0.5) * h);
    }
    return sum * h;
}

} // namespace

TEST(FreshnessAnalytic, TimestampFreshnessChangesNoPrediction)
{
    Inputs in = Fixed(3600);
    in.verifierDelay = 600;
    in.tamDelay = 600;
    const Prediction a = Predict(in);
    in.freshness.epochDuration = 999; // ignored with timestamp freshness
    in.freshness.challengeInterval = 7;
    const Prediction b = Predict(in);
    ASSERT_TRUE(a.meanTtrust && a.meanWdanger && a.meanWclean);
    EXPECT_EQ(*a.meanTtrust, *b.meanTtrust);
    EXPECT_EQ(*a.meanWdanger, *b.meanWdanger);
    EXPECT_EQ(*a.meanWclean, *b.meanWclean);
    EXPECT_FALSE(FreshnessTrustCdf(in, 100));
}

TEST(FreshnessAnalytic, EpochLatticeByHand)
{
    // P = 60, E = 25, w = 3, phase 15, D = 2 (the deployment test's numbers in minutes).
    Inputs in = Epoch(60, 25, 3, 15);
    in.freshness.delayMean = 2;
    const auto mean = EpochMeanTtrust(in);
    ASSERT_TRUE(mean);
    EXPECT_NEAR(*mean, 62.0 / 4 + 37.0 * 5 / 12 + 12.0 / 3, 1e-12);
    // The CDF steps at the lattice values.
    EXPECT_NEAR(*FreshnessTrustCdf(in, 11.9), 0.0, 1e-12);
    EXPECT_NEAR(*FreshnessTrustCdf(in, 12.0), 1.0 / 3, 1e-12);
    EXPECT_NEAR(*FreshnessTrustCdf(in, 40.0), 1.0 / 3 + 5.0 / 12, 1e-12);
    EXPECT_NEAR(*FreshnessTrustCdf(in, 62.0), 1.0, 1e-12);
    // Predict reports it as T_trust, with a note naming the model.
    const Prediction p = Predict(in);
    ASSERT_TRUE(p.meanTtrust && p.meanR && p.meanWdanger && p.meanWclean);
    EXPECT_NEAR(*p.meanTtrust, *mean, 1e-12);
    // §3.3, R = P - A: min(R, T) is R for A <= 15, 37 for A in (15, 23], R for (23, 40], 12 for
    // (40, 48], R above: (787.5 + 296 + 484.5 + 96 + 72) / 60.
    EXPECT_NEAR(*p.meanWdanger, 1736.0 / 60, 5e-3); // 2000-phase midpoint rule
    EXPECT_NEAR(*p.meanWclean, *p.meanR + *p.meanTtrust - *p.meanWdanger, 1e-9);
}

TEST(FreshnessAnalytic, EpochPhaseAverageIsTheUniformPositionFormula)
{
    // §3.2: over a uniform epoch phase, E[T] = d_V + (w - 1/2) E - E[A] + E[D] (no clamping:
    // (w - 1) E >= the oldest age). Fixed P = 60: E[A] = 30; jittered checks: P(1 + j^2/3)/2.
    for (IntervalLaw law : {IntervalLaw::Fixed, IntervalLaw::UniformJitter})
    {
        Inputs in = Epoch(60, 40, 4, 0);
        in.law = law;
        in.jitter = 0.5;
        in.freshness.delayMean = 5;
        in.freshness.delayLaw = DelayDistribution::Uniform;
        const double meanAge = law == IntervalLaw::Fixed ? 30 : 30 * (1 + 0.25 / 3);
        const int n = 2000;
        double avg = 0;
        for (int i = 0; i < n; ++i)
        {
            in.freshness.epochPhase = (i + 0.5) / n * 40;
            avg += *EpochMeanTtrust(in) / n;
        }
        EXPECT_NEAR(avg, (4 - 0.5) * 40 - meanAge + 5, 1e-3) << static_cast<int>(law);
    }
}

TEST(FreshnessAnalytic, EpochCdfAndMeanAgreeForEveryDelayLaw)
{
    // With loss the age law has a geometric tail and the clamp (x + D)+ is active for old ARs.
    for (DelayDistribution law :
         {DelayDistribution::Fixed, DelayDistribution::Uniform, DelayDistribution::Exponential})
    {
        Inputs in = Epoch(60, 25, 1, 10);
        in.sessionLoss = 0.3;
        in.freshness.delayLaw = law;
        in.freshness.delayMean = 8;
        const double mean = *EpochMeanTtrust(in);
        EXPECT_GT(mean, 0);
        EXPECT_NEAR(MeanFromCdf(in, 40 * 8 + 60), mean, 2e-3 * mean) << static_cast<int>(law);
        EXPECT_NEAR(*FreshnessTrustCdf(in, 1e6), 1.0, 1e-9);
    }
}

TEST(FreshnessAnalytic, EpochOutsideTheModelSaysWhy)
{
    Inputs in = Epoch(60, 25, 1, 10);
    in.verifierDelay = 30; // d_V > d_T: the removal session's AR may be the last one
    const Prediction p = Predict(in);
    EXPECT_FALSE(p.meanTtrust);
    EXPECT_FALSE(EpochMeanTtrust(in));
    bool noted = false;
    for (const std::string& n : p.notes)
    {
        noted = noted || n.find("d_V <= d_T") != std::string::npos;
    }
    EXPECT_TRUE(noted);
}

TEST(FreshnessAnalytic, NonceTtrustIsTheChallengeResidual)
{
    Inputs in = Fixed(3600);
    in.freshness.kind = FreshnessKind::Nonce;
    in.freshness.challengeInterval = 1200;
    Prediction p = Predict(in);
    ASSERT_TRUE(p.meanTtrust && p.meanWdanger && p.meanWclean && p.meanR);
    EXPECT_NEAR(*p.meanTtrust, 600, 1e-9);
    // §4.2: E[min(U(0, P), U(0, C))] = C/2 - C^2/(6P) for C <= P.
    EXPECT_NEAR(*p.meanWdanger, 600 - 1200.0 * 1200 / (6 * 3600), 0.5);
    EXPECT_NEAR(*p.meanWclean, *p.meanR + *p.meanTtrust - *p.meanWdanger, 1e-9);
    EXPECT_NEAR(*FreshnessTrustCdf(in, 300), 0.25, 1e-12);

    in.freshness.challengeLaw = IntervalLaw::Exponential;
    p = Predict(in);
    ASSERT_TRUE(p.meanTtrust);
    EXPECT_NEAR(*p.meanTtrust, 1200, 1e-9);
    EXPECT_NEAR(*FreshnessTrustCdf(in, 1200), 1 - std::exp(-1.0), 1e-12);
}

TEST(FreshnessAnalytic, NonceWithVerifierDelayAddsTheExpectedMinimum)
{
    // d_T = 0, d_V = 1200, R ~ U(0, 3600): E[min(R, d_V)] = 1200 - 1200^2 / 7200 = 1000.
    Inputs in = Fixed(3600);
    in.verifierDelay = 1200;
    in.freshness.kind = FreshnessKind::Nonce;
    in.freshness.challengeInterval = 1200;
    const Prediction p = Predict(in);
    ASSERT_TRUE(p.meanTtrust);
    EXPECT_NEAR(*p.meanTtrust, 1000 + 600, 0.5);
    EXPECT_FALSE(FreshnessTrustCdf(in, 100)); // no closed-form law with d_V > 0
    // A Broker that drops everything: R = ∞, T_trust = d_V + C/2 = W_danger.
    in.brokerDropsAll = true;
    const Prediction d = Predict(in);
    ASSERT_TRUE(d.meanTtrust && d.meanWdanger);
    EXPECT_NEAR(*d.meanTtrust, 1800, 1e-9);
    EXPECT_NEAR(*d.meanWdanger, 1800, 1e-9);
}
