// THEORY-EXTENSIONS §3-§5 worked by hand: Broker drops that end a retry burst, the
// synchronized herd per request at a FIFO worker, and where the per-request M/D/1 wait is
// withheld because the queue remembers longer than a device round trip.
#include "teepsim/sim/analytic.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

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

bool HasNote(const Prediction& p, const std::string& part)
{
    for (const std::string& n : p.notes)
    {
        if (n.find(part) != std::string::npos)
        {
            return true;
        }
    }
    return false;
}
} // namespace

TEST(AnalyticDropRetries, WithoutLossRetriesNeverRunAndDropsActAsLoss)
{
    // p = 0: E[R] = P(1+d)/(2(1-d)) whatever r and b (0.75 h for d = 0.2).
    Inputs in = Fixed(3600);
    in.retries = 3;
    in.retrySpacing = 60;
    in.brokerDrop = 0.2;
    in.sessionLoss = 0.2; // the combined per-attempt loss includes the drop
    in.retryTriggerLoss = 0;
    EXPECT_NEAR(*Predict(in).meanR, 2700, 1e-6);
    EXPECT_NEAR(FixedIntervalRetryMean(3600, 0, 3, 60, 0, 0.2), 2700, 1e-6);
}

TEST(AnalyticDropRetries, NoDropIsTheorysRetryIntegral)
{
    // drop = 0 leaves THEORY §3.2's example: 0.50168 h.
    EXPECT_NEAR(FixedIntervalRetryMean(3600, 0.2, 3, 60, -1, 0) / 3600, 0.50168, 5e-5);
}

TEST(AnalyticDropRetries, OneRetryByHand)
{
    // r = 1, b = 0, no pre-t0 burst (p_t = 0): a round removes at attempt 0 with a, at attempt 1
    // with c a (same instant), else waits P: E[R] = P/2 + P Q/(1 - Q), Q = 1 - a(1 + c).
    const double d = 0.3, p = 0.4, P = 100;
    const double a = (1 - d) * (1 - p), c = (1 - d) * p;
    const double Q = 1 - a * (1 + c);
    EXPECT_NEAR(FixedIntervalRetryMean(P, p, 1, 0, 0, d), P / 2 + P * Q / (1 - Q), 1e-9);
}

TEST(AnalyticHerd, PerRequestFifoWithRemediationService)
{
    Inputs in = Fixed(3600);
    in.synchronized = true;
    in.devices = 1000;
    in.sessionDelay = 0.02; // ρ = 10 ms
    in.remediationServiceTime = 0.025;
    in.herdPhase = 1800; // the herd after d_T is P/2 away, the one before has decided
    // s = 0: all QueryResponses arrive at ρ, leave s_r apart: P/2 + δ + (N+1) s_r/2.
    EXPECT_NEAR(*Predict(in).meanR, 1800 + 0.02 + 1001 * 0.025 / 2, 1e-9);
    // s = 5 ms: the POSTs (5 s) are still queued at ρ: P/2 + ρ + N s + (N+1) s_r/2.
    in.serviceTime = 3 * 0.005;
    EXPECT_NEAR(*Predict(in).meanR, 1800 + 0.01 + 5 + 1001 * 0.025 / 2, 1e-9);
    // Lone device: the non-herd shift δ + s + s_r.
    in.devices = 1;
    EXPECT_NEAR(*Predict(in).meanR, 1800 + 0.02 + 0.005 + 0.025, 1e-9);
    // d_T shifts the herd.
    in.tamDelay = 60;
    EXPECT_NEAR(*Predict(in).meanR, 1860 + 0.02 + 0.005 + 0.025, 1e-9);
    // Averaged over φ ~ U(0, P): P/2 plus what follows the decision (s_r, then ρ/2).
    in.tamDelay = 0;
    in.devices = 1000;
    in.herdPhase = -1;
    EXPECT_NEAR(*Predict(in).meanR, 1800 + 0.025 + 0.005, 1e-6);
}

TEST(AnalyticHerd, UnmodelledHerdsAreNullWithAReason)
{
    Inputs in = Fixed(100);
    in.synchronized = true;
    in.devices = 1000;
    in.serviceTime = 0.3; // N(s + 2 s_r) = 300 s > P: the backlog grows
    Prediction p = Predict(in);
    EXPECT_FALSE(p.meanR.has_value());
    EXPECT_TRUE(HasNote(p, "outlasts"));
    in.serviceTime = 0.003;
    in.tamWorkers = 2;
    p = Predict(in);
    EXPECT_FALSE(p.meanR.has_value());
    EXPECT_TRUE(HasNote(p, "several workers"));
}

TEST(TamQueue, RunAverageNeedsTheQueueToForgetWithinARoundTrip)
{
    // Poisson, s = 10 ms per request, RTT_min = 120 ms: τ = ρs/(1-ρ)² must be <= 30 ms.
    Inputs in;
    in.law = IntervalLaw::Exponential;
    in.interval = 30;
    in.devices = 500;
    in.serviceTime = 0.03;
    in.spreadRoundTrips = true;
    in.minRoundTrip = 0.12;
    Prediction p = Predict(in); // ρ = 0.5, τ = 20 ms
    ASSERT_TRUE(p.meanQueueWait.has_value());
    EXPECT_NEAR(*p.meanQueueWait, MD1Wait(0.5, 0.01), 1e-12);
    in.interval = 18; // ρ = 0.83, τ = 0.29 s
    p = Predict(in);
    EXPECT_FALSE(p.meanQueueWait.has_value());
    EXPECT_TRUE(HasNote(p, "relaxation time"));
    EXPECT_TRUE(p.meanR.has_value()) << "R keeps the stationary shift";
    in.minRoundTrip = 2; // round trips of seconds: the queue forgets in time
    EXPECT_TRUE(Predict(in).meanQueueWait.has_value());
}
