#include "teepsim/message-transport.h"

#include "teepsim/http-framing.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("MessageTransport");
NS_OBJECT_ENSURE_REGISTERED(MessageClientTransport);
NS_OBJECT_ENSURE_REGISTERED(MessageServerTransport);

namespace
{

uint32_t RequestBytes(const std::string& host, const TeepHttpRequest& req)
{
    return static_cast<uint32_t>(teepsim::http::EncodedRequestSize(host, req.path, req.contentType,
                                                                   req.body.size(), req.accept));
}

uint32_t ResponseBytes(const TeepHttpResponse& rsp)
{
    return static_cast<uint32_t>(
        teepsim::http::EncodedResponseSize(rsp.status, rsp.contentType, rsp.body.size()));
}

} // namespace

// ---- registry ----

MessageTransportRegistry* MessageTransportRegistry::s_instance = nullptr;
uint64_t MessageTransportRegistry::s_generation = 1;

// ns-3's SimulationSingleton does not compile as C++20, hence this hand-made equivalent.
MessageTransportRegistry& MessageTransportRegistry::Get()
{
    if (s_instance == nullptr)
    {
        s_instance = new MessageTransportRegistry();
        ++s_generation;
        Simulator::ScheduleDestroy(&MessageTransportRegistry::DeleteInstance);
    }
    return *s_instance;
}

void MessageTransportRegistry::DeleteInstance()
{
    ++s_generation;
    delete s_instance;
    s_instance = nullptr;
}

MessageTransportRegistry::~MessageTransportRegistry()
{
    // Break client <-> server reference cycles of exchanges still in flight at the end.
    for (auto& [address, server] : m_servers)
    {
        server->m_pending.clear();
        server->m_addresses.clear();
        server->m_listening = false;
    }
}

void MessageTransportRegistry::Add(const Address& address, Ptr<MessageServerTransport> server)
{
    ++s_generation;
    auto [it, inserted] = m_servers.emplace(address, server);
    if (!inserted && it->second != server)
    {
        NS_FATAL_ERROR("MessageTransport: two servers listen on the same address");
    }
}

void MessageTransportRegistry::Remove(const Address& address)
{
    ++s_generation;
    m_servers.erase(address);
}

MessageServerTransport* MessageTransportRegistry::Find(const Address& address) const
{
    auto it = m_servers.find(address);
    return it == m_servers.end() ? nullptr : PeekPointer(it->second);
}

// ---- client ----

TypeId MessageClientTransport::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::teepsim::MessageClientTransport")
            .SetParent<TeepClientTransport>()
            .SetGroupName("Teep")
            .AddConstructor<MessageClientTransport>()
            .AddAttribute("Timeout",
                          "An exchange with no response this long after Post fails (status 0).",
                          TimeValue(Seconds(30)),
                          MakeTimeAccessor(&MessageClientTransport::m_timeout), MakeTimeChecker())
            .AddAttribute("Available", "Whether the device can reach the network.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&MessageClientTransport::SetAvailable,
                                              &MessageClientTransport::IsAvailable),
                          MakeBooleanChecker())
            .AddAttribute("OneWayDelay", "LinkProfile of the device side: one-way delay.",
                          TimeValue(MilliSeconds(10)),
                          MakeTimeAccessor(&MessageClientTransport::SetOneWayDelay,
                                           &MessageClientTransport::GetOneWayDelay),
                          MakeTimeChecker())
            .AddAttribute("Bandwidth",
                          "LinkProfile of the device side: rate in bit/s (0 = infinite).",
                          UintegerValue(10'000'000),
                          MakeUintegerAccessor(&MessageClientTransport::SetBandwidth,
                                               &MessageClientTransport::GetBandwidth),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute("LossProbability", "LinkProfile of the device side: per-message loss.",
                          DoubleValue(0.0),
                          MakeDoubleAccessor(&MessageClientTransport::SetLossProbability,
                                             &MessageClientTransport::GetLossProbability),
                          MakeDoubleChecker<double>(0.0, 1.0))
            .AddTraceSource("TxBytes", "HTTP request bytes sent.",
                            MakeTraceSourceAccessor(&MessageClientTransport::m_txTrace),
                            "ns3::TracedValueCallback::Uint32")
            .AddTraceSource("RxBytes", "HTTP response bytes received.",
                            MakeTraceSourceAccessor(&MessageClientTransport::m_rxTrace),
                            "ns3::TracedValueCallback::Uint32")
            .AddTraceSource("ConnectionOpened", "A session (connection id, server) started.",
                            MakeTraceSourceAccessor(&MessageClientTransport::m_openTrace),
                            "ns3::MessageClientTransport::OpenCallback")
            .AddTraceSource("ConnectionClosed", "The session with this connection id ended.",
                            MakeTraceSourceAccessor(&MessageClientTransport::m_closeTrace),
                            "ns3::MessageClientTransport::CloseCallback")
            .AddTraceSource("ConnectionFailed", "An exchange failed (server, reason).",
                            MakeTraceSourceAccessor(&MessageClientTransport::m_failTrace),
                            "ns3::MessageClientTransport::FailCallback");
    return tid;
}

