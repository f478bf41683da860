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
#include <utility>
#include <vector>

namespace ns3
{

/// One HTTP/1.1 request as the TEEP-over-HTTP draft uses it (always POST).
struct TeepHttpRequest
{
    std::string path = "/tam"; ///< request target (the TAM URI path)
    /// Content-Type of the body; empty for the session-opening POST.
    std::string contentType = "application/teep+cbor";
    std::vector<uint8_t> body;                    ///< the TEEP message (CBOR), or empty
    std::string accept = "application/teep+cbor"; ///< what the client takes back (Accept)
};

/// The answer to a request. status 0 means the transport failed (refused, reset, timed out,
/// unreachable): TEEP-over-HTTP then calls the Agent's ProcessError and drops the session.
struct TeepHttpResponse
{
    /// 200 with body, 204 no content, 503 overloaded, 0 transport failure.
    uint16_t status = 0;
    std::string contentType;   ///< Content-Type of the body
    std::vector<uint8_t> body; ///< the TEEP message (CBOR), or empty
    bool timedOut = false;     ///< status 0 because no answer came before the response timeout
};

/// Client side of one peer (a device talking to its TAM, a TAM talking to its Verifier).
/// Requests of one session reuse one connection (keep-alive) until CloseSession().
class TeepClientTransport : public Object
{
  public:
    /// The ns-3 TypeId of the interface ("ns3::teepsim::TeepClientTransport").
    static TypeId GetTypeId();
    /// Receives the one response (or status 0) of a Post.
    using ResponseCallback = Callback<void, const TeepHttpResponse&>;

    /// Sends `req` to `server`; `done` is called exactly once, with the response or status 0.
    /// `done` is never called from inside Post() itself (always from a later event).
    virtual void Post(const Address& server, const TeepHttpRequest& req, ResponseCallback done) = 0;
    /// Post() of a request the caller gives up: a transport that keeps the request until it is
    /// delivered takes its buffers instead of copying them. Same behaviour as Post().
    virtual void PostOwned(const Address& server, TeepHttpRequest&& req, ResponseCallback done)
    {
        Post(server, req, std::move(done));
    }
    /// Ends the current session (closes the connection); pending callbacks get status 0.
    virtual void CloseSession() = 0;
    /// The node this client sends from.
    virtual void SetNode(Ptr<Node> node) = 0;
    /// Bytes put on the wire by this client so far (HTTP framing included).
    virtual uint64_t GetBytesSent() const = 0;
    /// Bytes taken off the wire by this client so far (HTTP framing included).
    virtual uint64_t GetBytesReceived() const = 0;
    /// Fixes the random streams this transport draws from, starting at `stream` (ns-3
    /// convention); returns the number used. The default draws nothing (TCP: losses come from
    /// the links' error models) and returns 0.
    virtual int64_t AssignStreams(int64_t stream);
};

/// Server side: delivers each request with an id; the application answers (maybe later, after
/// queueing or asking a Verifier) with Respond(id, ...). Requests of one connection share a
/// connection id so the server can tie an HTTP session to TEEP session state.
class TeepServerTransport : public Object
{
  public:
    /// The ns-3 TypeId of the interface ("ns3::teepsim::TeepServerTransport").
    static TypeId GetTypeId();
    /// (requestId, connectionId, request)
    using RequestCallback = Callback<void, uint64_t, uint64_t, const TeepHttpRequest&>;

    /// Starts accepting on `node` at `local` (an InetSocketAddress for TCP).
    virtual void Listen(Ptr<Node> node, const Address& local, RequestCallback onRequest) = 0;
    /// Answers request `requestId` (once; later answers to a closed connection are dropped).
    virtual void Respond(uint64_t requestId, const TeepHttpResponse& rsp) = 0;
    /// Respond() with a response the caller gives up (taken instead of copied where kept).
    virtual void RespondOwned(uint64_t requestId, TeepHttpResponse&& rsp)
    {
        Respond(requestId, rsp);
    }
    /// Stops accepting and closes every connection.
    virtual void Stop() = 0;
};

/// The Host header value both transports use for `server`: "a.b.c.d:port" for an
/// InetSocketAddress, "[v6]:port" for an Inet6SocketAddress, "tam" otherwise.
std::string TeepHostHeader(const Address& server);

/// Creates transports of one kind so a deployment picks TCP or message level in one place:
///   TeepTransportHelper h;                       // ns3::HttpTcpClientTransport / ...Server...
///   h.SetClientType("ns3::teepsim::MessageClientTransport");
///   h.SetServerType("ns3::teepsim::MessageServerTransport");
///   Ptr<TeepClientTransport> c = h.CreateClient(deviceNode);
class TeepTransportHelper
{
  public:
    /// HTTP over ns-3 TCP on both sides until told otherwise.
    TeepTransportHelper();
    /// TypeId name of the clients (a TeepClientTransport).
    void SetClientType(const std::string& typeId);
    /// TypeId name of the servers (a TeepServerTransport).
    void SetServerType(const std::string& typeId);
    /// An attribute of every client made from now on.
    void SetClientAttribute(const std::string& name, const AttributeValue& value);
    /// An attribute of every server made from now on.
    void SetServerAttribute(const std::string& name, const AttributeValue& value);
    /// A client bound to `node` (SetNode already called).
    Ptr<TeepClientTransport> CreateClient(Ptr<Node> node) const;
    /// A server; call Listen(node, address, callback) on it.
    Ptr<TeepServerTransport> CreateServer() const;
    /// The factory CreateClient uses (type and attributes), for objects that create their own
    /// clients later (the TAM's Verifier connections).
    const ObjectFactory& GetClientFactory() const { return m_client; }

  private:
    ObjectFactory m_client;
    ObjectFactory m_server;
};

} // namespace ns3
