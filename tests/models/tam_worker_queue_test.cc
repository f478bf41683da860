// TamWorkerQueue, the TAM's capacity model beside TamServer: the forwarded attributes reach
// it, and its two service models. Per request every message queues for ServiceTime; per
// session only the opening request queues, for RequestsPerSession x ServiceTime, and the
// session's later requests are handled at once. Zero-delay transport, so all times are exact.
#include "teepsim/tam-worker-queue.h"

#include "ns3/enum.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
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

/// Session end times of every Broker, in event order.
std::unique_ptr<std::vector<Time>> RecordSessionEnds(Deployment& d)
{
    auto ends = std::make_unique<std::vector<Time>>();
    std::vector<Time>* e = ends.get();
    for (uint32_t i = 0; i < d.devices.GetN(); ++i)
    {
        d.Broker(i)->TraceConnectWithoutContext("SessionEnd",
                                                Cb(std::function<void(uint32_t, SessionOutcome)>(
                                                    [e](uint32_t, SessionOutcome o)
                                                    {
                                                        EXPECT_EQ(o, SessionOutcome::Success);
                                                        e->push_back(Simulator::Now());
                                                    })));
    }
    return ends;
}
} // namespace

// The TamServer's capacity attributes are the WorkerQueue's: set on the server, read on the
// queue it exposes (also as the read-only pointer attribute "WorkerQueue").
TEST(TamWorkerQueue, ServerAttributesAreForwardedToItsQueue)
{
    Deployment d(Herd(1));
    d.tam->SetAttribute("Workers", UintegerValue(3));
    d.tam->SetAttribute("ServiceTime", TimeValue(MilliSeconds(7)));
    d.tam->SetAttribute("Service", EnumValue(TAM_SERVICE_PER_SESSION));
    PointerValue pv;
    d.tam->GetAttribute("WorkerQueue", pv);
    Ptr<TamWorkerQueue> q = pv.Get<TamWorkerQueue>();
    ASSERT_TRUE(q);
    EXPECT_EQ(q, d.tam->GetWorkerQueue());
    EXPECT_EQ(q->GetWorkers(), 3u);
    EXPECT_EQ(q->GetServiceTime(), MilliSeconds(7));
    EXPECT_EQ(q->GetService(), TAM_SERVICE_PER_SESSION);
    Simulator::Stop(Seconds(1));
    Simulator::Run();
}

// Per session, one worker, 1 s per message: the 4 simultaneous sessions' opening requests
// are served 3 s each, one after another, and each session's QueryResponse and Success are
// answered at once, so session k (0-based) ends at t0 + 3 (k + 1) s. (Per request the same
// herd ends at t0 + 2N + k + 1 s: tam_capacity_test.cc.)
TEST(TamWorkerQueue, PerSessionChargesTheWholeSessionAtItsOpeningRequest)
{
    const uint32_t n = 4;
    Deployment d(Herd(n));
    d.tam->SetAttribute("Workers", UintegerValue(1));
    d.tam->SetAttribute("ServiceTime", TimeValue(Seconds(1)));
    d.tam->SetAttribute("Service", EnumValue(TAM_SERVICE_PER_SESSION));
    std::unique_ptr<std::vector<Time>> ends = RecordSessionEnds(d);
    Simulator::Stop(kT0 + Minutes(1));
    Simulator::Run();
    ASSERT_EQ(ends->size(), n);
    for (uint32_t k = 0; k < n; ++k)
    {
        EXPECT_EQ((*ends)[k], kT0 + Seconds(3 * (k + 1))) << "session " << k;
    }
}

namespace
{
/// A queue driven by hand: records when each request is handled and when its answer is
/// released (the `ready` the queue gives).
struct HandDriven
{
    Ptr<TamWorkerQueue> queue = CreateObject<TamWorkerQueue>();
    std::vector<std::pair<uint64_t, Time>> handled, ready;
    std::vector<Time> waits;

