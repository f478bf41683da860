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

/// M/D/1 wait per request with the polls in a device's own session ignored: the fixed point
/// W = MD1(ρ'), ρ' = k s N/(P + D), D = k (W + s) + 3 r (one class of round trip r), plus the
/// follow-ups' excess (k - 1) Δ/(k - ρ') with Δ = FollowUpExcess(ρ', s, r).
double PerRequestWait(double N, double P, double s, double r, int k = 3)
{
    double w = 0;
    double rho = 0;
    for (int pass = 0; pass < 3; ++pass)
    {
        const double excess = pass == 0 ? 0.0 : FollowUpExcess(rho, s, {{r, 1.0}});
        for (int i = 0; i < 200; ++i)
        {
            rho = k * s * N / (P + k * (w + s) + 3 * r);
            w = MD1Wait(rho, s) + (k - 1) * excess / (k - rho);
        }
    }
    return w;
}

TEST(TamQueue, PerRequestWaitIsMD1AtTheIdlePollRatePlusTheFollowUpExcess)
{
    // Poisson, s = 10 ms per request, round trips of 120 ms (12 service times).
    Inputs in;
    in.law = IntervalLaw::Exponential;
    in.interval = 30;
    in.devices = 500;
    in.serviceTime = 0.03;
    in.spreadRoundTrips = true;
    in.minRoundTrip = 0.12;
    Prediction p = Predict(in); // ρ = 0.5: τ = 20 ms, the excess is small
    ASSERT_TRUE(p.meanQueueWait.has_value());
    EXPECT_NEAR(*p.utilisation, 0.5, 1e-12) << "the offered load, not the idle-poll one";
    EXPECT_NEAR(*p.meanQueueWait, PerRequestWait(500, 30, 0.01, 0.12), 1e-7);
    EXPECT_LT(*p.meanQueueWait, MD1Wait(0.5, 0.01)) << "fewer polls than N/P start a session";
    in.interval = 18; // ρ = 0.83, τ = 0.29 s > the round trip: the excess matters
    p = Predict(in);
    ASSERT_TRUE(p.meanQueueWait.has_value());
    EXPECT_NEAR(*p.meanQueueWait, PerRequestWait(500, 18, 0.01, 0.12), 1e-7);
    const double plain = PerRequestWait(500, 18, 0.01, 1e9); // round trips the queue forgets
    EXPECT_GT(*p.meanQueueWait, plain + 1e-4) << "a follow-up meets a departure's workload";
    EXPECT_TRUE(p.nullCauses.empty());
}

TEST(TamQueue, PerRequestWaitIsNullOutsideTheCheckedRange)
{
    Inputs in;
    in.law = IntervalLaw::Exponential;
    in.interval = 18;
    in.devices = 500;
    in.serviceTime = 0.03;
    in.spreadRoundTrips = true;
    auto nullFor = [](const Inputs& x, const std::string& why)
    {
        const Prediction p = Predict(x);
        EXPECT_FALSE(p.meanQueueWait.has_value()) << why;
        ASSERT_EQ(p.nullCauses.size(), 1u) << why;
        EXPECT_EQ(p.nullCauses[0].first, "tam_queue_delay");
        EXPECT_NE(p.nullCauses[0].second.find(why), std::string::npos) << p.nullCauses[0].second;
        EXPECT_TRUE(HasNote(p, why));
        EXPECT_TRUE(p.meanR.has_value()) << "R keeps the stationary shift";
    };
    in.minRoundTrip = 0.05; // 5 service times: follow-ups meet other follow-ups
    nullFor(in, "below 8 service times");
    in.minRoundTrip = 0.5; // sessions of 1.6 s against P = 18 s: not Poisson session starts
    nullFor(in, "not short against P");
    in.minRoundTrip = 0.12;
    in.interval = 15.5; // ρ = 0.97
    nullFor(in, "above 0.9");
    in.interval = 18;
    in.spreadRoundTrips = false;
    nullFor(in, "one fixed round trip");
    in.spreadRoundTrips = true;
    EXPECT_TRUE(Predict(in).meanQueueWait.has_value());
}

TEST(TamQueue, WorkloadAfterADepartureRelaxesToTheMD1Mean)
{
    // A departure leaves ρ(W + s) on average (the arrivals of a sojourn), more than the time
    // average W; the excess decays over the relaxation time τ = ρs/(1-ρ)² = 0.2 s (ρ = 0.8).
    const double rho = 0.8, s = 0.01;
    const std::vector<double> u = MD1WorkloadAfterDeparture(rho, s, {0.0, 0.05, 0.2, 1.6});
    const double w = MD1Wait(rho, s);
    EXPECT_NEAR(u[0], rho * (w + s), 0.025 * w) << "the grid starts at the departure law";
    EXPECT_GT(u[1], u[2]);
    EXPECT_GT(u[2], w);
    EXPECT_NEAR(u[3], w, 0.001 * w) << "8 relaxation times later: the time average";
}
