// The socket chores both ends of the HTTP/TCP transport share (http-tcp-common.h).
#include "http-tcp-common.h"

#include "ns3/abort.h"
#include "ns3/simulator.h"

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

void ClearRetired(std::shared_ptr<std::vector<Ptr<Socket>>> retired)
{
    retired->clear();
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

/// Keeps a closed socket alive until the current event ends: we often close from inside the
/// socket's own callback, and dropping the last reference there would delete it mid-call.
void Retire(std::shared_ptr<std::vector<Ptr<Socket>>>& retired, Ptr<Socket> socket)
{
    if (!retired)
    {
        retired = std::make_shared<std::vector<Ptr<Socket>>>();
    }
    if (retired->empty())
    {
        Simulator::ScheduleNow(&ClearRetired, retired);
    }
    retired->push_back(socket);
}

} // namespace ns3::httptcp
