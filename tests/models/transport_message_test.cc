// MessageTransport: message-level TEEP over HTTP. Delivery after exactly delay + size / rate of
// the path, per-message loss at the configured rate (binomial check), unavailable devices and
// servers fail after the timeout, exactly one callback per request, 2 events per exchange.
#include "teepsim/http-framing.h"
#include "teepsim/link-profile.h"
#include "teepsim/message-transport.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/inet-socket-address.h"
#include "ns3/node-container.h"
#include "ns3/simulator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

namespace ns3
{
namespace
{

using ReqFn = std::function<void(uint64_t, uint64_t, const TeepHttpRequest&)>;
using RspFn = std::function<void(const TeepHttpResponse&)>;

std::vector<uint8_t> Pattern(std::size_t n, uint8_t seed)
{
    std::vector<uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i)
    {
        v[i] = static_cast<uint8_t>(seed + i * 13);
    }
    return v;
}

class MessageTransportTest : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        nodes.Create(2);
        tam = InetSocketAddress(Ipv4Address("10.0.0.1"), 80);
        client = CreateObject<MessageClientTransport>();
        client->SetNode(nodes.Get(0));
        client->AssignStreams(1);
        server = CreateObject<MessageServerTransport>();
    }
    void TearDown() override { Simulator::Destroy(); }

    /// Records the event count at 0.5 s, after the nodes' initialisation events.
    void MarkEventBaseline()
    {
        Simulator::Schedule(MilliSeconds(500),
                            [this]() { eventsBefore = Simulator::GetEventCount(); });
    }

    /// Server that answers every request at once with `rsp` and records what it got.
    void ListenAnswering(TeepHttpResponse rsp)
    {
        server->Listen(nodes.Get(1), tam,
                       TeepServerTransport::RequestCallback(ReqFn(
                           [this, rsp](uint64_t id, uint64_t conn, const TeepHttpRequest& req)
                           {
                               received.push_back(req);
                               connections.push_back(conn);
                               arrivals.push_back(Simulator::Now());
                               server->Respond(id, rsp);
                           })));
    }

    /// Posts `req` at `at`; the answer goes to `answers` / `answerTimes`.
    void PostAt(Time at, TeepHttpRequest req)
    {
        Simulator::Schedule(at,
                            [this, req]()
                            {
                                client->Post(tam, req,
                                             TeepClientTransport::ResponseCallback(RspFn(
                                                 [this](const TeepHttpResponse& r)
                                                 {
                                                     answers.push_back(r);
                                                     answerTimes.push_back(Simulator::Now());
                                                 })));
                            });
    }

    NodeContainer nodes;
    Address tam;
    Ptr<MessageClientTransport> client;
    Ptr<MessageServerTransport> server;
    uint64_t eventsBefore = 0;
    std::vector<TeepHttpRequest> received;
    std::vector<uint64_t> connections;
    std::vector<Time> arrivals;
    std::vector<TeepHttpResponse> answers;
    std::vector<Time> answerTimes;
};

