// The full transport's client sockets are copies of a prototype (httptcp::CreateTcpSocket)
// instead of sockets built from attribute defaults: they must be the same sockets. Checked on
// their attributes, on the attribute defaults of the run, and on the packets of a whole
// connection, which must match those of a socket made by Socket::CreateSocket.
#include "ns3/config.h"
#include "ns3/inet-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/node-container.h"
#include "ns3/packet.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/tcp-rx-buffer.h"
#include "ns3/tcp-socket-base.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/tcp-tx-buffer.h"
#include "ns3/type-id.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <tuple>
#include <vector>

#include "models/teep/http-tcp-common.h"

namespace ns3
{
namespace
{

constexpr uint32_t kRequest = 5'000;
constexpr uint32_t kAnswer = 40'000;

uint32_t UintAttribute(const Ptr<Object>& o, const char* name)
{
    UintegerValue v;
    o->GetAttribute(name, v);
    return static_cast<uint32_t>(v.Get());
}

uint32_t DrainBytes(Ptr<Socket> socket)
{
    uint32_t n = 0;
    while (Ptr<Packet> p = socket->Recv())
    {
        if (p->GetSize() == 0)
        {
            break;
        }
        n += p->GetSize();
    }
    return n;
}

/// Frames of one connection as seen on the link: (time, sending node, size).
using Frames = std::vector<std::tuple<int64_t, uint32_t, uint32_t>>;

/// The server end: a listener (sizes set as the transport does) that answers kAnswer bytes once
/// kRequest bytes are in.
class Answerer
{
  public:
    explicit Answerer(Ptr<Node> node)
    {
        m_listener = Socket::CreateSocket(node, TcpSocketFactory::GetTypeId());
        httptcp::SetTcpSizes(m_listener, HttpTcpSizing::kSegmentSize,
                             HttpTcpSizing::kSendBufferSize, HttpTcpSizing::kReceiveBufferSize);
        m_listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), 80));
        m_listener->Listen();
        m_listener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                      MakeCallback(&Answerer::Accept, this));
    }

  private:
    void Accept(Ptr<Socket> s, const Address&)
    {
        m_got = 0;
        s->SetRecvCallback(MakeCallback(&Answerer::Read, this));
        s->SetCloseCallbacks(MakeCallback(&Answerer::Closed, this),
                             MakeCallback(&Answerer::Closed, this));
    }
    void Read(Ptr<Socket> s)
    {
        m_got += DrainBytes(s);
        if (m_got == kRequest)
        {
            s->Send(Create<Packet>(kAnswer));
        }
    }
    void Closed(Ptr<Socket> s) { s->Close(); }

    Ptr<Socket> m_listener;
    uint32_t m_got = 0;
};

/// One connection from a client socket made by `copied` ? CreateTcpSocket : Socket::CreateSocket
/// + SetTcpSizes: request, answer, client closes. Returns every frame on the link.
Frames Connection(bool copied)
{
    NodeContainer nodes;
    nodes.Create(2);
    InternetStackHelper internet;
    internet.Install(nodes);
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
    p2p.SetChannelAttribute("Delay", StringValue("5ms"));
    NetDeviceContainer devs = p2p.Install(nodes);
    Ipv4AddressHelper ipv4;
    ipv4.SetBase("10.1.1.0", "255.255.255.0");
    Ipv4InterfaceContainer ifs = ipv4.Assign(devs);
    Frames frames;
    for (uint32_t i = 0; i < 2; ++i)
    {
        devs.Get(i)->TraceConnectWithoutContext(
            "PhyTxBegin",
            Callback<void, Ptr<const Packet>>(
                [&frames, i](Ptr<const Packet> p)
                { frames.emplace_back(Simulator::Now().GetNanoSeconds(), i, p->GetSize()); }));
    }
    Answerer answerer(nodes.Get(1));
    Ptr<Socket> client;
    uint32_t got = 0;
    Simulator::Schedule(
        Seconds(1),
        [&]()
        {
            if (copied)
            {
                client = httptcp::CreateTcpSocket(nodes.Get(0), HttpTcpSizing::kSegmentSize,
                                                  HttpTcpSizing::kSendBufferSize,
                                                  HttpTcpSizing::kReceiveBufferSize);
            }
            else
            {
                client = Socket::CreateSocket(nodes.Get(0), TcpSocketFactory::GetTypeId());
                httptcp::SetTcpSizes(client, HttpTcpSizing::kSegmentSize,
                                     HttpTcpSizing::kSendBufferSize,
                                     HttpTcpSizing::kReceiveBufferSize);
            }
            client->Bind();
            client->SetConnectCallback(
                Callback<void, Ptr<Socket>>([](Ptr<Socket> s)
                                            { s->Send(Create<Packet>(kRequest)); }),
                MakeNullCallback<void, Ptr<Socket>>());
            client->SetRecvCallback(Callback<void, Ptr<Socket>>(
                [&got](Ptr<Socket> s)
                {
                    got += DrainBytes(s);
                    if (got == kAnswer)
                    {
                        s->Close();
                    }
                }));
            client->Connect(InetSocketAddress(ifs.GetAddress(1), 80));
        });
    Simulator::Run();
    EXPECT_EQ(got, kAnswer);
    Simulator::Destroy();
    return frames;
}

