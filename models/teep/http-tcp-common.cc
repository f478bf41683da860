// The socket chores both ends of the HTTP/TCP transport share (http-tcp-common.h).
#include "http-tcp-common.h"

#include "ns3/abort.h"
#include "ns3/simulator.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/tcp-socket-base.h"
#include "ns3/type-id.h"

namespace ns3::httptcp
{

namespace
{

/// Close() with unread bytes makes ns-3 TCP send a reset (as Linux does for data that reaches a
/// socket its application has closed) and free the connection.
void ResetClosedSocket(Ptr<Socket> socket)
{
    if (socket->GetRxAvailable() > 0)
    {
        socket->Close();
    }
}

/// Receive callback of a socket we closed while the peer may still be sending (a timed-out or
/// failed session during a large answer). Close() is only a half-close: left unread, the late
/// bytes fill the receive buffer, the advertised window shrinks toward zero and the sender
/// stalls; ns-3 3.37 TCP even crashes on it (NextSeg yields a zero-size segment once the bytes
/// sent equal the peer's window, and TcpRateLinux::SkbSent dereferences the null item).
void RejectLateData(Ptr<Socket> socket)
{
    socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>()); // one reset is enough
    // Not from inside the socket's own receive path, which still uses it after this returns.
    Simulator::ScheduleNow(&ResetClosedSocket, socket);
}

/// Closed sockets kept until the end of the event that closed them (Retire). `pending`: a
/// clearing event is scheduled; `hooked`: the current simulation clears them when destroyed.
struct RetiredSockets
{
    std::vector<Ptr<Socket>> sockets;
    bool pending = false;
    bool hooked = false;
};

RetiredSockets& Retired()
{
    static RetiredSockets retired;
    return retired;
}

void ClearRetired()
{
    RetiredSockets& r = Retired();
    r.sockets.clear();
    r.pending = false;
}

/// At Simulator::Destroy: a run destroyed before its clearing event ran leaves nothing to the
/// next run.
void ClearRetiredAtDestroy()
{
    ClearRetired();
    Retired().hooked = false;
}

/// A socket to copy new ones from, for one TCP configuration: the TcpL4Protocol's algorithm
/// types and the transport's sizes. A run has one or two (client and server sizes alike).
struct Prototype
{
    TypeId congestion;
    TypeId recovery;
    TypeId rtt;
    uint32_t segmentSize = 0;
    uint32_t sendBufferSize = 0;
    uint32_t receiveBufferSize = 0;
    Ptr<TcpSocketBase> socket;
};

std::vector<Prototype>& Prototypes()
{
    static std::vector<Prototype> prototypes;
    return prototypes;
}

void DropPrototypes()
{
    Prototypes().clear();
}

TypeId TypeIdAttribute(const Ptr<TcpL4Protocol>& tcp, const char* name)
{
    TypeIdValue v;
    tcp->GetAttribute(name, v);
    return v.Get();
}

/// The prototype for `tcp`'s configuration and these sizes, made on first use the way
/// Socket::CreateSocket makes any TCP socket (TcpL4Protocol::CreateSocket) and then taken back
/// from `tcp`: it is never bound, connected, nor tied to a node.
const Ptr<TcpSocketBase>& PrototypeFor(const Ptr<TcpL4Protocol>& tcp, uint32_t segmentSize,
                                       uint32_t sendBufferSize, uint32_t receiveBufferSize)
{
    const TypeId congestion = TypeIdAttribute(tcp, "SocketType");
    const TypeId recovery = TypeIdAttribute(tcp, "RecoveryType");
    const TypeId rtt = TypeIdAttribute(tcp, "RttEstimatorType");
    std::vector<Prototype>& prototypes = Prototypes();
    for (const Prototype& p : prototypes)
    {
        if (p.congestion == congestion && p.recovery == recovery && p.rtt == rtt &&
            p.segmentSize == segmentSize && p.sendBufferSize == sendBufferSize &&
            p.receiveBufferSize == receiveBufferSize)
        {
            return p.socket;
        }
    }
    if (prototypes.empty())
    {
        Simulator::ScheduleDestroy(&DropPrototypes); // next run: fresh attribute defaults
    }
    Ptr<TcpSocketBase> socket = DynamicCast<TcpSocketBase>(tcp->CreateSocket(congestion, recovery));
    NS_ABORT_MSG_UNLESS(socket, "HttpTcpTransport: TcpL4Protocol made a socket that is not a "
                                "TcpSocketBase");
    tcp->RemoveSocket(socket);
    socket->SetNode(nullptr);
    socket->SetTcp(nullptr);
    SetTcpSizes(socket, segmentSize, sendBufferSize, receiveBufferSize);
    prototypes.push_back(
        {congestion, recovery, rtt, segmentSize, sendBufferSize, receiveBufferSize, socket});
    return prototypes.back().socket;
}

} // namespace

