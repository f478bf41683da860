// TEEP wire profiles: the numbering tables that differ between draft-ietf-teep-protocol-26
// (PR #420 renumbering) and the drafts up to -25 that libteep, tamproto and dthaler/teep use.
// Everything numbering-dependent is looked up here, so the codec has no profile if-chains.
#pragma once

#include "teepsim/codec/crypto.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace teepsim::teep
{

/// The five TEEP messages (logical identity; the wire number comes from the profile).
enum class MessageType : uint8_t
{
    QueryRequest,
    QueryResponse,
    Update,
    Success,
    Error,
};
const char* ToString(MessageType t);

/// TEEP error codes (logical identity; the wire number comes from the profile).
/// 1..10 are the same in both profiles; ManifestProcessingFailed is 11 (draft26) / 17 (legacy).
enum class ErrorCode : uint8_t
{
    PermanentError = 1,
    UnsupportedExtension = 2,
    UnsupportedFreshnessMechanisms = 3,
    UnsupportedMsgVersion = 4,
    UnsupportedCipherSuites = 5,
    BadCertificate = 6,
    AttestationRequired = 7,
    UnsupportedSuitReport = 8,
    CertificateExpired = 9,
    TemporaryError = 10,
    ManifestProcessingFailed = 11,
};
const char* ToString(ErrorCode c); // "ERR_PERMANENT_ERROR", ...

/// Option-map labels. `errLang` is absent in no profile here (legacy = pre-26 master, 22).
struct Labels
{
    uint64_t supportedCipherSuites;
    uint64_t challenge;
    uint64_t versions;
    uint64_t supportedSuitCoseProfiles;
    uint64_t selectedVersion;
    uint64_t attestationPayload;
    uint64_t tcList;
    uint64_t extList;
    uint64_t manifestList;
    uint64_t msg;
    uint64_t errMsg;
    uint64_t attestationPayloadFormat;
    uint64_t requestedTcList;
    uint64_t unneededManifestList;
    uint64_t componentId;              // inside requested-tc-info
    uint64_t tcManifestSequenceNumber; // inside requested-tc-info (and tc-list, see teep.h)
    uint64_t haveBinary;               // inside requested-tc-info
    uint64_t suitReports;
    uint64_t token;
    uint64_t supportedFreshnessMechanisms;
    uint64_t errLang;
    uint64_t errCode; // Update option
};

enum class ProfileId : uint8_t
{
    Draft26,
    Legacy,
};

/// One wire profile: an immutable table. Obtain with Profile::Draft26() / Legacy() / ByName().
class Profile
{
  public:
    static const Profile& Draft26();
    static const Profile& Legacy();
    static const Profile& Get(ProfileId id);
    /// "draft26" or "legacy"; nullptr for anything else.
    static const Profile* ByName(std::string_view name);

    ProfileId id() const { return id_; }
    std::string_view name() const { return name_; }
    const Labels& labels() const { return labels_; }

    uint64_t WireType(MessageType t) const { return types_[static_cast<size_t>(t)]; }
    std::optional<MessageType> TypeFromWire(uint64_t wire) const;
    uint64_t WireErrorCode(ErrorCode c) const;
    std::optional<ErrorCode> ErrorCodeFromWire(uint64_t wire) const;
    /// Signature algorithms accepted in TEEP cipher suites and on signed messages:
    /// draft26 {ESP256, Ed25519}; legacy {ES256, EdDSA, ESP256, Ed25519}.
    bool AcceptsAlg(int64_t coseAlg) const;
    /// The suites this implementation offers, in preference order (draft26: [[18,-9]],
    /// [[18,-19]]; legacy: [[18,-7]], [[18,-8]]).
    const std::vector<crypto::Alg>& OfferedAlgs() const { return offered_; }
    /// The algorithm a key of type `t` signs with under this profile: the first offered one
    /// that fits the key (draft26: ESP256 / Ed25519; legacy: ES256 / EdDSA, as libteep with
    /// t_cose 2.0-alpha). The key is the same; only the COSE alg identifier differs.
    crypto::Alg SigningAlg(crypto::KeyType t) const;

    Profile(ProfileId id, std::string_view name, std::array<uint64_t, 5> types, Labels labels,
            uint64_t manifestProcessingFailed, std::vector<crypto::Alg> accepted,
            std::vector<crypto::Alg> offered);

  private:
    ProfileId id_;
    std::string_view name_;
    std::array<uint64_t, 5> types_; // indexed by MessageType
    Labels labels_;
    uint64_t manifestProcessingFailed_;
    std::vector<crypto::Alg> accepted_;
    std::vector<crypto::Alg> offered_;
};

} // namespace teepsim::teep
