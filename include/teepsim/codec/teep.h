// TEEP protocol messages (draft-ietf-teep-protocol) as typed C++ values, with an encoder and a
// CDDL-enforcing decoder for a run-time selectable wire profile (teep_profile.h). The signed
// (COSE) layer is in teep_signed.h.
//
// Decode(bytes, profile) returns either the message or the TEEP error code a receiver would
// send back (ERR_PERMANENT_ERROR for malformed input or an unknown message type,
// ERR_UNSUPPORTED_MSG_VERSION, ERR_UNSUPPORTED_CIPHER_SUITES,
// ERR_UNSUPPORTED_FRESHNESS_MECHANISMS), with a reason and the byte offset of the bad item.
#pragma once

#include "teepsim/codec/cbor.h"
#include "teepsim/codec/result.h"
#include "teepsim/codec/teep_profile.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace teepsim::teep
{

using cbor::Bytes;
using cbor::ByteView;

/// SUIT_Component_Identifier = [* bstr].
using ComponentId = std::vector<Bytes>;

/// One operation of a TEEP cipher suite: [cose-type, cose-alg], e.g. [18, -9].
struct CipherSuiteOp
{
    uint64_t coseType = 18; // 18 = COSE_Sign1 (CoAP content format / CBOR tag)
    int64_t alg = -9;
    bool operator==(const CipherSuiteOp&) const = default;
};
/// teep-cipher-suite = [+ teep-operation].
using CipherSuite = std::vector<CipherSuiteOp>;
/// The one-operation Sign1 suite for `alg` ([[18, alg]]).
CipherSuite Sign1Suite(crypto::Alg alg);

/// $suit-cose-profile, e.g. [-16, -9, -29, -65534] (suit-sha256-esp256-ecdh-a128ctr).
using SuitCoseProfile = std::vector<int64_t>;

constexpr uint64_t kFreshnessNonce = 0;
constexpr uint64_t kFreshnessTimestamp = 1;

/// data-item-requested bits.
enum DataItem : uint64_t
{
    kDataAttestation = 1,
    kDataTrustedComponents = 2,
    kDataExtensions = 4,
    kDataSuitReports = 8,
};

/// The order in which option labels appeared on the wire. The encoder writes options in this
/// order (then any others in the default order: token first, then ascending labels), so that a
/// decoded message re-encodes byte-identically. It never takes part in equality.
struct WireOrder
{
    std::vector<uint64_t> labels;
    bool operator==(const WireOrder&) const { return true; }
};

/// An option the message type does not define (extension or other label): kept verbatim.
struct ExtensionOption
{
    uint64_t label = 0;
    cbor::Value value;
    bool operator==(const ExtensionOption&) const = default;
};

/// One tc-list entry: SUIT-report system-property-claims {0: component-id, + SUIT parameters}.
/// image-digest (param 3) and image-size (14) are typed. The manifest sequence number has no
/// SUIT parameter; teepsim carries it under the profile's tc-manifest-sequence-number label
/// (16 draft26 / 17 legacy; neither is an assigned SUIT parameter). Other params kept verbatim.
struct TcInfo
{
    ComponentId componentId;
    std::optional<Bytes> imageDigest; // content of the bstr .cbor SUIT_Digest, kept verbatim
    std::optional<uint64_t> imageSize;
    std::optional<uint64_t> manifestSequenceNumber;
    std::vector<std::pair<cbor::Value, cbor::Value>> otherParams; // wire order
    bool operator==(const TcInfo&) const = default;
};

/// requested-tc-info = {component-id, ? tc-manifest-sequence-number, ? have-binary}.
struct RequestedTcInfo
{
    ComponentId componentId;
    std::optional<uint64_t> manifestSequenceNumber;
    std::optional<bool> haveBinary;
    bool operator==(const RequestedTcInfo&) const = default;
};

struct QueryRequest
{
    std::optional<Bytes> token; // 8..64 bytes
    std::optional<std::vector<uint64_t>> supportedFreshnessMechanisms;
    std::optional<Bytes> challenge;                // 8..512 bytes
    std::optional<std::vector<uint32_t>> versions; // absent = [0]
    std::optional<std::string> attestationPayloadFormat;
    std::optional<Bytes> attestationPayload;
    std::optional<std::vector<Bytes>> suitReports; // raw bstr contents
    std::vector<ExtensionOption> extensions;
    std::vector<CipherSuite> supportedCipherSuites;         // element 2, non-empty
    std::vector<SuitCoseProfile> supportedSuitCoseProfiles; // element 3, non-empty
    uint64_t dataItemRequested = 0;                         // element 4, DataItem bits
    WireOrder wireOrder;
    bool operator==(const QueryRequest&) const = default;
};

struct QueryResponse
{
    std::optional<Bytes> token;
    std::optional<uint32_t> selectedVersion;
    std::optional<std::string> attestationPayloadFormat;
    std::optional<Bytes> attestationPayload;
    std::optional<std::vector<Bytes>> suitReports;
    std::optional<std::vector<TcInfo>> tcList;
    std::optional<std::vector<RequestedTcInfo>> requestedTcList;
    std::optional<std::vector<ComponentId>> unneededManifestList;
    std::optional<std::vector<uint32_t>> extList;
    std::vector<ExtensionOption> extensions;
    WireOrder wireOrder;
    bool operator==(const QueryResponse&) const = default;
};

struct Update
{
    std::optional<Bytes> token;
    std::optional<std::vector<ComponentId>> unneededManifestList;
    std::optional<std::vector<Bytes>> manifestList; // each: SUIT_Envelope bytes, verbatim
    std::optional<std::string> attestationPayloadFormat;
    std::optional<Bytes> attestationPayload;
    std::optional<ErrorCode> errCode;
    std::optional<std::string> errMsg;  // 1..128 bytes
    std::optional<std::string> errLang; // 1..35 bytes
    std::vector<ExtensionOption> extensions;
    WireOrder wireOrder;
    bool operator==(const Update&) const = default;
};

struct Success
{
    std::optional<Bytes> token;
    std::optional<std::string> msg; // 1..128 bytes
    std::optional<std::vector<Bytes>> suitReports;
    std::vector<ExtensionOption> extensions;
    WireOrder wireOrder;
    bool operator==(const Success&) const = default;
};

struct Error
{
    std::optional<Bytes> token;
    std::optional<std::string> errMsg;
    std::optional<std::string> errLang;
    std::optional<std::vector<CipherSuite>> supportedCipherSuites;
    std::optional<std::vector<uint64_t>> supportedFreshnessMechanisms;
    std::optional<std::vector<SuitCoseProfile>> supportedSuitCoseProfiles;
    std::optional<Bytes> challenge;
    std::optional<std::vector<uint32_t>> versions;
    std::optional<std::vector<Bytes>> suitReports;
    std::vector<ExtensionOption> extensions;
    ErrorCode errCode = ErrorCode::PermanentError; // element 2
    WireOrder wireOrder;
    bool operator==(const Error&) const = default;
};

using Message = std::variant<QueryRequest, QueryResponse, Update, Success, Error>;
MessageType TypeOf(const Message& m);
/// The token of any message (empty optional if absent).
const std::optional<Bytes>& TokenOf(const Message& m);

/// Why a message was refused, as the receiver would report it.
struct Failure
{
    enum class Kind : uint8_t
    {
        Malformed,      // not valid CBOR / violates the CDDL
        Unsupported,    // well-formed, but asks for something we do not support
        Authentication, // COSE layer: bad signature, untrusted key, wrong alg (teep_signed.h)
    };
    ErrorCode code = ErrorCode::PermanentError;
    Kind kind = Kind::Malformed;
    std::string reason;
    std::optional<size_t> offset; // byte offset of the offending item in the decoded input
    std::string ToString() const; // "ERR_PERMANENT_ERROR at byte 12: token: 7 bytes, want 8..64"
};

/// A decoded value or the Failure a receiver would report.
template<typename T> using Result = teepsim::Result<T, Failure>;

/// What the receiver supports, for the negotiation checks of Decode.
struct ReceiverCaps
{
    std::vector<uint32_t> versions = {0};
    std::vector<uint64_t> freshness = {kFreshnessNonce, kFreshnessTimestamp};
    /// Empty: the profile's accepted algorithms as one-operation Sign1 suites.
    std::vector<CipherSuite> cipherSuites;
};

/// Encodes a message (preferred serialization). Options appear in wireOrder, then token,
/// then ascending label. Throws std::invalid_argument if a field breaks the CDDL bounds (the
/// encoder never emits what the decoder would refuse).
Bytes Encode(const Message& m, const Profile& profile = Profile::Draft26());
/// The message as a CBOR value (what Encode serializes).
cbor::Value ToCbor(const Message& m, const Profile& profile = Profile::Draft26());

/// Decodes and validates a TEEP message (the COSE payload). Never throws on any input.
Result<Message> Decode(ByteView bytes, const Profile& profile = Profile::Draft26(),
                       const ReceiverCaps& caps = {});

} // namespace teepsim::teep
