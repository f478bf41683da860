// A Broker that delays every message by Δ (THEORY.md §2.3: "R increases by k·Δ for a k-message
// session"). The Broker relays four messages before the Agent processes the Update: the empty
// POST, the QueryRequest, the QueryResponse and the Update itself, so with the same seed each
// device's R grows by exactly k = 4 Δ. The AR is issued when the Verifier appraises the
// QueryResponse, after 3 relayed messages: when d_V > 0 an AR from a post-t0 session that is
// still appraised before t0 + d_V vouches 3 Δ longer, one that the delay pushes past t0 + d_V
// no longer vouches; with d_V = 0 T_trust does not change at all.
#include "teepsim/sim/deployment.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "theory_helpers.h"

namespace teepsim::sim
{
namespace
{

using theory::RunResult;

constexpr int kMessagesBeforeRemoval = 4;
constexpr int kMessagesBeforeAppraisal = 3;
constexpr int64_t kTolNs = 1000; // 1 µs: the two runs differ only by the Broker's holds

struct DelayPair
{
    Scenario scenario;
    RunResult honest, delayed;
};

std::optional<DelayPair> RunPair(const std::string& policyDelay)
{
    // Trust ends by t0 + d_V + V + 3 Δ < 9 h.
    const std::vector<std::string> base = {"fleet.0.count=500", "horizon=9h",
                                           "verifier.policy_delay=" + policyDelay};
    std::vector<std::string> delayed = base;
    delayed.push_back("fleet.0.broker.delay=1");
    delayed.push_back("fleet.0.broker.delay_by=30s");
    const std::optional<Scenario> h = theory::LoadFixture(base);
    const std::optional<Scenario> d = theory::LoadFixture(delayed);
    if (!h || !d)
    {
        return std::nullopt;
    }
    DelayPair p{*d, theory::Run(*h, "honest d_V=" + policyDelay),
                theory::Run(*d, "delay 30s d_V=" + policyDelay)};
    EXPECT_EQ(p.honest.exposures.size(), 500u);
    EXPECT_EQ(p.delayed.exposures.size(), 500u);
    return p;
}

// d_V = 0: every device's R grows by exactly 4 Δ and its T_trust is unchanged (same seed).
TEST(BrokerDelay, RemovalShiftsByFourDeltaAndStaleTrustIsUnchanged)
{
    const std::optional<DelayPair> p = RunPair("0s");
    ASSERT_TRUE(p);
    const int64_t delta = p->scenario.fleet.front().broker.delay_by_ns;
    ASSERT_EQ(delta, 30'000'000'000);
    for (const recorder::Exposure& e : p->delayed.exposures)
    {
        EXPECT_EQ(p->delayed.devices.at(e.device).broker, "delay");
        const recorder::Exposure* h = p->honest.Find(e.device);
        ASSERT_NE(h, nullptr) << "device " << e.device;
        ASSERT_TRUE(e.r && h->r && e.tTrust && h->tTrust) << "device " << e.device;
        EXPECT_NEAR(*e.r - *h->r, kMessagesBeforeRemoval * delta, kTolNs) << "device " << e.device;
        EXPECT_EQ(*e.tTrust, *h->tTrust) << "device " << e.device;
    }
}

// d_V = 30 min: R still grows by exactly 4 Δ. Let a = the issue time (after t0) of the AR that
// vouches last in the honest run. a < 0 (first post-t0 poll after t0 + d_V): T_trust unchanged.
// a >= 0 and a + 3 Δ < d_V: the delayed appraisal still precedes t0 + d_V, T_trust grows by
// exactly 3 Δ. a >= 0 and a + 3 Δ > d_V: that AR no longer vouches, T_trust shrinks.
TEST(BrokerDelay, StaleTrustShiftsByThreeDeltaWhenTheVerifierLearnsLate)
{
    const std::optional<DelayPair> p = RunPair("30m");
    ASSERT_TRUE(p);
    const int64_t delta = p->scenario.fleet.front().broker.delay_by_ns;
    const int64_t dV = p->scenario.verifier.policy_delay_ns;
    const int64_t V = p->scenario.verifier.validity_ns;
    constexpr int64_t kBoundary = 1'000'000; // 1 ms: skip appraisals that tie with t0 + d_V
    size_t shifted = 0, unchanged = 0, lost = 0;
    for (const recorder::Exposure& e : p->delayed.exposures)
    {
        const recorder::Exposure* h = p->honest.Find(e.device);
        ASSERT_NE(h, nullptr) << "device " << e.device;
        ASSERT_TRUE(e.r && h->r && e.tTrust && h->tTrust && h->trustEnd) << "device " << e.device;
        EXPECT_NEAR(*e.r - *h->r, kMessagesBeforeRemoval * delta, kTolNs) << "device " << e.device;
        const int64_t issued = *h->trustEnd - V - h->t0; // honest run's last vouching AR
        const int64_t delayedIssue = issued + kMessagesBeforeAppraisal * delta;
        if (issued < 0)
        {
            ++unchanged;
            EXPECT_EQ(*e.tTrust, *h->tTrust) << "device " << e.device;
        }
        else if (delayedIssue < dV - kBoundary)
        {
            ++shifted;
            EXPECT_NEAR(*e.tTrust - *h->tTrust, kMessagesBeforeAppraisal * delta, kTolNs)
                << "device " << e.device;
        }
        else if (delayedIssue > dV + kBoundary)
        {
            ++lost;
            EXPECT_LT(*e.tTrust, *h->tTrust) << "device " << e.device;
        }
    }
    std::printf("[delay] d_V=30m: T_trust +3 Delta for %zu devices, unchanged for %zu, shorter "
                "for %zu\n",
                shifted, unchanged, lost);
    // Polls are U(0, P) after t0: about half before d_V, 3 Δ / P of them in the band.
    EXPECT_GT(shifted, 150u);
    EXPECT_GT(unchanged, 150u);
    EXPECT_GT(lost, 0u) << "the band (t0 + d_V - 3 Delta, t0 + d_V) must have devices";
}

} // namespace
} // namespace teepsim::sim
