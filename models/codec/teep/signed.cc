// COSE_Sign1 / COSE_Sign protection of TEEP messages (see teep_signed.h for the error policy).
#include "teepsim/codec/teep_signed.h"
#include "teepsim/codec/tree_reference.h"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "wire_emit.h"

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

// The Failure for a COSE verification status (nullopt for Ok). `kidNamesTrusted` is only
// asked on BadSignature: a kid naming none of our keys is an unknown signer, not a corrupted
// message.
template<typename KidNamesTrusted>
std::optional<Failure> VerifyFailure(cose::CoseStatus status, KidNamesTrusted kidNamesTrusted)
{
    switch (status)
    {
        case cose::CoseStatus::Ok:
            return std::nullopt;
        case cose::CoseStatus::NoMatchingKey:
            return AuthFailure(ErrorCode::BadCertificate, "no trusted key matches the signer");
        case cose::CoseStatus::BadSignature:
            if (!kidNamesTrusted())
            {
                return AuthFailure(ErrorCode::BadCertificate, "signer kid names no trusted key");
            }
            return AuthFailure(ErrorCode::PermanentError, "signature does not verify");
        case cose::CoseStatus::UnsupportedAlg:
            return AuthFailure(ErrorCode::UnsupportedCipherSuites,
                               "unsupported signature algorithm");
        default:
            return AuthFailure(ErrorCode::PermanentError,
                               std::string("signature check failed: ") + cose::ToString(status));
    }
}

// The common case in place: a COSE_Sign1 with an attached payload and an algorithm of the
// profile (InPlaceApplies), verified and decoded without a SignedMessage (the payload is copied
// once, into the result). For such a message the general path (DecodeVerifiedParsed) gives the
// same result.
bool InPlaceApplies(ByteView bytes, const Profile& profile, cose::Sign1View& v)
{
    return cose::ParseSign1View(bytes, v) && v.payload && v.alg &&
           profile.AcceptsAlg(static_cast<int64_t>(*v.alg));
}

Result<VerifiedMessage> DecodeVerifiedSign1(const cose::Sign1View& v, const Profile& profile,
                                            const std::vector<crypto::Key>& trusted,
                                            const ReceiverCaps& caps)
{
    const cose::ViewVerifyResult vr = cose::VerifySign1View(v, trusted);
    auto kidNamesTrusted = [&]
    {
        if (!v.kid)
        {
            return true;
        }
        for (const auto& k : trusted)
        {
            const Bytes& t = k.Thumbprint();
            if (std::equal(t.begin(), t.end(), v.kid->begin(), v.kid->end()))
            {
                return true;
            }
        }
        return false;
    };
    if (auto f = VerifyFailure(vr.status, kidNamesTrusted))
    {
        return std::move(*f);
    }
    auto decoded = Decode(*v.payload, profile, caps);
    if (!decoded)
    {
        return decoded.failure();
    }
    VerifiedMessage out;
    out.message = std::move(decoded.value());
    out.keyIndex = vr.keyIndex;
    out.signerIndex = 0;
    out.alg = *v.alg;
    if (v.kid)
    {
        out.kid.assign(v.kid->begin(), v.kid->end());
    }
    out.multiSigner = false;
    out.payload.assign(v.payload->begin(), v.payload->end());
    return out;
}

} // namespace

Bytes EncodeSigned(const Message& m, const Profile& profile,
                   const std::vector<cose::Signer>& signers, const SignOptions& opt)
{
    if (signers.empty())
    {
        throw std::invalid_argument("teep EncodeSigned: no signer");
    }
    for (const auto& s : signers)
    {
        if (!profile.AcceptsAlg(static_cast<int64_t>(s.alg)))
        {
            throw std::invalid_argument("teep EncodeSigned: algorithm " +
                                        std::to_string(static_cast<int64_t>(s.alg)) +
                                        " not allowed in profile " + std::string(profile.name()));
        }
    }
    // The payload is only read by Sign1/SignMulti (copied into the Sig_structure and the
    // output): one reused buffer instead of a fresh vector per message.
    thread_local Bytes payload;
    payload.clear();
    detail::EncodeInto(m, profile, payload);
    if (signers.size() == 1)
    {
        return cose::Sign1(signers[0], payload, opt.tagged);
    }
    return cose::SignMulti(signers, payload, opt.tagged);
}

namespace
{

// Any COSE_Sign1/COSE_Sign through a SignedMessage: every failure and its text.
Result<VerifiedMessage> DecodeVerifiedParsed(ByteView bytes, const Profile& profile,
                                             const std::vector<crypto::Key>& trusted,
                                             const ReceiverCaps& caps)
{
    auto parsed = cose::ParseSigned(bytes);
    if (!parsed)
    {
        return Failure{ErrorCode::PermanentError, Failure::Kind::Malformed,
                       "not a COSE_Sign1/COSE_Sign: " + parsed.error().message,
                       parsed.error().offset};
    }
    cose::SignedMessage& sm = parsed.value();
    if (!sm.payload)
    {
        return Failure{ErrorCode::PermanentError, Failure::Kind::Malformed,
                       "COSE payload is detached; a TEEP message must be attached", std::nullopt};
    }

    // Only signatures with an algorithm of this profile and no critical headers take part.
    // The parsed message is moved, not copied: the payload is the largest part.
    cose::SignedMessage usable;
    usable.multi = sm.multi;
    usable.tagged = sm.tagged;
    usable.bodyProtected = std::move(sm.bodyProtected);
    usable.bodyUnprotected = std::move(sm.bodyUnprotected);
    usable.payload = std::move(sm.payload);
    std::vector<int> originalIndex;
    bool critSeen = false;
    for (size_t i = 0; i < sm.signatures.size(); ++i)
    {
        auto& sig = sm.signatures[i];
        if (HasCrit(sig))
        {
            critSeen = true;
            continue;
        }
        auto alg = sig.alg();
        if (alg && profile.AcceptsAlg(static_cast<int64_t>(*alg)))
        {
            usable.signatures.push_back(std::move(sig));
            originalIndex.push_back(static_cast<int>(i));
        }
    }
    if (usable.signatures.empty())
    {
        return critSeen ? AuthFailure(ErrorCode::PermanentError,
                                      "COSE header has critical parameters we do not understand")
                        : AuthFailure(ErrorCode::UnsupportedCipherSuites,
                                      "no signature uses an algorithm of profile " +
                                          std::string(profile.name()));
    }

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

} // namespace

Result<VerifiedMessage> DecodeVerified(ByteView bytes, const Profile& profile,
                                       const std::vector<crypto::Key>& trusted,
                                       const ReceiverCaps& caps)
{
    cose::Sign1View v;
    if (InPlaceApplies(bytes, profile, v))
    {
        return DecodeVerifiedSign1(v, profile, trusted, caps);
    }
    return DecodeVerifiedParsed(bytes, profile, trusted, caps);
}

} // namespace teepsim::teep

namespace teepsim::reference
{

teep::Result<teep::VerifiedMessage> DecodeVerified(cbor::ByteView bytes,
                                                   const teep::Profile& profile,
                                                   const std::vector<crypto::Key>& trusted,
                                                   const teep::ReceiverCaps& caps)
{
    return teep::DecodeVerifiedParsed(bytes, profile, trusted, caps);
}

} // namespace teepsim::reference
