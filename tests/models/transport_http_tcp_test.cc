// HttpTcpTransport over real ns-3 TCP: exact HTTP bytes in both directions, keep-alive (one
// connection per session), deferred answers, and every failure path ending in exactly one
// status-0 callback. The last test compares simulator events per TEEP session with
// MessageTransport.
#include "teepsim/http-framing.h"
#include "teepsim/http-tcp-transport.h"
#include "teepsim/message-transport.h"

#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/inet-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/ipv4.h"
#include "ns3/node-container.h"
#include "ns3/packet.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/string.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>

#include <functional>
#include <iostream>
#include <string>
#include <vector>

namespace ns3
{
namespace
{

/// A client node and a server node joined by point-to-point links, directly or via a router.
struct TestNet
{
    Ptr<Node> client;
    Ptr<Node> server;
    Ipv4Address serverIp;
};

TestNet BuildNet(bool viaRouter)
{
    NodeContainer nodes;
    nodes.Create(viaRouter ? 3 : 2);
    InternetStackHelper internet;
    internet.Install(nodes);
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
    p2p.SetChannelAttribute("Delay", StringValue("5ms"));
    Ipv4AddressHelper ipv4;
    TestNet net;
    net.client = nodes.Get(0);
    net.server = nodes.Get(viaRouter ? 2 : 1);
    if (!viaRouter)
    {
        ipv4.SetBase("10.1.1.0", "255.255.255.0");
        Ipv4InterfaceContainer ifs = ipv4.Assign(p2p.Install(nodes.Get(0), nodes.Get(1)));
        net.serverIp = ifs.GetAddress(1);
        return net;
    }
    ipv4.SetBase("10.1.1.0", "255.255.255.0");
    Ipv4InterfaceContainer left = ipv4.Assign(p2p.Install(nodes.Get(0), nodes.Get(1)));
    ipv4.SetBase("10.1.2.0", "255.255.255.0");
    Ipv4InterfaceContainer right = ipv4.Assign(p2p.Install(nodes.Get(1), nodes.Get(2)));
    net.serverIp = right.GetAddress(1);
    // Static default routes through the router (what the topology layer does at scale).
    Ipv4StaticRoutingHelper routing;
    routing.GetStaticRouting(net.client->GetObject<Ipv4>())->SetDefaultRoute(left.GetAddress(1), 1);
    routing.GetStaticRouting(net.server->GetObject<Ipv4>())
        ->SetDefaultRoute(right.GetAddress(0), 1);
    return net;
}

std::vector<uint8_t> Pattern(std::size_t n, uint8_t seed)
{
    std::vector<uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i)
    {
        v[i] = static_cast<uint8_t>(seed + i * 7);
    }
    return v;
}

/// Appends every traced packet's bytes to `out`.
void CollectBytes(std::vector<uint8_t>* out, Ptr<const Packet> p)
{
    std::size_t at = out->size();
    out->resize(at + p->GetSize());
    p->CopyData(out->data() + at, p->GetSize());
}

void Append(std::vector<uint8_t>& out, const std::vector<uint8_t>& more)
{
    out.insert(out.end(), more.begin(), more.end());
}

struct ServerLog
{
    std::vector<uint64_t> requestIds;
    std::vector<uint64_t> connectionIds;
    std::vector<TeepHttpRequest> requests;
    std::vector<Time> times;
};

// Callback bodies for ns-3 Callbacks (which take function pointers / functors).
using ReqFn = std::function<void(uint64_t, uint64_t, const TeepHttpRequest&)>;
using RspFn = std::function<void(const TeepHttpResponse&)>;

TeepServerTransport::RequestCallback OnRequest(ReqFn f)
{
    return TeepServerTransport::RequestCallback(std::move(f));
}

TeepClientTransport::ResponseCallback OnResponse(RspFn f)
{
    return TeepClientTransport::ResponseCallback(std::move(f));
}

class HttpTcpTransportTest : public ::testing::TestWithParam<bool>
{
  protected:
    void TearDown() override { Simulator::Destroy(); }
};

// The TEEP-over-HTTP session of the draft's sample flow: empty POST -> 200 + body,
// POST body -> 200 + body (answered later, as when the TAM asks its Verifier), POST body -> 204.
TEST_P(HttpTcpTransportTest, KeepAliveSessionCarriesExactBytesOnOneConnection)
{
    TestNet net = BuildNet(GetParam());
    Address tam = InetSocketAddress(net.serverIp, 8080);
    const auto queryRequest = Pattern(300, 1);
    const auto queryResponse = Pattern(3000, 2); // several TCP segments
    const auto update = Pattern(5000, 3);
    const auto success = Pattern(21, 4);

    Ptr<HttpTcpServerTransport> server = CreateObject<HttpTcpServerTransport>();
    ServerLog log;
    server->Listen(net.server, InetSocketAddress(Ipv4Address::GetAny(), 8080),
                   OnRequest(
                       [&](uint64_t id, uint64_t conn, const TeepHttpRequest& req)
                       {
                           log.requestIds.push_back(id);
                           log.connectionIds.push_back(conn);
                           log.requests.push_back(req);
                           log.times.push_back(Simulator::Now());
                           TeepHttpResponse rsp;
                           if (log.requests.size() == 1)
                           {
                               rsp = {200, "application/teep+cbor", queryRequest};
                               server->Respond(id, rsp);
                           }
                           else if (log.requests.size() == 2)
                           {
                               rsp = {200, "application/teep+cbor", update};
                               Simulator::Schedule(Seconds(1), [=]() { server->Respond(id, rsp); });
                           }
                           else
                           {
                               server->Respond(id, TeepHttpResponse{204, "", {}});
                           }
                       }));

    Ptr<HttpTcpClientTransport> client = CreateObject<HttpTcpClientTransport>();
    client->SetNode(net.client);
    std::vector<uint8_t> clientTx, serverTx;
    client->TraceConnectWithoutContext("Tx", MakeBoundCallback(&CollectBytes, &clientTx));
    server->TraceConnectWithoutContext("Tx", MakeBoundCallback(&CollectBytes, &serverTx));
    int opened = 0;
    client->TraceConnectWithoutContext(
        "ConnectionOpened", Callback<void, const Address&>([&](const Address&) { ++opened; }));

    std::vector<TeepHttpResponse> answers;
    RspFn third = [&](const TeepHttpResponse& r)
    {
        answers.push_back(r);
        client->CloseSession();
    };
    RspFn second = [&](const TeepHttpResponse& r)
    {
        answers.push_back(r);
        client->Post(tam, {"/tam", "application/teep+cbor", success}, OnResponse(third));
    };
    RspFn first = [&](const TeepHttpResponse& r)
    {
        answers.push_back(r);
        client->Post(tam, {"/tam", "application/teep+cbor", queryResponse}, OnResponse(second));
    };
    Simulator::Schedule(Seconds(1),
                        [&]() {
                            client->Post(tam, {"/tam", "", {}}, OnResponse(first));
                        });
    Simulator::Run();

    ASSERT_EQ(answers.size(), 3u);
    EXPECT_EQ(answers[0].status, 200);
    EXPECT_EQ(answers[0].contentType, "application/teep+cbor");
    EXPECT_EQ(answers[0].body, queryRequest);
    EXPECT_EQ(answers[1].status, 200);
    EXPECT_EQ(answers[1].body, update);
    EXPECT_EQ(answers[2].status, 204);
    EXPECT_TRUE(answers[2].body.empty());

    ASSERT_EQ(log.requests.size(), 3u);
    EXPECT_EQ(log.requests[0].contentType, "");
    EXPECT_TRUE(log.requests[0].body.empty());
    EXPECT_EQ(log.requests[0].path, "/tam");
    EXPECT_EQ(log.requests[1].body, queryResponse);
    EXPECT_EQ(log.requests[1].contentType, "application/teep+cbor");
    EXPECT_EQ(log.requests[2].body, success);
    // Keep-alive: one TCP connection carried the whole session.
    EXPECT_EQ(log.connectionIds, (std::vector<uint64_t>{1, 1, 1}));
    EXPECT_EQ(server->GetConnectionsAccepted(), 1u);
    EXPECT_EQ(client->GetConnectionsOpened(), 1u);
    EXPECT_EQ(opened, 1);
    EXPECT_EQ(log.requestIds, (std::vector<uint64_t>{1, 2, 3}));

    // Exact HTTP bytes on the wire in both directions.
    std::string host = net.serverIp == Ipv4Address("10.1.1.2") ? "10.1.1.2:8080" : "10.1.2.2:8080";
    std::vector<uint8_t> expectTx, expectRx;
    Append(expectTx, teepsim::http::EncodeRequest(host, "/tam", "", {}));
    Append(expectTx,
           teepsim::http::EncodeRequest(host, "/tam", "application/teep+cbor", queryResponse));
    Append(expectTx, teepsim::http::EncodeRequest(host, "/tam", "application/teep+cbor", success));
    Append(expectRx, teepsim::http::EncodeResponse(200, "application/teep+cbor", queryRequest));
    Append(expectRx, teepsim::http::EncodeResponse(200, "application/teep+cbor", update));
    Append(expectRx, teepsim::http::EncodeResponse(204, "", {}));
    EXPECT_EQ(clientTx, expectTx);
    EXPECT_EQ(serverTx, expectRx);
    EXPECT_EQ(client->GetBytesSent(), expectTx.size());
    EXPECT_EQ(client->GetBytesReceived(), expectRx.size());
    // The deferred answer really waited for its Respond call.
    EXPECT_GE(Simulator::Now(), log.times[1] + Seconds(1));
    // The client's close reached the server.
    EXPECT_EQ(server->GetOpenConnections(), 0u);
}

// Every device's client runs one session after another, and holds its HTTP parser and request
// list only while a connection is open: a session after CloseSession opens a fresh connection
// and parses its answer from the first byte, with nothing left over from the previous one.
TEST_P(HttpTcpTransportTest, NextSessionAfterCloseParsesAFreshConnection)
{
    TestNet net = BuildNet(GetParam());
    Address tam = InetSocketAddress(net.serverIp, 8080);
    const auto firstBody = Pattern(3000, 5); // several segments: the parser keeps partial state
    const auto secondBody = Pattern(40, 6);
    Ptr<HttpTcpServerTransport> server = CreateObject<HttpTcpServerTransport>();
    std::vector<uint64_t> connections;
    server->Listen(net.server, InetSocketAddress(Ipv4Address::GetAny(), 8080),
                   OnRequest(
                       [&](uint64_t id, uint64_t conn, const TeepHttpRequest&)
                       {
                           connections.push_back(conn);
                           const auto& body = connections.size() == 1 ? firstBody : secondBody;
                           server->Respond(id, {200, "application/teep+cbor", body});
                       }));
    Ptr<HttpTcpClientTransport> client = CreateObject<HttpTcpClientTransport>();
    client->SetNode(net.client);
    std::vector<TeepHttpResponse> answers;
    RspFn done = [&](const TeepHttpResponse& r)
    {
        answers.push_back(r);
        client->CloseSession();
    };
    for (int session = 0; session < 2; ++session)
    {
        Simulator::Schedule(Seconds(1 + 10 * session),
                            [&]() {
                                client->Post(tam, {"/tam", "", {}}, OnResponse(done));
                            });
    }
    Simulator::Run();

    ASSERT_EQ(answers.size(), 2u);
    EXPECT_EQ(answers[0].status, 200);
    EXPECT_EQ(answers[0].body, firstBody);
    EXPECT_EQ(answers[1].status, 200);
    EXPECT_EQ(answers[1].body, secondBody);
    EXPECT_EQ(connections, (std::vector<uint64_t>{1, 2})); // one connection per session
    EXPECT_EQ(client->GetConnectionsOpened(), 2u);
    EXPECT_EQ(server->GetOpenConnections(), 0u);
}

INSTANTIATE_TEST_SUITE_P(DirectAndRouted, HttpTcpTransportTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "ViaRouter" : "Direct"; });

