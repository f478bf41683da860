// Names, failure text and the shared COSE_Sign1 verification of EAT/EAR tokens.
#include "teepsim/codec/eat.h"
#include "teepsim/codec/eat_parsed.h"

#include "claims_tree.h"

namespace teepsim::eat
{

const char* ToString(ArStatus s)
{
    switch (s)
    {
        case ArStatus::None:
            return "none";
        case ArStatus::Affirming:
            return "affirming";
        case ArStatus::Warning:
            return "warning";
        case ArStatus::Contraindicated:
            return "contraindicated";
    }
    return "?";
}

const char* ToString(EatError e)
{
    switch (e)
    {
        case EatError::Malformed:
            return "malformed";
        case EatError::BadSignature:
            return "bad signature";
        case EatError::NoMatchingKey:
            return "no matching key";
        case EatError::NonceMismatch:
            return "nonce mismatch";
        case EatError::KeyMismatch:
            return "key mismatch";
        case EatError::Expired:
            return "expired";
    }
    return "?";
}

std::string Failure::ToString() const
{
    std::string s = eat::ToString(error);
    if (offset)
    {
        s += " at byte " + std::to_string(*offset);
    }
    return s + ": " + reason;
}

namespace
{

// The general path: a SignedMessage (any COSE structure and every parse error).
Result<VerifiedToken> VerifySign1TokenParsed(ByteView token, const std::vector<crypto::Key>& keys)
{
    auto parsed = cose::ParseSigned(token);
    if (!parsed)
    {
        return Failure{EatError::Malformed, "not a COSE_Sign1: " + parsed.error().message,
                       parsed.error().offset};
    }
    return VerifySign1Token(std::move(parsed.value()), keys); // eat_parsed.h
}

} // namespace

Result<TokenView> VerifySign1TokenInPlace(ByteView token, const std::vector<crypto::Key>& keys,
                                          VerifiedToken& storage)
{
    cose::Sign1View v;
    if (cose::ParseSign1View(token, v) && v.payload)
    {
        // The same statuses as the general path below (Verify of a COSE_Sign1 gives them).
        const cose::ViewVerifyResult vr = cose::VerifySign1View(v, keys);
        if (vr.status == cose::CoseStatus::NoMatchingKey)
        {
            return Failure{EatError::NoMatchingKey, "no trusted key matches the signer", {}};
        }
        if (!vr.ok())
        {
            return Failure{EatError::BadSignature, cose::ToString(vr.status), {}};
        }
        return TokenView{*v.payload, vr.keyIndex, v.kid.value_or(ByteView{})};
    }
    auto t = VerifySign1TokenParsed(token, keys);
    if (!t)
    {
        return t.failure();
    }
    storage = std::move(t.value());
    return TokenView{storage.payload, storage.keyIndex, storage.kid};
}

Result<VerifiedToken> VerifySign1Token(ByteView token, const std::vector<crypto::Key>& keys)
{
    VerifiedToken storage;
    auto t = VerifySign1TokenInPlace(token, keys, storage);
    if (!t)
    {
        return t.failure();
    }
    return VerifiedToken{Bytes(t->payload.begin(), t->payload.end()), t->keyIndex,
                         Bytes(t->kid.begin(), t->kid.end())};
}

} // namespace teepsim::eat
