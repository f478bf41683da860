// VerifySign1Token and VerifyEvidence of an already parsed COSE_Sign1 (eat_parsed.h): the
// general path, which token.cc takes after its parse when the in-place path does not apply.
#include "teepsim/codec/eat_parsed.h"

#include <algorithm>

#include "evidence_checks.h"

namespace teepsim::eat
{

Result<VerifiedToken> VerifySign1Token(cose::SignedMessage&& sm,
                                       const std::vector<crypto::Key>& keys)
{
    if (sm.multi || !sm.payload)
    {
        return Failure{EatError::Malformed, "expected a COSE_Sign1 with an attached payload", {}};
    }
    const cose::VerifyResult vr = cose::Verify(sm, keys);
    if (vr.status == cose::CoseStatus::NoMatchingKey)
    {
        return Failure{EatError::NoMatchingKey, "no trusted key matches the signer", {}};
    }
    if (!vr.ok())
    {
        return Failure{EatError::BadSignature, cose::ToString(vr.status), {}};
    }
    return VerifiedToken{std::move(*sm.payload), vr.keyIndex, vr.kid.value_or(Bytes{})};
}

Result<VerifiedEvidence> VerifyEvidence(cose::SignedMessage&& parsed,
                                        const std::vector<crypto::Key>& keys,
                                        std::optional<ByteView> expectedNonce)
{
    auto token = VerifySign1Token(std::move(parsed), keys);
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
    return VerifiedEvidence{std::move(ev.value()), token->keyIndex, std::move(token->kid)};
}

} // namespace teepsim::eat
