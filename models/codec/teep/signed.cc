// COSE_Sign1 / COSE_Sign protection of TEEP messages (see teep_signed.h for the error policy).
#include "teepsim/codec/teep_signed.h"
#include "teepsim/codec/teep_signed_parsed.h"
#include "teepsim/codec/tree_reference.h"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "signed_checks.h"
#include "wire_emit.h"

namespace teepsim::teep
{

namespace
{

using detail::AuthFailure;
using detail::VerifyFailure;

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

// Any COSE_Sign1/COSE_Sign through a SignedMessage: every failure and its text. After the parse
// it is DecodeVerified of the parsed message (signed_parsed.cc), the one general path.
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
    return DecodeVerified(std::move(parsed.value()), profile, trusted, caps);
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
