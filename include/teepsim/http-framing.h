// HTTP/1.1 message framing for TEEP over HTTP: an incremental parser for a TCP byte stream and
// the encoders that produce the exact bytes the transports put on the wire. Pure C++ (no ns-3)
// so it is unit-tested on its own. Only what TEEP over HTTP needs: Content-Length framing
// (no chunked transfer coding, no close-delimited bodies), keep-alive, bounded header size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace teepsim::http
{

inline constexpr std::string_view kTeepMediaType = "application/teep+cbor";
/// RFC 9782: a CWT-form Entity Attestation Token. Evidence travels with the TEEP EAT profile as
/// its `eat_profile` parameter (the draft's attestation-payload-format default), attestation
/// results with the EAR profile (kEarMediaType).
inline constexpr std::string_view kEatCwtMediaType = "application/eat+cwt";
inline constexpr std::string_view kTeepEvidenceMediaType =
    "application/eat+cwt; eat_profile=\"urn:ietf:rfc:rfcXXXX\"";
inline constexpr std::string_view kEarMediaType =
    "application/eat+cwt; eat_profile=\"tag:github.com,2023:veraison/ear\"";

/// The media type of a Content-Type or Accept value: the part before any ';' parameter,
/// without surrounding blanks ("application/eat+cwt; eat_profile=..." -> "application/eat+cwt").
/// Media types compare case-insensitively (RFC 9110 section 8.3.1).
std::string_view MediaTypeOf(std::string_view contentType);
bool SameMediaType(std::string_view a, std::string_view b);

/// \var Limits::maxHeaderBytes
/// Largest start line + header fields + blank line accepted.
//
/// \var Limits::maxBodyBytes
/// Largest Content-Length accepted.
//
/// Bounds that keep a hostile or broken peer from making the parser buffer without limit.
struct Limits
{
    std::size_t maxHeaderBytes = 8 * 1024;       // start line + header fields + blank line
    std::size_t maxBodyBytes = 16 * 1024 * 1024; // largest Content-Length accepted
};

/// \var Message::method
/// Request method ("POST").
//
/// \var Message::target
/// Request target ("/tam").
//
/// \var Message::status
/// Response status code (200, 204, ...).
//
/// \var Message::reason
/// Response reason phrase ("OK").
//
/// \var Message::host
/// The Host header field (requests).
//
/// \var Message::contentType
/// The Content-Type header field (empty without a body).
//
/// \var Message::keepAlive
/// False after "Connection: close" (or HTTP/1.0 without keep-alive).
//
/// \var Message::body
/// The body (Content-Length bytes).
//
/// One parsed request or response. Fields of the other kind stay empty.
struct Message
{
    std::string method;  // request: "POST"
    std::string target;  // request: "/tam"
    uint16_t status = 0; // response: 200, 204, ...
    std::string reason;  // response: "OK"
    std::string host;
    std::string contentType;
    bool keepAlive = true; // false after "Connection: close" (or HTTP/1.0 without keep-alive)
    std::vector<uint8_t> body;
};

enum class Kind
{
    Request,
    Response
};

/// Incremental parser: feed it bytes exactly as they come off the stream (any segmentation,
/// several messages coalesced in one segment); complete messages queue up for Pop(). After the
/// first framing error it stays failed: the connection must be closed (no resynchronisation).
class Parser
{
  public:
    /// A parser of requests or of responses, within `limits`.
    explicit Parser(Kind kind, Limits limits = {});

    /// Consumes `bytes`. Returns false once the stream is malformed; Error() says what and where.
    bool Feed(std::span<const uint8_t> bytes);
    /// Whether a complete message is waiting for Pop().
    bool HasMessage() const { return !m_ready.empty(); }
    /// The oldest complete message (precondition: HasMessage()).
    Message Pop();
    /// Whether the stream was malformed (the parser is then stuck).
    bool Failed() const { return !m_error.empty(); }
    /// What was malformed and where (empty while not Failed()).
    const std::string& Error() const { return m_error; }
    /// True while part of a message has been received but not all of it.
    bool InMessage() const { return m_state == State::Body || !m_head.empty(); }

  private:
    enum class State
    {
        Head,
        Body
    };
    bool Fail(std::string what, uint64_t at);
    bool ParseHead(); // m_head holds a whole header section

    Kind m_kind;
    Limits m_limits;
    State m_state = State::Head;
    std::string m_head; // bytes of the header section received so far
    Message m_current;  // message whose body is being read
    std::size_t m_bodyLeft = 0;
    uint64_t m_offset = 0;    // stream offset of the next byte to consume
    uint64_t m_headStart = 0; // stream offset where m_head begins
    uint64_t m_messages = 0;  // messages completed so far (for error messages)
    std::deque<Message> m_ready;
    std::string m_error;
};

/// Request bytes: "POST <path> HTTP/1.1", Host, Accept (`accept`: TEEP messages by default,
/// an attestation result when the TAM asks the Verifier), Content-Type (only with a body),
/// Content-Length, then the body.
std::vector<uint8_t> EncodeRequest(std::string_view host, std::string_view path,
                                   std::string_view contentType, std::span<const uint8_t> body,
                                   std::string_view accept = kTeepMediaType);
std::size_t EncodedRequestSize(std::string_view host, std::string_view path,
                               std::string_view contentType, std::size_t bodySize,
                               std::string_view accept = kTeepMediaType);

/// Response bytes. A body comes with Content-Type and the headers TEEP over HTTP requires
/// (nosniff, CSP, Referrer-Policy). 204 carries no Content-Length and no body.
/// `close` adds "Connection: close".
std::vector<uint8_t> EncodeResponse(uint16_t status, std::string_view contentType,
                                    std::span<const uint8_t> body, bool close = false);
std::size_t EncodedResponseSize(uint16_t status, std::string_view contentType, std::size_t bodySize,
                                bool close = false);

/// Standard reason phrase ("OK", "No Content", ...; "Unknown" for others).
std::string_view ReasonPhrase(uint16_t status);

} // namespace teepsim::http
