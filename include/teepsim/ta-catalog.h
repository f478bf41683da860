// TaCatalog: the Trusted Applications a deployment knows about, shared by the TAM (what to
// install, the SUIT envelopes it sends) and the Verifier (reference values: the digest of every
// known TA image). Images are deterministic pseudo-random bytes of a configured size, so the
// same catalog gives the same digests and envelopes in every run. Envelopes are built and
// signed once per TA (by the TA signer key, which Agents trust) and then reused.
// Personalization (RFC 9397 §4.4): a TA may carry per-device data (SetPersonalization); its
// envelope is then built for each device (BuildPersonalizedEnvelope) with the data encrypted
// to the device's P-256 key, and never shared between devices. The data is deterministic per
// (catalog seed, TA, device id).
#pragma once

#include "teepsim/codec/crypto.h"
#include "teepsim/codec/suit.h"
#include "teepsim/teep-keys.h"

#include "ns3/object.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace ns3
{

/// A catalogue envelope parsed once (its integrated payload a view of bytes every device shares)
/// and the outcomes of verifying and installing it. Verification is a function of the envelope
/// and the trust anchors, and the install procedure of the envelope, the vendor and class ids
/// and the installed sequence number unless the manifest reads something only one device has
/// (ProcessOutcome::deviceSpecific): factory provisioning of N devices runs each distinct case
/// once, and every device gets the same outcome it would have computed itself.
class PreparedEnvelope
{
  public:
    /// Parses `envelope` (a catalogue entry's signed SUIT envelope) once.
    explicit PreparedEnvelope(const teepsim::cbor::Bytes& envelope);

    /// The parsed envelope.
    const teepsim::suit::Envelope& Envelope() const { return m_envelope; }
    /// suit::VerifyEnvelope(Envelope(), anchors), computed once per set of anchors.
    const teepsim::suit::VerifyOutcome& Verify(
        const std::vector<teepsim::crypto::Key>& anchors) const;
    /// suit::RunInstall(Envelope(), device, {}, installed), computed once per vendor id, class
    /// id and installed sequence when the outcome is not device-specific.
    teepsim::suit::ProcessOutcome Install(const teepsim::suit::Device& device,
                                          std::optional<uint64_t> installed) const;

  private:
    struct Verified
    {
        std::vector<teepsim::crypto::Key> anchors;
        teepsim::suit::VerifyOutcome outcome;
    };
    struct Installed
    {
        teepsim::cbor::Bytes vendorId;
        teepsim::cbor::Bytes classId;
        std::optional<uint64_t> installed;
        teepsim::suit::ProcessOutcome outcome;
    };

    teepsim::suit::Envelope m_envelope; // owns a copy of the bytes (ParseEnvelope)
    mutable std::vector<Verified> m_verified;
    mutable std::vector<Installed> m_installed;
};

/// \var TaEntry::name
/// TA name.
//
/// \var TaEntry::componentId
/// Component id of the TA image: ['TEEP-Device', name, 'ta'].
//
/// \var TaEntry::manifestComponentId
/// Component id of its manifest: ['TEEP-Device', name, 'suit'].
//
/// \var TaEntry::sequence
/// The manifest's sequence number.
//
/// \var TaEntry::image
/// The TA image (deterministic filler bytes of the given size).
//
/// \var TaEntry::imageDigest
/// SHA-256 of the image.
//
/// \var TaEntry::manifestDigest
/// SHA-256 of the bstr-wrapped manifest (what EAT manifests name).
//
/// \var TaEntry::envelope
/// The signed SUIT_Envelope with the image integrated.
//
/// \var TaEntry::personalizationSize
/// Bytes of per-device personalization data (> 0: per-device envelopes with encrypted data).
//
/// \var TaEntry::prepared
/// `envelope`, parsed once (PreparedEnvelope).
//
/// One TA as the catalog knows it.
struct TaEntry
{
    std::string name;
    teepsim::suit::ComponentId componentId;         // ['TEEP-Device', name, 'ta']
    teepsim::suit::ComponentId manifestComponentId; // ['TEEP-Device', name, 'suit']
    uint64_t sequence = 1;
    teepsim::cbor::Bytes image;
    teepsim::cbor::Bytes imageDigest;    // SHA-256 of image
    teepsim::cbor::Bytes manifestDigest; // SHA-256 of the bstr-wrapped manifest (EAT manifests)
    teepsim::cbor::Bytes envelope;       // signed SUIT_Envelope with the image integrated
    uint32_t personalizationSize = 0;    // > 0: per-device envelopes with encrypted data
    std::shared_ptr<const PreparedEnvelope> prepared; // `envelope`, parsed once
};

/// The TA catalogue: every TA's image and signed SUIT envelope, built once and shared by the
/// TAM (what it installs), the Verifier (its reference values) and the Agents (factory
/// provisioning).
///
/// \par Attributes
/// - **KeySeed** (1): seed of the TA signer key (signs every SUIT manifest).
/// - **Suite** (Ed25519 or ESP256; default Ed25519): signature algorithm of the SUIT manifests.
///
/// \par Trace sources
/// None.
class TaCatalog : public Object
{
  public:
    /// The ns-3 TypeId ("ns3::teepsim::TaCatalog").
    static TypeId GetTypeId();
    TaCatalog();

    /// Adds (or replaces) a TA with an image of `imageSize` bytes. Builds its envelope now.
    const TaEntry& Add(const std::string& name, uint32_t imageSize, uint64_t sequence = 1);
    /// nullptr when unknown.
    const TaEntry* Find(const std::string& name) const;
    /// The TA whose TC component id is `id` (nullptr when unknown).
    const TaEntry* FindByComponentId(const teepsim::suit::ComponentId& id) const;
    /// The TA whose image digest is `digest` (nullptr when unknown).
    const TaEntry* FindByDigest(const teepsim::cbor::Bytes& digest) const;
    /// Every TA, in the order they were added.
    const std::vector<TaEntry>& GetAll() const { return m_entries; }

    /// Gives TA `name` (already added) `bytes` of per-device personalization data (0 = none).
    void SetPersonalization(const std::string& name, uint32_t bytes);
    /// The plaintext personalization data of `deviceId` for TA `name` (empty if none).
    teepsim::cbor::Bytes PersonalizationFor(const std::string& name, uint32_t deviceId) const;
    /// The personalization component id: ['TEEP-Device', name, 'config'].
    static teepsim::suit::ComponentId PersonalizationComponentIdFor(const std::string& name);
    /// A signed envelope of `e` (which must have personalization) for one device, the data
    /// encrypted to `devicePublic` (P-256). Built on each call: nothing is cached.
    teepsim::cbor::Bytes BuildPersonalizedEnvelope(const TaEntry& e, uint32_t deviceId,
                                                   const teepsim::crypto::Key& devicePublic) const;

    /// The key that signs every SUIT manifest (Agents hold its public half as trust anchor).
    const teepsim::crypto::Key& GetSignerKey() const;
    /// The signature algorithm of Suite.
    teepsim::crypto::Alg GetSignerAlg() const;

    /// The TA name carried by a component id built by this catalog ("" if not of that shape).
    static std::string NameOf(const teepsim::suit::ComponentId& id);
    /// The component id of TA `name`'s image: ['TEEP-Device', name, 'ta'].
    static teepsim::suit::ComponentId ComponentIdFor(const std::string& name);
    /// vendor-id / class-id every catalog manifest checks (Agents present the same values).
    static const teepsim::cbor::Bytes& VendorId();
    /// The class-id every catalog manifest checks.
    static const teepsim::cbor::Bytes& ClassId();

    /// The prepared envelope of a live catalog's entry whose `envelope` member is `bytes`
    /// itself (the same buffer, not equal bytes: a buffer the catalog owns is alive and
    /// unchanged), or nullptr. Lets an Agent given the catalogue's bytes skip the per-device
    /// parse, verification and install work.
    static const PreparedEnvelope* FindPrepared(teepsim::cbor::ByteView bytes);
    /// The prepared envelope whose Envelope() is `env` itself, or nullptr.
    static const PreparedEnvelope* FindPrepared(const teepsim::suit::Envelope& env);

    ~TaCatalog() override;

  private:
    void EnsureSigner() const;
    teepsim::suit::BuildParams BaseParams(const TaEntry& e) const;

    uint64_t m_seed;
    TeepSignatureSuite m_suite;
    mutable teepsim::crypto::Key m_signer;
    std::vector<TaEntry> m_entries;
    std::unordered_map<std::string, size_t> m_byName;
};

} // namespace ns3