class HttpTcpFailureTest : public ::testing::Test
{
  protected:
    void TearDown() override { Simulator::Destroy(); }
};

/// Posts once to a node where nothing listens; returns (status, time) of every callback and
/// the ConnectionFailed reason.
std::vector<std::pair<uint16_t, Time>> PostToAbsentServer(std::string* reason)
{
    TestNet net = BuildNet(false);
    Ptr<HttpTcpClientTransport> client = CreateObject<HttpTcpClientTransport>();
    client->SetNode(net.client);
    client->SetAttribute("ResponseTimeout", TimeValue(Seconds(10)));
    std::vector<std::pair<uint16_t, Time>> calls;
    client->TraceConnectWithoutContext(
        "ConnectionFailed", Callback<void, const Address&, const std::string&>(
                                [reason](const Address&, const std::string& r) { *reason = r; }));
    Simulator::Schedule(Seconds(1),
                        [&]()
                        {
                            client->Post(
                                InetSocketAddress(net.serverIp, 80), {"/tam", "", {}},
                                OnResponse([&](const TeepHttpResponse& r)
                                           { calls.emplace_back(r.status, Simulator::Now()); }));
                        });
    Simulator::Stop(Seconds(120));
    Simulator::Run();
    return calls;
}

// ns-3 3.37 TCP ignores the RST that answers a SYN (SYN_SENT drops ACK-bearing segments), so
// "connection refused" surfaces only when SYN retries run out or at the ResponseTimeout.
TEST_F(HttpTcpFailureTest, AbsentServerFailsOnceAtTheResponseTimeout)
{
    std::string reason;
    auto calls = PostToAbsentServer(&reason);
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].first, 0);
    EXPECT_EQ(calls[0].second, Seconds(11));
    EXPECT_EQ(reason, "no response within ResponseTimeout");
}

