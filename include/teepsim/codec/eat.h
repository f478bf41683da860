// EAT evidence (RFC 9711, TEEP EAT profile) produced by the TEEP Agent, and an EAR-style
// attestation result (draft-ietf-rats-ear) produced by the Verifier. Both are CWT claim sets
// carried as the payload of a COSE_Sign1.
#pragma once

#include "teepsim/codec/cbor.h"
#include "teepsim/codec/cose.h"
#include "teepsim/codec/crypto.h"
#include "teepsim/codec/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace teepsim::eat
{

using cbor::Bytes;
using cbor::ByteView;

// CWT / EAT claim keys (RFC 8392, RFC 8747, RFC 9711).
constexpr int64_t kClaimExp = 4;
constexpr int64_t kClaimIat = 6;
constexpr int64_t kClaimCnf = 8;
constexpr int64_t kClaimNonce = 10;
constexpr int64_t kClaimUeid = 256;
constexpr int64_t kClaimOemid = 258;
constexpr int64_t kClaimHwModel = 259;
constexpr int64_t kClaimHwVersion = 260;
constexpr int64_t kClaimProfile = 265;
constexpr int64_t kClaimSubmods = 266;
constexpr int64_t kClaimManifests = 272;             // RFC 9711
constexpr int64_t kClaimManifestsDraftExample = 273; // the TEEP draft's Appendix D.2 example
// EAR claim keys (draft-ietf-rats-ear).
constexpr int64_t kClaimEarStatus = 1000;
constexpr int64_t kClaimEarVerifierId = 1004;

/// CoAP content format of a manifests entry: application/cbor (as the TEEP draft's example).
constexpr uint64_t kContentFormatCbor = 60;
constexpr const char* kEarProfile = "tag:github.com,2023:veraison/ear";

/// One installed Trusted Component, reported in the manifests claim. Each entry is encoded as
/// [60, bstr .cbor {0: SUIT_Digest, ? 1: manifest URI, ? 2: sequence number, ? 5: component id}]:
/// 0/1 follow the draft's SUIT_Reference example (digest, uri), 2 and 5 the SUIT_Manifest keys
/// manifest-sequence-number and manifest-component-id (a teepsim convention: RFC 9711 leaves
/// the body to the content format). The decoder also accepts the body as a bare map, as in
/// the draft's Appendix D.2 example.
struct InstalledTc
{
    std::vector<Bytes> componentId;
    std::optional<uint64_t> sequenceNumber;
    Bytes digest; // SHA-256 of the manifest (SUIT_Digest alg -16)
    std::optional<std::string> uri;
    bool operator==(const InstalledTc&) const = default;
};

struct HwVersion
{
    std::string version;
    std::optional<int64_t> scheme; // RFC 9711 version-scheme (1 = multipartnumeric)
    bool operator==(const HwVersion&) const = default;
};

/// Evidence claim set (the TEEP EAT profile's required claims plus eat_nonce and iat).
struct Evidence
{
    std::optional<Bytes> nonce; // eat_nonce, copied from the QueryRequest challenge (8..64)
    Bytes ueid;                 // 7..33 bytes
    Bytes oemid;                // 3 (IEEE OUI) or 16 bytes
    Bytes hwModel;              // 1..32 bytes
    HwVersion hwVersion;
    std::vector<InstalledTc> manifests;
    Bytes cnfKid; // RFC 9679 thumbprint of the Agent's TEEP signing key
    std::optional<int64_t> iat;
    /// Unknown claims, kept verbatim in wire order.
    std::vector<std::pair<cbor::Value, cbor::Value>> otherClaims;
    bool operator==(const Evidence&) const = default;
};

/// EAR trust tiers (ear.status values).
enum class ArStatus : uint8_t
{
    None = 0,
    Affirming = 2,
    Warning = 32,
    Contraindicated = 96,
};
const char* ToString(ArStatus s);

/// EAR-style attestation result. Encoded as {265: profile, 6: iat, 4: exp, 8: {3: kid},
/// 1004: {0: developer, 1: build}, 266: {submod: {1000: status}}, ? 10: nonce}.
struct AttestationResult
{
    std::string profile = kEarProfile;
    int64_t iat = 0; // seconds (NumericDate)
    int64_t exp = 0; // = iat + validity
    ArStatus status = ArStatus::None;
    Bytes cnfKid; // kid of the attested Agent key
    std::string verifierDeveloper = "teepsim";
    std::string verifierBuild;
    std::string submod = "TEEP Agent";
    std::optional<Bytes> nonce;
    bool operator==(const AttestationResult&) const = default;

    /// iat <= now < exp.
    bool IsValidAt(int64_t now) const { return iat <= now && now < exp; }
    /// Valid at `now` and affirming: what a relying party accepts.
    bool TrustsAt(int64_t now) const { return IsValidAt(now) && status == ArStatus::Affirming; }
};

enum class EatError : uint8_t
{
    Malformed,     // not CBOR / wrong claim types / missing required claim
    BadSignature,  // COSE signature did not verify (or not a COSE_Sign1)
    NoMatchingKey, // no trusted key
    NonceMismatch, // eat_nonce differs from the expected challenge
    KeyMismatch,   // cnf kid differs from the expected key
    Expired,       // attestation result not valid at the given time
};
const char* ToString(EatError e);

struct Failure
{
    EatError error = EatError::Malformed;
    std::string reason;
    std::optional<size_t> offset;
    std::string ToString() const;
};

/// A decoded or verified value, or the Failure that explains why there is none.
template<typename T> using Result = teepsim::Result<T, Failure>;

// ---- Signed claim sets (CWT in COSE_Sign1) ----
struct VerifiedToken
{
    Bytes payload; // the claim-set bytes
    int keyIndex = -1;
    Bytes kid;
};
/// Parses a COSE_Sign1 (tagged or not) with an attached payload and verifies it with `keys`
/// (BadSignature / NoMatchingKey / Malformed on failure). Never throws.
Result<VerifiedToken> VerifySign1Token(ByteView token, const std::vector<crypto::Key>& keys);

// ---- Evidence ----
Bytes EncodeEvidence(const Evidence& e); // the claim set (CWT payload)
/// Also accepts the draft example's manifests key 273. Never throws.
Result<Evidence> DecodeEvidence(ByteView claims);
/// COSE_Sign1 (tagged) over the claim set, signed by the Agent key.
Bytes SignEvidence(const Evidence& e, const cose::Signer& agent);

struct VerifiedEvidence
{
    Evidence evidence;
    int keyIndex = -1;
    Bytes kid;
};
/// Verifies the signature with `keys`, decodes, and checks eat_nonce == expectedNonce (when
/// given) and that cnf kid names the key that signed (the Agent attests its own key).
Result<VerifiedEvidence> VerifyEvidence(ByteView signedEvidence,
                                        const std::vector<crypto::Key>& keys,
                                        std::optional<ByteView> expectedNonce);

// ---- Attestation result ----
Bytes EncodeAttestationResult(const AttestationResult& ar);
Result<AttestationResult> DecodeAttestationResult(ByteView claims);
Bytes SignAttestationResult(const AttestationResult& ar, const cose::Signer& verifier);

struct VerifiedResult
{
    AttestationResult result;
    int keyIndex = -1;
};
/// Verifies with trusted Verifier keys, decodes, and when given checks that cnf kid equals
/// `expectedKid` (KeyMismatch) and that the result is valid at `now` (Expired).
Result<VerifiedResult> VerifyAttestationResult(ByteView signedResult,
                                               const std::vector<crypto::Key>& verifierKeys,
                                               std::optional<ByteView> expectedKid = std::nullopt,
                                               std::optional<int64_t> now = std::nullopt);

} // namespace teepsim::eat
