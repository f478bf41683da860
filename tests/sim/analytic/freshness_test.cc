// THEORY-FRESHNESS §3 and §4 worked by hand: the epoch lattice (§3.1) and its phase average
// (§3.2), the delivery-delay laws, the nonce residual (§4.1) and W_danger (§4.2), and that
// timestamp freshness leaves every prediction as it was; the nonce exchange with lost
// challenges (§4.1, §4.3).
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
    // A Broker that drops everything from t0 drops the challenges too: trust ends τ after the
    // first challenge after t0, whatever d_V: C/2 + τ (= W_danger, R = ∞).
    in.brokerDropsAll = true;
    const Prediction d = Predict(in);
    ASSERT_TRUE(d.meanTtrust && d.meanWdanger);
    EXPECT_NEAR(*d.meanTtrust, 600 + 30, 1e-9);
    EXPECT_NEAR(*d.meanWdanger, 600 + 30, 1e-9);
    EXPECT_NEAR(*FreshnessTrustCdf(in, 30 + 300), 0.25, 1e-12); // the law: τ + U(0, C)
}

Inputs LossyNonce(IntervalLaw law)
{
    Inputs in = Fixed(3600);
    in.freshness.kind = FreshnessKind::Nonce;
    in.freshness.challengeLaw = law;
    in.freshness.challengeInterval = 1200;
    in.freshness.challengeTimeout = 30;
    in.freshness.challengeLoss = 0.19;
    in.freshness.signingDelay = 0.005;
    in.freshness.appraisalDelay = 0.02;
    in.freshness.answerDelay = 0.03;
    return in;
}

// §4.1 by hand, fixed C = 1200 s, p = 0.19, τ = 30 s, d_V = 0 (b = -a_V): the answered rows give
// q (b + C/2) + q² ρ + q p τ, the unanswered ones H(τ + b) = q p (τ + b)² / (2C); the atom at 0
// is G(τ + b) = p - q p (τ + b) / C.
TEST(FreshnessAnalytic, NonceWithLostChallengesByHand)
{
    const Inputs in = LossyNonce(IntervalLaw::Fixed);
    const double p = 0.19, q = 0.81, b = -0.02, tau = 30, rho = 0.03, C = 1200;
    const Prediction pr = Predict(in);
    ASSERT_TRUE(pr.meanTtrust);
    const double mean =
        q * (b + C / 2) + q * q * rho + q * p * tau + q * p * (tau + b) * (tau + b) / (2 * C);
    EXPECT_NEAR(*pr.meanTtrust, mean, 1e-9);
    EXPECT_NEAR(*FreshnessTrustCdf(in, 0), p - q * p * (tau + b) / C, 1e-12);
    // Exponential: H(m) = p (m - (1 - e^{-qm/C}) C / q), the atom p e^{-q m / C}.
    const Inputs ex = LossyNonce(IntervalLaw::Exponential);
    const double m = tau + b;
    const double expMean =
        q * (b + C) + q * q * rho + q * p * tau + p * (m - (1 - std::exp(-q * m / C)) * C / q);
    ASSERT_TRUE(Predict(ex).meanTtrust);
    EXPECT_NEAR(*Predict(ex).meanTtrust, expMean, 1e-9);
    EXPECT_NEAR(*FreshnessTrustCdf(ex, 0), p * std::exp(-q * m / C), 1e-12);
    // §4.3: the fraction of time a healthy device is trusted.
    EXPECT_NEAR(*NonceTrustAvailability(in), q * (1 + p * (tau - rho) / C), 1e-12);
}

TEST(FreshnessAnalytic, NonceCdfAndMeanAgreeWithLoss)
{
    for (IntervalLaw law : {IntervalLaw::Fixed, IntervalLaw::Exponential})
    {
        for (double loss : {0.0, 0.19, 0.6})
        {
            for (bool dropsAll : {false, true})
            {
                Inputs in = LossyNonce(law);
                in.freshness.challengeLoss = loss;
                in.freshness.challengeTimeout = 700; // longer than some intervals of V
                in.brokerDropsAll = dropsAll;
                const Prediction pr = Predict(in);
                ASSERT_TRUE(pr.meanTtrust);
                EXPECT_NEAR(MeanFromCdf(in, 60 * 1200), *pr.meanTtrust, 1e-3 * *pr.meanTtrust)
                    << static_cast<int>(law) << " p=" << loss << " drop-all=" << dropsAll;
                EXPECT_NEAR(*FreshnessTrustCdf(in, 1e7), 1.0, 1e-9);
            }
        }
    }
}

TEST(FreshnessAnalytic, NonceWithVerifierDelayAndLossAveragesOverR)
{
    // d_V > 0 with loss: E[h(B')] over R ~ U(0, 3600) below d_V and the atom at d_V; without
    // loss it is E[min(R, d_V)] + C/2 + (ρ - a) again.
    Inputs in = LossyNonce(IntervalLaw::Fixed);
    in.verifierDelay = 1200;
    in.freshness.challengeLoss = 0;
    in.freshness.signingDelay = 0;
    in.freshness.appraisalDelay = 0;
    in.freshness.answerDelay = 0;
    const Prediction none = Predict(in);
    ASSERT_TRUE(none.meanTtrust && none.meanWdanger);
    EXPECT_NEAR(*none.meanTtrust, 1000 + 600, 0.5);
    in.freshness.challengeLoss = 0.19;
    const Prediction lossy = Predict(in);
    ASSERT_TRUE(lossy.meanTtrust);
    // Unanswered challenges only shorten trust, but a lost challenge between t0 and B' still
    // leaves the trust it ended after t0: q (E[min(R, d_V)] + C/2) < E[T_trust] < before.
    EXPECT_LT(*lossy.meanTtrust, *none.meanTtrust);
    EXPECT_GT(*lossy.meanTtrust, 0.81 * 1600);
    EXPECT_FALSE(lossy.meanWdanger) << "no closed form for W_danger with d_V > 0 and loss";
}
