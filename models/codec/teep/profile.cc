// The two TEEP numbering tables (PROTOCOL.md section 1.1 and 4).
#include "teepsim/codec/teep_profile.h"

#include <algorithm>

namespace teepsim::teep
{

using crypto::Alg;

Profile::Profile(ProfileId id, std::string_view name, std::array<uint64_t, 5> types, Labels labels,
                 uint64_t manifestProcessingFailed, std::vector<Alg> accepted,
                 std::vector<Alg> offered)
    : id_(id), name_(name), types_(types), labels_(labels),
      manifestProcessingFailed_(manifestProcessingFailed), accepted_(std::move(accepted)),
      offered_(std::move(offered))
{
}

const Profile& Profile::Draft26()
{
    // draft-ietf-teep-protocol-26 (PR #420): Success 4, Error 5, labels 5..22 renumbered.
    static const Profile p(ProfileId::Draft26, "draft26", {1, 2, 3, 4, 5},
                           Labels{.supportedCipherSuites = 1,
                                  .challenge = 2,
                                  .versions = 3,
                                  .supportedSuitCoseProfiles = 4,
                                  .selectedVersion = 5,
                                  .attestationPayload = 6,
                                  .tcList = 7,
                                  .extList = 8,
                                  .manifestList = 9,
                                  .msg = 10,
                                  .errMsg = 11,
                                  .attestationPayloadFormat = 12,
                                  .requestedTcList = 13,
                                  .unneededManifestList = 14,
                                  .componentId = 15,
                                  .tcManifestSequenceNumber = 16,
                                  .haveBinary = 17,
                                  .suitReports = 18,
                                  .token = 19,
                                  .supportedFreshnessMechanisms = 20,
                                  .errLang = 21,
                                  .errCode = 22},
                           11, {Alg::ESP256, Alg::Ed25519}, {Alg::ESP256, Alg::Ed25519});
    return p;
}

const Profile& Profile::Legacy()
{
    // Drafts up to -25 (pre-26 master a9d2fad; libteep/tamproto/dthaler): Success 5, Error 6.
    // err-lang 22 is from the pre-26 CDDL (draft-21 has no err-lang; 22 is unused there).
    static const Profile p(ProfileId::Legacy, "legacy", {1, 2, 3, 5, 6},
                           Labels{.supportedCipherSuites = 1,
                                  .challenge = 2,
                                  .versions = 3,
                                  .supportedSuitCoseProfiles = 4,
                                  .selectedVersion = 6,
                                  .attestationPayload = 7,
                                  .tcList = 8,
                                  .extList = 9,
                                  .manifestList = 10,
                                  .msg = 11,
                                  .errMsg = 12,
                                  .attestationPayloadFormat = 13,
                                  .requestedTcList = 14,
                                  .unneededManifestList = 15,
                                  .componentId = 16,
                                  .tcManifestSequenceNumber = 17,
                                  .haveBinary = 18,
                                  .suitReports = 19,
                                  .token = 20,
                                  .supportedFreshnessMechanisms = 21,
                                  .errLang = 22,
                                  .errCode = 23},
                           17, {Alg::ES256, Alg::EdDSA, Alg::ESP256, Alg::Ed25519},
                           {Alg::ES256, Alg::EdDSA});
    return p;
}

const Profile& Profile::Get(ProfileId id)
{
    return id == ProfileId::Legacy ? Legacy() : Draft26();
}

const Profile* Profile::ByName(std::string_view name)
{
    if (name == "draft26")
    {
        return &Draft26();
    }
    if (name == "legacy")
    {
        return &Legacy();
    }
    return nullptr;
}

std::optional<MessageType> Profile::TypeFromWire(uint64_t wire) const
{
    for (size_t i = 0; i < types_.size(); ++i)
    {
        if (types_[i] == wire)
        {
            return static_cast<MessageType>(i);
        }
    }
    return std::nullopt;
}

uint64_t Profile::WireErrorCode(ErrorCode c) const
{
    return c == ErrorCode::ManifestProcessingFailed ? manifestProcessingFailed_
                                                    : static_cast<uint64_t>(c);
}

std::optional<ErrorCode> Profile::ErrorCodeFromWire(uint64_t wire) const
{
    if (wire >= 1 && wire <= 10)
    {
        return static_cast<ErrorCode>(wire);
    }
    if (wire == manifestProcessingFailed_)
    {
        return ErrorCode::ManifestProcessingFailed;
    }
    return std::nullopt;
}

crypto::Alg Profile::SigningAlg(crypto::KeyType t) const
{
    const bool p256 = t == crypto::KeyType::P256;
    for (Alg a : offered_)
    {
        if ((a == Alg::ES256 || a == Alg::ESP256) == p256)
        {
            return a;
        }
    }
    // Every profile offers one algorithm per key type (constructor tables above).
    return p256 ? Alg::ESP256 : Alg::Ed25519;
}

bool Profile::AcceptsAlg(int64_t coseAlg) const
{
    return std::any_of(accepted_.begin(), accepted_.end(),
                       [coseAlg](Alg a) { return static_cast<int64_t>(a) == coseAlg; });
}

} // namespace teepsim::teep
