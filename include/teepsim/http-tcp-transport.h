// HttpTcpTransport: TEEP over HTTP/1.1 on ns-3 TCP sockets. The packets carry the real HTTP
// bytes (http-framing.h) with the real TEEP CBOR bodies, so a pcap of a run is a valid
// TEEP-over-HTTP capture. One TCP connection per session, kept alive across its requests.
//
// Cost at scale (thousands of devices): every TCP segment costs two simulator events per link
// hop, so both ends set the socket's SegmentSize (default 1448 B, the MSS of a 1500 B MTU,
// instead of ns-3's 536 B) and a send buffer large enough to take a whole TEEP message at once
// (no refill on every ACK); the transports' own timers are removed from the scheduler, not
// merely cancelled, when a request completes or a connection closes.
#pragma once

#include "teepsim/http-framing.h"
#include "teepsim/lazy-trace-source.h"
#include "teepsim/teep-transport.h"

#include "ns3/event-id.h"
#include "ns3/packet.h"
#include "ns3/socket.h"
#include "ns3/traced-callback.h"

#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace ns3
{

/// TCP sizes of every connection, the same at both ends (one deployment); the defaults of the
/// SegmentSize, SendBufferSize and ReceiveBufferSize attributes of both transports.
struct HttpTcpSizing
{
    /// 1448 B: a 1500 B MTU less IPv4, TCP and timestamp headers (ns-3's own default is 536 B).
    static constexpr uint32_t kSegmentSize = 1448;
    /// Large enough that a whole TEEP message (a TA image included) goes to TCP at once instead
    /// of being refilled on every ACK (memory is only used by queued bytes).
    static constexpr uint32_t kSendBufferSize = 4 * 1024 * 1024;
    /// Above the peer's send buffer: ns-3 3.37 TCP crashes when a sender has exactly the
    /// receive window outstanding (a limit; only bytes held use memory).
    static constexpr uint32_t kReceiveBufferSize = 8 * 1024 * 1024;
};

/// Client: a device's Broker (or a TAM asking its Verifier). Create, SetNode(node), then Post().
/// The first Post opens a TCP connection to the server; later Posts to the same server reuse it
/// (and may be pipelined) until CloseSession(), a failure or a "Connection: close" response.
/// Any transport failure (refused, reset, closed with requests pending, malformed response,
/// ResponseTimeout without a response byte) fails every pending request with status 0, once, and
/// ends the session.
///
/// \par Attributes
/// - **ResponseTimeout** (Time, 30 s): a request fails the session (status 0) when no response
///   byte has arrived for this long.
/// - **Port** (80): server port used when Post gets an address without one.
/// - **MaxHeaderBytes** (8 KiB): largest response header section accepted.
/// - **SegmentSize** (1448), **SendBufferSize** (4 MiB), **ReceiveBufferSize** (8 MiB): TCP
///   sizes of the connections (HttpTcpSizing).
///
/// \par Trace sources
/// - **Tx**, **Rx** (Packet): a packet of HTTP request bytes handed to TCP, of response bytes
///   received from it.
/// - **ConnectionOpened** (server): the TCP connection to this server is up.
/// - **ConnectionClosed** (server): the session's connection was closed normally.
/// - **ConnectionFailed** (server, reason): the session failed.
class HttpTcpClientTransport : public TeepClientTransport
{
  public:
    /// The ns-3 TypeId ("ns3::teepsim::HttpTcpClientTransport").
    static TypeId GetTypeId();
    HttpTcpClientTransport();
    ~HttpTcpClientTransport() override;

    void Post(const Address& server, const TeepHttpRequest& req, ResponseCallback done) override;
    void CloseSession() override;
    void SetNode(Ptr<Node> node) override { m_node = node; }
    uint64_t GetBytesSent() const override { return m_bytesSent; }
    uint64_t GetBytesReceived() const override { return m_bytesReceived; }
    /// TCP connections this client has opened (attempted) so far.
    uint64_t GetConnectionsOpened() const { return m_connectionsOpened; }

  private:
    struct Pending
    {
        uint64_t seq = 0;
        ResponseCallback done;
        EventId timeout;
    };

    void DoDispose() override;
    void OpenConnection(const Address& server);
    void ConnectionSucceeded(Ptr<Socket> socket);
    void ConnectionFailed(Ptr<Socket> socket);
    void HandleRead(Ptr<Socket> socket);
    void HandleSend(Ptr<Socket> socket, uint32_t available);
    void HandlePeerClose(Ptr<Socket> socket);
    void HandlePeerError(Ptr<Socket> socket);
    void Flush();
    void TimeOut(uint64_t seq);
    /// Fails every pending request with status 0 and drops the connection.
    void Abort(const std::string& reason, bool timedOut = false);
    /// Abort, unless the session it was scheduled for has already ended.
    void AbortSession(uint64_t session, std::string reason);
    /// Detaches and closes the socket; returns whether one was open.
    bool ReleaseSocket();
    Address Normalize(const Address& server) const;

    /// The trace sources, allocated when a sink connects (lazy-trace-source.h): a run makes one
    /// client per device and rarely traces them.
    struct Traces
    {
        TracedCallback<Ptr<const Packet>> tx;
        TracedCallback<Ptr<const Packet>> rx;
        TracedCallback<const Address&> open;
        TracedCallback<const Address&> close;
        TracedCallback<const Address&, const std::string&> fail;
    };

    // One per device: only what a client between sessions needs. The Host header is not kept
    // here (one shared cache for every client, see Post), nor closed sockets (one shared list).
    Ptr<Node> m_node;
    Ptr<Socket> m_socket;
    bool m_connected = false;
    Address m_server;
    uint64_t m_session = 0; // bumped whenever a connection is released
    // Only while a connection is open: every device holds a client, few hold a connection.
    std::unique_ptr<teepsim::http::Parser> m_parser;
    std::vector<uint8_t> m_tx; // HTTP bytes not yet accepted by the socket
    std::size_t m_txOffset = 0;
    // In request order (HTTP/1.1 answers in order). A vector, not a deque: an idle client
    // (every device between sessions) then holds no allocation at all.
    std::vector<Pending> m_pending;
    uint64_t m_nextSeq = 0;

    Time m_timeout;
    Time m_lastProgress; // when the last response byte arrived
    uint16_t m_defaultPort = 80;
    uint32_t m_maxHeaderBytes = 8 * 1024;
    uint32_t m_segmentSize = HttpTcpSizing::kSegmentSize;
    uint32_t m_sendBufferSize = HttpTcpSizing::kSendBufferSize;
    uint32_t m_receiveBufferSize = HttpTcpSizing::kReceiveBufferSize;
    uint64_t m_bytesSent = 0;
    uint64_t m_bytesReceived = 0;
    uint64_t m_connectionsOpened = 0;
    std::unique_ptr<Traces> m_traces;
};

/// Server: the TAM (or the Verifier). Listen(node, InetSocketAddress(Ipv4Address::GetAny(),
/// port), callback); each complete request is handed over with a request id and the id of its
/// TCP connection; Respond(id, ...) may come at any later time. Responses go out in request
/// order per connection (HTTP/1.1). Malformed framing gets "400 Bad Request" and the
/// connection is closed. Connections idle for IdleTimeout are closed.
///
/// \par Attributes
/// - **Port** (80): port to listen on when Listen gets an address without one.
/// - **IdleTimeout** (Time, 120 s): a connection with no request and nothing to send for this
///   long is closed (0 disables).
/// - **MaxHeaderBytes** (8 KiB): largest request header section accepted.
/// - **MaxBodyBytes** (16 MiB): largest request body accepted (Content-Length).
/// - **SegmentSize** (1448), **SendBufferSize** (4 MiB), **ReceiveBufferSize** (8 MiB): TCP
///   sizes of the connections (HttpTcpSizing).
///
/// \par Trace sources
/// - **Tx**, **Rx** (Packet): a packet of HTTP response bytes handed to TCP, of request bytes
///   received from it.
/// - **ConnectionOpened** (id, peer): a connection was accepted.
/// - **ConnectionClosed** (id): a connection ended.
/// - **BadRequest** (id, error): malformed framing answered with 400.
class HttpTcpServerTransport : public TeepServerTransport
{
  public:
    /// The ns-3 TypeId ("ns3::teepsim::HttpTcpServerTransport").
    static TypeId GetTypeId();
    HttpTcpServerTransport();
    ~HttpTcpServerTransport() override;

    void Listen(Ptr<Node> node, const Address& local, RequestCallback onRequest) override;
    void Respond(uint64_t requestId, const TeepHttpResponse& rsp) override;
    void Stop() override;

    /// Connections accepted so far / open now.
    uint64_t GetConnectionsAccepted() const { return m_nextConnectionId; }
    /// Connections open now.
    std::size_t GetOpenConnections() const { return m_connections.size(); }

  private:
    struct Outgoing
    {
        uint64_t requestId = 0;
        bool ready = false;
        bool close = false;
        std::vector<uint8_t> bytes;
    };
    struct Connection
    {
        explicit Connection(teepsim::http::Limits limits)
            : parser(teepsim::http::Kind::Request, limits)
        {
        }
        uint64_t id = 0;
        Ptr<Socket> socket;
        Address peer;
        teepsim::http::Parser parser;
        std::deque<Outgoing> queue; // one entry per request, answered in order
        std::vector<uint8_t> tx;
        std::size_t txOffset = 0;
        bool closing = false;          // a "Connection: close" answer or a 400 is queued or sent
        bool closeWhenFlushed = false; // that answer is in tx: close once TCP took all of it
        Time lastActivity;
        EventId idle;
    };

    void DoDispose() override;
    bool AcceptRequest(Ptr<Socket> socket, const Address& from);
    void HandleAccept(Ptr<Socket> socket, const Address& from);
    void HandleRead(Ptr<Socket> socket);
    void HandleSend(Ptr<Socket> socket, uint32_t available);
    void HandlePeerClose(Ptr<Socket> socket);
    void Drain(Connection& c);
    /// Sends what the socket takes; returns false if that closed the connection.
    bool Flush(Connection& c);
    void CheckIdle(uint64_t connectionId);
    void CloseConnection(uint64_t connectionId);
    Connection* Find(Ptr<Socket> socket);

    Ptr<Node> m_node;
    Ptr<Socket> m_listener;
    RequestCallback m_onRequest;
    std::unordered_map<uint64_t, std::unique_ptr<Connection>> m_connections;
    std::unordered_map<Socket*, uint64_t> m_bySocket;
    std::unordered_map<uint64_t, uint64_t> m_requestConnection; // request id -> connection id
    uint64_t m_nextConnectionId = 0;
    uint64_t m_nextRequestId = 0;

    uint16_t m_defaultPort = 80;
    Time m_idleTimeout;
    uint32_t m_maxHeaderBytes = 8 * 1024;
    uint32_t m_maxBodyBytes = 16 * 1024 * 1024;
    uint32_t m_segmentSize = HttpTcpSizing::kSegmentSize;
    uint32_t m_sendBufferSize = HttpTcpSizing::kSendBufferSize;
    uint32_t m_receiveBufferSize = HttpTcpSizing::kReceiveBufferSize;

    TracedCallback<Ptr<const Packet>> m_txTrace;
    TracedCallback<Ptr<const Packet>> m_rxTrace;
    TracedCallback<uint64_t, const Address&> m_openTrace;
    TracedCallback<uint64_t> m_closeTrace;
    TracedCallback<uint64_t, const std::string&> m_badRequestTrace;
};

} // namespace ns3