TEST_F(MessageTransportTest, DeliversBothWaysAfterExactlyDelayPlusSizeOverRate)
{
    LinkProfile device{MilliSeconds(5), 1'000'000, 0.0};
    LinkProfile access{MilliSeconds(2), 10'000'000, 0.0};
    client->SetLinkProfile(device);
    server->SetLinkProfile(access);
    const auto body = Pattern(1000, 1);
    const auto answer = Pattern(2000, 2);
    ListenAnswering({200, "application/teep+cbor", answer});
    PostAt(Seconds(1), {"/tam", "application/teep+cbor", body});
    Simulator::Run();

    const uint64_t reqBytes =
        teepsim::http::EncodedRequestSize("10.0.0.1:80", "/tam", "application/teep+cbor", 1000);
    const uint64_t rspBytes =
        teepsim::http::EncodedResponseSize(200, "application/teep+cbor", 2000);
    // Path = device link then TAM access link: 7 ms, bottleneck 1 Mbit/s (8000 ns per byte).
    const Time atServer = Seconds(1) + MilliSeconds(7) + NanoSeconds(reqBytes * 8000);
    const Time atClient = atServer + MilliSeconds(7) + NanoSeconds(rspBytes * 8000);
    ASSERT_EQ(arrivals.size(), 1u);
    EXPECT_EQ(arrivals[0], atServer);
    ASSERT_EQ(answerTimes.size(), 1u);
    EXPECT_EQ(answerTimes[0], atClient);
    // The same real bytes, and byte counts equal to the HTTP messages TCP would carry.
    EXPECT_EQ(received[0].body, body);
    EXPECT_EQ(received[0].contentType, "application/teep+cbor");
    EXPECT_EQ(answers[0].status, 200);
    EXPECT_EQ(answers[0].body, answer);
    EXPECT_EQ(client->GetBytesSent(), reqBytes);
    EXPECT_EQ(client->GetBytesReceived(), rspBytes);
    // The helper on LinkProfile gives the same number.
    EXPECT_EQ(LinkProfile::Series(device, access).DeliveryTime(reqBytes), atServer - Seconds(1));
}

TEST_F(MessageTransportTest, SessionKeepsOneConnectionIdUntilClosed)
{
    ListenAnswering({204, "", {}});
    PostAt(Seconds(1), {"/tam", "", {}});
    PostAt(Seconds(2), {"/tam", "application/teep+cbor", Pattern(10, 3)});
    Simulator::Schedule(Seconds(3), [this]() { client->CloseSession(); });
    PostAt(Seconds(4), {"/tam", "", {}});
    Simulator::Run();
    ASSERT_EQ(connections.size(), 3u);
    EXPECT_EQ(connections[0], connections[1]);
    EXPECT_NE(connections[1], connections[2]);
    EXPECT_EQ(received[0].contentType, "");
    ASSERT_EQ(answers.size(), 3u);
    for (const auto& a : answers)
    {
        EXPECT_EQ(a.status, 204);
    }
}

TEST_F(MessageTransportTest, SynchronousAnswerCostsExactlyTwoEventsPerExchange)
{
    ListenAnswering({200, "application/teep+cbor", Pattern(500, 4)});
    const int n = 100;
    MarkEventBaseline();
    for (int i = 0; i < n; ++i)
    {
        PostAt(Seconds(i + 1), {"/tam", "application/teep+cbor", Pattern(300, 5)});
    }
    Simulator::Run();
    ASSERT_EQ(answers.size(), std::size_t(n));
    EXPECT_EQ(Simulator::GetEventCount() - eventsBefore,
              uint64_t(n) /* the PostAt events */ + 2 * n);
}

TEST_F(MessageTransportTest, DeferredAnswerArrivesAndItsTimeoutCostsNoEvent)
{
    client->SetLinkProfile({MilliSeconds(10), 0, 0.0});
    server->Listen(nodes.Get(1), tam,
                   TeepServerTransport::RequestCallback(ReqFn(
                       [this](uint64_t id, uint64_t, const TeepHttpRequest&)
                       {
                           arrivals.push_back(Simulator::Now());
                           Simulator::Schedule(
                               Seconds(2),
                               [this, id]() {
                                   server->Respond(id, {200, "application/teep+cbor", {1, 2}});
                               });
                           EXPECT_EQ(server->GetPendingCount(), 1u);
                       })));
    MarkEventBaseline();
    PostAt(Seconds(1), {"/tam", "", {}});
    Simulator::Run();
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].status, 200);
    EXPECT_EQ(answerTimes[0], Seconds(1) + MilliSeconds(10) + Seconds(2) + MilliSeconds(10));
    // PostAt, arrival at server, the deferred Respond, arrival at client: the armed timeout
    // was removed from the queue, not left to expire.
    EXPECT_EQ(Simulator::GetEventCount() - eventsBefore, 4u);
    EXPECT_EQ(server->GetPendingCount(), 0u);
}

