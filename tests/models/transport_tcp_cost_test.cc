// What a TEEP message costs on the full TCP transport: segment size on the wire, one hand-over
// of a whole answer to TCP (no refill per ACK), and no transport timer left in the scheduler
// after a request completes. These decide the events per session at thousands of devices.
#include "teepsim/http-tcp-transport.h"

#include "ns3/inet-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/node-container.h"
#include "ns3/packet.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <vector>

namespace ns3
{
namespace
{

struct Pair
{
    Ptr<Node> client;
    Ptr<Node> server;
    Ipv4Address serverIp;
    Ptr<PointToPointNetDevice> serverDevice;
};

/// Two nodes on one 10 Mbit/s, 5 ms point-to-point link (MTU 1500).
Pair BuildPair()
{
    NodeContainer nodes;
    nodes.Create(2);
    InternetStackHelper internet;
    internet.Install(nodes);
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
    p2p.SetChannelAttribute("Delay", StringValue("5ms"));
    NetDeviceContainer devs = p2p.Install(nodes.Get(0), nodes.Get(1));
    Ipv4AddressHelper ipv4;
    ipv4.SetBase("10.1.1.0", "255.255.255.0");
    Ipv4InterfaceContainer ifs = ipv4.Assign(devs);
    return {nodes.Get(0), nodes.Get(1), ifs.GetAddress(1),
            DynamicCast<PointToPointNetDevice>(devs.Get(1))};
}

std::vector<uint8_t> Pattern(std::size_t n)
{
    std::vector<uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i)
    {
        v[i] = static_cast<uint8_t>(i * 13 + 5);
    }
    return v;
}

struct Outcome
{
    TeepHttpResponse answer;
    uint32_t largestServerFrame = 0; // bytes on the wire, PPP header included
    uint32_t serverHandOvers = 0;    // packets the server transport handed to TCP
    Time answeredAt;
};

/// One POST answered with `body`; `configure` may set attributes on both transports.
Outcome Exchange(const std::vector<uint8_t>& body,
                 const std::function<void(Ptr<Object>, Ptr<Object>)>& configure = {},
                 Time responseTimeout = Seconds(30))
{
    Pair net = BuildPair();
    Ptr<HttpTcpServerTransport> server = CreateObject<HttpTcpServerTransport>();
    Ptr<HttpTcpClientTransport> client = CreateObject<HttpTcpClientTransport>();
    client->SetAttribute("ResponseTimeout", TimeValue(responseTimeout));
    if (configure)
    {
        configure(client, server);
    }
    Outcome out;
    server->Listen(net.server, InetSocketAddress(Ipv4Address::GetAny(), 80),
                   TeepServerTransport::RequestCallback(
                       [&](uint64_t id, uint64_t, const TeepHttpRequest&) {
                           server->Respond(id, {200, "application/teep+cbor", body});
                       }));
    server->TraceConnectWithoutContext(
        "Tx", Callback<void, Ptr<const Packet>>([&](Ptr<const Packet>) { ++out.serverHandOvers; }));
    net.serverDevice->TraceConnectWithoutContext(
        "PhyTxBegin",
        Callback<void, Ptr<const Packet>>(
            [&](Ptr<const Packet> p)
            { out.largestServerFrame = std::max(out.largestServerFrame, p->GetSize()); }));
    client->SetNode(net.client);
    Simulator::Schedule(Seconds(1),
                        [&]()
                        {
                            client->Post(InetSocketAddress(net.serverIp, 80), {"/tam", "", {}},
                                         TeepClientTransport::ResponseCallback(
                                             [&](const TeepHttpResponse& r)
                                             {
                                                 out.answer = r;
                                                 out.answeredAt = Simulator::Now();
                                                 client->CloseSession();
                                             }));
                        });
    Simulator::Run();
    return out;
}

class TransportTcpCostTest : public ::testing::Test
{
  protected:
    void TearDown() override { Simulator::Destroy(); }
};

TEST_F(TransportTcpCostTest, DefaultSegmentsFillA1500ByteMtu)
{
    // 1448 B of payload + 12 B timestamp option + 20 B TCP + 20 B IPv4 + 2 B PPP = 1502 B.
    Outcome o = Exchange(Pattern(20'000));
    EXPECT_EQ(o.answer.status, 200);
    EXPECT_EQ(o.answer.body, Pattern(20'000));
    EXPECT_EQ(o.largestServerFrame, 1448u + 12 + 20 + 20 + 2);
}

TEST_F(TransportTcpCostTest, SegmentSizeAttributeSetsTheSegmentsOnTheWire)
{
    // ns-3's own 536 B default is still available: the frames shrink accordingly.
    Outcome o = Exchange(Pattern(20'000),
                         [](Ptr<Object> client, Ptr<Object> server)
                         {
                             client->SetAttribute("SegmentSize", UintegerValue(536));
                             server->SetAttribute("SegmentSize", UintegerValue(536));
                         });
    EXPECT_EQ(o.answer.body, Pattern(20'000));
    EXPECT_EQ(o.largestServerFrame, 536u + 12 + 20 + 20 + 2);
}

TEST_F(TransportTcpCostTest, WholeAnswerGoesToTcpInOneHandOver)
{
    // A 300 kB answer (a TA image) is handed over in 64 KiB chunks within one event, not
    // refilled piecemeal from the send callback as ACKs free room in a small buffer.
    const std::size_t size = 300'000;
    Outcome o = Exchange(Pattern(size));
    EXPECT_EQ(o.answer.body, Pattern(size));
    const std::size_t wire =
        teepsim::http::EncodeResponse(200, "application/teep+cbor", Pattern(size)).size();
    EXPECT_EQ(o.serverHandOvers, (wire + 65535) / 65536);
}

TEST_F(TransportTcpCostTest, SmallSendBufferIsRefilledAndStillDeliversEveryByte)
{
    // With a 16 KiB buffer the rest of the answer follows from the send callback.
    const std::size_t size = 100'000;
    Outcome o = Exchange(Pattern(size), [](Ptr<Object>, Ptr<Object> server)
                         { server->SetAttribute("SendBufferSize", UintegerValue(16 * 1024)); });
    EXPECT_EQ(o.answer.body, Pattern(size));
    EXPECT_GT(o.serverHandOvers, size / (16 * 1024));
}

TEST_F(TransportTcpCostTest, AnsweredRequestLeavesNoTimeoutInTheScheduler)
{
    // With a one-day ResponseTimeout the run must still end minutes after the answer (TCP's
    // TIME_WAIT), not a day later: the completed request's timer was removed, not cancelled.
    Outcome o = Exchange(Pattern(100), {}, Hours(24));
    ASSERT_EQ(o.answer.status, 200);
    EXPECT_LT(Simulator::Now(), o.answeredAt + Minutes(10));
}

} // namespace
} // namespace ns3
