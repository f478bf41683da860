// Authentication of a SUIT_Envelope: the wrapper's digest must cover the manifest, and a
// COSE_Sign1 over that digest (detached payload) must verify with a trust anchor.
#include "teepsim/codec/cose.h"
#include "teepsim/codec/crypto.h"
#include "teepsim/codec/suit.h"

namespace teepsim::suit
{

VerifyOutcome CheckManifestDigest(const Envelope& env)
{
    if (env.manifestDigest.alg != kDigestSha256)
    {
        return {Status::UnsupportedAlgorithm, "digest algorithm " +
                                                  std::to_string(env.manifestDigest.alg) +
                                                  " unsupported (only SHA-256, -16)"};
    }
    // The digest covers the bstr-wrapped manifest: the bstr head followed by the manifest bytes.
    Bytes wrapped;
    wrapped.reserve(env.manifest.bytes.size() + 9);
    cbor::EncodeHead(2, env.manifest.bytes.size(), wrapped);
    wrapped.insert(wrapped.end(), env.manifest.bytes.begin(), env.manifest.bytes.end());
    if (crypto::Sha256(wrapped) != env.manifestDigest.bytes)
    {
        return {Status::DigestMismatch, "SHA-256 of the manifest differs from the wrapper digest"};
    }
    return {Status::Ok, {}};
}

VerifyOutcome VerifyEnvelope(const Envelope& env, const std::vector<crypto::Key>& trustAnchors)
{
    VerifyOutcome digest = CheckManifestDigest(env);
    if (!digest.ok())
    {
        return digest;
    }
    if (env.authBlocks.empty())
    {
        return {Status::Unauthenticated, "authentication-wrapper holds a digest but no signature"};
    }
    // Report the most telling failure when no block verifies.
    VerifyOutcome worst{Status::Malformed, "no usable authentication block"};
    for (size_t i = 0; i < env.authBlocks.size(); ++i)
    {
        const std::string where = "authentication-wrapper[" + std::to_string(i + 1) + "]";
        auto msg = cose::ParseSigned(env.authBlocks[i]);
        if (!msg)
        {
            worst = {Status::Malformed, where + ": " + msg.error().ToString()};
            continue;
        }
        if (msg->multi || msg->payload)
        {
            worst = {Status::Malformed, where + ": expected a COSE_Sign1 with a detached payload"};
            continue;
        }
        auto vr = cose::Verify(msg.value(), trustAnchors, ByteView(env.digestBytes));
        switch (vr.status)
        {
            case cose::CoseStatus::Ok:
                return {Status::Ok, {}, vr.keyIndex};
            case cose::CoseStatus::BadSignature:
                worst = {Status::BadSignature, where + ": signature does not verify"};
                break;
            case cose::CoseStatus::NoMatchingKey:
                if (worst.status != Status::BadSignature)
                {
                    worst = {Status::NoMatchingKey, where + ": no trust anchor matches"};
                }
                break;
            case cose::CoseStatus::UnsupportedAlg:
                if (worst.status == Status::Malformed)
                {
                    worst = {Status::UnsupportedAlgorithm, where + ": unsupported COSE algorithm"};
                }
                break;
            default:
                worst = {Status::Malformed, where + ": " + cose::ToString(vr.status)};
                break;
        }
    }
    return worst;
}

} // namespace teepsim::suit