// An answer given now to leave later (a TAM holding it for its CPU time) arrives exactly as
// if it had been given then, without the event that would have given it then.
TEST_F(MessageTransportTest, AnswerLeavingLaterArrivesThenWithoutAnEventOfItsOwn)
{
    client->SetLinkProfile({MilliSeconds(10), 0, 0.0});
    server->Listen(nodes.Get(1), tam,
                   TeepServerTransport::RequestCallback(ReqFn(
                       [this](uint64_t id, uint64_t, const TeepHttpRequest&)
                       {
                           server->RespondOwnedAfter(
                               id, MicroSeconds(300),
                               TeepHttpResponse{200, "application/teep+cbor", {1, 2, 3}});
                           EXPECT_EQ(server->GetPendingCount(), 0u);
                       })));
    MarkEventBaseline();
    PostAt(Seconds(1), {"/tam", "", {}});
    Simulator::Run();
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].body, (std::vector<uint8_t>{1, 2, 3}));
    EXPECT_EQ(answerTimes[0], Seconds(1) + MilliSeconds(10) + MicroSeconds(300) + MilliSeconds(10));
    // PostAt, arrival at server, arrival at client.
    EXPECT_EQ(Simulator::GetEventCount() - eventsBefore, 3u);
}

// The client's timeout still decides: an answer that would leave too late fails at the
// deadline, as a late answer given then would.
TEST_F(MessageTransportTest, AnswerLeavingAfterTheTimeoutFailsAtTheDeadline)
{
    client->SetAttribute("Timeout", TimeValue(Seconds(1)));
    server->Listen(nodes.Get(1), tam,
                   TeepServerTransport::RequestCallback(ReqFn(
                       [this](uint64_t id, uint64_t, const TeepHttpRequest&)
                       {
                           server->RespondOwnedAfter(
                               id, Seconds(2), TeepHttpResponse{200, "application/teep+cbor", {}});
                       })));
    PostAt(Seconds(1), {"/tam", "", {}});
    Simulator::Run();
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].status, 0);
    EXPECT_EQ(answerTimes[0], Seconds(2));
}

TEST_F(MessageTransportTest, UnansweredRequestTimesOutOnceWithStatusZero)
{
    client->SetAttribute("Timeout", TimeValue(Seconds(5)));
    int delivered = 0;
    server->Listen(nodes.Get(1), tam,
                   TeepServerTransport::RequestCallback(
                       ReqFn([&](uint64_t, uint64_t, const TeepHttpRequest&) { ++delivered; })));
    PostAt(Seconds(1), {"/tam", "", {}});
    Simulator::Run();
    EXPECT_EQ(delivered, 1);
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].status, 0);
    EXPECT_EQ(answerTimes[0], Seconds(6));
}

TEST_F(MessageTransportTest, UnavailableDeviceFailsAfterTimeoutAndRecovers)
{
    client->SetAttribute("Timeout", TimeValue(Seconds(5)));
    ListenAnswering({204, "", {}});
    client->SetAvailable(false);
    PostAt(Seconds(1), {"/tam", "", {}});
    Simulator::Schedule(Seconds(10),
                        [this]() { client->SetAttribute("Available", BooleanValue(true)); });
    PostAt(Seconds(11), {"/tam", "", {}});
    Simulator::Run();
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_EQ(answers[0].status, 0);
    EXPECT_EQ(answerTimes[0], Seconds(6));
    EXPECT_EQ(answers[1].status, 204);
    EXPECT_EQ(received.size(), 1u); // the server never saw the request sent while off
}

TEST_F(MessageTransportTest, DeviceGoingOffBeforeTheAnswerArrivesFails)
{
    client->SetAttribute("Timeout", TimeValue(Seconds(5)));
    client->SetLinkProfile({MilliSeconds(100), 0, 0.0});
    ListenAnswering({204, "", {}});
    PostAt(Seconds(1), {"/tam", "", {}});
    Simulator::Schedule(Seconds(1.15), [this]() { client->SetAvailable(false); });
    Simulator::Run();
    EXPECT_EQ(received.size(), 1u);
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].status, 0);
    EXPECT_EQ(answerTimes[0], Seconds(6));
}

