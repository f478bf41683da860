// Closed forms of a per-session TAM (THEORY-EXTENSIONS §6): the queue of sessions, the
// removal time of a stationary fleet, the synchronized herd and the push herd, in the limits
// where they reduce to known results.
#include "teepsim/sim/analytic.h"

#include <gtest/gtest.h>

#include <string>

namespace teepsim::analytic
{
namespace
{

Inputs PerSession(size_t n, double P, double S)
{
    Inputs in;
    in.law = IntervalLaw::Fixed;
    in.interval = P;
    in.devices = n;
    in.tamWorkers = 1;
    in.serviceTime = S;
    in.tamPerSession = true;
    in.sessionDelay = 0.08; // δ = 4 latencies of 20 ms
    in.validity = 24 * 3600;
    return in;
}

// The session-level queue has a closed form at any load below 1: M/D/1 for Poisson checks,
// where the per-request queue at the same load has none (its relaxation-time condition).
TEST(PerSessionQueue, MD1OfSessionsAtHighLoad)
{
    Inputs in = PerSession(1000, 100, 0.09); // rho = 0.9
    in.law = IntervalLaw::Exponential;
    const Prediction p = Predict(in);
    ASSERT_TRUE(p.utilisation && p.meanQueueWait);
    EXPECT_NEAR(*p.utilisation, 0.9, 1e-12);
    // M/D/1 at the load of the polls that find their device idle: N/(P + D), D = W + S + 6
    // latencies (a poll during the device's own session is ignored), below M/D/1 at N S / P.
    const double dead = *p.meanQueueWait + 0.09 + 6 * 0.02;
    EXPECT_NEAR(*p.meanQueueWait, MD1Wait(1000 * 0.09 / (100 + dead), 0.09), 1e-9);
    EXPECT_LT(*p.meanQueueWait, MD1Wait(0.9, 0.09));

    in.tamPerSession = false;
    in.minRoundTrip = 0.04;
    in.spreadRoundTrips = true;
    EXPECT_FALSE(Predict(in).meanQueueWait) << "per request the wait is NULL at this load";
}

// Fixed interval, random phases: N*D/D/1 over the N devices.
TEST(PerSessionQueue, NDD1OfSessionsForAFixedInterval)
{
    const Prediction p = Predict(PerSession(1000, 100, 0.085));
    ASSERT_TRUE(p.meanQueueWait);
    EXPECT_NEAR(*p.meanQueueWait, NDD1Wait(1000, 100, 0.085), 1e-12);
}

// A device's decision instants repeat every P at a uniform phase: E[R] = d_T + P/2 + one
// latency and the last of N removals P N/(N + 1) + one latency, whatever the queue.
TEST(PerSessionQueue, StationaryFleetRemovesOneLatencyAfterItsNextDecision)
{
    Inputs in = PerSession(1000, 100, 0.085);
    in.tamDelay = 7;
    const Prediction p = Predict(in);
    ASSERT_TRUE(p.meanR && p.fleetMaxR);
    EXPECT_NEAR(*p.meanR, 7 + 50 + 0.02, 1e-9);
    EXPECT_NEAR(*p.fleetMaxR, 7 + 100.0 * 1000 / 1001 + 0.02, 1e-9);
}

// Synchronized, the herd instant φ = 250 s after d_T and the herd before it (at -350 s, N S =
// 300 s of work) decided by d_T: THEORY §3.6's herd with the session's S, R_i = φ + δ + i S; no
// closed form once the herd outlasts P.
TEST(PerSessionHerdForms, SynchronizedHerdIsTheSessionLevelFormula)
{
    Inputs in = PerSession(1000, 600, 0.3);
    in.synchronized = true;
    in.herdPhase = 250;
    const std::optional<HerdTimes> h = SynchronizedHerd(in);
    ASSERT_TRUE(h);
    EXPECT_NEAR(h->mean, 250 + 0.08 + 1001 * 0.3 / 2, 1e-9);
    EXPECT_NEAR(h->last, 250 + 0.08 + 1000 * 0.3, 1e-9);
    const Prediction p = Predict(in);
    ASSERT_TRUE(p.meanR && p.fleetMaxR);
    EXPECT_NEAR(*p.meanR, h->mean, 1e-9);
    EXPECT_NEAR(*p.fleetMaxR, h->last, 1e-9);

    in.interval = 250; // N S = 300 s of work every 250 s
    std::string why;
    EXPECT_FALSE(SynchronizedHerd(in, &why));
    EXPECT_NE(why.find("backlog"), std::string::npos) << why;
}

// d_T inside the previous herd's service: P = 350 s, φ = 100 s, so the herd before d_T started
// at -250 s and decides until 50.06 s. The devices deciding after d_T there are cleaned by it,
// the rest by the next herd at 100 s.
TEST(PerSessionHerdForms, DevicesDecidingAfterDtInThePreviousHerdAreCleanedByIt)
{
    Inputs in = PerSession(1000, 350, 0.3);
    in.synchronized = true;
    in.herdPhase = 100;
    const std::optional<HerdTimes> h = SynchronizedHerd(in);
    ASSERT_TRUE(h);
    // Device i decides at 100 - 350 + 0.3 i + 0.06 in the previous herd: after d_T for
    // i >= 834 (0.3 x 834 = 250.2 > 249.94).
    double sum = 0;
    for (int i = 1; i <= 1000; ++i)
    {
        sum += (i >= 834 ? 100 - 350 : 100) + 0.3 * i + 0.08;
    }
    EXPECT_NEAR(h->mean, sum / 1000, 1e-9);
    EXPECT_NEAR(h->last, 100 + 0.3 * 833 + 0.08, 1e-9);
}

// Over φ ~ U(0, P) every device's decision phase is uniform: the mean is P/2 + one latency,
// whatever the herd (exactly; the last removal is averaged over a grid of 400 phases). The last
// removal: φ + N S + δ while the herd before d_T decided by d_T (φ < P - N S), else the next
// herd's last waiting device just below P: [(P - NS)²/2 + (P - NS)(NS + δ) + NS(P - S/2 + ℓ)]/P.
TEST(PerSessionHerdForms, SynchronizedHerdAveragedOverPhasesMeansHalfAnInterval)
{
    Inputs in = PerSession(1000, 600, 0.3);
    in.synchronized = true;
    const std::optional<HerdTimes> h = SynchronizedHerd(in);
    ASSERT_TRUE(h);
    EXPECT_NEAR(h->mean, 300 + 0.02, 1e-9);
    const double P = 600, NS = 300, S = 0.3;
    const double last =
        ((P - NS) * (P - NS) / 2 + (P - NS) * (NS + 0.08) + NS * (P - S / 2 + 0.02)) / P;
    EXPECT_NEAR(h->last, last, 600.0 / 400);
}

// A push to an idle TAM (P so long that no device is in a session and the queue is empty) is
// a synchronized herd at the push instant: L + δ + (N + 1)S/2 and L + δ + N S.
TEST(PerSessionHerdForms, PushToAnIdleTamIsAHerdAtThePush)
{
    Inputs in = PerSession(100, 1e9, 0.3);
    in.pushReach = 1;
    in.pushLatency = 1;
    const std::optional<HerdTimes> h = PushHerd(in);
    ASSERT_TRUE(h);
    EXPECT_NEAR(h->mean, 1 + 0.08 + 101 * 0.3 / 2, 1e-6);
    EXPECT_NEAR(h->last, 1 + 0.08 + 100 * 0.3, 1e-6);
    const Prediction p = Predict(in);
    ASSERT_TRUE(p.meanR && p.fleetMaxR);
    EXPECT_NEAR(*p.meanR, h->mean, 1e-9);
}

// At load the herd waits behind the workload ρ(W + S/2), and the devices already in a session
// (N D / P) or cleaned by their own poll (N L / P) shorten it: the mean lies below the idle
// herd plus the backlog, the last removal N D/P sessions earlier than N S after it.
TEST(PerSessionHerdForms, PushHerdWaitsBehindTheWorkloadAndShrinks)
{
    Inputs in = PerSession(10000, 3600, 0.3);
    in.pushReach = 1;
    in.pushLatency = 1;
    const std::optional<HerdTimes> h = PushHerd(in);
    ASSERT_TRUE(h);
    const double rho = 10000 * 0.3 / 3600;
    const double W = NDD1Wait(10000, 3600, 0.3);
    const double backlog = rho * (W + 0.15);
    const double inSession = 10000 * (W + 0.3 + 0.12) / 3600;
    EXPECT_NEAR(h->last, 1 + backlog + 0.08 + (10000 - inSession) * 0.3, 1e-9);
    EXPECT_LT(h->mean, 1 + backlog + 0.08 + 10001 * 0.3 / 2);
    EXPECT_GT(h->mean, 1 + backlog + 0.08 + 10001 * 0.3 / 2 - 0.3 * (inSession + 3));
}

// The push herd is modelled only where its derivation holds.
TEST(PerSessionHerdForms, PushHerdSaysWhyItDoesNotApply)
{
    Inputs in = PerSession(100, 1000, 0.3);
    in.pushReach = 0.5;
    std::string why;
    EXPECT_FALSE(PushHerd(in, &why));
    EXPECT_NE(why.find("every device"), std::string::npos) << why;
    in.pushReach = 1;
    in.tamPerSession = false;
    EXPECT_FALSE(PushHerd(in, &why));
    EXPECT_NE(why.find("per-session"), std::string::npos) << why;
}

} // namespace
} // namespace teepsim::analytic
