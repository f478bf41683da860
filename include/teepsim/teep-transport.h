// TeepTransport: how TEEP-over-HTTP exchanges move between nodes. The TEEP models (Broker,
// Agent without REE, TAM, Verifier client) talk only to these interfaces, so the same models run
// over real ns-3 TCP sockets (HttpTcpTransport) or message-level delivery (MessageTransport).
#pragma once

#include "ns3/address.h"
#include "ns3/attribute.h"
#include "ns3/callback.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/object-factory.h"
#include "ns3/object.h"
#include "ns3/ptr.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/// One HTTP/1.1 request as the TEEP-over-HTTP draft uses it (always POST).
struct TeepHttpRequest
{
    std::string path = "/tam";
    std::string contentType = "application/teep+cbor"; // empty for the session-opening POST
    std::vector<uint8_t> body;
    std::string accept = "application/teep+cbor"; // what the client takes back (Accept)
};

/// The answer to a request. status 0 means the transport failed (refused, reset, timed out,
/// unreachable): TEEP-over-HTTP then calls the Agent's ProcessError and drops the session.
struct TeepHttpResponse
{
    uint16_t status = 0; // 200 with body, 204 no content, 503 overloaded, 0 transport failure
    std::string contentType;
    std::vector<uint8_t> body;
    bool timedOut = false; // status 0 because no answer came before the response timeout
};

/// Client side of one peer (a device talking to its TAM, a TAM talking to its Verifier).
/// Requests of one session reuse one connection (keep-alive) until CloseSession().
class TeepClientTransport : public Object
{
  public:
    static TypeId GetTypeId();
    using ResponseCallback = Callback<void, const TeepHttpResponse&>;

    /// Sends `req` to `server`; `done` is called exactly once, with the response or status 0.
    /// `done` is never called from inside Post() itself (always from a later event).
    virtual void Post(const Address& server, const TeepHttpRequest& req, ResponseCallback done) = 0;
    /// Ends the current session (closes the connection); pending callbacks get status 0.
    virtual void CloseSession() = 0;
    /// The node this client sends from.
    virtual void SetNode(Ptr<Node> node) = 0;
    /// Trace: bytes put on / taken off the wire by this client (HTTP framing included).
    virtual uint64_t GetBytesSent() const = 0;
    virtual uint64_t GetBytesReceived() const = 0;
};

/// Server side: delivers each request with an id; the application answers (maybe later, after
/// queueing or asking a Verifier) with Respond(id, ...). Requests of one connection share a
/// connection id so the server can tie an HTTP session to TEEP session state.
class TeepServerTransport : public Object
{
  public:
    static TypeId GetTypeId();
    /// (requestId, connectionId, request)
    using RequestCallback = Callback<void, uint64_t, uint64_t, const TeepHttpRequest&>;

    /// Starts accepting on `node` at `local` (an InetSocketAddress for TCP).
    virtual void Listen(Ptr<Node> node, const Address& local, RequestCallback onRequest) = 0;
    virtual void Respond(uint64_t requestId, const TeepHttpResponse& rsp) = 0;
    virtual void Stop() = 0;
};

/// The Host header value both transports use for `server`: "a.b.c.d:port" for an
/// InetSocketAddress, "[v6]:port" for an Inet6SocketAddress, "tam" otherwise.
std::string TeepHostHeader(const Address& server);

/// Creates transports of one kind so a deployment picks TCP or message level in one place:
///   TeepTransportHelper h;                       // ns3::HttpTcpClientTransport / ...Server...
///   h.SetClientType("ns3::MessageClientTransport");
///   h.SetServerType("ns3::MessageServerTransport");
///   Ptr<TeepClientTransport> c = h.CreateClient(deviceNode);
class TeepTransportHelper
{
  public:
    TeepTransportHelper();
    void SetClientType(const std::string& typeId);
    void SetServerType(const std::string& typeId);
    void SetClientAttribute(const std::string& name, const AttributeValue& value);
    void SetServerAttribute(const std::string& name, const AttributeValue& value);
    /// A client bound to `node` (SetNode already called).
    Ptr<TeepClientTransport> CreateClient(Ptr<Node> node) const;
    /// A server; call Listen(node, address, callback) on it.
    Ptr<TeepServerTransport> CreateServer() const;

  private:
    ObjectFactory m_client;
    ObjectFactory m_server;
};

} // namespace ns3
