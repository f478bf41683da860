// The analytic model against the numbers THEORY.md states (docs/THEORY.md §3).
#include "teepsim/sim/analytic.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace teepsim::analytic;

namespace
{
Inputs Base(IntervalLaw law, double P = 1.0)
{
    Inputs in;
    in.law = law;
    in.interval = P;
    in.validity = 4 * P;
    return in;
}
} // namespace

TEST(Analytic, FixedIntervalResidualIsHalfThePeriod)
{
    const Prediction p = Predict(Base(IntervalLaw::Fixed));
    EXPECT_NEAR(*p.meanR, 0.5, 1e-9);
    EXPECT_NEAR(*p.quantR.p50, 0.5, 1e-6);
    EXPECT_NEAR(*p.quantR.p95, 0.95, 1e-6);
    EXPECT_NEAR(*p.sdR, 1 / std::sqrt(12.0), 1e-3);
}

TEST(Analytic, PoissonPollingDoublesTheMeanAndHasLogQuantiles)
{
    const Prediction p = Predict(Base(IntervalLaw::Exponential));
    EXPECT_NEAR(*p.meanR, 1.0, 1e-9);
    EXPECT_NEAR(*p.quantR.p50, std::log(2.0), 1e-6);
    EXPECT_NEAR(*p.quantR.p95, std::log(20.0), 1e-6);
}

TEST(Analytic, UniformJitterMatchesInspectionParadox)
{
    Inputs in = Base(IntervalLaw::UniformJitter);
    in.jitter = 0.5;
    EXPECT_NEAR(*Predict(in).meanR, 0.5417, 1e-4); // P(1 + j²/3)/2
}

TEST(Analytic, LossPerAttemptWithFixedInterval)
{
    Inputs in = Base(IntervalLaw::Fixed);
    in.sessionLoss = 0.2;
    const Prediction p = Predict(in);
    EXPECT_NEAR(*p.meanR, 0.75, 1e-9); // P(1+p)/(2(1-p))
    // sd(R) = 0.629 P for p = 0.2 (THEORY §3.7).
    EXPECT_NEAR(*p.sdR, 0.629, 2e-3);
}

TEST(Analytic, FleetMaximaForFixedPoissonAndLoss)
{
    Inputs fixed = Base(IntervalLaw::Fixed);
    fixed.devices = 1000;
    EXPECT_NEAR(*FleetMax(fixed), 1000.0 / 1001.0, 1e-3);
    Inputs poisson = Base(IntervalLaw::Exponential);
    poisson.devices = 1000;
    EXPECT_NEAR(*FleetMax(poisson), 7.485, 1e-2); // P·H_N
    Inputs lossy = fixed;
    lossy.sessionLoss = 0.2;
    EXPECT_NEAR(*FleetMax(lossy), 4.779, 1e-2);
}

TEST(Analytic, ImmediateRetriesExactPhaseIntegral)
{
    // THEORY §3.2: P = 1 h, p = 0.2, r = 3, b = 1 min: exact 0.50168 h.
    EXPECT_NEAR(FixedIntervalRetryMean(3600, 0.2, 3, 60) / 3600, 0.50168, 5e-5);
    EXPECT_NEAR(FixedIntervalRetryMean(3600, 0.2, 0, 60) / 3600, 0.75, 1e-9);
}

TEST(Analytic, AvailabilityMarkovChainsMatchClosedForms)
{
    Inputs in = Base(IntervalLaw::Exponential, 1.0);
    in.meanOn = 3;
    in.meanOff = 1;
    const double a = 0.75;
    EXPECT_NEAR(AvailabilityMeanResidual(in), 1 / a + (1 - a) * 1, 1e-9);
    in.pollOnReconnect = true;
    EXPECT_NEAR(AvailabilityMeanResidual(in), 1 / (1 + 1 / 3.0) + (1 - a) * 1, 1e-9);
    in.pollOnReconnect = false;
    in.law = IntervalLaw::Fixed;
    const double pi = a * (1 - std::exp(-(1 / 3.0 + 1.0) * 1.0));
    EXPECT_NEAR(AvailabilityMeanResidual(in), 0.5 + (1 - a) / pi, 1e-9);
}

TEST(Analytic, ValidityCouplingIdentityForFixedInterval)
{
    // T_trust - R = V + d_V - P - δ for every device, so the means differ by that too.
    Inputs in = Base(IntervalLaw::Fixed, 3600);
    in.validity = 4 * 3600;
    in.sessionDelay = 0.2;
    const Prediction p = Predict(in);
    EXPECT_NEAR(*p.meanTtrust - *p.meanR, 4 * 3600 - 3600 - 0.2, 1e-3);
    EXPECT_NEAR(*p.meanTtrust, 4 * 3600 - 1800, 1e-3); // V + d_V - P/2
    EXPECT_NEAR(*p.meanWdanger, *p.meanR, 1e-6);       // V > P: W_danger = R
    EXPECT_NEAR(*p.meanWclean, *p.meanTtrust, 1e-6);
}