    HandDriven(TamServiceModel model)
    {
        queue->SetAttribute("Workers", UintegerValue(1));
        queue->SetAttribute("ServiceTime", TimeValue(MilliSeconds(10)));
        queue->SetAttribute("Service", EnumValue(model));
        queue->SetCallbacks(
            [this](const TamWorkerQueue::Request& r)
            {
                handled.emplace_back(r.requestId, Simulator::Now());
                return TamWorkerQueue::Work{};
            },
            [this](uint64_t id, Time at, bool) { ready.emplace_back(id, at); },
            [](const TamWorkerQueue::Request&) { ADD_FAILURE() << "no queue limit"; });
        queue->TraceConnectWithoutContext("QueueDelay",
                                          Cb(std::function<void(uint32_t, Time)>(
                                              [this](uint32_t, Time w) { waits.push_back(w); })));
    }
    /// Two session-opening POSTs at 0, a QueryResponse-like request (a body) at 1 ms.
    void Drive()
    {
        TeepHttpRequest post;
        TeepHttpRequest followUp;
        followUp.body = {0x01};
        Simulator::Schedule(Seconds(0), [this, post] { queue->Submit(1, 1, post); });
        Simulator::Schedule(Seconds(0), [this, post] { queue->Submit(2, 2, post); });
        Simulator::Schedule(MilliSeconds(1), [this, followUp] { queue->Submit(3, 1, followUp); });
        Simulator::Run();
        Simulator::Destroy();
    }
};
} // namespace

// Per request (the default) the body-carrying request queues behind both POSTs, 10 ms each.
TEST(TamWorkerQueue, PerRequestQueuesEveryRequest)
{
    HandDriven h(TAM_SERVICE_PER_REQUEST);
    h.Drive();
    using P = std::pair<uint64_t, Time>;
    EXPECT_EQ(h.handled,
              (std::vector<P>{{1, Seconds(0)}, {2, MilliSeconds(10)}, {3, MilliSeconds(20)}}));
    EXPECT_EQ(h.ready, (std::vector<P>{
                           {1, MilliSeconds(10)}, {2, MilliSeconds(20)}, {3, MilliSeconds(30)}}));
    EXPECT_EQ(h.waits, (std::vector<Time>{Seconds(0), MilliSeconds(10), MilliSeconds(19)}));
}

// Per session a POST holds the worker for 3 x 10 ms; the body-carrying request is handled and
// released at once, without a worker and without a QueueDelay sample.
TEST(TamWorkerQueue, PerSessionHandlesLaterRequestsAtOnce)
{
    HandDriven h(TAM_SERVICE_PER_SESSION);
    h.Drive();
    using P = std::pair<uint64_t, Time>;
    EXPECT_EQ(h.handled,
              (std::vector<P>{{1, Seconds(0)}, {3, MilliSeconds(1)}, {2, MilliSeconds(30)}}));
    EXPECT_EQ(h.ready,
              (std::vector<P>{{1, MilliSeconds(30)}, {3, MilliSeconds(1)}, {2, MilliSeconds(60)}}));
    EXPECT_EQ(h.waits, (std::vector<Time>{Seconds(0), MilliSeconds(30)}));
}

// The ServiceEnd callback comes at the end of every non-zero service, in the event that frees
// the worker and before the worker takes the next waiting request (TamServer sends an answer
// due then from it instead of from an event of its own); and a request that waited is handled
// from the queue's own copy, after the submitter's request object is gone.
TEST(TamWorkerQueue, ServiceEndPrecedesTheNextWaitingRequest)
{
    Ptr<TamWorkerQueue> queue = CreateObject<TamWorkerQueue>();
    queue->SetAttribute("Workers", UintegerValue(1));
    queue->SetAttribute("ServiceTime", TimeValue(MilliSeconds(10)));
    std::vector<std::string> log;
    auto at = [](const char* what, uint64_t id)
    {
        return std::string(what) + " " + std::to_string(id) + " @" +
               std::to_string(Simulator::Now().GetMilliSeconds());
    };
    queue->SetCallbacks(
        [&](const TamWorkerQueue::Request& r)
        {
            log.push_back(at("handle", r.requestId) + " body " + std::to_string(r.req.body.at(0)));
            return TamWorkerQueue::Work{};
        },
        [&](uint64_t id, Time, bool atOnce)
        { log.push_back(at(atOnce ? "release-now" : "release", id)); },
        [](const TamWorkerQueue::Request&) { ADD_FAILURE() << "no queue limit"; });
    queue->SetServiceEndCallback([&](uint64_t id) { log.push_back(at("end", id)); });
    for (uint8_t id = 1; id <= 2; ++id)
    {
        Simulator::Schedule(Seconds(0),
                            [queue, id]
                            {
                                TeepHttpRequest req; // gone when this event returns
                                req.body = {static_cast<uint8_t>(10 * id)};
                                queue->Submit(id, id, req);
                            });
    }
    Simulator::Run();
    Simulator::Destroy();
    EXPECT_EQ(log,
              (std::vector<std::string>{"handle 1 @0 body 10", "release 1 @0", "end 1 @10",
                                        "handle 2 @10 body 20", "release 2 @10", "end 2 @20"}));
}
