// Checks shared by the two general DecodeVerified paths (bytes in signed.cc, an already parsed
// message in signed_parsed.cc): which signatures take part and the Failure for a COSE status.
#pragma once

#include "teepsim/codec/teep_signed.h"

#include <optional>
#include <string>

namespace teepsim::teep::detail
{

constexpr int64_t kHdrCrit = 2;

inline Failure AuthFailure(ErrorCode code, std::string reason)
{
    return Failure{code, Failure::Kind::Authentication, std::move(reason), std::nullopt};
}

inline bool HasCrit(const cose::Signature& s)
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
inline bool KidNamesTrustedKey(const cose::SignedMessage& sm,
                               const std::vector<crypto::Key>& trusted)
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

} // namespace teepsim::teep::detail
