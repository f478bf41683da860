#include "teepsim/http-tcp-transport.h"

#include "ns3/abort.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-address.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("HttpTcpTransport");
NS_OBJECT_ENSURE_REGISTERED(HttpTcpClientTransport);
NS_OBJECT_ENSURE_REGISTERED(HttpTcpServerTransport);

namespace
{

// Largest chunk handed to the socket at once: keeps packets (and copies) bounded.
constexpr uint32_t kMaxChunk = 64 * 1024;

/// Copies a received packet's bytes into one buffer shared by every transport (the simulator
/// is single-threaded and the parser copies what it keeps): no allocation per packet, and no
/// per-device buffer that keeps the capacity of the largest packet it ever received.
std::span<const uint8_t> PacketBytes(Ptr<Packet> packet)
{
    static std::vector<uint8_t> scratch;
    scratch.resize(packet->GetSize());
    packet->CopyData(scratch.data(), scratch.size());
    return {scratch.data(), scratch.size()};
}

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

void ClearRetired(std::shared_ptr<std::vector<Ptr<Socket>>> retired)
{
    retired->clear();
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

} // namespace

// ---------------------------------------------------------------- client

TypeId HttpTcpClientTransport::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::HttpTcpClientTransport")
            .SetParent<TeepClientTransport>()
            .SetGroupName("Teep")
            .AddConstructor<HttpTcpClientTransport>()
            .AddAttribute("ResponseTimeout",
                          "A request fails the session (status 0) when no response byte has "
                          "arrived for this long: since Post, or since the last byte of an answer "
                          "still on its way (a TA image on a slow link takes minutes, but keeps "
                          "arriving). Covers connecting, sending and waiting.",
                          TimeValue(Seconds(30)),
                          MakeTimeAccessor(&HttpTcpClientTransport::m_timeout), MakeTimeChecker())
            .AddAttribute("Port", "Server port used when Post gets an address without one.",
                          UintegerValue(80),
                          MakeUintegerAccessor(&HttpTcpClientTransport::m_defaultPort),
                          MakeUintegerChecker<uint16_t>())
            .AddAttribute("MaxHeaderBytes", "Largest response header section accepted.",
                          UintegerValue(8 * 1024),
                          MakeUintegerAccessor(&HttpTcpClientTransport::m_maxHeaderBytes),
                          MakeUintegerChecker<uint32_t>(64))
            .AddAttribute("SegmentSize",
                          "TCP maximum segment size of the connections (1448 B: a 1500 B MTU "
                          "less IPv4, TCP and timestamp headers; ns-3's own default is 536 B).",
                          UintegerValue(1448),
                          MakeUintegerAccessor(&HttpTcpClientTransport::m_segmentSize),
                          MakeUintegerChecker<uint32_t>(64, 65495))
            .AddAttribute("SendBufferSize",
                          "TCP send buffer: large enough that a whole TEEP message is handed to "
                          "TCP at once instead of refilled on every ACK (memory is only used by "
                          "queued bytes).",
                          UintegerValue(4 * 1024 * 1024),
                          MakeUintegerAccessor(&HttpTcpClientTransport::m_sendBufferSize),
                          MakeUintegerChecker<uint32_t>(1024))
            .AddAttribute("ReceiveBufferSize",
                          "TCP receive buffer (a limit; only bytes held use memory). Must be "
                          "larger than the peer's SendBufferSize, see SetTcpSizes: ns-3 3.37 "
                          "crashes when a sender has exactly the receive window outstanding.",
                          UintegerValue(8 * 1024 * 1024),
                          MakeUintegerAccessor(&HttpTcpClientTransport::m_receiveBufferSize),
                          MakeUintegerChecker<uint32_t>(1024))
            .AddTraceSource("Tx", "A packet of HTTP request bytes handed to TCP.",
                            MakeTraceSourceAccessor(&HttpTcpClientTransport::m_txTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("Rx", "A packet of HTTP response bytes received from TCP.",
                            MakeTraceSourceAccessor(&HttpTcpClientTransport::m_rxTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("ConnectionOpened", "The TCP connection to this server is up.",
                            MakeTraceSourceAccessor(&HttpTcpClientTransport::m_openTrace),
                            "ns3::HttpTcpClientTransport::AddressCallback")
            .AddTraceSource("ConnectionClosed", "The session's connection was closed normally.",
                            MakeTraceSourceAccessor(&HttpTcpClientTransport::m_closeTrace),
                            "ns3::HttpTcpClientTransport::AddressCallback")
            .AddTraceSource("ConnectionFailed", "The session failed (server, reason).",
                            MakeTraceSourceAccessor(&HttpTcpClientTransport::m_failTrace),
                            "ns3::HttpTcpClientTransport::FailCallback");
    return tid;
}

HttpTcpClientTransport::HttpTcpClientTransport() = default;
HttpTcpClientTransport::~HttpTcpClientTransport() = default;

void HttpTcpClientTransport::DoDispose()
{
    for (Pending& p : m_pending)
    {
        p.timeout.Cancel(); // teardown: Cancel stays safe even after Simulator::Destroy
    }
    m_pending.clear();
    ReleaseSocket();
    m_node = nullptr;
    TeepClientTransport::DoDispose();
}

Address HttpTcpClientTransport::Normalize(const Address& server) const
{
    if (Ipv4Address::IsMatchingType(server))
    {
        return InetSocketAddress(Ipv4Address::ConvertFrom(server), m_defaultPort);
    }
    return server;
}

void HttpTcpClientTransport::Post(const Address& to, const TeepHttpRequest& req,
                                  ResponseCallback done)
{
    NS_ASSERT_MSG(m_node, "HttpTcpClientTransport: SetNode before Post");
    Address server = Normalize(to);
    if (m_socket && !(server == m_server))
    {
        Abort("session moved to another server");
    }
    Pending& p = m_pending.emplace_back();
    p.seq = ++m_nextSeq;
    p.done = done;
    p.timeout = Simulator::Schedule(m_timeout, &HttpTcpClientTransport::TimeOut, this, p.seq);

    std::size_t before = m_tx.size();
    if (m_txOffset == before)
    {
        m_tx.clear();
        m_txOffset = 0;
    }
    if (!m_socket)
    {
        OpenConnection(server);
    }
    std::vector<uint8_t> bytes =
        teepsim::http::EncodeRequest(m_host, req.path, req.contentType, req.body, req.accept);
    m_tx.insert(m_tx.end(), bytes.begin(), bytes.end());
    NS_LOG_FUNCTION(this << p.seq << bytes.size());
    if (m_connected)
    {
        Flush();
    }
}

void HttpTcpClientTransport::OpenConnection(const Address& server)
{
    if (m_host.empty() || !(server == m_server))
    {
        m_host = TeepHostHeader(server); // formatted once per server, not per session
    }
    m_server = server;
    teepsim::http::Limits limits;
    limits.maxHeaderBytes = m_maxHeaderBytes;
    m_parser.emplace(teepsim::http::Kind::Response, limits);
    m_connected = false;
    ++m_connectionsOpened;
    m_socket = Socket::CreateSocket(m_node, TcpSocketFactory::GetTypeId());
    SetTcpSizes(m_socket, m_segmentSize, m_sendBufferSize, m_receiveBufferSize);
    m_socket->SetConnectCallback(MakeCallback(&HttpTcpClientTransport::ConnectionSucceeded, this),
                                 MakeCallback(&HttpTcpClientTransport::ConnectionFailed, this));
    m_socket->SetRecvCallback(MakeCallback(&HttpTcpClientTransport::HandleRead, this));
    m_socket->SetSendCallback(MakeCallback(&HttpTcpClientTransport::HandleSend, this));
    m_socket->SetCloseCallbacks(MakeCallback(&HttpTcpClientTransport::HandlePeerClose, this),
                                MakeCallback(&HttpTcpClientTransport::HandlePeerError, this));
    int bound = InetSocketAddress::IsMatchingType(server) ? m_socket->Bind() : m_socket->Bind6();
    if (bound < 0 || m_socket->Connect(server) < 0)
    {
        // Never call back from inside Post: fail from an event of its own.
        Simulator::ScheduleNow(&HttpTcpClientTransport::AbortSession, this, m_session,
                               std::string("cannot connect (socket error)"));
    }
}

void HttpTcpClientTransport::ConnectionSucceeded(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this);
    m_connected = true;
    m_openTrace(m_server);
    Flush();
}

void HttpTcpClientTransport::ConnectionFailed(Ptr<Socket> socket)
{
    Abort("connection refused or unreachable");
}

void HttpTcpClientTransport::HandlePeerClose(Ptr<Socket> socket)
{
    if (m_pending.empty())
    {
        // The server closed an idle keep-alive connection: the next Post opens a new one.
        Address server = m_server;
        ReleaseSocket();
        m_closeTrace(server);
        return;
    }
    Abort("connection closed by server with requests pending");
}

void HttpTcpClientTransport::HandlePeerError(Ptr<Socket> socket)
{
    Abort("connection reset");
}

void HttpTcpClientTransport::HandleSend(Ptr<Socket> socket, uint32_t available)
{
    if (m_connected)
    {
        Flush();
    }
}

void HttpTcpClientTransport::Flush()
{
    m_txOffset = SendBuffered(m_socket, m_tx, m_txOffset, m_txTrace, m_bytesSent);
    if (m_txOffset == m_tx.size())
    {
        m_tx.clear();
        m_txOffset = 0;
    }
}

void HttpTcpClientTransport::HandleRead(Ptr<Socket> socket)
{
    const uint64_t session = m_session;
    while (Ptr<Packet> packet = socket->Recv())
    {
        if (packet->GetSize() == 0)
        {
            break;
        }
        m_bytesReceived += packet->GetSize();
        m_lastProgress = Simulator::Now();
        m_rxTrace(packet);
        if (!m_parser->Feed(PacketBytes(packet)))
        {
            Abort("malformed response: " + m_parser->Error());
            return;
        }
        while (m_parser->HasMessage())
        {
            teepsim::http::Message msg = m_parser->Pop();
            if (m_pending.empty())
            {
                Abort("response without a request");
                return;
            }
            Pending p = std::move(m_pending.front());
            m_pending.erase(m_pending.begin());
            p.timeout.Remove();
            TeepHttpResponse rsp;
            rsp.status = msg.status;
            rsp.contentType = std::move(msg.contentType);
            rsp.body = std::move(msg.body);
            if (!msg.keepAlive)
            {
                // The server ends the connection after this answer; later requests on it fail.
                Address server = m_server;
                std::vector<Pending> rest;
                rest.swap(m_pending);
                ReleaseSocket();
                m_closeTrace(server);
                p.done(rsp);
                const TeepHttpResponse failure{};
                for (Pending& r : rest)
                {
                    r.timeout.Remove();
                    r.done(failure);
                }
                return;
            }
            p.done(rsp);
            if (m_session != session)
            {
                return; // the callback closed the session: this socket is gone
            }
        }
    }
}

void HttpTcpClientTransport::TimeOut(uint64_t seq)
{
    NS_LOG_FUNCTION(this << seq);
    // Bytes still arriving: wait a full period from the last one. Checked only when the timer
    // fires, so a long answer costs one event per ResponseTimeout, not one per packet.
    Time quiet = Simulator::Now() - m_lastProgress;
    if (quiet < m_timeout)
    {
        for (Pending& p : m_pending)
        {
            if (p.seq == seq)
            {
                p.timeout = Simulator::Schedule(m_timeout - quiet, &HttpTcpClientTransport::TimeOut,
                                                this, seq);
                return;
            }
        }
    }
    Abort("no response within ResponseTimeout", /*timedOut=*/true);
}

void HttpTcpClientTransport::AbortSession(uint64_t session, std::string reason)
{
    if (session == m_session)
    {
        Abort(reason);
    }
}

void HttpTcpClientTransport::Abort(const std::string& reason, bool timedOut)
{
    NS_LOG_LOGIC(this << " session fails: " << reason);
    std::vector<Pending> failed;
    failed.swap(m_pending); // callbacks below may Post again: start from a clean state
    Address server = m_server;
    ReleaseSocket();
    m_tx.clear();
    m_txOffset = 0;
    m_failTrace(server, reason);
    TeepHttpResponse failure{};
    failure.timedOut = timedOut;
    for (Pending& p : failed)
    {
        p.timeout.Remove();
        p.done(failure);
    }
}

void HttpTcpClientTransport::CloseSession()
{
    if (!m_socket && m_pending.empty())
    {
        return;
    }
    if (!m_pending.empty())
    {
        Abort("session closed with requests pending");
        return;
    }
    Address server = m_server;
    ReleaseSocket();
    m_closeTrace(server);
}

bool HttpTcpClientTransport::ReleaseSocket()
{
    ++m_session;
    m_connected = false;
    m_parser.reset();
    std::vector<uint8_t>().swap(m_tx); // between sessions a device keeps no buffer
    m_txOffset = 0;
    if (!m_socket)
    {
        return false;
    }
    DetachCallbacks(m_socket);
    m_socket->Close();
    Retire(m_retired, m_socket);
    m_socket = nullptr;
    return true;
}

// ---------------------------------------------------------------- server

TypeId HttpTcpServerTransport::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::HttpTcpServerTransport")
            .SetParent<TeepServerTransport>()
            .SetGroupName("Teep")
            .AddConstructor<HttpTcpServerTransport>()
            .AddAttribute("Port", "Port to listen on when Listen gets an address without one.",
                          UintegerValue(80),
                          MakeUintegerAccessor(&HttpTcpServerTransport::m_defaultPort),
                          MakeUintegerChecker<uint16_t>())
            .AddAttribute("IdleTimeout",
                          "A connection with no request and nothing to send for this long is "
                          "closed (0 disables).",
                          TimeValue(Seconds(120)),
                          MakeTimeAccessor(&HttpTcpServerTransport::m_idleTimeout),
                          MakeTimeChecker())
            .AddAttribute("MaxHeaderBytes", "Largest request header section accepted.",
                          UintegerValue(8 * 1024),
                          MakeUintegerAccessor(&HttpTcpServerTransport::m_maxHeaderBytes),
                          MakeUintegerChecker<uint32_t>(64))
            .AddAttribute("MaxBodyBytes", "Largest request body accepted (Content-Length).",
                          UintegerValue(16 * 1024 * 1024),
                          MakeUintegerAccessor(&HttpTcpServerTransport::m_maxBodyBytes),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("SegmentSize",
                          "TCP maximum segment size of accepted connections (see the client's).",
                          UintegerValue(1448),
                          MakeUintegerAccessor(&HttpTcpServerTransport::m_segmentSize),
                          MakeUintegerChecker<uint32_t>(64, 65495))
            .AddAttribute("SendBufferSize",
                          "TCP send buffer of accepted connections: a whole answer (a TA image "
                          "included) goes to TCP at once.",
                          UintegerValue(4 * 1024 * 1024),
                          MakeUintegerAccessor(&HttpTcpServerTransport::m_sendBufferSize),
                          MakeUintegerChecker<uint32_t>(1024))
            .AddAttribute("ReceiveBufferSize",
                          "TCP receive buffer (a limit; only bytes held use memory). Must be "
                          "larger than the peer's SendBufferSize, see SetTcpSizes: ns-3 3.37 "
                          "crashes when a sender has exactly the receive window outstanding.",
                          UintegerValue(8 * 1024 * 1024),
                          MakeUintegerAccessor(&HttpTcpServerTransport::m_receiveBufferSize),
                          MakeUintegerChecker<uint32_t>(1024))
            .AddTraceSource("Tx", "A packet of HTTP response bytes handed to TCP.",
                            MakeTraceSourceAccessor(&HttpTcpServerTransport::m_txTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("Rx", "A packet of HTTP request bytes received from TCP.",
                            MakeTraceSourceAccessor(&HttpTcpServerTransport::m_rxTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("ConnectionOpened", "A connection was accepted (id, peer).",
                            MakeTraceSourceAccessor(&HttpTcpServerTransport::m_openTrace),
                            "ns3::HttpTcpServerTransport::OpenCallback")
            .AddTraceSource("ConnectionClosed", "A connection ended (id).",
                            MakeTraceSourceAccessor(&HttpTcpServerTransport::m_closeTrace),
                            "ns3::HttpTcpServerTransport::CloseCallback")
            .AddTraceSource("BadRequest", "Malformed framing answered with 400 (id, error).",
                            MakeTraceSourceAccessor(&HttpTcpServerTransport::m_badRequestTrace),
                            "ns3::HttpTcpServerTransport::BadRequestCallback");
    return tid;
}

HttpTcpServerTransport::HttpTcpServerTransport() = default;
HttpTcpServerTransport::~HttpTcpServerTransport() = default;

void HttpTcpServerTransport::DoDispose()
{
    Stop();
    m_node = nullptr;
    m_onRequest = RequestCallback();
    TeepServerTransport::DoDispose();
}

void HttpTcpServerTransport::Listen(Ptr<Node> node, const Address& local, RequestCallback onRequest)
{
    NS_ASSERT_MSG(!m_listener, "HttpTcpServerTransport: Listen called twice");
    m_node = node;
    m_onRequest = onRequest;
    Address at = local;
    if (Ipv4Address::IsMatchingType(local))
    {
        at = InetSocketAddress(Ipv4Address::ConvertFrom(local), m_defaultPort);
    }
    else if (local.IsInvalid())
    {
        at = InetSocketAddress(Ipv4Address::GetAny(), m_defaultPort);
    }
    m_listener = Socket::CreateSocket(node, TcpSocketFactory::GetTypeId());
    // Accepted sockets are forked from the listener and inherit these.
    SetTcpSizes(m_listener, m_segmentSize, m_sendBufferSize, m_receiveBufferSize);
    if (m_listener->Bind(at) < 0 || m_listener->Listen() < 0)
    {
        NS_FATAL_ERROR("HttpTcpServerTransport: cannot listen on the given address");
    }
    m_listener->SetAcceptCallback(MakeCallback(&HttpTcpServerTransport::AcceptRequest, this),
                                  MakeCallback(&HttpTcpServerTransport::HandleAccept, this));
}

void HttpTcpServerTransport::Stop()
{
    if (m_listener)
    {
        m_listener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                      MakeNullCallback<void, Ptr<Socket>, const Address&>());
        m_listener->Close();
        m_listener = nullptr;
    }
    std::vector<uint64_t> ids;
    ids.reserve(m_connections.size());
    for (const auto& [id, c] : m_connections)
    {
        ids.push_back(id);
    }
    std::sort(ids.begin(), ids.end()); // deterministic order
    for (uint64_t id : ids)
    {
        CloseConnection(id);
    }
    m_requestConnection.clear();
}

bool HttpTcpServerTransport::AcceptRequest(Ptr<Socket> socket, const Address& from)
{
    return true;
}

void HttpTcpServerTransport::HandleAccept(Ptr<Socket> socket, const Address& from)
{
    teepsim::http::Limits limits;
    limits.maxHeaderBytes = m_maxHeaderBytes;
    limits.maxBodyBytes = m_maxBodyBytes;
    auto c = std::make_unique<Connection>(limits);
    c->id = ++m_nextConnectionId;
    c->socket = socket;
    c->peer = from;
    c->lastActivity = Simulator::Now();
    socket->SetRecvCallback(MakeCallback(&HttpTcpServerTransport::HandleRead, this));
    socket->SetSendCallback(MakeCallback(&HttpTcpServerTransport::HandleSend, this));
    socket->SetCloseCallbacks(MakeCallback(&HttpTcpServerTransport::HandlePeerClose, this),
                              MakeCallback(&HttpTcpServerTransport::HandlePeerClose, this));
    if (!m_idleTimeout.IsZero())
    {
        c->idle =
            Simulator::Schedule(m_idleTimeout, &HttpTcpServerTransport::CheckIdle, this, c->id);
    }
    NS_LOG_FUNCTION(this << c->id << from);
    uint64_t id = c->id;
    m_bySocket[PeekPointer(socket)] = id;
    m_connections.emplace(id, std::move(c));
    m_openTrace(id, from);
}

HttpTcpServerTransport::Connection* HttpTcpServerTransport::Find(Ptr<Socket> socket)
{
    auto it = m_bySocket.find(PeekPointer(socket));
    if (it == m_bySocket.end())
    {
        return nullptr;
    }
    return m_connections.at(it->second).get();
}

void HttpTcpServerTransport::HandleRead(Ptr<Socket> socket)
{
    Connection* c = Find(socket);
    if (c == nullptr)
    {
        return;
    }
    const uint64_t connId = c->id;
    while (Ptr<Packet> packet = socket->Recv())
    {
        if (packet->GetSize() == 0)
        {
            break;
        }
        m_rxTrace(packet);
        c->lastActivity = Simulator::Now();
        if (c->closing)
        {
            continue; // after a 400 or "Connection: close" nothing more is read
        }
        if (!c->parser.Feed(PacketBytes(packet)))
        {
            NS_LOG_WARN("connection " << connId << ": " << c->parser.Error());
            m_badRequestTrace(connId, c->parser.Error());
            Outgoing bad;
            bad.ready = true;
            bad.close = true;
            bad.bytes = teepsim::http::EncodeResponse(400, "", {}, true);
            c->queue.push_back(std::move(bad));
            c->closing = true;
            Drain(*c);
            return;
        }
        while (c->parser.HasMessage())
        {
            teepsim::http::Message msg = c->parser.Pop();
            uint64_t requestId = ++m_nextRequestId;
            Outgoing out;
            out.requestId = requestId;
            out.close = !msg.keepAlive;
            c->queue.push_back(std::move(out));
            c->closing = !msg.keepAlive;
            m_requestConnection.emplace(requestId, connId);
            TeepHttpRequest req;
            req.path = std::move(msg.target);
            req.contentType = std::move(msg.contentType);
            req.body = std::move(msg.body);
            m_onRequest(requestId, connId, req);
            // The callback may have answered (and closed) or stopped the server.
            auto it = m_connections.find(connId);
            if (it == m_connections.end())
            {
                return;
            }
            c = it->second.get();
            if (c->closing)
            {
                break;
            }
        }
    }
}

void HttpTcpServerTransport::Respond(uint64_t requestId, const TeepHttpResponse& rsp)
{
    auto it = m_requestConnection.find(requestId);
    if (it == m_requestConnection.end())
    {
        NS_LOG_LOGIC("response to unknown request " << requestId << " dropped");
        return;
    }
    uint64_t connId = it->second;
    m_requestConnection.erase(it);
    auto conn = m_connections.find(connId);
    if (conn == m_connections.end())
    {
        NS_LOG_LOGIC("connection of request " << requestId << " is gone; response dropped");
        return;
    }
    Connection& c = *conn->second;
    for (Outgoing& out : c.queue)
    {
        if (out.requestId == requestId)
        {
            out.bytes =
                teepsim::http::EncodeResponse(rsp.status, rsp.contentType, rsp.body, out.close);
            out.ready = true;
            break;
        }
    }
    Drain(c);
}

void HttpTcpServerTransport::Drain(Connection& c)
{
    while (!c.queue.empty() && c.queue.front().ready && !c.closeWhenFlushed)
    {
        Outgoing& out = c.queue.front();
        if (c.txOffset == c.tx.size())
        {
            c.tx.clear();
            c.txOffset = 0;
        }
        if (c.tx.empty())
        {
            c.tx = std::move(out.bytes);
        }
        else
        {
            c.tx.insert(c.tx.end(), out.bytes.begin(), out.bytes.end());
        }
        c.closeWhenFlushed = out.close;
        c.queue.pop_front();
    }
    Flush(c);
}

bool HttpTcpServerTransport::Flush(Connection& c)
{
    uint64_t sent = 0;
    c.txOffset = SendBuffered(c.socket, c.tx, c.txOffset, m_txTrace, sent);
    c.lastActivity = Simulator::Now();
    if (c.txOffset < c.tx.size())
    {
        return true; // the rest goes from the send callback
    }
    c.tx.clear();
    c.txOffset = 0;
    if (c.closeWhenFlushed)
    {
        // TCP sends the FIN once the buffered answer has gone out.
        CloseConnection(c.id);
        return false;
    }
    return true;
}

void HttpTcpServerTransport::HandleSend(Ptr<Socket> socket, uint32_t available)
{
    if (Connection* c = Find(socket))
    {
        Flush(*c);
    }
}

void HttpTcpServerTransport::HandlePeerClose(Ptr<Socket> socket)
{
    if (Connection* c = Find(socket))
    {
        CloseConnection(c->id);
    }
}

void HttpTcpServerTransport::CheckIdle(uint64_t connectionId)
{
    auto it = m_connections.find(connectionId);
    if (it == m_connections.end())
    {
        return;
    }
    Connection& c = *it->second;
    Time quiet = Simulator::Now() - c.lastActivity;
    bool busy = !c.queue.empty() || c.txOffset < c.tx.size();
    if (!busy && quiet >= m_idleTimeout)
    {
        NS_LOG_LOGIC("connection " << connectionId << " idle: closing");
        CloseConnection(connectionId);
        return;
    }
    Time next = busy ? m_idleTimeout : m_idleTimeout - quiet;
    c.idle = Simulator::Schedule(next, &HttpTcpServerTransport::CheckIdle, this, connectionId);
}

void HttpTcpServerTransport::CloseConnection(uint64_t connectionId)
{
    auto it = m_connections.find(connectionId);
    if (it == m_connections.end())
    {
        return;
    }
    std::unique_ptr<Connection> c = std::move(it->second);
    m_connections.erase(it);
    m_bySocket.erase(PeekPointer(c->socket));
    c->idle.Remove();
    for (const Outgoing& out : c->queue)
    {
        m_requestConnection.erase(out.requestId); // later Respond() calls are ignored
    }
    if (c->txOffset < c->tx.size())
    {
        NS_LOG_LOGIC("connection " << connectionId << " closed with unsent bytes");
    }
    DetachCallbacks(c->socket);
    c->socket->Close();
    Retire(m_retired, c->socket);
    m_closeTrace(connectionId);
}

} // namespace ns3
