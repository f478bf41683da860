// EAR-style attestation result (draft-ietf-rats-ear, CBOR serialization): encode, decode,
// sign, verify with key binding and expiry checks.
#include "teepsim/codec/eat.h"
#include "teepsim/codec/tree_reference.h"

#include <algorithm>

#include "claims_tree.h"

namespace teepsim::eat
{

using cbor::Value;

namespace
{

constexpr int64_t kCnfKid = 3;
// ear.verifier-id members (CBOR labels of draft-ietf-rats-ear).
constexpr int64_t kVerifierDeveloper = 0;
constexpr int64_t kVerifierBuild = 1;

Failure Bad(std::string reason)
{
    return Failure{EatError::Malformed, std::move(reason), std::nullopt};
}

std::optional<ArStatus> StatusFromWire(const Value& v)
{
    if (!v.isUint())
    {
        return std::nullopt;
    }
    switch (v.rawUint())
    {
        case 0:
            return ArStatus::None;
        case 2:
            return ArStatus::Affirming;
        case 32:
            return ArStatus::Warning;
        case 96:
            return ArStatus::Contraindicated;
        default:
            return std::nullopt;
    }
}

} // namespace

Bytes EncodeAttestationResultTree(const AttestationResult& ar)
{
    Value m = Value::MakeMap();
    m.set(kClaimExp, Value::Int(ar.exp));
    m.set(kClaimIat, Value::Int(ar.iat));
    m.set(kClaimCnf, Value::MakeMap().set(kCnfKid, Value::Bstr(ar.cnfKid)));
    if (ar.nonce)
    {
        m.set(kClaimNonce, Value::Bstr(*ar.nonce));
    }
    m.set(kClaimProfile, Value::Tstr(ar.profile));
    Value appraisal = Value::MakeMap();
    appraisal.set(kClaimEarStatus, Value::Uint(static_cast<uint64_t>(ar.status)));
    m.set(kClaimSubmods, Value::MakeMap().set(ar.submod, std::move(appraisal)));
    Value vid = Value::MakeMap();
    vid.set(kVerifierDeveloper, Value::Tstr(ar.verifierDeveloper));
    vid.set(kVerifierBuild, Value::Tstr(ar.verifierBuild));
    m.set(kClaimEarVerifierId, std::move(vid));
    return cbor::Encode(m);
}

Result<AttestationResult> DecodeAttestationResultTree(ByteView claims)
{
    auto decoded = cbor::Decode(claims);
    if (!decoded)
    {
        return Failure{EatError::Malformed, decoded.error().message, decoded.error().offset};
    }
    const Value& m = decoded.value();
    if (!m.isMap())
    {
        return Bad("attestation result must be a map");
    }
    AttestationResult ar;
    const Value* profile = m.find(kClaimProfile);
    if (!profile || !profile->isTstr())
    {
        return Bad("eat_profile (265) must be text");
    }
    ar.profile = profile->text();
    const Value* iat = m.find(kClaimIat);
    const Value* exp = m.find(kClaimExp);
    if (!iat || !iat->asInt64() || !exp || !exp->asInt64())
    {
        return Bad("iat (6) and exp (4) must be integers");
    }
    ar.iat = *iat->asInt64();
    ar.exp = *exp->asInt64();
    if (ar.exp < ar.iat)
    {
        return Bad("exp before iat");
    }
    const Value* cnf = m.find(kClaimCnf);
    const Value* kid = cnf ? cnf->find(kCnfKid) : nullptr;
    if (!kid || !kid->isBstr())
    {
        return Bad("cnf (8) must be {3: kid}");
    }
    ar.cnfKid = kid->bytes();
    if (const Value* nonce = m.find(kClaimNonce))
    {
        if (!nonce->isBstr())
        {
            return Bad("eat_nonce must be a byte string");
        }
        ar.nonce = nonce->bytes();
    }
    const Value* submods = m.find(kClaimSubmods);
    if (!submods || !submods->isMap() || submods->map().size() != 1 ||
        !submods->map()[0].first.isTstr() || !submods->map()[0].second.isMap())
    {
        return Bad("submods (266) must hold exactly one named appraisal");
    }
    ar.submod = submods->map()[0].first.text();
    const Value* status = submods->map()[0].second.find(kClaimEarStatus);
    auto st = status ? StatusFromWire(*status) : std::nullopt;
    if (!st)
    {
        return Bad("ear.status (1000) must be 0, 2, 32 or 96");
    }
    ar.status = *st;
    const Value* vid = m.find(kClaimEarVerifierId);
    const Value* dev = vid ? vid->find(kVerifierDeveloper) : nullptr;
    const Value* build = vid ? vid->find(kVerifierBuild) : nullptr;
    if (!dev || !dev->isTstr() || !build || !build->isTstr())
    {
        return Bad("ear.verifier-id (1004) must be {0: developer, 1: build}");
    }
    ar.verifierDeveloper = dev->text();
    ar.verifierBuild = build->text();
    return ar;
}

Bytes SignAttestationResult(const AttestationResult& ar, const cose::Signer& verifier)
{
    return cose::Sign1(verifier, EncodeAttestationResult(ar));
}

Result<VerifiedResult> VerifyAttestationResult(ByteView signedResult,
                                               const std::vector<crypto::Key>& verifierKeys,
                                               std::optional<ByteView> expectedKid,
                                               std::optional<int64_t> now)
{
    VerifiedToken storage;
    auto token = VerifySign1TokenInPlace(signedResult, verifierKeys, storage);
    if (!token)
    {
        return token.failure();
    }
    auto ar = DecodeAttestationResult(token->payload);
    if (!ar)
    {
        return ar.failure();
    }
    if (expectedKid &&
        !std::equal(ar->cnfKid.begin(), ar->cnfKid.end(), expectedKid->begin(), expectedKid->end()))
    {
        return Failure{EatError::KeyMismatch, "cnf kid is not the expected Agent key", {}};
    }
    if (now && !ar->IsValidAt(*now))
    {
        return Failure{EatError::Expired,
                       "valid " + std::to_string(ar->iat) + ".." + std::to_string(ar->exp) +
                           ", now " + std::to_string(*now),
                       {}};
    }
    return VerifiedResult{std::move(ar.value()), token->keyIndex};
}

} // namespace teepsim::eat

namespace teepsim::reference
{

cbor::Bytes EncodeAttestationResult(const eat::AttestationResult& ar)
{
    return eat::EncodeAttestationResultTree(ar);
}

eat::Result<eat::AttestationResult> DecodeAttestationResult(cbor::ByteView claims)
{
    return eat::DecodeAttestationResultTree(claims);
}

} // namespace teepsim::reference