MessageClientTransport::MessageClientTransport() = default;

MessageClientTransport::~MessageClientTransport() = default;

void MessageClientTransport::DoDispose()
{
    for (Pending& p : m_pending)
    {
        Simulator::Remove(p.timeout);
    }
    m_pending.clear();
    m_node = nullptr;
    m_rng.Dispose();
    TeepClientTransport::DoDispose();
}

void MessageClientTransport::SetNode(Ptr<Node> node)
{
    m_node = node;
    m_context = node ? node->GetId() : 0;
}

void MessageClientTransport::SetAvailable(bool available)
{
    m_available = available;
}

int64_t MessageClientTransport::AssignStreams(int64_t stream)
{
    m_rng.SetStream(stream);
    return 1;
}

bool MessageClientTransport::Lost()
{
    // Draw only on lossy paths, so lossless runs consume no random numbers.
    return m_link.lossProbability > 0.0 && m_rng.GetValue() < m_link.lossProbability;
}

MessageClientTransport::Pending* MessageClientTransport::Find(uint64_t seq)
{
    for (Pending& p : m_pending)
    {
        if (p.seq == seq)
        {
            return &p;
        }
    }
    return nullptr;
}

void MessageClientTransport::Post(const Address& server, const TeepHttpRequest& req,
                                  ResponseCallback done)
{
    PostOwned(server, TeepHttpRequest(req), std::move(done));
}

MessageServerTransport* MessageClientTransport::FindServer(const Address& server)
{
    MessageTransportRegistry& registry = MessageTransportRegistry::Get();
    if (m_cachedGeneration != registry.GetGeneration() || !(server == m_cachedAddress))
    {
        m_cachedServer = registry.Find(server);
        m_cachedAddress = server;
        m_cachedGeneration = registry.GetGeneration();
    }
    return m_cachedServer;
}

void MessageClientTransport::PostOwned(const Address& server, TeepHttpRequest&& req,
                                       ResponseCallback done)
{
    if (m_connectionId != 0 && !(server == m_server))
    {
        EndSession("session moved to another server");
    }
    if (m_connectionId == 0)
    {
        m_connectionId = MessageTransportRegistry::Get().NextConnectionId();
        if (m_host.empty() || !(server == m_server))
        {
            m_host = TeepHostHeader(server); // formatted once per server, not per session
        }
        m_server = server;
        m_openTrace(m_connectionId, server);
    }
    uint32_t bytes = RequestBytes(m_host, req);
    m_bytesSent += bytes;
    m_txTrace(bytes);

    // Built in place with the request moved in: a default TeepHttpRequest would allocate its
    // header strings only to have them replaced.
    Pending& p = m_pending.emplace_back(Pending{.seq = ++m_nextSeq,
                                                .deadline = Simulator::Now() + m_timeout,
                                                .done = std::move(done),
                                                .request = std::move(req),
                                                .response = {},
                                                .server = nullptr,
                                                .responseBytes = 0,
                                                .timeout = EventId()});
    NS_LOG_FUNCTION(this << p.seq << bytes);

    if (!m_available)
    {
        FailAtDeadline(p, "device unavailable");
        return;
    }
    MessageServerTransport* target = FindServer(server);
    if (target == nullptr)
    {
        // Nobody listens there. ns-3 TCP ignores the RST answering a SYN, so the TCP transport
        // also fails only at its timeout: do the same, so both transports agree.
        FailAtDeadline(p, "no server at this address");
        return;
    }
    if (Lost())
    {
        FailAtDeadline(p, "request lost");
        return;
    }
    Time arrival = LinkProfile::Series(m_link, target->GetLinkProfile()).DeliveryTime(bytes);
    if (Simulator::Now() + arrival > p.deadline)
    {
        FailAtDeadline(p, "request slower than timeout");
        return;
    }
    p.server = target;
    Simulator::ScheduleWithContext(target->GetContext(), arrival,
                                   &MessageClientTransport::ArriveAtServer, this, p.seq);
}