TEST(Analytic, ShortValidityLeavesDevicesWithoutTrust)
{
    // V < P, d_V = 0: E[T_trust] = V²/(2P).
    Inputs in = Base(IntervalLaw::Fixed, 1.0);
    in.validity = 0.4;
    EXPECT_NEAR(*Predict(in).meanTtrust, 0.4 * 0.4 / 2, 1e-4);
}

TEST(Analytic, ValidityWithLossAndPoisson)
{
    Inputs fixed = Base(IntervalLaw::Fixed, 1.0);
    fixed.sessionLoss = 0.2;
    fixed.validity = 5;
    // E[T_trust] = nP - P(1+p)(1-p^n)/(2(1-p)) with n = 5: 4.25 P (THEORY §3.4).
    EXPECT_NEAR(*Predict(fixed).meanTtrust, 5 - 1.2 * (1 - std::pow(0.2, 5)) / 1.6, 2e-3);
    Inputs poisson = Base(IntervalLaw::Exponential, 1.0);
    poisson.sessionLoss = 0.5;
    poisson.validity = 3;
    const double Pp = 2;
    const Prediction p = Predict(poisson);
    EXPECT_NEAR(*p.meanTtrust, 3 - Pp * (1 - std::exp(-1.5)), 1e-9);
    EXPECT_NEAR(*p.meanWdanger, Pp * (1 - (1 + 1.5) * std::exp(-1.5)), 1e-4);
}

TEST(Analytic, BrokerDropAllLeavesOnlyTheValidityWindow)
{
    Inputs in = Base(IntervalLaw::Fixed, 1.0);
    in.brokerDropsAll = true;
    const Prediction p = Predict(in);
    EXPECT_FALSE(p.meanR.has_value());
    EXPECT_NEAR(*p.meanWdanger, *p.meanTtrust, 1e-12);
}

TEST(Analytic, QueueingMatchesRobertsVirtamoAndMD1)
{
    // N = 10^4, D = 12000 (s = 0.3 s, P = 3600 s): N·D/D/1 0.748 s vs M/D/1 0.75 s.
    EXPECT_NEAR(MD1Wait(10000 * 0.3 / 3600, 0.3), 0.75, 1e-9);
    EXPECT_NEAR(NDD1Wait(10000, 3600, 0.3), 0.748, 3e-3);
}

TEST(Analytic, HerdAddsHalfTheBacklogOnlyGivenItsPhase)
{
    // THEORY §3.6 serves one request per session (the per-request herd: THEORY-EXTENSIONS §5).
    Inputs in = Base(IntervalLaw::Fixed, 3600);
    in.synchronized = true;
    in.devices = 100;
    in.serviceTime = 0.5;
    in.tamMessagesPerSession = 1;
    // The next herd φ = P/2 after d_T, the one before had decided by d_T (φ < P - N s): the
    // herd adds (N + 1)s/2.
    in.herdPhase = 1800;
    EXPECT_NEAR(*Predict(in).meanR, 1800 + 101 * 0.5 / 2, 1e-9);
    // φ = P - 10 s: the herd before d_T still decides its last 20 devices after d_T and
    // removes them within 10 s; the other 80 wait for the next herd.
    in.herdPhase = 3590;
    double expected = 0;
    for (int i = 1; i <= 100; ++i)
    {
        expected += (std::fmod(3590 + (i - 1) * 0.5, 3600) + 0.5) / 100;
    }
    EXPECT_NEAR(*Predict(in).meanR, expected, 1e-9);
    // φ ~ U(0, P): every device's decision phase is uniform, so the mean loses the herd term.
    in.herdPhase = -1;
    EXPECT_NEAR(*Predict(in).meanR, 1800 + 0.5, 1e-6);
}

TEST(Analytic, UnknownCombinationsAreEmptyNotWrong)
{
    Inputs in = Base(IntervalLaw::UniformJitter);
    in.jitter = 0.3;
    in.sessionLoss = 0.1;
    in.verifierDelay = 0.2;
    const Prediction p = Predict(in);
    EXPECT_TRUE(p.meanR.has_value()); // renewal formula still holds for the mean
    EXPECT_FALSE(p.quantR.p50.has_value());
    EXPECT_FALSE(p.meanTtrust.has_value());
    EXPECT_FALSE(p.notes.empty());
}