TEST_F(MessageTransportTest, ServerOutageAndAbsentServerFail)
{
    client->SetAttribute("Timeout", TimeValue(Seconds(5)));
    client->SetLinkProfile({MilliSeconds(20), 0, 0.0});
    ListenAnswering({204, "", {}});
    server->SetAvailable(false);
    PostAt(Seconds(1), {"/tam", "", {}});
    Simulator::Schedule(Seconds(7),
                        [this]()
                        {
                            client->Post(InetSocketAddress(Ipv4Address("10.9.9.9"), 80),
                                         {"/tam", "", {}},
                                         TeepClientTransport::ResponseCallback(RspFn(
                                             [this](const TeepHttpResponse& r)
                                             {
                                                 answers.push_back(r);
                                                 answerTimes.push_back(Simulator::Now());
                                             })));
                        });
    Simulator::Run();
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_EQ(answers[0].status, 0);
    EXPECT_EQ(answerTimes[0], Seconds(6)); // outage: lost, client times out
    EXPECT_EQ(answers[1].status, 0);
    EXPECT_EQ(answerTimes[1], Seconds(12)); // nobody listens: fails at the timeout, as TCP does
    EXPECT_TRUE(received.empty());
}

TEST_F(MessageTransportTest, CloseSessionFailsPendingOnceAndDropsTheLateAnswer)
{
    client->SetLinkProfile({MilliSeconds(100), 0, 0.0});
    ListenAnswering({204, "", {}});
    PostAt(Seconds(1), {"/tam", "", {}});
    Simulator::Schedule(Seconds(1.15), [this]() { client->CloseSession(); });
    Simulator::Run();
    EXPECT_EQ(received.size(), 1u);
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].status, 0);
    EXPECT_EQ(answerTimes[0], Seconds(1.15));
}

TEST_F(MessageTransportTest, RegistryIsClearedBySimulatorDestroy)
{
    ListenAnswering({204, "", {}});
    Simulator::Destroy();
    // A fresh simulation: the old server is gone, and the address can be listened on again.
    Ptr<MessageClientTransport> fresh = CreateObject<MessageClientTransport>();
    fresh->SetNode(nodes.Get(0));
    fresh->SetLinkProfile({MilliSeconds(1), 0, 0.0});
    std::vector<uint16_t> statuses;
    Simulator::Schedule(
        Seconds(1),
        [&]()
        {
            fresh->Post(tam, {"/tam", "", {}},
                        TeepClientTransport::ResponseCallback(RspFn(
                            [&](const TeepHttpResponse& r) { statuses.push_back(r.status); })));
        });
    Simulator::Run();
    EXPECT_EQ(statuses, std::vector<uint16_t>{0}); // nobody listens any more
    Simulator::Destroy();
    Ptr<MessageServerTransport> again = CreateObject<MessageServerTransport>();
    again->Listen(nodes.Get(1), tam,
                  TeepServerTransport::RequestCallback(ReqFn(
                      [&](uint64_t id, uint64_t, const TeepHttpRequest&) {
                          again->Respond(id, {204, "", {}});
                      })));
    Simulator::Schedule(
        Seconds(1),
        [&]()
        {
            fresh->Post(tam, {"/tam", "", {}},
                        TeepClientTransport::ResponseCallback(RspFn(
                            [&](const TeepHttpResponse& r) { statuses.push_back(r.status); })));
        });
    Simulator::Run();
    EXPECT_EQ(statuses, (std::vector<uint16_t>{0, 204}));
    again->Stop();
}

