// DecodeVerified of an already parsed COSE_Sign1 / COSE_Sign (teep_signed_parsed.h). Same
// checks, in the same order, as DecodeVerified(bytes) in signed.cc after its parse.
#include "teepsim/codec/teep_signed_parsed.h"

namespace teepsim::teep
{

namespace
{

constexpr int64_t kHdrCrit = 2;

Failure AuthFailure(ErrorCode code, std::string reason)
{
    return Failure{code, Failure::Kind::Authentication, std::move(reason), std::nullopt};
}

bool HasCrit(const cose::Signature& s)
{
    if (s.protectedBytes.empty())
    {
        return false;
    }
    if (s.protectedHeader.isMap() && !s.protectedHeader.map().empty())
    {
        return s.protectedHeader.find(kHdrCrit) != nullptr; // decoded by ParseSigned
    }
    auto hdr = cbor::Decode(s.protectedBytes);
    return hdr && hdr->isMap() && hdr->find(kHdrCrit) != nullptr;
}

// Whether some signature carries no kid or a kid equal to a trusted key's thumbprint (only
// computed on the failure path).
bool KidNamesTrustedKey(const cose::SignedMessage& sm, const std::vector<crypto::Key>& trusted)
{
    for (const auto& sig : sm.signatures)
    {
        auto kid = sig.kid();
        if (!kid)
        {
            return true;
        }
        for (const auto& k : trusted)
        {
            if (k.Thumbprint() == *kid)
            {
                return true;
            }
        }
    }
    return false;
}

} // namespace

Result<VerifiedMessage> DecodeVerified(cose::SignedMessage&& sm, const Profile& profile,
                                       const std::vector<crypto::Key>& trusted,
                                       const ReceiverCaps& caps)
{
    if (!sm.payload)
    {
        return Failure{ErrorCode::PermanentError, Failure::Kind::Malformed,
                       "COSE payload is detached; a TEEP message must be attached", std::nullopt};
    }
    // Only signatures with an algorithm of this profile and no critical headers take part. In
    // the usual case (every signature takes part) they are checked where they are; otherwise
    // the usable ones are moved to a message of their own, as signed.cc does.
    std::vector<int> originalIndex;
    bool critSeen = false;
    bool allUsable = true;
    for (size_t i = 0; i < sm.signatures.size(); ++i)
    {
        const auto& sig = sm.signatures[i];
        if (HasCrit(sig))
        {
            critSeen = true;
            allUsable = false;
            continue;
        }
        auto alg = sig.alg();
        if (alg && profile.AcceptsAlg(static_cast<int64_t>(*alg)))
        {
            originalIndex.push_back(static_cast<int>(i));
            continue;
        }
        allUsable = false;
    }
    if (originalIndex.empty())
    {
        return critSeen ? AuthFailure(ErrorCode::PermanentError,
                                      "COSE header has critical parameters we do not understand")
                        : AuthFailure(ErrorCode::UnsupportedCipherSuites,
                                      "no signature uses an algorithm of profile " +
                                          std::string(profile.name()));
    }
    cose::SignedMessage subset;
    if (!allUsable)
    {
        subset.multi = sm.multi;
        subset.tagged = sm.tagged;
        subset.bodyProtected = std::move(sm.bodyProtected);
        subset.bodyUnprotected = std::move(sm.bodyUnprotected);
        subset.payload = std::move(sm.payload);
        for (int i : originalIndex)
        {
            subset.signatures.push_back(std::move(sm.signatures[static_cast<size_t>(i)]));
        }
    }
    cose::SignedMessage& usable = allUsable ? sm : subset;

    const cose::VerifyResult vr = cose::Verify(usable, trusted);
    switch (vr.status)
    {
        case cose::CoseStatus::Ok:
            break;
        case cose::CoseStatus::NoMatchingKey:
            return AuthFailure(ErrorCode::BadCertificate, "no trusted key matches the signer");
        case cose::CoseStatus::BadSignature:
            // A kid naming none of our keys is an unknown signer, not a corrupted message.
            if (!KidNamesTrustedKey(usable, trusted))
            {
                return AuthFailure(ErrorCode::BadCertificate, "signer kid names no trusted key");
            }
            return AuthFailure(ErrorCode::PermanentError, "signature does not verify");
        case cose::CoseStatus::UnsupportedAlg:
            return AuthFailure(ErrorCode::UnsupportedCipherSuites,
                               "unsupported signature algorithm");
        default:
            return AuthFailure(ErrorCode::PermanentError,
                               std::string("signature check failed: ") + cose::ToString(vr.status));
    }

    auto decoded = Decode(*usable.payload, profile, caps);
    if (!decoded)
    {
        return decoded.failure();
    }
    VerifiedMessage out;
    out.message = std::move(decoded.value());
    out.keyIndex = vr.keyIndex;
    out.signerIndex = originalIndex.at(static_cast<size_t>(vr.signerIndex));
    const auto& sig = usable.signatures[static_cast<size_t>(vr.signerIndex)];
    out.alg = *sig.alg();
    out.kid = sig.kid().value_or(Bytes{});
    out.multiSigner = usable.multi;
    out.payload = std::move(*usable.payload);
    return out;
}

} // namespace teepsim::teep
