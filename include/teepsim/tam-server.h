// TamServer: the Trusted Application Manager, an ns-3 Application serving TEEP over HTTP via a
// TeepServerTransport. Per-device sessions keyed by token (fresh deterministic token per
// message; a token expires with the first validly signed answer; SessionTimeout drops
// unanswered sessions). Desired state per device (which TAs it should have), TAs it considers
// malicious (DeclareMalicious, scheduled by the deployment at t0 + d_T). Background-check
// attestation: the QueryResponse's evidence goes to the Verifier over the network through a
// TeepClientTransport (a small pool, one per outstanding appraisal); the signed AR comes back,
// is checked (Verifier signature, cnf = the device key) and is passed back in every Update,
// so each successful session refreshes the device's AR. The Update installs missing desired
// TAs (SUIT envelopes from the TaCatalog, built once per TA) and lists malicious installed TAs
// in unneeded-manifest-list. Invalid messages are dropped (HTTP 400) and traced; a validly
// signed token-less TEEP Error (the Agent could not trust our message) is taken with 204.
// Capacity: a TamWorkerQueue (attribute WorkerQueue; tam-worker-queue.h) in front of the
// handlers; TamServer's Workers, ServiceTime, RemediationServiceTime, QueueLimit and Service
// attributes are forwarded to it. Workers (0 = unlimited, no queue) serve requests FIFO. A
// worker handles a request when it takes it and holds the HTTP answer until its service time is
// over: ServiceTime, or RemediationServiceTime (when non-zero) for the messages of a removal
// session (the device reported a TA the TAM knows is malicious, so its Update carries
// unneeded-manifest-list); with Service = PerSession only a session's opening request queues,
// for the whole session's service time. QueueLimit (0 = unlimited): a request arriving when
// QueueLimit requests already wait is turned away at once per OverloadResponse: HTTP 503 (the
// device sees a transport failure), or
// HTTP 200 with a TEEP Error ERR_TEMPORARY_ERROR signed by the TAM, carrying the request's
// token if it had one (the Agent verifies it; the session ends as TamBusy). Either way the
// device retries per its policy. In modelled-crypto mode (teep-wire.h) each answer is also held
// for the CPU time of the signature operations made while handling it (CryptoCharge).
// Personalization (RFC 9397 §4.4): a TA with catalog personalization gets a per-device SUIT
// envelope, encrypted to the key given by SetDeviceEncryptionKey, built per Update (no cache).
//
// Trace sources beyond the common list of teep-trace.h:
//   QueueLength  (uint32_t queueLength, uint32_t busyWorkers)  whenever either changes
//                (Workers > 0 only; the WorkerQueue's, repeated); callback type
//                ns3::TamServer::QueueLengthTracedCallback
//   Overload     (uint32_t deviceId or kUnknownDevice)  a request was turned away by
//                QueueLimit (503 or TEEP Error); callback type ns3::TeepDeviceTracedCallback
#pragma once

#include "teepsim/codec/cose.h"
#include "teepsim/codec/deterministic_source.h"
#include "teepsim/codec/teep.h"
#include "teepsim/fixed-key.h"
#include "teepsim/ta-catalog.h"
#include "teepsim/tam-worker-queue.h"
#include "teepsim/teep-agent.h"
#include "teepsim/teep-trace.h"
#include "teepsim/teep-transport.h"

#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/object-factory.h"
#include "ns3/traced-callback.h"