void MessageClientTransport::FailAtDeadline(Pending& p, const char* reason)
{
    NS_LOG_LOGIC("exchange " << p.seq << " will fail: " << reason);
    m_failTrace(m_server, reason);
    if (!p.timeout.IsRunning())
    {
        p.timeout = Simulator::Schedule(p.deadline - Simulator::Now(),
                                        &MessageClientTransport::TimeOut, this, p.seq);
    }
}

void MessageClientTransport::ArriveAtServer(uint64_t seq)
{
    Pending* p = Find(seq);
    if (p == nullptr)
    {
        return; // the client gave up (CloseSession) while the request was in flight
    }
    // The server's callback may answer (AcceptResponse) or close the session re-entrantly, so
    // take what Deliver needs out of the entry and look the entry up again afterwards.
    Ptr<MessageServerTransport> server = p->server;
    TeepHttpRequest request = std::move(p->request);
    if (!server->Deliver(this, seq, m_connectionId, request))
    {
        if ((p = Find(seq)) != nullptr)
        {
            FailAtDeadline(*p, "server not listening or unavailable");
        }
    }
}

void MessageClientTransport::ArmTimeout(uint64_t seq)
{
    Pending* p = Find(seq);
    if (p != nullptr && !p->timeout.IsRunning())
    {
        p->timeout = Simulator::Schedule(p->deadline - Simulator::Now(),
                                         &MessageClientTransport::TimeOut, this, seq);
    }
}

void MessageClientTransport::AcceptResponse(uint64_t seq, TeepHttpResponse&& rsp, Time leavesIn)
{
    Pending* p = Find(seq);
    if (p == nullptr)
    {
        return; // answered after the client timed out or closed: dropped
    }
    uint32_t bytes = ResponseBytes(rsp);
    if (Lost())
    {
        FailAtDeadline(*p, "response lost");
        return;
    }
    Time arrival =
        leavesIn + LinkProfile::Series(m_link, p->server->GetLinkProfile()).DeliveryTime(bytes);
    if (Simulator::Now() + arrival > p->deadline)
    {
        FailAtDeadline(*p, "response slower than timeout");
        return;
    }
    if (p->timeout.IsRunning())
    {
        Simulator::Remove(p->timeout); // removed, not cancelled: it never costs an event
    }
    p->response = std::move(rsp);
    p->responseBytes = bytes;
    Simulator::ScheduleWithContext(m_context, arrival, &MessageClientTransport::ArriveAtClient,
                                   this, seq);
}

void MessageClientTransport::ArriveAtClient(uint64_t seq)
{
    Pending* p = Find(seq);
    if (p == nullptr)
    {
        return;
    }
    if (!m_available)
    {
        FailAtDeadline(*p, "device unavailable when the response arrived");
        return;
    }
    m_bytesReceived += p->responseBytes;
    m_rxTrace(p->responseBytes);
    ResponseCallback done = std::move(p->done); // the entry goes: taken, not copied
    TeepHttpResponse response = std::move(p->response);
    m_pending.erase(m_pending.begin() + (p - m_pending.data()));
    done(response);
}

void MessageClientTransport::TimeOut(uint64_t seq)
{
    NS_LOG_FUNCTION(this << seq);
    if (Find(seq) != nullptr)
    {
        EndSession("timeout", /*timedOut=*/true);
    }
}

void MessageClientTransport::CloseSession()
{
    EndSession("closed by client");
}

void MessageClientTransport::EndSession(const char* reason, bool timedOut)
{
    if (m_connectionId == 0 && m_pending.empty())
    {
        return;
    }
    std::vector<Pending> failed;
    if (!m_pending.empty())
    {
        failed.swap(m_pending); // callbacks below may Post again: start from a clean state
    }
    uint64_t id = m_connectionId;
    m_connectionId = 0;
    if (id != 0)
    {
        m_closeTrace(id);
    }
    TeepHttpResponse failure{};
    failure.timedOut = timedOut;
    for (Pending& p : failed)
    {
        if (p.timeout.IsRunning())
        {
            Simulator::Remove(p.timeout);
        }
        NS_LOG_LOGIC("exchange " << p.seq << " ends with status 0: " << reason);
        p.done(failure);
    }
}

// ---- server ----

