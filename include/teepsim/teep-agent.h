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
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/// A TAM to contact, as RequestPolicyCheck passes it back.
struct TamContact
{
    /// Where the TAM listens (the Agent's TamAddress).
    Address address;
    /// The TAM URI path of the HTTP requests (TamUri).
    std::string uri;
};

/// How the Agent took a message from the TAM, so the caller need not guess from counters.
enum class AgentVerdict : uint8_t
{
    Accepted, // verified and acted on; the reply (QueryResponse, Success) goes back to the TAM
    Rejected, // invalid or failed (bad signature, replay, SUIT failure); the reply is an Error
    TamError, // a verified error report from the TAM; no reply
};
/// "accepted", "rejected" or "tam-error".
const char* ToString(AgentVerdict v);

/// \var AgentReply::reply
/// The message to send to the TAM, if any.
//
/// \var AgentReply::tamError
/// TamError: the TAM's err-code.
//
/// \var AgentReply::rejectReason
/// Rejected: why (the session's cause).
//
/// What ProcessTeepMessage returns.
struct AgentReply
{
    /// How the message was taken.
    AgentVerdict verdict = AgentVerdict::Accepted;
    std::optional<std::vector<uint8_t>> reply;        // the message to send to the TAM, if any
    std::optional<teepsim::teep::ErrorCode> tamError; // TamError: the TAM's err-code
    std::optional<RejectReason> rejectReason;         // Rejected: why (the session's cause)
};

/// What identifies an installed Trusted Component, the same on every device that installed the
/// same manifest: interned (one copy per distinct manifest in the process, shared by every
/// Agent holding it) so that a fleet does not keep a copy of the ids and digest per device.
struct InstalledTcInfo
{
    /// TA name, from the component id (TaCatalog convention).
    std::string name;
    /// SUIT component id of the installed image.
    teepsim::suit::ComponentId componentId;
    /// SUIT component id of its manifest (what an unneeded-manifest-list names).
    teepsim::suit::ComponentId manifestComponentId;
    /// The manifest's sequence number.
    uint64_t sequence = 0;
    /// SHA-256 of the manifest (of the image, when personalized).
    teepsim::cbor::Bytes digest;
    /// Field-wise equality (the interning key).
    bool operator==(const InstalledTcInfo&) const = default;
};

/// One installed Trusted Component: the shared identity and what is the device's own.
struct InstalledTc
{
    /// Name, component ids, sequence number and digest (shared, never null).
    std::shared_ptr<const InstalledTcInfo> info;
    /// Simulated time of the install.
    Time installedAt;
    /// Decrypted per-device data (empty if none).
    teepsim::cbor::Bytes personalization;
};

/// The attestation result the Agent holds (verified Verifier signature, cnf = own key).
struct HeldAttestationResult
{
    /// The EAR status the Verifier gave.
    AttestationStatus status = AttestationStatus::None;
    /// Issue time of the result.
    Time iat;
    /// Expiry of the result (iat + the Verifier's ArValidity).
    Time exp;
    /// The COSE_Sign1 bytes as received.
    std::vector<uint8_t> raw; // COSE_Sign1 bytes as received
};

/// The TEEP Agent in a device's TEE (see the file comment); TeepDeviceHelper aggregates one to
/// each device node and gives it the TAM, Verifier and TA-signer keys.
///
/// \par Attributes
/// - **DeviceId** (0): device id carried by every trace event and in the ueid.
/// - **KeySeed** (1): seed of the device's TEEP signing key (with DeviceId).
/// - **Suite** (Ed25519 or ESP256; default Ed25519, the helpers' ESP256): TEEP cipher suite of
///   the Agent's signatures.
/// - **TamAddress** (Address, none): where the TAM listens (passed back by RequestPolicyCheck).
/// - **TamUri** ("/tam"): the TAM URI (the HTTP request path).
/// - **ReplayWindow** (64): how many consumed TAM tokens are remembered.
///
/// \par Trace sources
/// - **MessageReceived** (TeepMessageTracedCallback): a TEEP message handed to the Agent.
/// - **MessageSent** (TeepMessageTracedCallback): a TEEP message the Agent answered with.
/// - **TaInstalled** (TeepTaTracedCallback): a TA was installed by the SUIT procedure.
/// - **TaRemoved** (TeepTaTracedCallback): a TA was unlinked (unneeded-manifest-list).
/// - **ArReceived** (TeepArTracedCallback): a verified attestation result was stored.
/// - **Rejected** (TeepRejectTracedCallback): a message was rejected and answered with an
///   Error.
class TeepAgent : public Object
{
  public:
    /// The ns-3 TypeId ("ns3::teepsim::TeepAgent").
    static TypeId GetTypeId();
    TeepAgent();
    ~TeepAgent() override;

