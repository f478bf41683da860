// SUIT manifests (draft-ietf-suit-manifest-37 numbering, trust-domains, firmware-encryption):
// the subset a TEEP Agent and TAM need. Parse and verify a SUIT_Envelope, run the install /
// uninstall procedure in a small bounded interpreter, and build signed envelopes for the
// simulator (integrated payload or URI, optional encrypted per-device personalization data).
//
// Key history trap (PROTOCOL.md section 9): suit-install is 20 now; it was 17 (2022-07..2024-11)
// and 9 before. Envelopes using the older numbering parse, but their install section is not
// recognised as such; the interpreter then reports "no install section".
#pragma once

#include "teepsim/codec/cbor.h"
#include "teepsim/codec/crypto.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace teepsim::suit
{

using cbor::Bytes;
using cbor::ByteView;

constexpr uint64_t kEnvelopeTag = 107; // SUIT_Envelope_Tagged
constexpr int64_t kDigestSha256 = -16; // suit-digest-algorithm-id SHA-256

/// Envelope map keys.
namespace envelope_key
{
constexpr int64_t kAuthenticationWrapper = 2;
constexpr int64_t kManifest = 3;
} // namespace envelope_key

/// SUIT_Manifest map keys (current numbering; 16/20/23 may also be severed into the envelope).
namespace manifest_key
{
constexpr int64_t kVersion = 1;
constexpr int64_t kSequenceNumber = 2;
constexpr int64_t kCommon = 3;
constexpr int64_t kReferenceUri = 4;
constexpr int64_t kManifestComponentId = 5;
constexpr int64_t kValidate = 7;
constexpr int64_t kLoad = 8;
constexpr int64_t kInvoke = 9;
constexpr int64_t kDependencyResolution = 15;
constexpr int64_t kPayloadFetch = 16;
constexpr int64_t kInstall = 20;
constexpr int64_t kText = 23;
constexpr int64_t kUninstall = 24;
} // namespace manifest_key

/// SUIT_Common map keys.
namespace common_key
{
constexpr int64_t kDependencies = 1;
constexpr int64_t kComponents = 2;
constexpr int64_t kSharedSequence = 4;
} // namespace common_key

/// Command codes (conditions and directives).
namespace cmd
{
constexpr int64_t kVendorIdentifier = 1;
constexpr int64_t kClassIdentifier = 2;
constexpr int64_t kImageMatch = 3;
constexpr int64_t kComponentSlot = 5;
constexpr int64_t kCheckContent = 6;
constexpr int64_t kDependencyIntegrity = 7;
constexpr int64_t kIsDependency = 8;
constexpr int64_t kProcessDependency = 11;
constexpr int64_t kSetComponentIndex = 12;
constexpr int64_t kAbort = 14;
constexpr int64_t kTryEach = 15;
constexpr int64_t kWrite = 18;
constexpr int64_t kSetParameters = 19;
constexpr int64_t kOverrideParameters = 20;
constexpr int64_t kFetch = 21;
constexpr int64_t kCopy = 22;
constexpr int64_t kInvoke = 23;
constexpr int64_t kDeviceIdentifier = 24;
constexpr int64_t kSwap = 31;
constexpr int64_t kRunSequence = 32;
constexpr int64_t kUnlink = 33;
} // namespace cmd

/// SUIT_Parameters keys.
namespace param
{
constexpr int64_t kVendorId = 1;
constexpr int64_t kClassId = 2;
constexpr int64_t kImageDigest = 3;
constexpr int64_t kComponentSlot = 5;
constexpr int64_t kStrictOrder = 12;
constexpr int64_t kSoftFailure = 13;
constexpr int64_t kImageSize = 14;
constexpr int64_t kContent = 18;
constexpr int64_t kEncryptionInfo = 19;
constexpr int64_t kUri = 21;
constexpr int64_t kSourceComponent = 22;
constexpr int64_t kInvokeArgs = 23;
constexpr int64_t kDeviceId = 24;
} // namespace param

/// Report policy used by the builder for every condition/directive (all four report bits).
constexpr uint64_t kReportAll = 15;

/// SUIT_Component_Identifier = [* bstr].
using ComponentId = std::vector<Bytes>;

cbor::Value ComponentIdToCbor(const ComponentId& id);
/// nullopt unless `v` is an array of bstr.
std::optional<ComponentId> ComponentIdFromCbor(const cbor::Value& v);
/// Human-readable form, e.g. ['TEEP-Device','SecureFS',h'8D82…','ta'] (for logs and errors).
std::string ComponentIdToString(const ComponentId& id);
/// The manifest-component-id the builder gives a TC: `tc` with its last element replaced by
/// 'suit' (the draft's convention: [..., 'ta'] -> [..., 'suit']); 'suit' appended if empty.
ComponentId ManifestComponentIdFor(const ComponentId& tc);

/// SUIT_Digest = [alg, bytes].
struct Digest
{
    int64_t alg = kDigestSha256;
    Bytes bytes;
    bool operator==(const Digest&) const = default;
};
cbor::Value DigestToCbor(const Digest& d);
std::optional<Digest> DigestFromCbor(const cbor::Value& v);
/// SHA-256 SUIT_Digest of `data`.
Digest Sha256Digest(ByteView data);

/// One command: (code, argument). The argument is kept as decoded (uint report policy, a
/// parameter map, a component index, a nested sequence bstr, ...).
struct Command
{
    int64_t code = 0;
    cbor::Value arg;
};
using CommandSequence = std::vector<Command>;

/// Decodes SUIT_Command_Sequence bytes (the content of a bstr .cbor): an array of an even
/// number of items, each code an int. `where` names the sequence in error messages.
cbor::Result<CommandSequence> ParseCommandSequence(ByteView bytes, std::string_view where);

struct Dependency
{
    uint64_t componentIndex = 0;
    ComponentId prefix; // dependency-prefix (trust-domains), may be empty
};

/// SUIT_Manifest, decoded. `bytes` is the manifest exactly as received (bstr content).
struct Manifest
{
    Bytes bytes;
    uint64_t version = 0;
    uint64_t sequenceNumber = 0;
    std::vector<ComponentId> components;
    std::vector<Dependency> dependencies;
    std::optional<ComponentId> manifestComponentId;
    std::optional<std::string> referenceUri;
    std::optional<CommandSequence> sharedSequence;
    std::optional<CommandSequence> validate;
    std::optional<CommandSequence> load;
    std::optional<CommandSequence> invoke;
    std::optional<CommandSequence> dependencyResolution;
    std::optional<CommandSequence> payloadFetch;
    std::optional<CommandSequence> install;
    std::optional<CommandSequence> uninstall;
    std::optional<cbor::Value> text; // SUIT_Text_Map, decoded but not interpreted
    /// Keys seen but not understood (e.g. 17 / 9 "install" of older drafts), for diagnostics.
    std::vector<int64_t> unknownKeys;
};

/// The bytes of an image or an integrated payload: either a view of bytes held elsewhere (an
/// integrated payload stays in the envelope's buffer: TA images are never copied to be parsed,
/// fetched or installed) or bytes of its own (a payload decrypted, written from a parameter, or
/// fetched by URI). Copying a view copies no payload bytes; a view is valid as long as the
/// buffer it refers to (see ParseEnvelopeView).
class ImageBytes
{
  public:
    using value_type = uint8_t;
    using const_iterator = const uint8_t*;
    using iterator = const_iterator;

    ImageBytes() = default;
    ImageBytes(Bytes owned) : owned_(std::move(owned)) {} // NOLINT: implicit, as Bytes was
    static ImageBytes ViewOf(ByteView v)
    {
        ImageBytes b;
        b.view_ = v;
        b.isView_ = true;
        return b;
    }

    ByteView view() const { return isView_ ? view_ : ByteView(owned_); }
    bool isView() const { return isView_; }
    const uint8_t* data() const { return view().data(); }
    size_t size() const { return view().size(); }
    bool empty() const { return size() == 0; }
    const_iterator begin() const { return data(); }
    const_iterator end() const { return data() + size(); }
    operator ByteView() const { return view(); }             // NOLINT: used where Bytes was
    operator Bytes() const { return Bytes(begin(), end()); } // NOLINT: a copy, on request
    bool operator==(const ImageBytes& o) const;
    bool operator==(const Bytes& o) const { return *this == ImageBytes::ViewOf(o); }

  private:
    Bytes owned_;
    ByteView view_;
    bool isView_ = false;
};

/// SUIT_Envelope, decoded.
struct Envelope
{
    bool tagged = false;           // wrapped in tag 107
    Digest manifestDigest;         // digest claimed by the authentication wrapper
    Bytes digestBytes;             // encoded SUIT_Digest (element 0 content): the detached payload
    std::vector<Bytes> authBlocks; // encoded COSE structures (elements 1..n), may be empty
    Manifest manifest;
    /// Integrated payloads: tstr keys of the envelope (e.g. "#tc"), as views of the envelope's
    /// bytes: into the caller's buffer (ParseEnvelopeView) or into `storage`.
    std::vector<std::pair<std::string, ImageBytes>> integrated;
    /// What the integrated payload views point into when the envelope owns its bytes
    /// (ParseEnvelope, ParseEnvelopeShared); null for ParseEnvelopeView. Shared, immutable:
    /// copies of the envelope share it.
    std::shared_ptr<const void> storage;

    const ImageBytes* FindIntegrated(std::string_view name) const;
};

/// Parses a SUIT_Envelope (tagged or not). Strict on structure: authentication wrapper and
/// manifest present, digest well-formed, version == 1, command sequences well-formed.
/// Severable members (15, 16, 20, 23) in the envelope are accepted when the manifest holds
/// their SUIT_Digest and the digest matches. Does NOT authenticate: call VerifyEnvelope.
/// Errors name the element (e.g. "manifest.common.components[0] is not an array of bstr");
/// CBOR errors keep the offset, relative to the bstr the message names.
/// The envelope keeps a copy of `bytes` (one copy; the integrated payloads are views of it).
cbor::Result<Envelope> ParseEnvelope(ByteView bytes);

enum class Status;
/// As above; on failure `*why` (if given) says which kind: Malformed, UnsupportedVersion,
/// DigestMismatch (severed member) or UnsupportedAlgorithm.
cbor::Result<Envelope> ParseEnvelope(ByteView bytes, Status* why);
/// As ParseEnvelope, without any copy of the payloads: the integrated payloads (and the images
/// RunInstall writes from them) are views of `bytes`, which the caller keeps alive and
/// unchanged while it uses the envelope or those images.
cbor::Result<Envelope> ParseEnvelopeView(ByteView bytes, Status* why = nullptr);
/// As ParseEnvelopeView; the envelope shares ownership of `bytes` (never null).
cbor::Result<Envelope> ParseEnvelopeShared(std::shared_ptr<const Bytes> bytes,
                                           Status* why = nullptr);

enum class Status
{
    Ok,
    Malformed,            // envelope or manifest not well-formed
    UnsupportedVersion,   // manifest-version != 1
    UnsupportedAlgorithm, // digest algorithm not SHA-256, or COSE algorithm unknown
    DigestMismatch,       // authentication wrapper digest != SHA-256(bstr-wrapped manifest)
    Unauthenticated,      // no COSE authentication block
    NoMatchingKey,        // no trust anchor matches the signature
    BadSignature,         // signature did not verify
    Rollback,             // sequence number not greater than the installed one
    VendorMismatch,       // condition-vendor-identifier failed
    ClassMismatch,        // condition-class-identifier failed
    DeviceMismatch,       // condition-device-identifier failed
    ImageMismatch,        // condition-image-match failed (digest or size)
    FetchFailed,          // URI not available / integrated payload missing
    DecryptFailed,        // encryption-info could not be opened with the device key
    MissingParameter,     // a command needed a parameter that was not set
    BadComponentIndex,    // index out of range
    UnsupportedCommand,   // command not in the subset
    Aborted,              // condition-abort
    LimitExceeded,        // nesting / step budget exhausted
    NoSection,            // the requested section (install / uninstall) is absent
};
const char* ToString(Status s);

/// Verifies the authentication wrapper: SHA-256 over the bstr-wrapped manifest equals the
/// wrapper's digest, and at least one COSE_Sign1 block (detached payload = digestBytes)
/// verifies with one of `trustAnchors`.
struct VerifyOutcome
{
    Status status = Status::Malformed;
    std::string reason;
    int keyIndex = -1; // trust anchor that verified
    bool ok() const { return status == Status::Ok; }
};
VerifyOutcome VerifyEnvelope(const Envelope& env, const std::vector<crypto::Key>& trustAnchors);
/// Only the digest check (for digest-only envelopes such as dthaler's suit-tool output).
VerifyOutcome CheckManifestDigest(const Envelope& env);

// ---- Interpreter ----

/// What the device knows about itself.
struct Device
{
    Bytes vendorId;  // 16-byte UUID compared by condition-vendor-identifier
    Bytes classId;   // condition-class-identifier
    Bytes deviceId;  // condition-device-identifier (empty: condition fails)
    crypto::Key kek; // the device's private key (P-256) for encrypted payloads; may be empty
    /// When `kek` is empty: gives the key on first use (deriving a key costs more than most
    /// installs, and only encrypted payloads need it). May be unset.
    std::function<const crypto::Key&()> kekSource;
};

/// Environment of one run. `fetch` supplies the bytes behind a (non-"#") URI; nullopt = fetch
/// failed. `dependencyPresent` answers process-dependency for a dependency prefix; when unset,
/// dependencies are assumed present (the TAM sends them in the same Update).
struct Callbacks
{
    std::function<std::optional<Bytes>(std::string_view uri)> fetch;
    std::function<bool(const ComponentId& prefix)> dependencyPresent;
};

/// Bounds that keep any manifest's run finite.
struct Limits
{
    uint32_t maxSteps = 4096; // work units: one per command per selected component (see steps)
    uint32_t maxDepth = 4;    // try-each / run-sequence nesting
    uint64_t maxImageSize = 64u << 20;
    uint64_t maxNestedBytes = 1u << 20; // total bytes of nested sequences decoded in one run
};

/// Result of running a procedure. Any failure maps to TEEP ERR_MANIFEST_PROCESSING_FAILED.
struct ProcessOutcome
{
    Status status = Status::Ok;
    std::string reason; // e.g. "install[3]: condition-image-match: digest differs"
    /// Images written (fetch / write / copy), one entry per component, in manifest order. An
    /// image fetched from an integrated payload is a view of the envelope's bytes.
    std::vector<std::pair<ComponentId, ImageBytes>> written;
    /// Components unlinked by the uninstall procedure.
    std::vector<ComponentId> unlinked;
    uint32_t steps = 0; // work units used: commands x selected components, parameters set,
                        // try-each snapshots
    /// The run read something only this device has (device-identifier, the decryption key):
    /// another device with the same vendor and class ids may get another outcome.
    bool deviceSpecific = false;
    /// Keeps the envelope's bytes alive for the `written` views (ProcessUpdate's own parse).
    std::shared_ptr<const void> storage;
    bool ok() const { return status == Status::Ok; }
};

/// Install procedure: shared-sequence, payload-fetch, install, then validate (when present).
/// The envelope must already be verified. Anti-rollback: when `installedSequence` is set,
/// the manifest's sequence number must be greater.
ProcessOutcome RunInstall(const Envelope& env, const Device& device, const Callbacks& callbacks,
                          std::optional<uint64_t> installedSequence = std::nullopt,
                          const Limits& limits = {});
/// Uninstall procedure: shared-sequence, then uninstall (its unlink commands fill `unlinked`).
ProcessOutcome RunUninstall(const Envelope& env, const Device& device,
                            const Callbacks& callbacks = {}, const Limits& limits = {});

/// Parse + verify + anti-rollback + install, the Agent's whole path for one manifest-list entry.
ProcessOutcome ProcessUpdate(ByteView envelopeBytes, const std::vector<crypto::Key>& trustAnchors,
                             const Device& device, const Callbacks& callbacks,
                             std::optional<uint64_t> installedSequence = std::nullopt,
                             const Limits& limits = {});

// ---- Builder ----

/// Per-device personalization data, encrypted to the device (COSE_Encrypt, ECDH-ES+A128KW).
struct Personalization
{
    ComponentId componentId; // e.g. ['TEEP-Device','SecureFS','config.json']
    Bytes plaintext;
    crypto::Key devicePublic;                      // P-256 recipient key
    Bytes ephemeralSeed;                           // 32 bytes: deterministic ephemeral key and IV
    crypto::Alg contentAlg = crypto::Alg::A128CTR; // or A128GCM
};

struct BuildParams
{
    ComponentId componentId; // the TC
    uint64_t sequenceNumber = 1;
    Bytes vendorId; // 16 bytes
    Bytes classId;  // 16 bytes
    /// Payload: integrated bytes (under `integratedName`) or a URI with digest and size.
    std::optional<Bytes> integratedPayload;
    std::string integratedName = "#tc";
    std::string uri;
    Digest imageDigest;     // used with `uri`
    uint64_t imageSize = 0; // used with `uri`
    std::optional<Personalization> personalization;
    bool includeUninstall = true;
    /// Defaults to ManifestComponentIdFor(componentId).
    std::optional<ComponentId> manifestComponentId;
    crypto::Alg signAlg = crypto::Alg::ESP256; // or Ed25519
    crypto::Key signer;                        // TA signer private key
};

/// Builds a signed, untagged SUIT_Envelope. Deterministic: the same params give the same bytes.
/// Throws std::invalid_argument on inconsistent params (no payload, missing key, ...).
Bytes BuildEnvelope(const BuildParams& params);

} // namespace teepsim::suit