TEST_F(HttpTcpFailureTest, AbsentServerFailsOnceWhenSynRetriesRunOut)
{
    Config::SetDefault("ns3::TcpSocket::ConnCount", UintegerValue(1));
    std::string reason;
    auto calls = PostToAbsentServer(&reason);
    Config::SetDefault("ns3::TcpSocket::ConnCount", UintegerValue(6)); // ns-3's default
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].first, 0);
    EXPECT_LT(calls[0].second, Seconds(11));
    EXPECT_EQ(reason, "connection refused or unreachable");
}

TEST_F(HttpTcpFailureTest, SilentServerTimesOutExactlyOnce)
{
    TestNet net = BuildNet(true);
    Ptr<HttpTcpServerTransport> server = CreateObject<HttpTcpServerTransport>();
    int delivered = 0;
    server->Listen(net.server, InetSocketAddress(Ipv4Address::GetAny(), 80),
                   OnRequest([&](uint64_t, uint64_t, const TeepHttpRequest&) { ++delivered; }));
    Ptr<HttpTcpClientTransport> client = CreateObject<HttpTcpClientTransport>();
    client->SetNode(net.client);
    client->SetAttribute("ResponseTimeout", TimeValue(Seconds(2)));
    std::vector<std::pair<uint16_t, Time>> calls;
    Simulator::Schedule(Seconds(1),
                        [&]()
                        {
                            client->Post(
                                Ipv4Address(net.serverIp) /* default port 80 */, {"/tam", "", {}},
                                OnResponse([&](const TeepHttpResponse& r)
                                           { calls.emplace_back(r.status, Simulator::Now()); }));
                        });
    Simulator::Stop(Seconds(60));
    Simulator::Run();
    EXPECT_EQ(delivered, 1);
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].first, 0);
    EXPECT_EQ(calls[0].second, Seconds(3));
    // The client dropped the connection; the server noticed and released it.
    EXPECT_EQ(server->GetOpenConnections(), 0u);
}

