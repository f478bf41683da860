// EAT evidence claim set (TEEP EAT profile): encode, decode with claim checks, sign, verify.
#include "teepsim/codec/eat.h"
#include "teepsim/codec/tree_reference.h"

#include <algorithm>

#include "claims_tree.h"
#include "evidence_checks.h"

namespace teepsim::eat
{

using cbor::Value;

namespace
{

using namespace evidence_keys;

struct Abort
{
    Failure failure;
};

[[noreturn]] void Bad(std::string reason)
{
    throw Abort{Failure{EatError::Malformed, std::move(reason), std::nullopt}};
}

const Bytes& GetBstr(const Value& v, const char* name, size_t lo, size_t hi)
{
    if (!v.isBstr() || v.bytes().size() < lo || v.bytes().size() > hi)
    {
        Bad(std::string(name) + " must be a byte string of " + std::to_string(lo) + ".." +
            std::to_string(hi) + " bytes");
    }
    return v.bytes();
}

Value InstalledTcBody(const InstalledTc& tc)
{
    Value body = Value::MakeMap();
    body.set(kTcDigest, Value::MakeArray({Value::Int(kSha256), Value::Bstr(tc.digest)}));
    if (tc.uri)
    {
        body.set(kTcUri, Value::Tstr(*tc.uri));
    }
    if (tc.sequenceNumber)
    {
        body.set(kTcSequence, Value::Uint(*tc.sequenceNumber));
    }
    if (!tc.componentId.empty())
    {
        Value id = Value::MakeArray();
        for (const auto& part : tc.componentId)
        {
            id.push(Value::Bstr(part));
        }
        body.set(kTcComponentId, std::move(id));
    }
    return body;
}

InstalledTc ParseInstalledTc(const Value& entry)
{
    if (!entry.isArray() || entry.array().size() != 2 || !entry.array()[0].isUint())
    {
        Bad("manifests entry must be [content-format, body]");
    }
    if (entry.array()[0].rawUint() != kContentFormatCbor)
    {
        Bad("manifests entry: unsupported content format " +
            std::to_string(entry.array()[0].rawUint()));
    }
    const Value& raw = entry.array()[1];
    Value unwrapped;
    const Value* body = &raw;
    if (raw.isBstr())
    {
        auto inner = cbor::Decode(raw.bytes());
        if (!inner)
        {
            Bad("manifests entry body is not CBOR: " + inner.error().ToString());
        }
        unwrapped = std::move(inner.value());
        body = &unwrapped;
    }
    if (!body->isMap())
    {
        Bad("manifests entry body must be a map");
    }
    InstalledTc tc;
    const Value* digest = body->find(kTcDigest);
    if (!digest || !digest->isArray() || digest->array().size() != 2 ||
        digest->array()[0].asInt64() != kSha256 || !digest->array()[1].isBstr())
    {
        Bad("manifests entry needs a SHA-256 SUIT_Digest under key 0");
    }
    tc.digest = digest->array()[1].bytes();
    if (const Value* uri = body->find(kTcUri))
    {
        if (!uri->isTstr())
        {
            Bad("manifests entry uri must be text");
        }
        tc.uri = uri->text();
    }
    if (const Value* seq = body->find(kTcSequence))
    {
        if (!seq->isUint())
        {
            Bad("manifests entry sequence number must be an unsigned integer");
        }
        tc.sequenceNumber = seq->rawUint();
    }
    if (const Value* id = body->find(kTcComponentId))
    {
        if (!id->isArray())
        {
            Bad("manifests entry component id must be [* bstr]");
        }
        for (const auto& part : id->array())
        {
            if (!part.isBstr())
            {
                Bad("manifests entry component id must be [* bstr]");
            }
            tc.componentId.push_back(part.bytes());
        }
    }
    return tc;
}

Evidence ParseEvidence(const Value& claims)
{
    if (!claims.isMap())
    {
        Bad("EAT claim set must be a map");
    }
    Evidence e;
    bool have[6] = {}; // ueid, oemid, hwmodel, hwversion, manifests, cnf
    const auto& m = claims.map();
    for (size_t i = 0; i < m.size(); ++i)
    {
        const auto& [k, v] = m[i];
        for (size_t j = 0; j < i; ++j)
        {
            if (m[j].first == k)
            {
                Bad("duplicate claim key");
            }
        }
        const auto key = k.isInt() ? k.asInt64() : std::nullopt;
        if (!key)
        {
            e.otherClaims.emplace_back(k, v);
            continue;
        }
        switch (*key)
        {
            case kClaimNonce:
                e.nonce = GetBstr(v, "eat_nonce", 8, 64);
                break;
            case kClaimUeid:
                e.ueid = GetBstr(v, "ueid", 7, 33);
                have[0] = true;
                break;
            case kClaimOemid:
                e.oemid = GetBstr(v, "oemid", 3, 16);
                if (e.oemid.size() != 3 && e.oemid.size() != 16)
                {
                    Bad("oemid must be 3 (IEEE OUI) or 16 bytes");
                }
                have[1] = true;
                break;
            case kClaimHwModel:
                e.hwModel = GetBstr(v, "hwmodel", 1, 32);
                have[2] = true;
                break;
            case kClaimHwVersion:
                if (!v.isArray() || v.array().empty() || v.array().size() > 2 ||
                    !v.array()[0].isTstr() || (v.array().size() == 2 && !v.array()[1].asInt64()))
                {
                    Bad("hwversion must be [tstr, ? int]");
                }
                e.hwVersion.version = v.array()[0].text();
                if (v.array().size() == 2)
                {
                    e.hwVersion.scheme = v.array()[1].asInt64();
                }
                have[3] = true;
                break;
            case kClaimManifests:
            case kClaimManifestsDraftExample:
                if (have[4])
                {
                    Bad("manifests claim given twice (keys 272 and 273)");
                }
                if (!v.isArray())
                {
                    Bad("manifests must be an array");
                }
                for (const auto& entry : v.array())
                {
                    e.manifests.push_back(ParseInstalledTc(entry));
                }
                have[4] = true;
                break;
            case kClaimCnf:
            {
                const Value* kid = v.isMap() ? v.find(kCnfKid) : nullptr;
                if (!kid || !kid->isBstr())
                {
                    Bad("cnf must be {3: kid}");
                }
                e.cnfKid = kid->bytes();
                have[5] = true;
                break;
            }
            case kClaimIat:
                if (!v.isInt() || !v.asInt64())
                {
                    Bad("iat must be an integer NumericDate");
                }
                e.iat = v.asInt64();
                break;
            default:
                e.otherClaims.emplace_back(k, v);
        }
    }
    static const char* const kNames[6] = {"ueid",      "oemid",     "hwmodel",
                                          "hwversion", "manifests", "cnf"};
    for (int i = 0; i < 6; ++i)
    {
        if (!have[i])
        {
            Bad(std::string("missing required claim ") + kNames[i]);
        }
    }
    return e;
}

} // namespace

Bytes EncodeEvidenceTree(const Evidence& e)
{
    Value m = Value::MakeMap();
    if (e.iat)
    {
        m.set(kClaimIat, Value::Int(*e.iat));
    }
    m.set(kClaimCnf, Value::MakeMap().set(kCnfKid, Value::Bstr(e.cnfKid)));
    if (e.nonce)
    {
        m.set(kClaimNonce, Value::Bstr(*e.nonce));
    }
    m.set(kClaimUeid, Value::Bstr(e.ueid));
    m.set(kClaimOemid, Value::Bstr(e.oemid));
    m.set(kClaimHwModel, Value::Bstr(e.hwModel));
    Value hw = Value::MakeArray({Value::Tstr(e.hwVersion.version)});
    if (e.hwVersion.scheme)
    {
        hw.push(Value::Int(*e.hwVersion.scheme));
    }
    m.set(kClaimHwVersion, std::move(hw));
    Value manifests = Value::MakeArray();
    manifests.array().reserve(e.manifests.size());
    for (const auto& tc : e.manifests)
    {
        manifests.push(Value::MakeArray(
            {Value::Uint(kContentFormatCbor), Value::Bstr(cbor::Encode(InstalledTcBody(tc)))}));
    }
    m.set(kClaimManifests, std::move(manifests));
    for (const auto& [k, v] : e.otherClaims)
    {
        m.map().emplace_back(k, v);
    }
    return cbor::Encode(m);
}

Result<Evidence> DecodeEvidenceTree(ByteView claims)
{
    auto v = cbor::Decode(claims);
    if (!v)
    {
        return Failure{EatError::Malformed, v.error().message, v.error().offset};
    }
    try
    {
        return ParseEvidence(v.value());
    }
    catch (Abort& a)
    {
        return std::move(a.failure);
    }
}

Bytes SignEvidence(const Evidence& e, const cose::Signer& agent)
{
    return cose::Sign1(agent, EncodeEvidence(e));
}

std::optional<Failure> CheckEvidenceBinding(const Evidence& ev, const crypto::Key& signer,
                                            std::optional<ByteView> expectedNonce)
{
    if (expectedNonce)
    {
        const auto& n = ev.nonce;
        if (!n || !std::equal(n->begin(), n->end(), expectedNonce->begin(), expectedNonce->end()))
        {
            return Failure{EatError::NonceMismatch,
                           n ? "eat_nonce differs from the challenge" : "eat_nonce missing",
                           std::nullopt};
        }
    }
    if (ev.cnfKid != signer.Thumbprint())
    {
        return Failure{EatError::KeyMismatch, "cnf kid does not name the key that signed",
                       std::nullopt};
    }
    return std::nullopt;
}

Result<VerifiedEvidence> VerifyEvidence(ByteView signedEvidence,
                                        const std::vector<crypto::Key>& keys,
                                        std::optional<ByteView> expectedNonce)
{
    VerifiedToken storage;
    auto token = VerifySign1TokenInPlace(signedEvidence, keys, storage);
    if (!token)
    {
        return token.failure();
    }
    auto ev = DecodeEvidence(token->payload);
    if (!ev)
    {
        return ev.failure();
    }
    if (auto f =
            CheckEvidenceBinding(*ev, keys[static_cast<size_t>(token->keyIndex)], expectedNonce))
    {
        return *f;
    }
    return VerifiedEvidence{std::move(ev.value()), token->keyIndex,
                            Bytes(token->kid.begin(), token->kid.end())};
}

} // namespace teepsim::eat

namespace teepsim::reference
{

cbor::Bytes EncodeEvidence(const eat::Evidence& e)
{
    return eat::EncodeEvidenceTree(e);
}

eat::Result<eat::Evidence> DecodeEvidence(cbor::ByteView claims)
{
    return eat::DecodeEvidenceTree(claims);
}

} // namespace teepsim::reference
