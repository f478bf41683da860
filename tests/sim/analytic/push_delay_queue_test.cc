// Push (THEORY-EXTENSIONS §1), Broker delay (§2) and the per-request TAM queue against closed
// forms worked by hand and against a small Monte Carlo of the same model (fixed seed).
#include "teepsim/sim/analytic.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>

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

// Mean R of the push model by simulation: polls of a stationary renewal process (fixed phase,
// Poisson, or uniform jitter), each failing with p; with probability r a push at L succeeds
// with 1 - p. t0 = d_T = 0, δ = 0.
double MonteCarloPushMeanR(const Inputs& in, int samples)
{
    std::mt19937_64 rng(12345);
    std::uniform_real_distribution<double> u01(0, 1);
    std::exponential_distribution<double> expo(1 / in.interval);
    double sum = 0;
    for (int i = 0; i < samples; ++i)
    {
        double next = 0; // first poll after t0
        if (in.law == IntervalLaw::Fixed)
        {
            next = u01(rng) * in.interval;
        }
        else if (in.law == IntervalLaw::Exponential)
        {
            next = expo(rng);
        }
        else
        {
            // Length-biased covering interval by rejection, t0 uniform inside it.
            const double a = in.interval * (1 - in.jitter), b = in.interval * (1 + in.jitter);
            double x = 0;
            do
            {
                x = a + (b - a) * u01(rng);
            } while (u01(rng) * b > x);
            next = x * u01(rng);
        }
        while (u01(rng) < in.sessionLoss)
        {
            next += in.law == IntervalLaw::Fixed ? in.interval : expo(rng);
        }
        double r = next;
        if (u01(rng) < in.pushReach && u01(rng) >= in.sessionLoss)
        {
            r = std::min(r, in.pushLatency);
        }
        sum += r;
    }
    return sum / samples;
}
} // namespace

TEST(Push, EveryDeviceReachedAtOnceIsCleanedImmediately)
{
    // r = 1, L = 0, no loss: R = d_T + δ for every device.
    Inputs in = Base(IntervalLaw::Fixed, 3600);
    in.pushReach = 1;
    in.tamDelay = 60;
    in.sessionDelay = 0.2;
    const Prediction p = Predict(in);
    EXPECT_NEAR(*p.meanR, 60.2, 1e-6);
    EXPECT_NEAR(*p.quantR.p99, 60.2, 1e-3);
}

TEST(Push, FixedIntervalSavesTheTailBeyondTheLatency)
{
    // E[R] = P/2 - r (P - L)²/(2P): r = 0.5, L = P/4 gives 0.359375 P.
    Inputs in = Base(IntervalLaw::Fixed, 1.0);
    in.pushReach = 0.5;
    in.pushLatency = 0.25;
    EXPECT_NEAR(*PushMeanResidual(in), 0.359375, 1e-12);
    const Prediction p = Predict(in);
    EXPECT_NEAR(*p.meanR, 0.359375, 1e-9);
    // The survival drops by the factor 1 - r at L: S(L-) = 0.75, S(L+) = 0.375.
    EXPECT_NEAR(*p.quantR.p50, 0.25, 1e-6);
}

TEST(Push, ClosedFormsMatchMonteCarloForEveryLaw)
{
    // Fixed with loss, Poisson with loss, uniform jitter without loss.
    Inputs fixed = Base(IntervalLaw::Fixed, 1.0);
    fixed.sessionLoss = 0.3;
    Inputs poisson = Base(IntervalLaw::Exponential, 1.0);
    poisson.sessionLoss = 0.2;
    Inputs jitter = Base(IntervalLaw::UniformJitter, 1.0);
    jitter.jitter = 0.5;
    for (Inputs in : {fixed, poisson, jitter})
    {
        for (double L : {0.1, 0.7, 1.3})
        {
            in.pushReach = 0.6;
            in.pushLatency = L;
            SCOPED_TRACE(testing::Message() << "law " << static_cast<int>(in.law) << " L " << L);
            const double mc = MonteCarloPushMeanR(in, 200000);
            EXPECT_NEAR(*Predict(in).meanR, mc, 0.01);
        }
    }
}

