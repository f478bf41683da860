// TAM capacity: a FIFO queue in front of Workers workers, each message taking ServiceTime
// (RemediationServiceTime for removal sessions), QueueLimit rejecting the excess with HTTP 503,
// and the QueueLength / Overload traces. Zero-delay transport, so all times are exact.
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "teep_deployment_fixture.h"

namespace
{
using namespace ns3;
using namespace teepsim_test;

const Time kT0 = Seconds(10); // every Broker's first policy check (synchronized herd)

DeploymentOptions Herd(uint32_t devices)
{
    DeploymentOptions o;
    o.devices = devices;
    o.brokerAttributes = {{"Start", "Synchronized"}, {"SynchronizedOffset", "10s"}};
    return o;
}

void SetCapacity(Deployment& d, uint32_t workers, Time service, uint32_t queueLimit = 0,
                 Time remediation = Seconds(0))
{
    d.tam->SetAttribute("Workers", UintegerValue(workers));
    d.tam->SetAttribute("ServiceTime", TimeValue(service));
    d.tam->SetAttribute("QueueLimit", UintegerValue(queueLimit));
    d.tam->SetAttribute("RemediationServiceTime", TimeValue(remediation));
}

/// (time, outcome) of every Broker SessionEnd, in event order.
using Ends = std::vector<std::pair<Time, SessionOutcome>>;
std::unique_ptr<Ends> RecordSessionEnds(Deployment& d)
{
    auto ends = std::make_unique<Ends>();
    Ends* e = ends.get();
    for (uint32_t i = 0; i < d.devices.GetN(); ++i)
    {
        d.Broker(i)->TraceConnectWithoutContext(
            "SessionEnd",
            Cb(std::function<void(uint32_t, SessionOutcome)>(
                [e](uint32_t, SessionOutcome o) { e->emplace_back(Simulator::Now(), o); })));
    }
    return ends;
}
} // namespace

// One worker, 1 s per message, N devices polling at the same instant: the 3N messages (POST,
// QueryResponse, Success per session) are served strictly one after another in arrival
// order: all POSTs, then all QueryResponses, then the Successes, so session k (0-based, in
// arrival order) ends at t0 + 2N + k + 1 s.
TEST(TamCapacity, SynchronizedHerdIsServedOneMessageAtATime)
{
    const uint32_t n = 4;
    Deployment d(Herd(n));
    SetCapacity(d, 1, Seconds(1));
    std::unique_ptr<Ends> ends = RecordSessionEnds(d);
    Simulator::Stop(kT0 + Minutes(1));
    Simulator::Run();

    ASSERT_EQ(ends->size(), n);
    for (uint32_t k = 0; k < n; ++k)
    {
        EXPECT_EQ((*ends)[k].second, SessionOutcome::Success) << "session " << k;
        EXPECT_EQ((*ends)[k].first, kT0 + Seconds(2 * n + k + 1)) << "session " << k;
    }
    EXPECT_EQ(d.tam->GetSessionsCompleted(), n);
    EXPECT_EQ(d.tam->GetOverloadCount(), 0u);
}

// Without workers (unlimited) the same herd completes at t0: capacity is the only delay.
TEST(TamCapacity, UnlimitedWorkersAddNoDelay)
{
    Deployment d(Herd(3));
    std::unique_ptr<Ends> ends = RecordSessionEnds(d);
    Simulator::Stop(kT0 + Minutes(1));
    Simulator::Run();
    ASSERT_EQ(ends->size(), 3u);
    for (const auto& [t, o] : *ends)
    {
        EXPECT_EQ(t, kT0);
        EXPECT_EQ(o, SessionOutcome::Success);
    }
}

// QueueLimit = 2 with 5 simultaneous POSTs: one is served, two wait, two are rejected at once
// with HTTP 503, which the Broker reports as TransportFailed; the admitted three complete.
TEST(TamCapacity, QueueLimitRejectsTheExcessWith503)
{
    Deployment d(Herd(5));
    SetCapacity(d, 1, Seconds(1), /*queueLimit=*/2);
    std::unique_ptr<Ends> ends = RecordSessionEnds(d);
    std::vector<uint32_t> overloaded;
    d.tam->TraceConnectWithoutContext(
        "Overload", Cb(std::function<void(uint32_t)>([&overloaded](uint32_t dev)
                                                     { overloaded.push_back(dev); })));
    Simulator::Stop(kT0 + Minutes(1));
    Simulator::Run();

    ASSERT_EQ(ends->size(), 5u);
    // The two rejections end their sessions at t0, before any served session ends.
    EXPECT_EQ((*ends)[0], std::make_pair(kT0, SessionOutcome::TamBusy));
    EXPECT_EQ((*ends)[1], std::make_pair(kT0, SessionOutcome::TamBusy));
    for (size_t k = 2; k < 5; ++k)
    {
        EXPECT_EQ((*ends)[k].second, SessionOutcome::Success);
        EXPECT_EQ((*ends)[k].first, kT0 + Seconds(6 + k - 1)) << "served session " << k - 2;
    }
    EXPECT_EQ(overloaded, (std::vector<uint32_t>{kUnknownDevice, kUnknownDevice}))
        << "session-opening POSTs carry no device identity";
    EXPECT_EQ(d.tam->GetOverloadCount(), 2u);
    EXPECT_EQ(d.tam->GetSessionsCompleted(), 3u);
    uint32_t failedBrokers = 0;
    for (uint32_t i = 0; i < 5; ++i)
    {
        const auto& o = d.timeline.brokerOutcomes[i];
        ASSERT_EQ(o.size(), 1u);
        failedBrokers += o[0] == SessionOutcome::TamBusy;
        if (o[0] == SessionOutcome::TamBusy)
        {
            EXPECT_EQ(d.Agent(i)->GetProcessErrorCount(), 1u);
            EXPECT_FALSE(d.Agent(i)->HasTa("good-ta"));
        }
    }
    EXPECT_EQ(failedBrokers, 2u);
}

