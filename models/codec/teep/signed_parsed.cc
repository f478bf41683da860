// DecodeVerified of an already parsed COSE_Sign1 / COSE_Sign (teep_signed_parsed.h): the general
// path; DecodeVerified(bytes) in signed.cc parses and comes here unless the in-place path applies.
#include "teepsim/codec/teep_signed_parsed.h"

#include "signed_checks.h"

namespace teepsim::teep
{

using detail::AuthFailure;
using detail::HasCrit;
using detail::KidNamesTrustedKey;
using detail::VerifyFailure;

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
    if (auto f = VerifyFailure(vr.status, [&] { return KidNamesTrustedKey(usable, trusted); }))
    {
        return *f;
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
