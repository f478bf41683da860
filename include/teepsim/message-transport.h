// MessageTransport: TEEP over HTTP at message level, without TCP. Each request and response is
// delivered whole after delay + size / rate of the path (client LinkProfile in series with the
// server's), lost with the path's per-message loss probability, and refused when the client is
// unavailable. The bodies are the real TEEP bytes; sizes are those of the HTTP messages the TCP
// transport would send (http-framing), so byte counts match. A request/response pair whose
// server answers from inside its request callback costs exactly 2 simulator events; a deferred
// answer adds one timeout event that is removed when the answer comes.
#pragma once

#include "teepsim/lazy-uniform.h"
#include "teepsim/link-profile.h"
#include "teepsim/teep-transport.h"

#include "ns3/event-id.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace ns3
{

class MessageServerTransport;

/// Message-level client (no TCP/IP): each request and response crosses the device's access
/// link (LinkProfile: delay, rate, loss) as one message, and the server's, in one event each.
///
/// \par Attributes
/// - **Timeout** (Time, 30 s): an exchange with no response this long after Post fails
///   (status 0).
/// - **Available** (true): whether the device can reach the network.
/// - **OneWayDelay** (Time, 10 ms), **Bandwidth** (10 Mbit/s; 0 = infinite),
///   **LossProbability** (0): the device side of the path (its LinkProfile).
///
/// \par Trace sources
/// - **TxBytes** (uint32_t): HTTP request bytes sent.
/// - **RxBytes** (uint32_t): HTTP response bytes received.
/// - **ConnectionOpened** (connection id, server): a session started.
/// - **ConnectionClosed** (connection id): the session ended.
/// - **ConnectionFailed** (server, reason): an exchange failed.
class MessageClientTransport : public TeepClientTransport
{
  public:
    /// The ns-3 TypeId ("ns3::teepsim::MessageClientTransport").
    static TypeId GetTypeId();
    MessageClientTransport();
    ~MessageClientTransport() override;

    void Post(const Address& server, const TeepHttpRequest& req, ResponseCallback done) override;
    void PostOwned(const Address& server, TeepHttpRequest&& req, ResponseCallback done) override;
    void CloseSession() override;
    void SetNode(Ptr<Node> node) override;
    uint64_t GetBytesSent() const override { return m_bytesSent; }
    uint64_t GetBytesReceived() const override { return m_bytesReceived; }

    /// This device's side of the path (its access link to the network).
    void SetLinkProfile(const LinkProfile& link) { m_link = link; }
    /// The device side of the path.
    const LinkProfile& GetLinkProfile() const { return m_link; }
    /// Sets the OneWayDelay attribute.
    void SetOneWayDelay(Time delay) { m_link.oneWayDelay = delay; }
    /// The OneWayDelay attribute.
    Time GetOneWayDelay() const { return m_link.oneWayDelay; }
    /// Sets the Bandwidth attribute (bit/s).
    void SetBandwidth(uint64_t bps) { m_link.bandwidthBps = bps; }
    /// The Bandwidth attribute (bit/s).
    uint64_t GetBandwidth() const { return m_link.bandwidthBps; }
    /// Sets the LossProbability attribute.
    void SetLossProbability(double p) { m_link.lossProbability = p; }
    /// The LossProbability attribute.
    double GetLossProbability() const { return m_link.lossProbability; }
    /// Device on/off: while off, new requests and arriving responses are lost (status 0 at the
    /// timeout). The deployment toggles this for availability periods.
    void SetAvailable(bool available);
    /// Whether the device is on (Available).
    bool IsAvailable() const { return m_available; }
    /// Fixes the loss RNG stream; returns the number of streams used (1).
    int64_t AssignStreams(int64_t stream) override;

  private:
    friend class MessageServerTransport;
    struct Pending
    {
        uint64_t seq = 0;
        Time deadline;
        ResponseCallback done;
        TeepHttpRequest request;
        TeepHttpResponse response;
        Ptr<MessageServerTransport> server;
        uint32_t responseBytes = 0;
        EventId timeout; // armed only when the answer is not immediate, or on a failure path
    };

    void DoDispose() override;
    Pending* Find(uint64_t seq);
    bool Lost();
    /// Ends the exchange `seq` with status 0 at its deadline (one event).
    void FailAtDeadline(Pending& p, const char* reason);
    void ArriveAtServer(uint64_t seq);
    void ArriveAtClient(uint64_t seq);
    void TimeOut(uint64_t seq);
    /// Called by the server (possibly inside its request callback); the response leaves the
    /// server `leavesIn` from now.
    void AcceptResponse(uint64_t seq, TeepHttpResponse&& rsp, Time leavesIn = Time(0));
    /// The server listening at `server` (cached per client: the registry is a map of Address).
    MessageServerTransport* FindServer(const Address& server);
    /// The server did not answer inside its callback: make sure the client times out.
    void ArmTimeout(uint64_t seq);
    /// Fails every pending exchange (status 0) and forgets the connection.
    void EndSession(const char* reason, bool timedOut = false);

    Ptr<Node> m_node;
    uint32_t m_context = 0;
    LinkProfile m_link;
    bool m_available = true;
    Time m_timeout;
    LazyUniform m_rng;              // drawn only on lossy paths
    std::vector<Pending> m_pending; // a session has one, rarely two, exchanges in flight
    uint64_t m_nextSeq = 0;
    uint64_t m_connectionId = 0; // 0: no session open
    Address m_server;
    std::string m_host;
    MessageServerTransport* m_cachedServer = nullptr; // registry entry of m_cachedAddress
    Address m_cachedAddress;
    uint64_t m_cachedGeneration = 0; // registry generation the cache was filled at
    uint64_t m_bytesSent = 0;
    uint64_t m_bytesReceived = 0;

    TracedCallback<uint32_t> m_txTrace;
    TracedCallback<uint32_t> m_rxTrace;
    TracedCallback<uint64_t, const Address&> m_openTrace;
    TracedCallback<uint64_t> m_closeTrace;
    TracedCallback<const Address&, const std::string&> m_failTrace;
};

/// Message-level server: registers its addresses in the MessageTransportRegistry, where
/// clients find it, and hands each request over in one event.
///
/// \par Attributes
/// - **Available** (true): whether the server takes requests (outage windows).
///
/// \par Trace sources
/// - **Rx** (requestId, connectionId, bytes): a request arrived.
/// - **Tx** (requestId, status, bytes): a response was sent.
class MessageServerTransport : public TeepServerTransport
{
  public:
    /// The ns-3 TypeId ("ns3::teepsim::MessageServerTransport").
    static TypeId GetTypeId();
    MessageServerTransport();
    ~MessageServerTransport() override;

    void Listen(Ptr<Node> node, const Address& local, RequestCallback onRequest) override;
    void Respond(uint64_t requestId, const TeepHttpResponse& rsp) override;
    void RespondOwned(uint64_t requestId, TeepHttpResponse&& rsp) override;
    /// RespondOwned(requestId, rsp) as if called `delay` (>= 0) from now, without an event of
    /// its own: the response leaves the server then (an answer held for its sender's CPU
    /// time). The request is settled now: the Tx trace fires now, and a Stop() before then
    /// no longer drops the answer.
    void RespondOwnedAfter(uint64_t requestId, Time delay, TeepHttpResponse&& rsp);
    void Stop() override;

    /// The server's side of every path (its access link); ideal by default.
    void SetLinkProfile(const LinkProfile& link) { m_link = link; }
    /// The server side of every path.
    const LinkProfile& GetLinkProfile() const { return m_link; }
    /// Server on/off (TAM outage windows): requests arriving while off are lost.
    void SetAvailable(bool available) { m_available = available; }
    /// Whether the server takes requests (Available).
    bool IsAvailable() const { return m_available; }
    /// The simulator context (node id) the server's events run in.
    uint32_t GetContext() const { return m_context; }
    /// Requests delivered and not yet answered.
    std::size_t GetPendingCount() const { return m_pending.size(); }

  private:
    friend class MessageClientTransport;
    friend class MessageTransportRegistry;
    struct Pending
    {
        Ptr<MessageClientTransport> client;
        uint64_t seq = 0;
    };
    void DoDispose() override;
    /// A request arrives from `client`; returns false if this server is not taking requests.
    bool Deliver(MessageClientTransport* client, uint64_t seq, uint64_t connectionId,
                 const TeepHttpRequest& req);

    Ptr<Node> m_node;
    uint32_t m_context = 0;
    std::vector<Address> m_addresses; // registered in MessageTransportRegistry
    RequestCallback m_onRequest;
    LinkProfile m_link = LinkProfile::Ideal();
    bool m_available = true;
    bool m_listening = false;
    uint64_t m_nextRequestId = 0;
    std::unordered_map<uint64_t, Pending> m_pending;

    TracedCallback<uint64_t, uint64_t, uint32_t> m_rxTrace; // requestId, connectionId, bytes
    TracedCallback<uint64_t, uint16_t, uint32_t> m_txTrace; // requestId, status, bytes
};

/// Address -> listening MessageServerTransport, for the whole simulation. Deleted (and every
/// registered server stopped) by Simulator::Destroy.
class MessageTransportRegistry
{
  public:
    /// The registry of this simulation (created on first use).
    static MessageTransportRegistry& Get();
    ~MessageTransportRegistry();

    /// `server` listens at `address` from now on.
    void Add(const Address& address, Ptr<MessageServerTransport> server);
    /// Nothing listens at `address` any more.
    void Remove(const Address& address);
    /// The server listening at `address`, or nullptr.
    MessageServerTransport* Find(const Address& address) const;
    /// A connection id unique in the simulation (from 1).
    uint64_t NextConnectionId() { return ++m_lastConnectionId; }
    /// Changes whenever a server is added or removed, or the registry is made anew (clients
    /// cache what Find returned; monotonic over the process, so a cache never outlives it).
    uint64_t GetGeneration() const { return s_generation; }

  private:
    static void DeleteInstance();
    static MessageTransportRegistry* s_instance;
    std::map<Address, Ptr<MessageServerTransport>> m_servers;
    uint64_t m_lastConnectionId = 0;
    static uint64_t s_generation;
};

} // namespace ns3