// A removal session (the device holds a TA the TAM now knows is malicious) takes
// RemediationServiceTime per message once the TAM knows it (QueryResponse and Success); the
// session-opening POST and ordinary sessions take ServiceTime.
TEST(TamCapacity, RemediationServiceTimeAppliesToRemovalSessions)
{
    DeploymentOptions o = Herd(1);
    o.interval = Hours(1);
    Deployment d(o);
    SetCapacity(d, 1, Seconds(1), 0, Seconds(5));
    std::unique_ptr<Ends> ends = RecordSessionEnds(d);
    Simulator::Schedule(Seconds(100), &TamServer::DeclareMalicious, d.tam, "bad-ta");
    Simulator::Stop(kT0 + Hours(1) + Minutes(1));
    Simulator::Run();

    ASSERT_EQ(ends->size(), 2u);
    // Install session: three messages of 1 s.
    EXPECT_EQ((*ends)[0], std::make_pair(kT0 + Seconds(3), SessionOutcome::Success));
    ASSERT_EQ(d.timeline.installed[0].size(), 1u);
    EXPECT_EQ(d.timeline.installed[0][0], kT0 + Seconds(2));
    // Removal session: POST 1 s, QueryResponse 5 s (its Update unlinks bad-ta), Success 5 s.
    const Time t1 = kT0 + Hours(1);
    ASSERT_EQ(d.timeline.removed[0].size(), 1u);
    EXPECT_EQ(d.timeline.removed[0][0], t1 + Seconds(1 + 5));
    EXPECT_EQ((*ends)[1], std::make_pair(t1 + Seconds(1 + 5 + 5), SessionOutcome::Success));
    EXPECT_FALSE(d.Agent(0)->HasTa("bad-ta"));
}

// Two devices, one worker, 1 s per message: every change of (waiting, busy) is traced once,
// a worker taking the next waiting request being one change.
TEST(TamCapacity, QueueLengthTraceFollowsEveryChange)
{
    Deployment d(Herd(2));
    SetCapacity(d, 1, Seconds(1));
    std::vector<std::pair<uint32_t, uint32_t>> seq;
    std::vector<Time> at;
    d.tam->TraceConnectWithoutContext("QueueLength", Cb(std::function<void(uint32_t, uint32_t)>(
                                                         [&](uint32_t q, uint32_t busy)
                                                         {
                                                             seq.emplace_back(q, busy);
                                                             at.push_back(Simulator::Now());
                                                         })));
    Simulator::Stop(kT0 + Minutes(1));
    Simulator::Run();

    using P = std::pair<uint32_t, uint32_t>;
    // t0: POST0 taken, POST1 waits. Each later second: the worker takes the next request and
    // the answer just sent brings the device's next message. t0+5: the last Success is taken;
    // t0+6: the worker goes idle.
    const std::vector<P> expected = {P{0, 1}, P{1, 1}, P{0, 1}, P{1, 1}, P{0, 1}, P{1, 1},
                                     P{0, 1}, P{1, 1}, P{0, 1}, P{1, 1}, P{0, 1}, P{0, 0}};
    EXPECT_EQ(seq, expected);
    const std::vector<Time> expectedAt = {kT0,
                                          kT0,
                                          kT0 + Seconds(1),
                                          kT0 + Seconds(1),
                                          kT0 + Seconds(2),
                                          kT0 + Seconds(2),
                                          kT0 + Seconds(3),
                                          kT0 + Seconds(3),
                                          kT0 + Seconds(4),
                                          kT0 + Seconds(4),
                                          kT0 + Seconds(5),
                                          kT0 + Seconds(6)};
    EXPECT_EQ(at, expectedAt);
}