#include <array>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace ns3
{

/// How an overloaded TAM answers a request it turns away.
enum TamOverloadResponse
{
    TAM_OVERLOAD_HTTP_503 = 0,   // HTTP 503 Service Unavailable
    TAM_OVERLOAD_TEEP_ERROR = 1, // HTTP 200 + TEEP Error ERR_TEMPORARY_ERROR (TAM-signed)
};

/// The Trusted Application Manager (see the file comment): serves TEEP over HTTP, asks the
/// Verifier about each device's evidence and installs or removes TAs. TamHelper installs one.
///
/// \par Attributes
/// - **Port** (8080): port the TAM's TEEP-over-HTTP service listens on.
/// - **VerifierAddress** (Address, none): where the Verifier's appraisal service listens.
/// - **KeySeed** (1): seed of the TAM's signing key and tokens.
/// - **Suite** (Ed25519 or ESP256; default Ed25519, the helpers' ESP256): TEEP cipher suite of
///   the TAM's signatures.
/// - **SessionTimeout** (Time, 10 min): an unanswered session is dropped after this.
/// - **Workers** (0 = unlimited), **ServiceTime** (0), **RemediationServiceTime** (0 =
///   ServiceTime), **QueueLimit** (0 = unlimited), **Service** (PerRequest or PerSession;
///   default PerRequest): the capacity model, forwarded to the WorkerQueue (TamWorkerQueue).
/// - **WorkerQueue** (Ptr<TamWorkerQueue>, one per TAM): the capacity model itself.
/// - **OverloadResponse** (Http503 or TeepError; default Http503): the answer to a request
///   QueueLimit turns away.
///
/// \par Trace sources
/// - **SessionStart** (TeepDeviceTracedCallback): a session-opening POST was answered.
/// - **SessionEnd** (TeepSessionEndTracedCallback): a TAM session ended, with its outcome.
/// - **MessageReceived** (TeepMessageTracedCallback): a verified TEEP message from a device.
/// - **MessageSent** (TeepMessageTracedCallback): a TEEP message sent to a device.
/// - **Rejected** (TeepRejectTracedCallback): a message was dropped (HTTP 400).
/// - **ErrorReceived** (TeepErrorTracedCallback): a TEEP Error from an Agent.
/// - **PolicyUpdate** (TeepPolicyTracedCallback): the TAM learned that a TA is malicious.
/// - **QueueDelay** (TeepQueueDelayTracedCallback): time a request waited for a worker.
/// - **QueueLength** (QueueLengthTracedCallback): waiting requests or busy workers changed.
/// - **Overload** (TeepDeviceTracedCallback): a request was turned away (QueueLimit).
class TamServer : public Application
{
  public:
    /// The ns-3 TypeId ("ns3::teepsim::TamServer").
    static TypeId GetTypeId();
    TamServer();
    ~TamServer() override;

    /// The server transport the TAM listens with (set before the application starts).
    void SetServerTransport(Ptr<TeepServerTransport> t);
    /// Factory for the client transports that reach the Verifier (TypeId + attributes).
    void SetVerifierTransportFactory(const ObjectFactory& f);
    /// The TAs the TAM can install (their SUIT envelopes).
    void SetCatalog(Ptr<TaCatalog> catalog);
    /// Trusts `verifierPublic` for the attestation results the Verifier returns.
    void SetVerifierKey(const teepsim::crypto::Key& verifierPublic);

    /// Enrols a device: its TEEP public key (looked up by kid) and its id for traces.
    void RegisterDevice(uint32_t deviceId, const teepsim::crypto::Key& devicePublic);
    /// TAs every device should have unless SetDesiredTas overrides it.
    void SetDefaultDesiredTas(const std::vector<std::string>& tas);
    /// TAs device `deviceId` should have (overrides SetDefaultDesiredTas for it).
    void SetDesiredTas(uint32_t deviceId, const std::vector<std::string>& tas);
    /// P-256 public key the device decrypts personalization data with (TeepAgent::
    /// GetEncryptionKey). Needed for every device that gets a personalized TA.
    void SetDeviceEncryptionKey(uint32_t deviceId, const teepsim::crypto::Key& p256Public);

    /// The TAM learns now that `ta` is malicious: it stops installing it and removes it.
    void DeclareMalicious(const std::string& ta);
    /// Whether DeclareMalicious(`ta`) was called.
    bool IsMalicious(const std::string& ta) const { return m_malicious.count(ta) != 0; }

    /// The TAM's signing key (derived from KeySeed on first use): Agents trust its public half.
    const teepsim::crypto::Key& GetKey() const;
    /// The signature algorithm of Suite.
    teepsim::crypto::Alg GetAlg() const;
    /// Messages dropped (HTTP 400) so far.
    uint64_t GetRejectedCount() const { return m_rejected; }
    /// Sessions that ended with success so far.
    uint64_t GetSessionsCompleted() const { return m_sessionsCompleted; }
    /// Requests rejected by QueueLimit.
    uint64_t GetOverloadCount() const { return m_overloads; }

    /// (queue length, busy workers)
    typedef void (*QueueLengthTracedCallback)(uint32_t queueLength, uint32_t busyWorkers);
    /// Sessions open now (not yet ended or timed out).
    size_t GetOpenSessions() const { return m_sessions.size(); }
    /// The capacity model in front of the handlers (never null).
    Ptr<TamWorkerQueue> GetWorkerQueue() const { return m_workerQueue; }

  protected:
    /// Cancels the session timeouts and drops the transports, catalog and worker queue.
    void DoDispose() override;

  private:
    struct Device
    {
        uint32_t id;
        teepsim::crypto::Key key;
        KidKey kid;
        std::vector<std::string> desired;
        bool hasOwnDesired = false;
        teepsim::crypto::Key encryptionKey; // P-256 public, for personalization data
    };
    enum class Stage
    {
        AwaitQueryResponse,
        AwaitVerifier,
        AwaitSuccess,
    };
    struct Session
    {
        uint64_t connectionId = 0;
        uint32_t deviceId = kUnknownDevice;
        size_t deviceIndex = 0; // into m_devices, valid once deviceId is known
        Stage stage = Stage::AwaitQueryResponse;
        uint64_t token = 0; // the outstanding token (one per message; TokenKeyOf's bytes)
        bool hasToken = false;
        std::array<uint8_t, 16> challenge{}; // inline: no heap block per session
        std::vector<std::string> installed;  // TAs the device reported (tc-list)
        bool removal = false;                // its Update removes a TA (RemediationServiceTime)
        EventId timeout;
    };

    void StartApplication() override;
    void StopApplication() override;

    void OnRequest(uint64_t requestId, uint64_t connectionId, const TeepHttpRequest& req);
    /// The WorkerQueue's callbacks: handle a request (answers held), release its answers.
    TamWorkerQueue::Work HandleInWorker(const TamWorkerQueue::Request& q);
    void ReleaseAnswers(uint64_t requestId, Time ready, bool atOnceIfReady);
    /// Sends the answers held while handling a request, none before `ready` (nor before its
    /// worker's end); `atOnceIfReady` answers a ready one without a new event. `atServiceEnd`:
    /// `ready` is the end of the request's worker service and the WorkerQueue calls
    /// OnServiceEnd then, so an answer due exactly then waits for that call, not an event.
    void ReleaseHeld(Time ready, bool atOnceIfReady, bool atServiceEnd = false);
    /// The WorkerQueue's ServiceEnd callback: sends the answers ReleaseHeld kept for it.
    void OnServiceEnd(uint64_t requestId);
    void SendAnswer(uint64_t requestId, TeepHttpResponse rsp);
    void RejectOverload(uint64_t requestId, const TeepHttpRequest& req);
    uint32_t DeviceIdOfBody(const std::vector<uint8_t>& body) const;
    /// The enrolled device whose kid is that of the message's one signature, or nullptr.
    const Device* DeviceOfSignature(const teepsim::cose::SignedMessage& parsed) const;
    /// The enrolled device whose key the kid names (nullptr: none, or no kid).
    const Device* DeviceOfKid(std::optional<teepsim::cbor::ByteView> kid) const;
    void Serve(uint64_t requestId, uint64_t connectionId, const TeepHttpRequest& req);
    void StartSession(uint64_t requestId, uint64_t connectionId);
    /// m_queryRequest as a QueryRequest, (re)built when the algorithm or wire profile changed.
    teepsim::teep::QueryRequest& QueryRequestTemplate();
    void HandleMessage(uint64_t requestId, uint64_t connectionId, const std::vector<uint8_t>& body);
    /// A validly signed TEEP Error without a token: the Agent rejected our last message.
    void TakeTokenlessError(uint64_t requestId, uint64_t connectionId, uint32_t deviceId,
                            const teepsim::teep::Error& e);
    /// Takes the evidence out of `q` (it goes to the Verifier as the request body).
    void OnQueryResponse(uint64_t requestId, uint64_t sessionId, teepsim::teep::QueryResponse& q);
    void OnVerifierAnswer(uint64_t requestId, uint64_t sessionId, Ptr<TeepClientTransport> client,
                          const TeepHttpResponse& rsp);
    void SendUpdate(uint64_t requestId, uint64_t sessionId, const teepsim::cbor::Bytes& ar);
    void Drop(uint64_t requestId, uint32_t deviceId, RejectReason reason, const std::string& why);
    void EndSession(uint64_t sessionId, SessionOutcome outcome);
    void SetToken(uint64_t sessionId, Session& s);
    teepsim::cbor::Bytes NewBytes(size_t n);
    std::vector<uint8_t> SignTeep(const teepsim::teep::Message& m);
    void Respond(uint64_t requestId, uint16_t status, std::vector<uint8_t> body, uint32_t deviceId,
                 TeepMessageType type);
    Ptr<TeepClientTransport> TakeVerifierClient();
    const std::vector<std::string>& DesiredFor(const Device& d) const;
    // Capacity attributes, forwarded to the WorkerQueue.
    void SetWorkers(uint32_t n) { m_workerQueue->SetWorkers(n); }
    uint32_t GetWorkers() const { return m_workerQueue->GetWorkers(); }
    void SetServiceTime(Time t) { m_workerQueue->SetServiceTime(t); }
    Time GetServiceTime() const { return m_workerQueue->GetServiceTime(); }
    void SetRemediationServiceTime(Time t) { m_workerQueue->SetRemediationServiceTime(t); }
    Time GetRemediationServiceTime() const { return m_workerQueue->GetRemediationServiceTime(); }
    void SetQueueLimit(uint32_t n) { m_workerQueue->SetQueueLimit(n); }
    uint32_t GetQueueLimit() const { return m_workerQueue->GetQueueLimit(); }
    void SetService(TamServiceModel m) { m_workerQueue->SetService(m); }
    TamServiceModel GetService() const { return m_workerQueue->GetService(); }

    // Attributes
    uint16_t m_port;
    Address m_verifierAddress;
    uint64_t m_keySeed;
    TeepSignatureSuite m_suite;
    Time m_sessionTimeout;
    TamOverloadResponse m_overloadResponse;
    Ptr<TamWorkerQueue> m_workerQueue; // created with the TamServer, replaceable (WorkerQueue)

    Ptr<TeepServerTransport> m_server;
    ObjectFactory m_verifierClientFactory;
    std::vector<Ptr<TeepClientTransport>> m_idleVerifierClients;
    bool m_verifierClientsAreMessage =
        false; // MessageClientTransport: returned to the pool at once
    Ptr<TaCatalog> m_catalog;
    std::vector<teepsim::crypto::Key> m_verifierKeys;
    mutable teepsim::crypto::Key m_key;

    std::vector<Device> m_devices;
    std::unordered_map<KidKey, uint32_t, KidKeyHash> m_deviceByKid; // index into m_devices
    std::vector<std::string> m_defaultDesired;
    std::set<std::string> m_malicious;
    std::unordered_map<uint64_t, Session> m_sessions;
    std::unordered_map<uint64_t, uint64_t> m_sessionByToken; // outstanding tokens only
    uint64_t m_nextSessionId = 1;
    uint64_t m_randomCounter = 0;
    // Seeded with "tam" + m_randomSeedOf (little endian), rebuilt when KeySeed changes.
    teepsim::crypto::DeterministicSource m_random;
    uint64_t m_randomSeedOf = 0;                  // the KeySeed m_random was built for
    std::vector<teepsim::cose::Signer> m_signers; // the TAM's one signer, built once
    std::vector<teepsim::crypto::Key> m_oneKey;   // the trusted key of one verification
    // The QueryRequest every session opens with, built once per algorithm and wire profile;
    // a session sets only its token and challenge (their buffers reused).
    teepsim::teep::Message m_queryRequest;
    const teepsim::teep::Profile* m_queryRequestWire = nullptr;
    teepsim::crypto::Alg m_queryRequestAlg = teepsim::crypto::Alg::ESP256;
    // The Update being built, kept between sessions so its token, format and AR buffers are
    // reused; the envelopes it carries are dropped after signing.
    teepsim::teep::Message m_update;

    // While a worker runs a request: whether it belongs to a removal session (set by the
    // handlers). Per request: when its worker's service ends (the answer is held until then).
    bool m_servingRemoval = false;
    bool m_inWorker = false; // answers are held (m_heldAnswers) while a request is handled
    std::vector<std::pair<uint64_t, TeepHttpResponse>> m_heldAnswers; // answered in a worker
    /// A request answered after its worker let it go (the Verifier round trip): not before
    /// `notBefore`; `atServiceEnd`: that is the end of the worker's service, whose event
    /// (OnServiceEnd) can carry the answer instead of an event of its own.
    struct AnswerHold
    {
        Time notBefore;
        bool atServiceEnd = false;
    };
    std::unordered_map<uint64_t, AnswerHold> m_answerNotBefore;
    /// Sends `rsp` at `hold.notBefore` (> now): in the service end's event when it is then.
    void SendAt(uint64_t requestId, const AnswerHold& hold, TeepHttpResponse&& rsp);
    // Answers due when their worker's service ends, sent by OnServiceEnd (few at a time).
    std::vector<std::pair<uint64_t, TeepHttpResponse>> m_answersAtServiceEnd;

    uint64_t m_rejected = 0;
    uint64_t m_sessionsCompleted = 0;
    uint64_t m_overloads = 0;

    TracedCallback<uint32_t> m_sessionStartTrace;
    TracedCallback<uint32_t, SessionOutcome> m_sessionEndTrace;
    TracedCallback<uint32_t, TeepMessageType, uint32_t> m_msgReceivedTrace;
    TracedCallback<uint32_t, TeepMessageType, uint32_t> m_msgSentTrace;
    TracedCallback<uint32_t, RejectReason, uint32_t> m_rejectedTrace;
    TracedCallback<uint32_t, uint32_t> m_errorReceivedTrace;
    TracedCallback<const std::string&, bool> m_policyTrace;
    TracedCallback<uint32_t, Time> m_queueDelayTrace;
    TracedCallback<uint32_t, uint32_t> m_queueLengthTrace;
    TracedCallback<uint32_t> m_overloadTrace;
};

} // namespace ns3