TEST(Push, PoissonClosedFormAndCoupledWindowsAgree)
{
    // E[R] = P'(1 - r(1-p) e^{-L/P'}); the windows' own E[R] must say the same.
    Inputs in = Base(IntervalLaw::Exponential, 2.0);
    in.sessionLoss = 0.5;
    in.pushReach = 0.4;
    in.pushLatency = 1.0;
    const double Pp = 4.0;
    const Prediction p = Predict(in);
    EXPECT_NEAR(*p.meanR, Pp * (1 - 0.4 * 0.5 * std::exp(-0.25)), 1e-9);
    EXPECT_NEAR(*p.meanWclean, *p.meanR + *p.meanTtrust - *p.meanWdanger, 1e-9);
    EXPECT_LT(*p.meanWdanger, *p.meanR);
}

TEST(Push, StaleTrustIsUntouchedWhenTheVerifierKnowsFirst)
{
    // d_V <= d_T: push sessions issue no stale AR, so T_trust is the no-push value.
    Inputs in = Base(IntervalLaw::Fixed, 3600);
    in.tamDelay = 600;
    const Prediction without = Predict(in);
    in.pushReach = 0.9;
    in.pushLatency = 30;
    const Prediction with = Predict(in);
    EXPECT_NEAR(*with.meanTtrust, *without.meanTtrust, 1e-6);
    EXPECT_LT(*with.meanR, *without.meanR);
    in.verifierDelay = 1200; // d_V > d_T: not modelled
    EXPECT_FALSE(Predict(in).meanTtrust.has_value());
}

TEST(BrokerDelay, ShiftsRemovalByFourDelaysWhenTheTamKnowsAtOnce)
{
    // d_T = 0: the first poll after t0 removes, its Update reaches the Agent 4Δ later.
    Inputs in = Base(IntervalLaw::Fixed, 3600);
    const Prediction honest = Predict(in);
    in.brokerDelayFraction = 1;
    in.brokerDelay = 30;
    const Prediction p = Predict(in);
    EXPECT_NEAR(*p.meanR, *honest.meanR + 120, 1e-6);
    EXPECT_NEAR(*p.meanTtrust, *honest.meanTtrust, 1e-6); // pre-t0 ARs are not delayed
}

TEST(BrokerDelay, LateTamKnowledgeLeavesOneDelay)
{
    // d_T > 3Δ: polls after d_T - 3Δ reach the TAM after d_T, so R = d_T + Res + Δ + δ.
    Inputs in = Base(IntervalLaw::Exponential, 3600);
    in.tamDelay = 600;
    in.brokerDelayFraction = 1;
    in.brokerDelay = 30;
    EXPECT_NEAR(*Predict(in).meanR, 600 + 3600 + 30, 1e-6);
}

TEST(BrokerDelay, MixedFleetMixesMeansAndCurves)
{
    Inputs in = Base(IntervalLaw::Fixed, 3600);
    in.brokerDelayFraction = 0.25;
    in.brokerDelay = 60;
    const Prediction p = Predict(in);
    EXPECT_NEAR(*p.meanR, 1800 + 0.25 * 240, 1e-3);
    // Median of 0.75 U(0, P) + 0.25 U(240, P + 240): S(t) = 1 - t/P + 0.25*240/P at t >= 240.
    EXPECT_NEAR(*p.quantR.p50, 1800 + 60, 1.0);
    ASSERT_FALSE(p.survival.empty());
}

TEST(BrokerDelay, SessionsLongerThanTheIntervalHaveNoClosedForm)
{
    Inputs in = Base(IntervalLaw::Fixed, 100);
    in.brokerDelayFraction = 1;
    in.brokerDelay = 30; // 4Δ = 120 s > P
    const Prediction p = Predict(in);
    EXPECT_FALSE(p.meanR.has_value());
    EXPECT_FALSE(p.notes.empty());
}

/// M/D/1 per request at the rate of the polls that find their device idle: a session of k
/// requests lasts D = k (W + s) (no latency here), so λ = k N/(P + D) (THEORY-EXTENSIONS §3.1).
double IdlePollMD1(double N, double P, double s, int k = 3)
{
    double w = 0;
    for (int i = 0; i < 200; ++i)
    {
        w = MD1Wait(k * s * N / (P + k * (w + s)), s);
    }
    return w;
}

