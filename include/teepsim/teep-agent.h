// TeepAgent: the TEEP Agent inside a device's TEE, an Object aggregated to the device Node.
// It holds the device's TEEP signing key (derived from DeviceId and KeySeed, so runs are
// reproducible), the trusted TAM, Verifier and TA-signer keys, the inventory of installed
// Trusted Components and the latest attestation result. It decides only from decoded, verified
// messages (RFC 9397 §6.2.1 conceptual API as in TEEP over HTTP):
//   RequestPolicyCheck()     -> the TAM to contact (or nothing)
//   ProcessTeepMessage(msg)  -> the message to send back (or nothing)
//   ProcessError()           -> the Broker's transport failed
// Invalid input (malformed, badly signed, replayed token, wrong type) is answered with a TEEP
// Error and never acted on.
// Personalization (RFC 9397 §4.4): the Agent also holds a P-256 key (GetEncryptionKey, derived
// from DeviceId/KeySeed, separate from the signing key) with which the SUIT procedure decrypts
// per-device data; the plaintext is kept with the installed TC (GetPersonalization).
#pragma once

#include "teepsim/codec/crypto.h"
#include "teepsim/codec/suit.h"
#include "teepsim/codec/teep.h"
#include "teepsim/teep-keys.h"
#include "teepsim/teep-trace.h"

#include "ns3/address.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/// A TAM to contact, as RequestPolicyCheck passes it back.
struct TamContact
{
    Address address;
    std::string uri;
};

/// One installed Trusted Component.
struct InstalledTc
{
    std::string name; // from the component id (TaCatalog convention)
    teepsim::suit::ComponentId componentId;
    teepsim::suit::ComponentId manifestComponentId;
    uint64_t sequence = 0;
    teepsim::cbor::Bytes digest; // SHA-256 of the manifest (image, when personalized)
    Time installedAt;
    teepsim::cbor::Bytes personalization; // decrypted per-device data (empty if none)
};

/// The attestation result the Agent holds (verified Verifier signature, cnf = own key).
struct HeldAttestationResult
{
    AttestationStatus status = AttestationStatus::None;
    Time iat;
    Time exp;
    std::vector<uint8_t> raw; // COSE_Sign1 bytes as received
};

class TeepAgent : public Object
{
  public:
    static TypeId GetTypeId();
    TeepAgent();
    ~TeepAgent() override;

    // ---- Broker-facing API ----
    std::optional<TamContact> RequestPolicyCheck();
    std::optional<std::vector<uint8_t>> ProcessTeepMessage(const std::vector<uint8_t>& msg);
    void ProcessError();

    // ---- provisioning (helpers) ----
    void SetTamKey(const teepsim::crypto::Key& tamPublic);
    void SetVerifierKey(const teepsim::crypto::Key& verifierPublic);
    void SetTaSignerKey(const teepsim::crypto::Key& taSignerPublic);
    /// The TEEP signing key (private; created on first use from DeviceId/KeySeed/Suite).
    const teepsim::crypto::Key& GetKey() const;
    /// RFC 9679 thumbprint of the public key (the COSE kid and the EAT cnf).
    const teepsim::cbor::Bytes& GetKid() const;
    teepsim::crypto::Alg GetAlg() const;
    uint32_t GetDeviceId() const { return m_deviceId; }
    teepsim::cbor::Bytes GetUeid() const;
    /// P-256 key pair for personalization data (give its public half to the TAM).
    const teepsim::crypto::Key& GetEncryptionKey() const;

    // ---- state (tests, recorder) ----
    const std::vector<InstalledTc>& GetInventory() const { return m_inventory; }
    bool HasTa(const std::string& name) const;
    /// Decrypted personalization data of installed TA `name` (nullptr if not installed).
    const teepsim::cbor::Bytes* GetPersonalization(const std::string& name) const;
    const std::optional<HeldAttestationResult>& GetAttestationResult() const { return m_ar; }
    uint64_t GetRejectedCount() const { return m_rejected; }
    uint64_t GetProcessErrorCount() const { return m_processErrors; }

  protected:
    void DoDispose() override;

  private:
    std::vector<uint8_t> Reject(RejectReason reason, uint32_t errCode, const std::string& why,
                                const std::optional<teepsim::cbor::Bytes>& token);
    std::vector<uint8_t> HandleQueryRequest(const teepsim::teep::QueryRequest& q);
    std::vector<uint8_t> HandleUpdate(const teepsim::teep::Update& u);
    std::vector<uint8_t> SignAndTrace(const teepsim::teep::Message& m);
    bool TokenSeen(const teepsim::cbor::Bytes& token) const;
    void RememberToken(const teepsim::cbor::Bytes& token);
    void EnsureKey() const;

    // Attributes
    uint32_t m_deviceId;
    uint64_t m_keySeed;
    TeepSignatureSuite m_suite;
    Address m_tamAddress;
    std::string m_tamUri;
    uint32_t m_replayWindow;

    // Keys (lazy: attributes are set after construction)
    mutable teepsim::crypto::Key m_key;
    mutable teepsim::cbor::Bytes m_kid;
    mutable teepsim::crypto::Key m_encryptionKey;
    std::vector<teepsim::crypto::Key> m_tamKeys;
    std::vector<teepsim::cbor::Bytes> m_tamKids; // thumbprints of m_tamKeys
    std::vector<teepsim::crypto::Key> m_verifierKeys;
    std::vector<teepsim::crypto::Key> m_taSignerKeys;

    std::vector<InstalledTc> m_inventory;
    std::optional<HeldAttestationResult> m_ar;
    std::deque<teepsim::cbor::Bytes> m_seenTokens; // consumed tokens (bounded replay window)
    uint64_t m_rejected = 0;
    uint64_t m_processErrors = 0;

    TracedCallback<uint32_t, TeepMessageType, uint32_t> m_msgReceivedTrace;
    TracedCallback<uint32_t, TeepMessageType, uint32_t> m_msgSentTrace;
    TracedCallback<uint32_t, const std::string&, uint64_t> m_taInstalledTrace;
    TracedCallback<uint32_t, const std::string&, uint64_t> m_taRemovedTrace;
    TracedCallback<uint32_t, AttestationStatus, Time, Time> m_arReceivedTrace;
    TracedCallback<uint32_t, RejectReason, uint32_t> m_rejectedTrace;
};

} // namespace ns3
