// Shared by the two halves of the TEEP-over-HTTP/TCP transport (http-tcp-client-transport.cc,
// http-tcp-server-transport.cc): the TCP sizing attributes both ends configure alike (declared
// once here, defaults in HttpTcpSizing), and the socket chores they share. Private to the models.
#pragma once

#include "teepsim/http-tcp-transport.h"

#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/packet.h"
#include "ns3/ptr.h"
#include "ns3/socket.h"
#include "ns3/type-id.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace ns3::httptcp
{

/// Adds the SegmentSize, SendBufferSize and ReceiveBufferSize attributes (HttpTcpSizing defaults)
/// to `tid`, stored in the given members of T.
template<typename T>
TypeId AddTcpSizingAttributes(TypeId tid, uint32_t T::*segmentSize, uint32_t T::*sendBufferSize,
                              uint32_t T::*receiveBufferSize)
{
    return tid
        .AddAttribute("SegmentSize",
                      "TCP maximum segment size of the connections (1448 B: a 1500 B MTU less "
                      "IPv4, TCP and timestamp headers; ns-3's own default is 536 B).",
                      UintegerValue(HttpTcpSizing::kSegmentSize), MakeUintegerAccessor(segmentSize),
                      MakeUintegerChecker<uint32_t>(64, 65495))
        .AddAttribute("SendBufferSize",
                      "TCP send buffer: large enough that a whole TEEP message (a TA image "
                      "included) is handed to TCP at once instead of refilled on every ACK "
                      "(memory is only used by queued bytes).",
                      UintegerValue(HttpTcpSizing::kSendBufferSize),
                      MakeUintegerAccessor(sendBufferSize), MakeUintegerChecker<uint32_t>(1024))
        .AddAttribute("ReceiveBufferSize",
                      "TCP receive buffer (a limit; only bytes held use memory). Must be larger "
                      "than the peer's SendBufferSize, see SetTcpSizes: ns-3 3.37 crashes when a "
                      "sender has exactly the receive window outstanding.",
                      UintegerValue(HttpTcpSizing::kReceiveBufferSize),
                      MakeUintegerAccessor(receiveBufferSize), MakeUintegerChecker<uint32_t>(1024));
}

// Largest chunk handed to the socket at once: keeps packets (and copies) bounded.
constexpr uint32_t kMaxChunk = 64 * 1024;

/// Copies a received packet's bytes into one buffer shared by every transport (the simulator
/// is single-threaded and the parser copies what it keeps): no allocation per packet, and no
/// per-device buffer that keeps the capacity of the largest packet it ever received.
std::span<const uint8_t> PacketBytes(Ptr<Packet> packet);

/// Hands bytes [offset, end) of `tx` to `socket` as far as its buffer allows.
template<typename Trace>
std::size_t SendBuffered(Ptr<Socket> socket, const std::vector<uint8_t>& tx, std::size_t offset,
                         const Trace& trace, uint64_t& counter)
{
    while (offset < tx.size())
    {
        uint32_t room = socket->GetTxAvailable();
        uint32_t n =
            static_cast<uint32_t>(std::min<std::size_t>({tx.size() - offset, room, kMaxChunk}));
        if (n == 0)
        {
            break; // resumed from the send callback
        }
        Ptr<Packet> packet = Create<Packet>(tx.data() + offset, n);
        if (socket->Send(packet) < 0)
        {
            break;
        }
        offset += n;
        counter += n;
        trace(packet);
    }
    return offset;
}

/// Called before Close(): nothing reaches this transport any more, and bytes that still
/// arrive are answered with a reset instead of being left in the receive buffer.
void DetachCallbacks(Ptr<Socket> socket);

/// Sets the TCP options that decide how many packets (and so events) a message costs, and the
/// receive buffer (which must exceed the send buffer; aborts otherwise).
void SetTcpSizes(Ptr<Socket> socket, uint32_t segmentSize, uint32_t sendBufferSize,
                 uint32_t receiveBufferSize);

/// A new, unbound TCP socket on `node` with these sizes: what Socket::CreateSocket(node,
/// TcpSocketFactory) followed by SetTcpSizes gives, without its cost. Building a TcpSocketBase
/// from attribute defaults (ObjectBase::ConstructSelf over ~60 attributes of the socket, its
/// buffers, state, RTT estimator and congestion/recovery algorithms, each copying its
/// AttributeInformation strings) costs ~640 K instructions; here the socket is copied from a
/// prototype built that way once per TCP configuration and simulation (the copy constructor
/// ns-3 itself uses to fork an accepted connection from its listener, so every server-side
/// socket is already made this way). The prototype is dropped at Simulator::Destroy: a
/// Config::SetDefault on TCP attributes between runs is seen by the next run, one made during a
/// run after its first connection is not (as for a listener's connections).
Ptr<Socket> CreateTcpSocket(Ptr<Node> node, uint32_t segmentSize, uint32_t sendBufferSize,
                            uint32_t receiveBufferSize);

/// Keeps a closed socket alive until the current event ends: we often close from inside the
/// socket's own callback, and dropping the last reference there would delete it mid-call. One
/// list for every transport (the simulator is single-threaded), not one per client.
void Retire(Ptr<Socket> socket);

} // namespace ns3::httptcp
