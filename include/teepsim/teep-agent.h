// TeepAgent: the TEEP Agent inside a device's TEE, an Object aggregated to the device Node.
// It holds the device's TEEP signing key (derived from DeviceId and KeySeed, so runs are
// reproducible), the trusted TAM, Verifier and TA-signer keys, the inventory of installed
// Trusted Components and the latest attestation result. It decides only from decoded, verified
// messages (RFC 9397 §6.2.1 conceptual API as in TEEP over HTTP):
//   RequestPolicyCheck()     -> the TAM to contact (or nothing)
//   ProcessTeepMessage(msg)  -> AgentReply: the verdict, and the message to send back (if any)
//   ProcessError()           -> the Broker's (or the TEE's own) transport failed
// Invalid input (malformed, badly signed, replayed token, wrong type) is answered with a TEEP
// Error and never acted on. A verified error report from the TAM (a TEEP Error, e.g.
// ERR_TEMPORARY_ERROR when it is overloaded, or an Update with err-code) is taken, not answered:
// its token must be absent or the one the Agent last answered, and is consumed.
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

/// How the Agent took a message from the TAM, so the caller need not guess from counters.
enum class AgentVerdict : uint8_t
{
    Accepted, // verified and acted on; the reply (QueryResponse, Success) goes back to the TAM
    Rejected, // invalid or failed (bad signature, replay, SUIT failure); the reply is an Error
    TamError, // a verified error report from the TAM; no reply
};
const char* ToString(AgentVerdict v);

/// What ProcessTeepMessage returns.
struct AgentReply
{
    AgentVerdict verdict = AgentVerdict::Accepted;
    std::optional<std::vector<uint8_t>> reply;        // the message to send to the TAM, if any
    std::optional<teepsim::teep::ErrorCode> tamError; // TamError: the TAM's err-code
    std::optional<RejectReason> rejectReason;         // Rejected: why (the session's cause)
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
    AgentReply ProcessTeepMessage(const std::vector<uint8_t>& msg);
    void ProcessError();

    /// Factory provisioning, before any TEEP session: installs the TC of a SUIT envelope (e.g.
    /// TaCatalog's) now, by the same parse/verify/install procedure as an Update's
    /// manifest-list, without network or TAM. Traces TaInstalled. The failure reason, or
    /// nothing when installed.
    std::optional<std::string> PreInstall(const std::vector<uint8_t>& envelope);
    /// Signed EAT evidence (the TEEP EAT profile, eat_nonce = challenge) for the current
    /// inventory: what a QueryResponse carries, and what a relying party's own challenge gets.
    std::vector<uint8_t> SignedEvidence(const teepsim::cbor::Bytes& challenge) const;

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
    /// Verified error reports taken from the TAM (TEEP Error or Update with err-code).
    uint64_t GetTamErrorCount() const { return m_tamErrors; }

  protected:
    void DoDispose() override;

  private:
    AgentReply Reject(RejectReason reason, uint32_t errCode, const std::string& why,
                      const std::optional<teepsim::cbor::Bytes>& token);
    AgentReply TakeTamError(teepsim::teep::ErrorCode code, const std::optional<std::string>& why,
                            const std::optional<teepsim::cbor::Bytes>& token);
    AgentReply Answer(const teepsim::teep::Message& m);
    AgentReply HandleQueryRequest(const teepsim::teep::QueryRequest& q);
    AgentReply HandleUpdate(const teepsim::teep::Update& u);
    /// Runs the SUIT install procedure of a verified envelope: the failure reason, or nothing.
    std::optional<std::string> InstallEnvelope(const teepsim::suit::Envelope& env);
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
    // Consumed tokens (bounded replay window), oldest first, each as a LEB128 length and its
    // bytes in one buffer: a vector of byte vectors cost ~56 B per 8-byte token (and a deque
    // 576 B even empty), which a long run multiplies by the window and the fleet.
    std::vector<uint8_t> m_seenTokens;
    uint32_t m_seenCount = 0;
    std::optional<teepsim::cbor::Bytes> m_answeredToken; // token of the last accepted message
    uint64_t m_rejected = 0;
    uint64_t m_processErrors = 0;
    uint64_t m_tamErrors = 0;

    TracedCallback<uint32_t, TeepMessageType, uint32_t> m_msgReceivedTrace;
    TracedCallback<uint32_t, TeepMessageType, uint32_t> m_msgSentTrace;
    TracedCallback<uint32_t, const std::string&, uint64_t> m_taInstalledTrace;
    TracedCallback<uint32_t, const std::string&, uint64_t> m_taRemovedTrace;
    TracedCallback<uint32_t, AttestationStatus, Time, Time> m_arReceivedTrace;
    TracedCallback<uint32_t, RejectReason, uint32_t> m_rejectedTrace;
};

} // namespace ns3