    // ---- Broker-facing API ----
    /// The TAM to contact now (RFC 9397 RequestPolicyCheck), or nothing without a TamAddress.
    std::optional<TamContact> RequestPolicyCheck();
    /// Takes one TEEP message from the TAM (CBOR, signed): the verdict and the reply, if any.
    AgentReply ProcessTeepMessage(const std::vector<uint8_t>& msg);
    /// The transport carrying the session failed (counted; the session is over).
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
    /// Trusts `tamPublic` (only) for TAM messages.
    void SetTamKey(const teepsim::crypto::Key& tamPublic);
    /// Trusts `verifierPublic` for attestation results.
    void SetVerifierKey(const teepsim::crypto::Key& verifierPublic);
    /// Trusts `taSignerPublic` for the SUIT manifests of TAs.
    void SetTaSignerKey(const teepsim::crypto::Key& taSignerPublic);
    /// The TEEP signing key (private; created on first use from DeviceId/KeySeed/Suite).
    const teepsim::crypto::Key& GetKey() const;
    /// RFC 9679 thumbprint of the public key (the COSE kid and the EAT cnf).
    const teepsim::cbor::Bytes& GetKid() const;
    /// The signature algorithm of Suite.
    teepsim::crypto::Alg GetAlg() const;
    /// The DeviceId attribute.
    uint32_t GetDeviceId() const { return m_deviceId; }
    /// Sets the DeviceId attribute (what SetAttribute("DeviceId") does, without its lookup).
    void SetDeviceId(uint32_t id) { m_deviceId = id; }
    /// Sets the TamAddress attribute (what SetAttribute("TamAddress") does).
    void SetTamAddress(const Address& tam) { m_tamAddress = tam; }
    /// The device's UEID (EAT ueid claim), derived from DeviceId.
    teepsim::cbor::Bytes GetUeid() const;
    /// P-256 key pair for personalization data (give its public half to the TAM).
    const teepsim::crypto::Key& GetEncryptionKey() const;

    // ---- state (tests, recorder) ----
    /// The installed Trusted Components.
    const std::vector<InstalledTc>& GetInventory() const { return m_inventory; }
    /// Whether TA `name` is installed.
    bool HasTa(const std::string& name) const;
    /// Decrypted personalization data of installed TA `name` (nullptr if not installed).
    const teepsim::cbor::Bytes* GetPersonalization(const std::string& name) const;
    /// The latest verified attestation result, if any.
    const std::optional<HeldAttestationResult>& GetAttestationResult() const { return m_ar; }
    /// Messages rejected (answered with an Error) so far.
    uint64_t GetRejectedCount() const { return m_rejected; }
    /// ProcessError calls so far.
    uint64_t GetProcessErrorCount() const { return m_processErrors; }
    /// Verified error reports taken from the TAM (TEEP Error or Update with err-code).
    uint64_t GetTamErrorCount() const { return m_tamErrors; }

  protected:
    /// Drops the inventory and the consumed tokens.
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
    // (the kid is m_key's cached Thumbprint(): no copy per device)
    mutable teepsim::crypto::Key m_key;
    mutable teepsim::crypto::Key m_encryptionKey;
    std::vector<teepsim::crypto::Key> m_tamKeys;
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