TypeId MessageServerTransport::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::teepsim::MessageServerTransport")
            .SetParent<TeepServerTransport>()
            .SetGroupName("Teep")
            .AddConstructor<MessageServerTransport>()
            .AddAttribute("Available", "Whether the server takes requests (outage windows).",
                          BooleanValue(true),
                          MakeBooleanAccessor(&MessageServerTransport::SetAvailable,
                                              &MessageServerTransport::IsAvailable),
                          MakeBooleanChecker())
            .AddTraceSource("Rx", "A request arrived (requestId, connectionId, bytes).",
                            MakeTraceSourceAccessor(&MessageServerTransport::m_rxTrace),
                            "ns3::MessageServerTransport::RxCallback")
            .AddTraceSource("Tx", "A response was sent (requestId, status, bytes).",
                            MakeTraceSourceAccessor(&MessageServerTransport::m_txTrace),
                            "ns3::MessageServerTransport::TxCallback");
    return tid;
}

MessageServerTransport::MessageServerTransport() = default;
MessageServerTransport::~MessageServerTransport() = default;

void MessageServerTransport::DoDispose()
{
    Stop();
    m_node = nullptr;
    m_onRequest = RequestCallback();
    TeepServerTransport::DoDispose();
}

void MessageServerTransport::Listen(Ptr<Node> node, const Address& local, RequestCallback onRequest)
{
    m_node = node;
    m_context = node ? node->GetId() : 0;
    m_onRequest = onRequest;
    m_listening = true;
    MessageTransportRegistry& registry = MessageTransportRegistry::Get();
    // A wildcard IPv4 address stands for every address of the node, as with a TCP socket.
    Ptr<Ipv4> ipv4 = node ? node->GetObject<Ipv4>() : nullptr;
    if (InetSocketAddress::IsMatchingType(local) && ipv4 &&
        InetSocketAddress::ConvertFrom(local).GetIpv4() == Ipv4Address::GetAny())
    {
        uint16_t port = InetSocketAddress::ConvertFrom(local).GetPort();
        for (uint32_t i = 0; i < ipv4->GetNInterfaces(); ++i)
        {
            for (uint32_t j = 0; j < ipv4->GetNAddresses(i); ++j)
            {
                m_addresses.push_back(InetSocketAddress(ipv4->GetAddress(i, j).GetLocal(), port));
            }
        }
    }
    else
    {
        m_addresses.push_back(local);
    }
    for (const Address& a : m_addresses)
    {
        registry.Add(a, this);
    }
}

void MessageServerTransport::Stop()
{
    m_listening = false;
    if (!m_addresses.empty())
    {
        MessageTransportRegistry& registry = MessageTransportRegistry::Get();
        for (const Address& a : m_addresses)
        {
            registry.Remove(a);
        }
        m_addresses.clear();
    }
    m_pending.clear(); // their clients time out
}

bool MessageServerTransport::Deliver(MessageClientTransport* client, uint64_t seq,
                                     uint64_t connectionId, const TeepHttpRequest& req)
{
    if (!m_listening || !m_available)
    {
        return false;
    }
    uint64_t id = ++m_nextRequestId;
    m_pending.emplace(id, Pending{client, seq});
    m_rxTrace(id, connectionId, RequestBytes(client->m_host, req));
    m_onRequest(id, connectionId, req);
    if (m_pending.count(id) != 0)
    {
        client->ArmTimeout(seq); // answered later (queue, Verifier): the client needs a timer
    }
    return true;
}

void MessageServerTransport::Respond(uint64_t requestId, const TeepHttpResponse& rsp)
{
    RespondOwned(requestId, TeepHttpResponse(rsp));
}

void MessageServerTransport::RespondOwned(uint64_t requestId, TeepHttpResponse&& rsp)
{
    RespondOwnedAfter(requestId, Time(0), std::move(rsp));
}

void MessageServerTransport::RespondOwnedAfter(uint64_t requestId, Time delay,
                                               TeepHttpResponse&& rsp)
{
    auto it = m_pending.find(requestId);
    if (it == m_pending.end())
    {
        NS_LOG_LOGIC("response to unknown or finished request " << requestId << " dropped");
        return;
    }
    Ptr<MessageClientTransport> client = it->second.client;
    uint64_t seq = it->second.seq;
    m_pending.erase(it);
    m_txTrace(requestId, rsp.status, ResponseBytes(rsp));
    client->AcceptResponse(seq, std::move(rsp), delay);
}

} // namespace ns3
