// A compromised REE's Broker (THEORY.md §2.3, §6.5) acting through the session driver's hooks:
// dropping a fraction of the sessions, delaying every message it relays, suppressing the
// policy-check timer. Zero-delay transport and an unlimited TAM, so every time is exact.
#include "ns3/enum.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <vector>

#include "teep_deployment_fixture.h"

namespace
{
using namespace ns3;
using namespace teepsim_test;

/// Counts the TAM's session-opening POSTs into `counter`.
void CountTamSessions(Deployment& d, uint64_t* counter)
{
    d.tam->TraceConnectWithoutContext(
        "SessionStart", Cb(std::function<void(uint32_t)>([counter](uint32_t) { ++*counter; })));
}
} // namespace

// DropFraction d = 0.5: of n policy checks the Broker drops a Binomial(n, d) number, within
// 4 standard deviations of n d; the others start sessions, and a dropped session never reaches
// the TAM (the TAM sees exactly the sessions the Broker started, all of them successful).
TEST(BrokerBehaviour, DropFractionDropsABinomialShareThatNeverReachesTheTam)
{
    DeploymentOptions o;
    o.devices = 1;
    o.interval = Minutes(1);
    o.brokerAttributes = {{"Start", "Synchronized"},
                          {"SynchronizedOffset", "30s"},
                          {"Behaviour", "DropFraction"},
                          {"DropProbability", "0.5"}};
    Deployment d(o);
    uint64_t tamSessions = 0;
    CountTamSessions(d, &tamSessions);
    const uint32_t n = 600;
    Simulator::Stop(Seconds(30) + Minutes(n - 1) + Seconds(1));
    Simulator::Run();

    ASSERT_EQ(d.timeline.policyChecks[0].size(), n);
    // Every check is a session with one outcome; the dropped ones end at once as
    // dropped-by-broker (failed, not retried) and never reach the TAM.
    EXPECT_EQ(d.Driver(0)->GetSessionsStarted(), n);
    EXPECT_EQ(d.Driver(0)->GetSessionsFailed(), d.timeline.dropped);
    const uint64_t sent = n - d.timeline.dropped;
    const double mean = 0.5 * n;
    const double sd = std::sqrt(n * 0.5 * 0.5);
    EXPECT_NEAR(static_cast<double>(d.timeline.dropped), mean, 4 * sd);
    EXPECT_EQ(tamSessions, sent);
    EXPECT_EQ(d.tam->GetSessionsCompleted(), sent);
    EXPECT_EQ(d.Driver(0)->GetSessionsSucceeded(), sent);
}

// Delay Δ: before the Update is processed the Broker relays four messages (empty POST,
// QueryRequest, QueryResponse, Update), each held Δ, so installation and removal happen
// exactly 4Δ later than with an honest Broker on the same seed and streams.
TEST(BrokerBehaviour, DelayShiftsInstallAndRemovalByFourRelayedMessages)
{
    const Time t0 = Hours(5);
    const Time delta = Seconds(7);
    auto run = [&](bool delayed)
    {
        DeploymentOptions o;
        o.devices = 4;
        if (delayed)
        {
            o.brokerAttributes = {{"Behaviour", "Delay"}, {"Delay", "7s"}};
        }
        Deployment d(o);
        d.DeclareMalicious("bad-ta", t0, Seconds(0), Seconds(0));
        Simulator::Stop(Hours(8));
        Simulator::Run();
        return d.timeline;
    };
    const Timeline honest = run(false);
    const Timeline delayed = run(true);
    for (uint32_t i = 0; i < 4; ++i)
    {
        // A session that started just before t0 would reach the TAM after it learns: the
        // comparison needs no check within 4Δ before t0 (true for this seed).
        for (Time c : honest.policyChecks.at(i))
        {
            ASSERT_FALSE(c > t0 - 4 * delta && c < t0) << "device " << i << " polls at " << c;
        }
        EXPECT_EQ(delayed.policyChecks.at(i), honest.policyChecks.at(i)) << "same timer";
        ASSERT_EQ(honest.installed.at(i).size(), 1u);
        ASSERT_EQ(delayed.installed.at(i).size(), 1u);
        EXPECT_EQ(delayed.installed.at(i)[0], honest.installed.at(i)[0] + 4 * delta);
        ASSERT_EQ(honest.removed.at(i).size(), 1u);
        ASSERT_EQ(delayed.removed.at(i).size(), 1u);
        EXPECT_EQ(delayed.removed.at(i)[0], honest.removed.at(i)[0] + 4 * delta) << "device " << i;
    }
}

// SuppressTimer from the start: RequestPolicyCheck is never called, so no session starts (not
// even a push-style TriggerPolicyCheck) and nothing reaches the TAM.
TEST(BrokerBehaviour, SuppressTimerNeverStartsASession)
{
    DeploymentOptions o;
    o.devices = 3;
    o.brokerAttributes = {{"Behaviour", "SuppressTimer"}};
    Deployment d(o);
    uint64_t tamSessions = 0;
    CountTamSessions(d, &tamSessions);
    bool triggered = true;
    Simulator::Schedule(Hours(2), [&]() { triggered = d.Driver(0)->TriggerPolicyCheck(); });
    Simulator::Stop(Hours(5));
    Simulator::Run();
    EXPECT_FALSE(triggered);
    EXPECT_EQ(tamSessions, 0u);
    for (uint32_t i = 0; i < o.devices; ++i)
    {
        EXPECT_TRUE(d.timeline.policyChecks[i].empty()) << "device " << i;
        EXPECT_EQ(d.Driver(i)->GetSessionsStarted(), 0u);
        EXPECT_TRUE(d.Agent(i)->GetInventory().empty());
    }
}

// An REE that turns bad later (the deployment switches Behaviour at t0) stops the timer that is
// already running: no policy check after the switch.
TEST(BrokerBehaviour, SuppressTimerSetLaterStopsTheRunningTimer)
{
    DeploymentOptions o;
    o.devices = 1;
    o.brokerAttributes = {{"Start", "Synchronized"}, {"SynchronizedOffset", "600s"}};
    Deployment d(o);
    Simulator::Schedule(
        Hours(2),
        [&d]() { d.Broker(0)->SetAttribute("Behaviour", EnumValue(BROKER_SUPPRESS_TIMER)); });
    Simulator::Stop(Hours(6));
    Simulator::Run();
    EXPECT_EQ(d.timeline.policyChecks[0], (std::vector<Time>{Minutes(10), Minutes(70)}));
    EXPECT_EQ(d.Driver(0)->GetSessionsStarted(), 2u);
}