TEST_F(HttpTcpFailureTest, ServerStopWithPendingRequestFailsClientOnce)
{
    TestNet net = BuildNet(false);
    Ptr<HttpTcpServerTransport> server = CreateObject<HttpTcpServerTransport>();
    uint64_t pendingId = 0;
    server->Listen(net.server, InetSocketAddress(Ipv4Address::GetAny(), 80),
                   OnRequest(
                       [&](uint64_t id, uint64_t, const TeepHttpRequest&)
                       {
                           pendingId = id;
                           Simulator::Schedule(Seconds(1), [&]() { server->Stop(); });
                       }));
    Ptr<HttpTcpClientTransport> client = CreateObject<HttpTcpClientTransport>();
    client->SetNode(net.client);
    std::vector<std::pair<uint16_t, Time>> calls;
    Simulator::Schedule(Seconds(1),
                        [&]()
                        {
                            client->Post(
                                InetSocketAddress(net.serverIp, 80), {"/tam", "", {}},
                                OnResponse([&](const TeepHttpResponse& r)
                                           { calls.emplace_back(r.status, Simulator::Now()); }));
                        });
    // A Respond after Stop must be ignored, not crash or reach the client.
    Simulator::Schedule(Seconds(3), [&]() { server->Respond(pendingId, {200, "", {1, 2, 3}}); });
    Simulator::Stop(Seconds(60));
    Simulator::Run();
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].first, 0);
    EXPECT_GT(calls[0].second, Seconds(2));
    EXPECT_LT(calls[0].second, Seconds(2.1)); // the server's FIN, not the 30 s timeout
}