/// Runs n exchanges one after another on a lossy link; returns each exchange's outcome
/// (true = answered) and counts requests the server received.
std::vector<bool> LossyRun(int n, double loss, int64_t stream, int* delivered)
{
    NodeContainer nodes;
    nodes.Create(2);
    Address tam = InetSocketAddress(Ipv4Address("10.0.0.1"), 80);
    Ptr<MessageServerTransport> server = CreateObject<MessageServerTransport>();
    *delivered = 0;
    server->Listen(nodes.Get(1), tam,
                   TeepServerTransport::RequestCallback(ReqFn(
                       [&](uint64_t id, uint64_t, const TeepHttpRequest&)
                       {
                           ++*delivered;
                           server->Respond(id, {204, "", {}});
                       })));
    Ptr<MessageClientTransport> client = CreateObject<MessageClientTransport>();
    client->SetNode(nodes.Get(0));
    client->SetAttribute("LossProbability", DoubleValue(loss));
    client->SetAttribute("Timeout", TimeValue(Seconds(1)));
    client->AssignStreams(stream);
    std::vector<bool> outcomes;
    std::function<void()> next = [&]()
    {
        if (int(outcomes.size()) == n)
        {
            return;
        }
        client->Post(tam, {"/tam", "", {}},
                     TeepClientTransport::ResponseCallback(RspFn(
                         [&](const TeepHttpResponse& r)
                         {
                             outcomes.push_back(r.status == 204);
                             next();
                         })));
    };
    Simulator::Schedule(Seconds(1), next);
    Simulator::Run();
    server->Stop();
    Simulator::Destroy();
    return outcomes;
}

TEST(MessageTransportLossTest, LossRateMatchesTheProfileWithinBinomialTolerance)
{
    const int n = 4000;
    const double p = 0.2;
    int delivered = 0;
    std::vector<bool> outcomes = LossyRun(n, p, 11, &delivered);
    ASSERT_EQ(outcomes.size(), std::size_t(n));
    int answered = 0;
    for (bool ok : outcomes)
    {
        answered += ok;
    }
    // The request reaches the server with probability 1 - p...
    double sdReq = std::sqrt(n * p * (1 - p));
    EXPECT_NEAR(delivered, n * (1 - p), 4 * sdReq);
    // ...and the whole exchange succeeds when both messages survive: (1 - p)^2.
    double q = (1 - p) * (1 - p);
    double sdAll = std::sqrt(n * q * (1 - q));
    EXPECT_NEAR(answered, n * q, 4 * sdAll);
    // Given the request arrived, the answer is lost with probability p.
    double sdRsp = std::sqrt(delivered * p * (1 - p));
    EXPECT_NEAR(delivered - answered, delivered * p, 4 * sdRsp);
}

TEST(MessageTransportLossTest, SameStreamSameOutcomesOtherStreamOtherOutcomes)
{
    int d1 = 0, d2 = 0, d3 = 0;
    auto a = LossyRun(300, 0.3, 5, &d1);
    auto b = LossyRun(300, 0.3, 5, &d2);
    auto c = LossyRun(300, 0.3, 6, &d3);
    EXPECT_EQ(a, b);
    EXPECT_EQ(d1, d2);
    EXPECT_NE(a, c);
}

TEST(LinkProfileTest, SeriesAndTransmissionTime)
{
    LinkProfile a{MilliSeconds(3), 2'000'000, 0.1};
    LinkProfile b{MilliSeconds(4), 0, 0.5};
    LinkProfile s = LinkProfile::Series(a, b);
    EXPECT_EQ(s.oneWayDelay, MilliSeconds(7));
    EXPECT_EQ(s.bandwidthBps, 2'000'000u);
    EXPECT_DOUBLE_EQ(s.lossProbability, 1 - 0.9 * 0.5);
    EXPECT_EQ(a.TransmissionTime(1000), MicroSeconds(4000)); // 8000 bit at 2 Mbit/s
    EXPECT_EQ(b.TransmissionTime(1000), Time(0));
    EXPECT_EQ(LinkProfile::Ideal().DeliveryTime(123456), Time(0));
    EXPECT_EQ(a.MakeErrorModel()->GetRate(), 0.1);
    EXPECT_EQ(LinkProfile{}.MakeErrorModel(), nullptr);
}

} // namespace
} // namespace ns3