TEST(TamQueue, WaitIsPerRequestWithKArrivalsPerSession)
{
    // N = 100, P = 100 s, 3 requests of 0.2 s: λ = 3/s, ρ = 0.6, M/D/1 W = ρs/(2(1-ρ)) = 0.15 s
    // at N/P; a little less at the idle-poll rate N/(P + D).
    Inputs in = Base(IntervalLaw::Exponential, 100);
    in.devices = 100;
    in.serviceTime = 0.6;
    in.spreadRoundTrips = true;
    const Prediction p = Predict(in);
    EXPECT_NEAR(*p.utilisation, 0.6, 1e-12);
    const double w = IdlePollMD1(100, 100, 0.2);
    EXPECT_NEAR(*p.meanQueueWait, w, 1e-12);
    EXPECT_LT(w, 0.15);
    EXPECT_GT(w, 0.14);
    // R waits for two requests and is served twice before the Update leaves.
    EXPECT_NEAR(*p.meanR, 100 + 2 * w + 2 * 0.2, 1e-9);
}

TEST(TamQueue, FixedIntervalUsesRobertsVirtamoOverAllRequestStreams)
{
    Inputs in = Base(IntervalLaw::Fixed, 360);
    in.devices = 400;
    in.serviceTime = 0.6; // ρ = 400 * 0.6 / 360 = 0.667 with 1200 request streams
    in.spreadRoundTrips = true;
    EXPECT_NEAR(*Predict(in).meanQueueWait, NDD1Wait(1200, 360, 0.2), 1e-12);
}

TEST(TamQueue, RunAverageIsNullWhenTheServiceOrArrivalsChangeAtT0)
{
    Inputs in = Base(IntervalLaw::Exponential, 100);
    in.devices = 100;
    in.serviceTime = 0.6;
    in.spreadRoundTrips = true;
    in.remediationServiceTime = 0.5; // removal requests cost more than normal ones
    Prediction p = Predict(in);
    EXPECT_FALSE(p.meanQueueWait.has_value());
    EXPECT_NEAR(*p.meanR, 100 + 2 * IdlePollMD1(100, 100, 0.2) + 0.2 + 0.5, 1e-9); // approx.
    in.remediationServiceTime = 0;
    in.sessionLoss = 0.1; // lost requests never reach the TAM
    EXPECT_FALSE(Predict(in).meanQueueWait.has_value());
    in.sessionLoss = 0;
    in.spreadRoundTrips = false; // follow-up requests replay departures: not Poisson
    EXPECT_FALSE(Predict(in).meanQueueWait.has_value());
    in.spreadRoundTrips = true;
    EXPECT_TRUE(Predict(in).meanQueueWait.has_value());
}

TEST(TamQueue, SeveralWorkersGiveNoWaitButANegligibleShift)
{
    // M/D/c has no closed form; at ρ = 0.0017 the pooled bound is far below 1e-4 P.
    Inputs in = Base(IntervalLaw::Fixed, 3600);
    in.devices = 1000;
    in.tamWorkers = 4;
    in.serviceTime = 0.006;
    in.remediationServiceTime = 0.005;
    const Prediction p = Predict(in);
    EXPECT_FALSE(p.meanQueueWait.has_value());
    EXPECT_NEAR(*p.meanR, 1800 + 0.002 + 0.005, 1e-9);
    in.serviceTime = 12; // ρ = 0.83: the bound is no longer negligible
    EXPECT_FALSE(Predict(in).meanR.has_value());
}

TEST(AnalyticInputs, OutOfRangeNewInputsAreRejectedWithTheirName)
{
    // A reach above 1 or a negative delay is a caller's bug: an error naming the field.
    Inputs in = Base(IntervalLaw::Fixed);
    in.pushReach = 1.5;
    EXPECT_THROW(
        {
            try
            {
                Predict(in);
            }
            catch (const std::invalid_argument& e)
            {
                EXPECT_NE(std::string(e.what()).find("pushReach"), std::string::npos);
                throw;
            }
        },
        std::invalid_argument);
    in.pushReach = 0;
    in.brokerDelay = -1;
    in.brokerDelayFraction = 1;
    EXPECT_THROW(Predict(in), std::invalid_argument);
}