class TransportTcpSocketCopyTest : public ::testing::Test
{
  protected:
    void TearDown() override { Simulator::Destroy(); }
};

TEST_F(TransportTcpSocketCopyTest, CopyCarriesTheSizesNodeAndAlgorithmsOfItsConfiguration)
{
    NodeContainer nodes;
    nodes.Create(2);
    InternetStackHelper().Install(nodes);
    Ptr<Socket> a = httptcp::CreateTcpSocket(nodes.Get(0), 1000, 64 * 1024, 128 * 1024);
    Ptr<Socket> b = httptcp::CreateTcpSocket(nodes.Get(1), 1448, 32 * 1024, 96 * 1024);
    Ptr<Socket> c = httptcp::CreateTcpSocket(nodes.Get(1), 1000, 64 * 1024, 128 * 1024);
    EXPECT_EQ(a->GetNode(), nodes.Get(0));
    EXPECT_EQ(b->GetNode(), nodes.Get(1));
    EXPECT_EQ(c->GetNode(), nodes.Get(1));
    EXPECT_EQ(UintAttribute(a, "SegmentSize"), 1000u);
    EXPECT_EQ(UintAttribute(a, "SndBufSize"), 64u * 1024);
    EXPECT_EQ(UintAttribute(a, "RcvBufSize"), 128u * 1024);
    EXPECT_EQ(UintAttribute(b, "SegmentSize"), 1448u);
    EXPECT_EQ(UintAttribute(b, "SndBufSize"), 32u * 1024);
    EXPECT_EQ(UintAttribute(b, "RcvBufSize"), 96u * 1024);
    EXPECT_EQ(UintAttribute(c, "SegmentSize"), 1000u);
    // Distinct objects, each with its own buffers and state (not the prototype's).
    EXPECT_NE(PeekPointer(a), PeekPointer(c));
    Ptr<TcpSocketBase> ta = DynamicCast<TcpSocketBase>(a);
    Ptr<TcpSocketBase> tc = DynamicCast<TcpSocketBase>(c);
    ASSERT_TRUE(ta && tc);
    EXPECT_NE(PeekPointer(ta->GetTxBuffer()), PeekPointer(tc->GetTxBuffer()));
    EXPECT_NE(PeekPointer(ta->GetRxBuffer()), PeekPointer(tc->GetRxBuffer()));
}

TEST_F(TransportTcpSocketCopyTest, CopySeesTheAttributeDefaultsOfItsRun)
{
    // The prototype is dropped at Simulator::Destroy: the next run's defaults apply.
    for (uint32_t delAcks : {7u, 3u})
    {
        Config::SetDefault("ns3::TcpSocket::DelAckCount", UintegerValue(delAcks));
        Ptr<Node> node = CreateObject<Node>();
        InternetStackHelper().Install(node);
        Ptr<Socket> s = httptcp::CreateTcpSocket(node, 1448, 64 * 1024, 128 * 1024);
        EXPECT_EQ(UintAttribute(s, "DelAckCount"), delAcks);
        Simulator::Destroy();
    }
    Config::SetDefault("ns3::TcpSocket::DelAckCount", UintegerValue(2)); // ns-3's default
}

TEST_F(TransportTcpSocketCopyTest, CopiedSocketSendsTheSamePacketsAsAFreshOne)
{
    const Frames fresh = Connection(false);
    const Frames copied = Connection(true);
    ASSERT_GT(fresh.size(), 2 * kAnswer / HttpTcpSizing::kSegmentSize / 2);
    EXPECT_EQ(copied, fresh);
}

} // namespace
} // namespace ns3
