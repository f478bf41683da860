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
// in unneeded-manifest-list. Invalid messages are dropped (HTTP 400) and traced.
// Capacity: Workers (0 = unlimited) serve requests FIFO, each taking ServiceTime.
#pragma once

#include "teepsim/codec/teep.h"
#include "teepsim/ta-catalog.h"
#include "teepsim/teep-agent.h"
#include "teepsim/teep-trace.h"
#include "teepsim/teep-transport.h"

#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/object-factory.h"
#include "ns3/traced-callback.h"

#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace ns3
{

class TamServer : public Application
{
  public:
    static TypeId GetTypeId();
    TamServer();
    ~TamServer() override;

    void SetServerTransport(Ptr<TeepServerTransport> t);
    /// Factory for the client transports that reach the Verifier (TypeId + attributes).
    void SetVerifierTransportFactory(const ObjectFactory& f);
    void SetCatalog(Ptr<TaCatalog> catalog);
    void SetVerifierKey(const teepsim::crypto::Key& verifierPublic);

    /// Enrols a device: its TEEP public key (looked up by kid) and its id for traces.
    void RegisterDevice(uint32_t deviceId, const teepsim::crypto::Key& devicePublic);
    /// TAs every device should have unless SetDesiredTas overrides it.
    void SetDefaultDesiredTas(const std::vector<std::string>& tas);
    void SetDesiredTas(uint32_t deviceId, const std::vector<std::string>& tas);

    /// The TAM learns now that `ta` is malicious: it stops installing it and removes it.
    void DeclareMalicious(const std::string& ta);
    bool IsMalicious(const std::string& ta) const { return m_malicious.count(ta) != 0; }

    const teepsim::crypto::Key& GetKey() const;
    teepsim::crypto::Alg GetAlg() const;
    uint64_t GetRejectedCount() const { return m_rejected; }
    uint64_t GetSessionsCompleted() const { return m_sessionsCompleted; }
    size_t GetOpenSessions() const { return m_sessions.size(); }

  protected:
    void DoDispose() override;

  private:
    struct Device
    {
        uint32_t id;
        teepsim::crypto::Key key;
        teepsim::cbor::Bytes kid;
        std::vector<std::string> desired;
        bool hasOwnDesired = false;
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
        teepsim::cbor::Bytes token; // the outstanding token (one per message)
        teepsim::cbor::Bytes challenge;
        std::vector<std::string> installed; // TAs the device reported (tc-list)
        EventId timeout;
    };

    void StartApplication() override;
    void StopApplication() override;

    void OnRequest(uint64_t requestId, uint64_t connectionId, const TeepHttpRequest& req);
    void Admit(std::function<void()> work);
    void RunWorker(Time queuedAt, std::function<void()> work);
    void Serve(uint64_t requestId, uint64_t connectionId, const TeepHttpRequest& req);
    void StartSession(uint64_t requestId, uint64_t connectionId);
    void HandleMessage(uint64_t requestId, const std::vector<uint8_t>& body);
    void OnQueryResponse(uint64_t requestId, uint64_t sessionId,
                         const teepsim::teep::QueryResponse& q);
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

    // Attributes
    uint16_t m_port;
    Address m_verifierAddress;
    uint64_t m_keySeed;
    TeepSignatureSuite m_suite;
    Time m_sessionTimeout;
    uint32_t m_workers;
    Time m_serviceTime;

    Ptr<TeepServerTransport> m_server;
    ObjectFactory m_verifierClientFactory;
    std::vector<Ptr<TeepClientTransport>> m_idleVerifierClients;
    Ptr<TaCatalog> m_catalog;
    std::vector<teepsim::crypto::Key> m_verifierKeys;
    mutable teepsim::crypto::Key m_key;

    std::vector<Device> m_devices;
    std::map<teepsim::cbor::Bytes, size_t> m_deviceByKid;
    std::vector<std::string> m_defaultDesired;
    std::set<std::string> m_malicious;
    std::unordered_map<uint64_t, Session> m_sessions;
    std::map<teepsim::cbor::Bytes, uint64_t> m_sessionByToken; // outstanding tokens only
    uint64_t m_nextSessionId = 1;
    uint64_t m_randomCounter = 0;

    uint32_t m_busy = 0;
    std::deque<std::pair<Time, std::function<void()>>> m_queue; // (queued at, work)

    uint64_t m_rejected = 0;
    uint64_t m_sessionsCompleted = 0;

    TracedCallback<uint32_t> m_sessionStartTrace;
    TracedCallback<uint32_t, SessionOutcome> m_sessionEndTrace;
    TracedCallback<uint32_t, TeepMessageType, uint32_t> m_msgReceivedTrace;
    TracedCallback<uint32_t, TeepMessageType, uint32_t> m_msgSentTrace;
    TracedCallback<uint32_t, RejectReason, uint32_t> m_rejectedTrace;
    TracedCallback<uint32_t, uint32_t> m_errorReceivedTrace;
    TracedCallback<const std::string&, bool> m_policyTrace;
    TracedCallback<uint32_t, Time> m_queueDelayTrace;
};

} // namespace ns3
