// The server half of TEEP over HTTP/1.1 on ns-3 TCP (teepsim/http-tcp-transport.h).
#include "teepsim/http-tcp-transport.h"

#include "ns3/abort.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-address.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"

#include <algorithm>

#include "http-tcp-common.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("HttpTcpServerTransport");
NS_OBJECT_ENSURE_REGISTERED(HttpTcpServerTransport);

using namespace httptcp;

TypeId HttpTcpServerTransport::GetTypeId()
{
    static TypeId tid =
        AddTcpSizingAttributes(
            TypeId("ns3::teepsim::HttpTcpServerTransport")
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
                              MakeUintegerChecker<uint32_t>()),
            &HttpTcpServerTransport::m_segmentSize, &HttpTcpServerTransport::m_sendBufferSize,
            &HttpTcpServerTransport::m_receiveBufferSize)
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
    Retire(c->socket);
    m_closeTrace(connectionId);
}

} // namespace ns3