// Copies a received packet's bytes into one buffer shared by every transport (the simulator
/// is single-threaded and the parser copies what it keeps): no allocation per packet, and no
/// per-device buffer that keeps the capacity of the largest packet it ever received.
std::span<const uint8_t> PacketBytes(Ptr<Packet> packet)
{
    static std::vector<uint8_t> scratch;
    scratch.resize(packet->GetSize());
    packet->CopyData(scratch.data(), scratch.size());
    return {scratch.data(), scratch.size()};
}

/// Called before Close(): nothing reaches this transport any more, and bytes that still
/// arrive are answered with a reset instead of being left in the receive buffer.
void DetachCallbacks(Ptr<Socket> socket)
{
    socket->SetConnectCallback(MakeNullCallback<void, Ptr<Socket>>(),
                               MakeNullCallback<void, Ptr<Socket>>());
    socket->SetRecvCallback(MakeCallback(&RejectLateData));
    socket->SetSendCallback(MakeNullCallback<void, Ptr<Socket>, uint32_t>());
    socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                              MakeNullCallback<void, Ptr<Socket>>());
}

/// Sets the TCP options that decide how many packets (and so events) a message costs, and the
/// receive buffer. The receive buffer must exceed the peer's send buffer: ns-3 3.37 TCP crashes
/// (TcpRateLinux::SkbSent on a null item) when a sender in SACK recovery has exactly the peer's
/// advertised window outstanding (TcpTxBuffer::NextSeg tests sent <= rWnd instead of <, fixed
/// upstream later, and yields a zero-size segment). With rWnd above anything the sender can
/// buffer, the bytes outstanding never reach it.
void SetTcpSizes(Ptr<Socket> socket, uint32_t segmentSize, uint32_t sendBufferSize,
                 uint32_t receiveBufferSize)
{
    // Both ends are configured alike (one deployment): above the own send buffer is then above
    // the peer's too. Refuse a configuration that could reach the crash.
    NS_ABORT_MSG_IF(receiveBufferSize <= sendBufferSize,
                    "HttpTcpTransport: ReceiveBufferSize ("
                        << receiveBufferSize << " B) must be larger than SendBufferSize ("
                        << sendBufferSize << " B)");
    socket->SetAttribute("SegmentSize", UintegerValue(segmentSize));
    socket->SetAttribute("SndBufSize", UintegerValue(sendBufferSize));
    socket->SetAttribute("RcvBufSize", UintegerValue(receiveBufferSize));
}

Ptr<Socket> CreateTcpSocket(Ptr<Node> node, uint32_t segmentSize, uint32_t sendBufferSize,
                            uint32_t receiveBufferSize)
{
    Ptr<TcpL4Protocol> tcp = node->GetObject<TcpL4Protocol>();
    NS_ABORT_MSG_UNLESS(tcp, "HttpTcpTransport: node " << node->GetId() << " has no TCP");
    const Ptr<TcpSocketBase>& prototype =
        PrototypeFor(tcp, segmentSize, sendBufferSize, receiveBufferSize);
    // What TcpL4Protocol::CreateSocket does after building a socket, on a copy of the prototype.
    Ptr<TcpSocketBase> socket = CopyObject<TcpSocketBase>(prototype);
    socket->SetNode(node);
    socket->SetTcp(tcp);
    tcp->AddSocket(socket);
    return socket;
}

/// Keeps a closed socket alive until the current event ends: we often close from inside the
/// socket's own callback, and dropping the last reference there would delete it mid-call.
void Retire(Ptr<Socket> socket)
{
    RetiredSockets& r = Retired();
    if (!r.hooked)
    {
        r.hooked = true;
        Simulator::ScheduleDestroy(&ClearRetiredAtDestroy);
    }
    if (!r.pending)
    {
        r.pending = true;
        Simulator::ScheduleNow(&ClearRetired);
    }
    r.sockets.push_back(socket);
}

} // namespace ns3::httptcp