TEST_F(HttpTcpFailureTest, MalformedRequestGets400AndTheConnectionCloses)
{
    TestNet net = BuildNet(false);
    Ptr<HttpTcpServerTransport> server = CreateObject<HttpTcpServerTransport>();
    int delivered = 0;
    std::string error;
    server->TraceConnectWithoutContext("BadRequest",
                                       Callback<void, uint64_t, const std::string&>(
                                           [&](uint64_t, const std::string& e) { error = e; }));
    server->Listen(net.server, InetSocketAddress(Ipv4Address::GetAny(), 80),
                   OnRequest([&](uint64_t, uint64_t, const TeepHttpRequest&) { ++delivered; }));
    // A raw TCP peer that speaks broken HTTP.
    Ptr<Socket> raw = Socket::CreateSocket(net.client, TcpSocketFactory::GetTypeId());
    std::vector<uint8_t> received;
    bool closed = false;
    raw->SetRecvCallback(Callback<void, Ptr<Socket>>(
        [&](Ptr<Socket> s)
        {
            while (Ptr<Packet> p = s->Recv())
            {
                if (p->GetSize() == 0)
                {
                    break;
                }
                CollectBytes(&received, p);
            }
        }));
    raw->SetCloseCallbacks(Callback<void, Ptr<Socket>>([&](Ptr<Socket>) { closed = true; }),
                           Callback<void, Ptr<Socket>>([&](Ptr<Socket>) { closed = true; }));
    raw->SetConnectCallback(
        Callback<void, Ptr<Socket>>(
            [&](Ptr<Socket> s)
            {
                std::string bad = "POST /tam HTTP/1.1\r\nContent-Length: x\r\n\r\n";
                s->Send(Create<Packet>(reinterpret_cast<const uint8_t*>(bad.data()), bad.size()));
            }),
        MakeNullCallback<void, Ptr<Socket>>());
    Simulator::Schedule(Seconds(1),
                        [&]()
                        {
                            raw->Bind();
                            raw->Connect(InetSocketAddress(net.serverIp, 80));
                        });
    Simulator::Stop(Seconds(10));
    Simulator::Run();
    EXPECT_EQ(delivered, 0);
    EXPECT_EQ(std::string(received.begin(), received.end()),
              "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    EXPECT_TRUE(closed);
    EXPECT_NE(error.find("bad Content-Length 'x'"), std::string::npos) << error;
    raw->Close();
}

// ---- events per TEEP session, TCP vs message level ----

/// Runs `sessions` sample-flow sessions (empty POST, POST 1 kB, POST 50 B; answers 300 B,
/// 2 kB, 204) one after another and returns the simulator events they cost.
uint64_t EventsForSessions(TeepTransportHelper helper, int sessions)
{
    TestNet net = BuildNet(true);
    Ptr<TeepServerTransport> server = helper.CreateServer();
    server->Listen(
        net.server, InetSocketAddress(net.serverIp, 80),
        OnRequest(
            [&](uint64_t id, uint64_t, const TeepHttpRequest& req)
            {
                if (req.body.empty())
                {
                    server->Respond(id, {200, "application/teep+cbor", Pattern(300, 1)});
                }
                else if (req.body.size() > 100)
                {
                    server->Respond(id, {200, "application/teep+cbor", Pattern(2000, 2)});
                }
                else
                {
                    server->Respond(id, {204, "", {}});
                }
            }));
    Ptr<TeepClientTransport> client = helper.CreateClient(net.client);
    Address tam = InetSocketAddress(net.serverIp, 80);
    int completed = 0;
    RspFn last = [&](const TeepHttpResponse& r)
    {
        completed += r.status == 204;
        client->CloseSession();
    };
    RspFn middle = [&](const TeepHttpResponse& r) {
        client->Post(tam, {"/tam", "application/teep+cbor", Pattern(50, 4)}, OnResponse(last));
    };
    RspFn first = [&](const TeepHttpResponse& r) {
        client->Post(tam, {"/tam", "application/teep+cbor", Pattern(1000, 3)}, OnResponse(middle));
    };
    for (int i = 0; i < sessions; ++i)
    {
        Simulator::Schedule(Seconds(10 * (i + 1)),
                            [&]() {
                                client->Post(tam, {"/tam", "", {}}, OnResponse(first));
                            });
    }
    uint64_t before = 0; // after the nodes' initialisation events, before any traffic
    Simulator::Schedule(Seconds(5), [&]() { before = Simulator::GetEventCount(); });
    Simulator::Run();
    uint64_t events = Simulator::GetEventCount() - before - sessions; // minus the start events
    EXPECT_EQ(completed, sessions);
    Simulator::Destroy();
    return events;
}

// The message transport exists because TCP costs an order of magnitude more events per session
// (about 17x on this flow with 1448 B segments and whole-message sends).
TEST(TransportEventsTest, MessageTransportCostsAtLeast10TimesFewerEventsPerSession)
{
    const int sessions = 20;
    TeepTransportHelper tcp;
    TeepTransportHelper msg;
    msg.SetClientType("ns3::teepsim::MessageClientTransport");
    msg.SetServerType("ns3::teepsim::MessageServerTransport");
    double tcpPerSession = double(EventsForSessions(tcp, sessions)) / sessions;
    double msgPerSession = double(EventsForSessions(msg, sessions)) / sessions;
    std::cout << "events per TEEP session (3 exchanges): HttpTcpTransport " << tcpPerSession
              << ", MessageTransport " << msgPerSession << "\n";
    ::testing::Test::RecordProperty("tcp_events_per_session", std::to_string(tcpPerSession));
    ::testing::Test::RecordProperty("message_events_per_session", std::to_string(msgPerSession));
    EXPECT_EQ(msgPerSession, 6.0); // 2 per request/response pair
    EXPECT_GE(tcpPerSession, 10 * msgPerSession);
}

} // namespace
} // namespace ns3
