// Builds signed SUIT envelopes for the simulated TAM, in the shape of the TEEP draft's
// Appendix E examples (URI / integrated payload / encrypted personalization data).
#include "teepsim/codec/cose.h"
#include "teepsim/codec/crypto.h"
#include "teepsim/codec/suit.h"

#include <stdexcept>

namespace teepsim::suit
{
namespace
{

using cbor::Value;

Value Uint(uint64_t v)
{
    return Value::Uint(v);
}

// Appends a (code, argument) pair to a command sequence under construction.
void Add(Value& seq, int64_t code, Value arg)
{
    seq.push(Value::Int(code));
    seq.push(std::move(arg));
}

Value WrappedDigest(const Digest& d)
{
    return cbor::Wrap(DigestToCbor(d));
}

void CheckParams(const BuildParams& p)
{
    if (p.componentId.empty())
    {
        throw std::invalid_argument("BuildEnvelope: empty component id");
    }
    if (!p.signer.valid() || !p.signer.hasPrivate())
    {
        throw std::invalid_argument("BuildEnvelope: signer private key missing");
    }
    if (!crypto::AlgMatchesKey(p.signAlg, p.signer))
    {
        throw std::invalid_argument("BuildEnvelope: signing algorithm does not match the key");
    }
    if (!p.integratedPayload)
    {
        if (p.uri.empty() || p.uri[0] == '#')
        {
            throw std::invalid_argument("BuildEnvelope: need an integrated payload or a URI");
        }
        if (p.imageDigest.alg != kDigestSha256 || p.imageDigest.bytes.size() != 32)
        {
            throw std::invalid_argument("BuildEnvelope: URI payload needs a SHA-256 image digest");
        }
    }
    else if (p.integratedName.empty() || p.integratedName[0] != '#')
    {
        throw std::invalid_argument("BuildEnvelope: integrated payload name must start with '#'");
    }
    if (p.personalization)
    {
        const auto& z = *p.personalization;
        if (z.componentId.empty() || !z.devicePublic.valid() || z.ephemeralSeed.size() != 32)
        {
            throw std::invalid_argument(
                "BuildEnvelope: personalization needs a component id, a device key and a "
                "32-byte ephemeral seed");
        }
    }
}

} // namespace

Bytes BuildEnvelope(const BuildParams& p)
{
    CheckParams(p);
    const bool personalized = p.personalization.has_value();

    Digest imageDigest = p.integratedPayload ? Sha256Digest(*p.integratedPayload) : p.imageDigest;
    uint64_t imageSize = p.integratedPayload ? p.integratedPayload->size() : p.imageSize;
    const std::string& uri = p.integratedPayload ? p.integratedName : p.uri;

    // common: components, and a shared sequence that checks vendor/class for every component
    // and sets the TC's expected image.
    Value components = Value::MakeArray();
    components.push(ComponentIdToCbor(p.componentId));
    if (personalized)
    {
        components.push(ComponentIdToCbor(p.personalization->componentId));
    }
    Value ids = Value::MakeMap();
    ids.set(param::kVendorId, Value::Bstr(p.vendorId));
    ids.set(param::kClassId, Value::Bstr(p.classId));
    Value image = Value::MakeMap();
    image.set(param::kImageDigest, WrappedDigest(imageDigest));
    image.set(param::kImageSize, Uint(imageSize));

    Value shared = Value::MakeArray();
    if (personalized)
    {
        Add(shared, cmd::kSetComponentIndex, Value::Bool(true));
        Add(shared, cmd::kOverrideParameters, ids);
        Add(shared, cmd::kVendorIdentifier, Uint(kReportAll));
        Add(shared, cmd::kClassIdentifier, Uint(kReportAll));
        Add(shared, cmd::kSetComponentIndex, Uint(0));
        Add(shared, cmd::kOverrideParameters, image);
    }
    else
    {
        // Same layout as the draft's Appendix E examples 1 and 2.
        Value all = ids;
        for (auto& kv : image.map())
        {
            all.map().push_back(kv);
        }
        Add(shared, cmd::kOverrideParameters, all);
        Add(shared, cmd::kVendorIdentifier, Uint(kReportAll));
        Add(shared, cmd::kClassIdentifier, Uint(kReportAll));
    }
    Value common = Value::MakeMap();
    common.set(common_key::kComponents, components);
    common.set(common_key::kSharedSequence, cbor::Wrap(shared));

    // install: fetch the TC and check it; then write the personalization data, which the
    // Agent decrypts with its private key while executing directive-write.
    Value install = Value::MakeArray();
    Value uriParam = Value::MakeMap();
    uriParam.set(param::kUri, Value::Tstr(uri));
    if (personalized)
    {
        Add(install, cmd::kSetComponentIndex, Uint(0));
    }
    Add(install, cmd::kOverrideParameters, uriParam);
    Add(install, cmd::kFetch, Uint(kReportAll));
    Add(install, cmd::kImageMatch, Uint(kReportAll));

    std::optional<Value> validate;
    if (personalized)
    {
        const Personalization& z = *p.personalization;
        cose::EncryptParams ep;
        ep.contentAlg = z.contentAlg;
        ep.recipientPublic = z.devicePublic;
        ep.ephemeralSeed = z.ephemeralSeed;
        ep.detachedCiphertext = true;
        Bytes ciphertext;
        Bytes info = cose::Encrypt(ep, z.plaintext, &ciphertext);
        Value enc = Value::MakeMap();
        enc.set(param::kContent, Value::Bstr(std::move(ciphertext)));
        enc.set(param::kEncryptionInfo, Value::Bstr(std::move(info)));
        Add(install, cmd::kSetComponentIndex, Uint(1));
        Add(install, cmd::kOverrideParameters, enc);
        Add(install, cmd::kWrite, Uint(kReportAll));

        // validate: the decrypted data must be what the TAM meant (as in Appendix E ex. 3).
        Value check = Value::MakeMap();
        check.set(param::kImageDigest, WrappedDigest(Sha256Digest(z.plaintext)));
        check.set(param::kImageSize, Uint(z.plaintext.size()));
        validate = Value::MakeArray();
        Add(*validate, cmd::kSetComponentIndex, Uint(1));
        Add(*validate, cmd::kOverrideParameters, check);
        Add(*validate, cmd::kImageMatch, Uint(kReportAll));
    }

    Value manifest = Value::MakeMap();
    manifest.set(manifest_key::kVersion, Uint(1));
    manifest.set(manifest_key::kSequenceNumber, Uint(p.sequenceNumber));
    manifest.set(manifest_key::kCommon, cbor::Wrap(common));
    manifest.set(manifest_key::kManifestComponentId,
                 ComponentIdToCbor(p.manifestComponentId ? *p.manifestComponentId
                                                         : ManifestComponentIdFor(p.componentId)));
    if (validate)
    {
        manifest.set(manifest_key::kValidate, cbor::Wrap(*validate));
    }
    manifest.set(manifest_key::kInstall, cbor::Wrap(install));
    if (p.includeUninstall)
    {
        Value uninstall = Value::MakeArray();
        if (personalized)
        {
            Add(uninstall, cmd::kSetComponentIndex, Value::Bool(true));
        }
        Add(uninstall, cmd::kUnlink, Uint(kReportAll));
        manifest.set(manifest_key::kUninstall, cbor::Wrap(uninstall));
    }

    // Authentication: digest over the bstr-wrapped manifest, COSE_Sign1 with the encoded
    // SUIT_Digest as detached payload.
    Value manifestBstr = cbor::Wrap(manifest);
    Bytes digestBytes = cbor::Encode(DigestToCbor(Sha256Digest(cbor::Encode(manifestBstr))));
    cose::Signer signer{p.signAlg, p.signer, true};
    Bytes sign1 = cose::Sign1(signer, digestBytes, /*tagged=*/true, /*detached=*/true);
    Value wrapper = Value::MakeArray();
    wrapper.push(Value::Bstr(std::move(digestBytes)));
    wrapper.push(Value::Bstr(std::move(sign1)));

    Value envelope = Value::MakeMap();
    envelope.set(envelope_key::kAuthenticationWrapper, cbor::Wrap(wrapper));
    envelope.set(envelope_key::kManifest, std::move(manifestBstr));
    if (p.integratedPayload)
    {
        envelope.set(p.integratedName, Value::Bstr(*p.integratedPayload));
    }
    return cbor::Encode(envelope);
}

} // namespace teepsim::suit
