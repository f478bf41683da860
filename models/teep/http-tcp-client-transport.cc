// The client half of TEEP over HTTP/1.1 on ns-3 TCP (teepsim/http-tcp-transport.h).
#include "teepsim/http-tcp-transport.h"

#include "ns3/abort.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-address.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>

#include "http-tcp-common.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("HttpTcpClientTransport");
NS_OBJECT_ENSURE_REGISTERED(HttpTcpClientTransport);

using namespace httptcp;

namespace
{

/// The Host header of requests to `server`, formatted once per server for every client of the
/// process (a run's devices all talk to one TAM, its TAM to one Verifier) instead of once per
/// session, and not stored in each device's client.
const std::string& HostHeader(const Address& server)
{
    static std::vector<std::pair<Address, std::string>> hosts;
    for (const auto& [address, host] : hosts)
    {
        if (address == server)
        {
            return host;
        }
    }
    if (hosts.size() >= 64)
    {
        hosts.clear(); // many servers (tests): a bounded cache, rebuilt as needed
    }
    return hosts.emplace_back(server, TeepHostHeader(server)).second;
}

} // namespace

TypeId HttpTcpClientTransport::GetTypeId()
{
    static TypeId tid =
        AddTcpSizingAttributes(
            TypeId("ns3::teepsim::HttpTcpClientTransport")
                .SetParent<TeepClientTransport>()
                .SetGroupName("Teep")
                .AddConstructor<HttpTcpClientTransport>()
                .AddAttribute(
                    "ResponseTimeout",
                    "A request fails the session (status 0) when no response byte has "
                    "arrived for this long: since Post, or since the last byte of an answer "
                    "still on its way (a TA image on a slow link takes minutes, but keeps "
                    "arriving). Covers connecting, sending and waiting.",
                    TimeValue(Seconds(30)), MakeTimeAccessor(&HttpTcpClientTransport::m_timeout),
                    MakeTimeChecker())
                .AddAttribute("Port", "Server port used when Post gets an address without one.",
                              UintegerValue(80),
                              MakeUintegerAccessor(&HttpTcpClientTransport::m_defaultPort),
                              MakeUintegerChecker<uint16_t>())
                .AddAttribute("MaxHeaderBytes", "Largest response header section accepted.",
                              UintegerValue(8 * 1024),
                              MakeUintegerAccessor(&HttpTcpClientTransport::m_maxHeaderBytes),
                              MakeUintegerChecker<uint32_t>(64)),
            &HttpTcpClientTransport::m_segmentSize, &HttpTcpClientTransport::m_sendBufferSize,
            &HttpTcpClientTransport::m_receiveBufferSize)
            .AddTraceSource(
                "Tx", "A packet of HTTP request bytes handed to TCP.",
                MakeLazyTraceSourceAccessor(&HttpTcpClientTransport::m_traces, &Traces::tx),
                "ns3::Packet::TracedCallback")
            .AddTraceSource(
                "Rx", "A packet of HTTP response bytes received from TCP.",
                MakeLazyTraceSourceAccessor(&HttpTcpClientTransport::m_traces, &Traces::rx),
                "ns3::Packet::TracedCallback")
            .AddTraceSource(
                "ConnectionOpened", "The TCP connection to this server is up.",
                MakeLazyTraceSourceAccessor(&HttpTcpClientTransport::m_traces, &Traces::open),
                "ns3::HttpTcpClientTransport::AddressCallback")
            .AddTraceSource(
                "ConnectionClosed", "The session's connection was closed normally.",
                MakeLazyTraceSourceAccessor(&HttpTcpClientTransport::m_traces, &Traces::close),
                "ns3::HttpTcpClientTransport::AddressCallback")
            .AddTraceSource(
                "ConnectionFailed", "The session failed (server, reason).",
                MakeLazyTraceSourceAccessor(&HttpTcpClientTransport::m_traces, &Traces::fail),
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
    std::vector<uint8_t> bytes = teepsim::http::EncodeRequest(
        HostHeader(m_server), req.path, req.contentType, req.body, req.accept);
    m_tx.insert(m_tx.end(), bytes.begin(), bytes.end());
    NS_LOG_FUNCTION(this << p.seq << bytes.size());
    if (m_connected)
    {
        Flush();
    }
}

void HttpTcpClientTransport::OpenConnection(const Address& server)
{
    m_server = server;
    teepsim::http::Limits limits;
    limits.maxHeaderBytes = m_maxHeaderBytes;
    m_parser = std::make_unique<teepsim::http::Parser>(teepsim::http::Kind::Response, limits);
    m_connected = false;
    ++m_connectionsOpened;
    m_socket = CreateTcpSocket(m_node, m_segmentSize, m_sendBufferSize, m_receiveBufferSize);
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
    if (m_traces)
    {
        m_traces->open(m_server);
    }
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
        if (m_traces)
        {
            m_traces->close(server);
        }
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
    auto trace = [this](Ptr<const Packet> packet)
    {
        if (m_traces)
        {
            m_traces->tx(packet);
        }
    };
    m_txOffset = SendBuffered(m_socket, m_tx, m_txOffset, trace, m_bytesSent);
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
        if (m_traces)
        {
            m_traces->rx(packet);
        }
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
                if (m_traces)
                {
                    m_traces->close(server);
                }
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
    if (m_traces)
    {
        m_traces->fail(server, reason);
    }
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
    if (m_traces)
    {
        m_traces->close(server);
    }
}

bool HttpTcpClientTransport::ReleaseSocket()
{
    ++m_session;
    m_connected = false;
    m_parser.reset();
    std::vector<uint8_t>().swap(m_tx); // between sessions a device keeps no buffer
    m_txOffset = 0;
    if (m_pending.empty())
    {
        std::vector<Pending>().swap(m_pending); // nor the capacity of its last requests
    }
    if (!m_socket)
    {
        return false;
    }
    DetachCallbacks(m_socket);
    m_socket->Close();
    Retire(m_socket);
    m_socket = nullptr;
    return true;
}

} // namespace ns3
