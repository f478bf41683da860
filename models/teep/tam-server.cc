// TamServer: attributes, set-up (devices, desired TAs, keys, policy) and the plumbing every
// handler shares (dispatch, tokens, signing, answering). Session handling is in
// tam-session.cc, the Verifier round trip in tam-verifier-client.cc, the Update in
// tam-update.cc, the capacity model's side in tam-capacity.cc.
#include "teepsim/tam-server.h"

#include "teepsim/codec/cose.h"
#include "teepsim/codec/crypto.h"
#include "teepsim/codec/teep_signed.h"

#include "ns3/address.h"
#include "ns3/enum.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-address.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include "tam-server-log.h"
#include "teep-wire.h"

namespace ns3
{

LogComponent& TamServerLogComponent()
{
    // Built on first use: every TamServer source file binds its g_log to it during static
    // initialization, in whatever order the files are initialised.
    static LogComponent component("TamServer", __FILE__);
    return component;
}

TAM_SERVER_LOG_COMPONENT;
NS_OBJECT_ENSURE_REGISTERED(TamServer);

using teepsim::cbor::Bytes;
namespace cose = teepsim::cose;
namespace crypto = teepsim::crypto;
namespace teep = teepsim::teep;

namespace
{
using teepwire::Wire;
} // namespace

TypeId TamServer::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::teepsim::TamServer")
            .SetParent<Application>()
            .SetGroupName("Teep")
            .AddConstructor<TamServer>()
            .AddAttribute("Port", "Port the TAM's TEEP-over-HTTP service listens on.",
                          UintegerValue(8080), MakeUintegerAccessor(&TamServer::m_port),
                          MakeUintegerChecker<uint16_t>())
            .AddAttribute("VerifierAddress", "Where the Verifier's appraisal service listens.",
                          AddressValue(), MakeAddressAccessor(&TamServer::m_verifierAddress),
                          MakeAddressChecker())
            .AddAttribute("KeySeed", "Seed of the TAM's signing key and tokens.", UintegerValue(1),
                          MakeUintegerAccessor(&TamServer::m_keySeed),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute(
                "Suite", "TEEP cipher suite of the TAM's signatures.",
                EnumValue(TEEP_SUITE_ED25519), MakeEnumAccessor(&TamServer::m_suite),
                MakeEnumChecker(TEEP_SUITE_ED25519, "Ed25519", TEEP_SUITE_ESP256, "ESP256"))
            .AddAttribute("SessionTimeout", "An unanswered session is dropped after this.",
                          TimeValue(Minutes(10)), MakeTimeAccessor(&TamServer::m_sessionTimeout),
                          MakeTimeChecker())
            .AddAttribute("Workers",
                          "Requests served in parallel (0 = unlimited, no queue); forwarded to "
                          "the WorkerQueue.",
                          UintegerValue(0),
                          MakeUintegerAccessor(&TamServer::SetWorkers, &TamServer::GetWorkers),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("ServiceTime",
                          "Time a worker spends on one request (Workers > 0); forwarded to the "
                          "WorkerQueue.",
                          TimeValue(Seconds(0)),
                          MakeTimeAccessor(&TamServer::SetServiceTime, &TamServer::GetServiceTime),
                          MakeTimeChecker())
            .AddAttribute("RemediationServiceTime",
                          "Service time per message of a session whose Update removes a TA "
                          "(0 = ServiceTime; PerRequest only); forwarded to the WorkerQueue.",
                          TimeValue(Seconds(0)),
                          MakeTimeAccessor(&TamServer::SetRemediationServiceTime,
                                           &TamServer::GetRemediationServiceTime),
                          MakeTimeChecker())
            .AddAttribute(
                "QueueLimit",
                "Waiting requests beyond which a new one is turned away with "
                "OverloadResponse (0 = unlimited; Workers > 0); forwarded to the "
                "WorkerQueue.",
                UintegerValue(0),
                MakeUintegerAccessor(&TamServer::SetQueueLimit, &TamServer::GetQueueLimit),
                MakeUintegerChecker<uint32_t>())
            .AddAttribute("Service",
                          "What a worker charges: PerRequest (every request) or PerSession (the "
                          "whole session at its opening request); forwarded to the WorkerQueue.",
                          EnumValue(TAM_SERVICE_PER_REQUEST),
                          MakeEnumAccessor(&TamServer::SetService, &TamServer::GetService),
                          MakeEnumChecker(TAM_SERVICE_PER_REQUEST, "PerRequest",
                                          TAM_SERVICE_PER_SESSION, "PerSession"))
            .AddAttribute("WorkerQueue", "The TAM's capacity model (queue and workers).",
                          TypeId::ATTR_GET, PointerValue(),
                          MakePointerAccessor(&TamServer::GetWorkerQueue),
                          MakePointerChecker<TamWorkerQueue>())
            .AddAttribute("OverloadResponse",
                          "Answer to a request QueueLimit turns away: HTTP 503, or HTTP 200 "
                          "with a TAM-signed TEEP Error ERR_TEMPORARY_ERROR.",
                          EnumValue(TAM_OVERLOAD_HTTP_503),
                          MakeEnumAccessor(&TamServer::m_overloadResponse),
                          MakeEnumChecker(TAM_OVERLOAD_HTTP_503, "Http503", TAM_OVERLOAD_TEEP_ERROR,
                                          "TeepError"))
            .AddTraceSource("SessionStart", "A session-opening POST was answered.",
                            MakeTraceSourceAccessor(&TamServer::m_sessionStartTrace),
                            "ns3::TeepDeviceTracedCallback")
            .AddTraceSource("SessionEnd", "A TAM session ended, with its outcome.",
                            MakeTraceSourceAccessor(&TamServer::m_sessionEndTrace),
                            "ns3::TeepSessionEndTracedCallback")
            .AddTraceSource("MessageReceived", "A verified TEEP message from a device.",
                            MakeTraceSourceAccessor(&TamServer::m_msgReceivedTrace),
                            "ns3::TeepMessageTracedCallback")
            .AddTraceSource("MessageSent", "A TEEP message sent to a device.",
                            MakeTraceSourceAccessor(&TamServer::m_msgSentTrace),
                            "ns3::TeepMessageTracedCallback")
            .AddTraceSource("Rejected", "A message was dropped (HTTP 400).",
                            MakeTraceSourceAccessor(&TamServer::m_rejectedTrace),
                            "ns3::TeepRejectTracedCallback")
            .AddTraceSource("ErrorReceived", "A TEEP Error from an Agent.",
                            MakeTraceSourceAccessor(&TamServer::m_errorReceivedTrace),
                            "ns3::TeepErrorTracedCallback")
            .AddTraceSource("PolicyUpdate", "The TAM learned that a TA is malicious.",
                            MakeTraceSourceAccessor(&TamServer::m_policyTrace),
                            "ns3::TeepPolicyTracedCallback")
            .AddTraceSource("QueueDelay", "Time a request waited for a worker.",
                            MakeTraceSourceAccessor(&TamServer::m_queueDelayTrace),
                            "ns3::TeepQueueDelayTracedCallback")
            .AddTraceSource("QueueLength", "Waiting requests or busy workers changed.",
                            MakeTraceSourceAccessor(&TamServer::m_queueLengthTrace),
                            "ns3::TamServer::QueueLengthTracedCallback")
            .AddTraceSource(
                "Overload",
                "A request was turned away (QueueLimit), answered per OverloadResponse.",
                MakeTraceSourceAccessor(&TamServer::m_overloadTrace),
                "ns3::TeepDeviceTracedCallback");
    return tid;
}

TamServer::TamServer()
    : m_port(8080), m_keySeed(1), m_suite(TEEP_SUITE_ED25519), m_sessionTimeout(Minutes(10)),
      m_overloadResponse(TAM_OVERLOAD_HTTP_503), m_workerQueue(CreateObject<TamWorkerQueue>())
{
    // Before the attributes are set: the capacity attributes are forwarded to the queue.
    m_workerQueue->SetCallbacks(
        [this](const TamWorkerQueue::Request& q) { return HandleInWorker(q); },
        [this](uint64_t id, Time ready, bool atOnce) { ReleaseAnswers(id, ready, atOnce); },
        [this](const TamWorkerQueue::Request& q) { RejectOverload(q.requestId, q.req); });
    // An answer due when its worker's service ends leaves in the queue's end-of-service event
    // instead of an event of its own at the same time.
    m_workerQueue->SetServiceEndCallback([this](uint64_t id) { OnServiceEnd(id); });
    // TamServer's own QueueDelay/QueueLength repeat the queue's (existing trace paths).
    m_workerQueue->TraceConnectWithoutContext(
        "QueueDelay",
        MakeCallback(&TracedCallback<uint32_t, Time>::operator(), &m_queueDelayTrace));
    m_workerQueue->TraceConnectWithoutContext(
        "QueueLength",
        MakeCallback(&TracedCallback<uint32_t, uint32_t>::operator(), &m_queueLengthTrace));
}

TamServer::~TamServer() = default;

void TamServer::DoDispose()
{
    for (auto& [id, s] : m_sessions)
    {
        s.timeout.Cancel();
    }
    m_sessions.clear();
    m_sessionByToken.clear();
    if (m_workerQueue)
    {
        m_workerQueue->Dispose();
    }
    m_workerQueue = nullptr;
    m_answerNotBefore.clear();
    m_heldAnswers.clear();
    m_answersAtServiceEnd.clear();
    if (m_server)
    {
        m_server->Stop();
    }
    m_server = nullptr;
    m_idleVerifierClients.clear();
    m_catalog = nullptr;
    Application::DoDispose();
}

void TamServer::SetServerTransport(Ptr<TeepServerTransport> t)
{
    m_server = t;
}

void TamServer::SetVerifierTransportFactory(const ObjectFactory& f)
{
    m_verifierClientFactory = f;
}

void TamServer::SetCatalog(Ptr<TaCatalog> catalog)
{
    m_catalog = catalog;
}

void TamServer::SetVerifierKey(const crypto::Key& k)
{
    m_verifierKeys = {k};
}

const crypto::Key& TamServer::GetKey() const
{
    if (!m_key.valid())
    {
        m_key = DeriveTeepKey(m_suite, "tam", 0, m_keySeed);
    }
    return m_key;
}

crypto::Alg TamServer::GetAlg() const
{
    return AlgOf(m_suite);
}

void TamServer::RegisterDevice(uint32_t deviceId, const crypto::Key& devicePublic)
{
    const std::optional<KidKey> kid = KidKeyOf(devicePublic.Thumbprint());
    NS_ABORT_MSG_IF(!kid, "TamServer::RegisterDevice: device " << deviceId << " key has a "
                                                               << devicePublic.Thumbprint().size()
                                                               << "-byte thumbprint, not 32");
    auto it = m_deviceByKid.find(*kid);
    if (it != m_deviceByKid.end())
    {
        m_devices[it->second].id = deviceId;
        m_devices[it->second].key = devicePublic;
        return;
    }
    m_deviceByKid.emplace(*kid, static_cast<uint32_t>(m_devices.size()));
    m_devices.push_back(Device{deviceId, devicePublic, *kid, {}, false, {}});
}

const TamServer::Device* TamServer::DeviceOfSignature(const cose::SignedMessage& parsed) const
{
    const std::optional<Bytes> kid = parsed.signatures[0].kid();
    return kid ? DeviceOfKid(teepsim::cbor::ByteView(*kid)) : nullptr;
}

const TamServer::Device* TamServer::DeviceOfKid(std::optional<teepsim::cbor::ByteView> kid) const
{
    const std::optional<KidKey> key = kid ? KidKeyOf(*kid) : std::nullopt;
    auto it = key ? m_deviceByKid.find(*key) : m_deviceByKid.end();
    return it == m_deviceByKid.end() ? nullptr : &m_devices[it->second];
}

void TamServer::SetDeviceEncryptionKey(uint32_t deviceId, const crypto::Key& p256Public)
{
    NS_ABORT_MSG_IF(!p256Public.valid() || p256Public.type() != crypto::KeyType::P256,
                    "TamServer::SetDeviceEncryptionKey: device " << deviceId
                                                                 << " needs a P-256 key");
    for (Device& d : m_devices)
    {
        if (d.id == deviceId)
        {
            // Keep the public half only: the TAM never holds a device's private key.
            d.encryptionKey = crypto::Key::FromCoseKey(p256Public.PublicCoseKey());
            return;
        }
    }
    NS_ABORT_MSG("TamServer::SetDeviceEncryptionKey: device " << deviceId << " is not registered");
}

void TamServer::SetDefaultDesiredTas(const std::vector<std::string>& tas)
{
    m_defaultDesired = tas;
}

void TamServer::SetDesiredTas(uint32_t deviceId, const std::vector<std::string>& tas)
{
    for (Device& d : m_devices)
    {
        if (d.id == deviceId)
        {
            d.desired = tas;
            d.hasOwnDesired = true;
            return;
        }
    }
    NS_ABORT_MSG("TamServer::SetDesiredTas: device " << deviceId << " is not registered");
}

const std::vector<std::string>& TamServer::DesiredFor(const Device& d) const
{
    return d.hasOwnDesired ? d.desired : m_defaultDesired;
}

void TamServer::DeclareMalicious(const std::string& ta)
{
    m_malicious.insert(ta);
    NS_LOG_INFO("TAM learned " << ta << " is malicious");
    m_policyTrace(ta, true);
}

void TamServer::StartApplication()
{
    NS_ABORT_MSG_IF(!m_server, "TamServer needs a TeepServerTransport");
    NS_ABORT_MSG_IF(!m_catalog, "TamServer needs a TaCatalog");
    m_server->Listen(GetNode(), InetSocketAddress(Ipv4Address::GetAny(), m_port),
                     MakeCallback(&TamServer::OnRequest, this));
}

void TamServer::StopApplication()
{
    if (m_server)
    {
        m_server->Stop();
    }
}

// Capacity (OnRequest, workers, queue, overload answers): tam-capacity.cc.

// ---- TEEP over HTTP ----

void TamServer::Serve(uint64_t requestId, uint64_t connectionId, const TeepHttpRequest& req)
{
    if (req.body.empty())
    {
        StartSession(requestId, connectionId);
        return;
    }
    HandleMessage(requestId, connectionId, req.body);
}

Bytes TamServer::NewBytes(size_t n)
{
    // Deterministic per TAM seed: tokens and challenges are fresh for every message of a run.
    // The source keeps the seed's HMAC key: DeterministicBytes(seed, counter, n) without
    // re-hashing the key on every call.
    if (!m_random.valid() || m_randomSeedOf != m_keySeed)
    {
        Bytes seed = {'t', 'a', 'm'};
        for (int i = 0; i < 8; ++i)
        {
            seed.push_back(static_cast<uint8_t>(m_keySeed >> (8 * i)));
        }
        m_random = crypto::DeterministicSource(seed);
        m_randomSeedOf = m_keySeed;
    }
    return m_random.Generate(m_randomCounter++, n);
}

void TamServer::SetToken(uint64_t sessionId, Session& s)
{
    if (s.hasToken)
    {
        m_sessionByToken.erase(s.token);
    }
    s.token = *TokenKeyOf(NewBytes(8));
    s.hasToken = true;
    m_sessionByToken[s.token] = sessionId;
}

std::vector<uint8_t> TamServer::SignTeep(const teep::Message& m)
{
    const crypto::Alg alg = GetAlg();
    if (m_signers.empty() || m_signers[0].alg != alg)
    {
        m_signers = {{alg, GetKey(), true}};
    }
    return teep::EncodeSigned(m, Wire(), m_signers);
}

void TamServer::Respond(uint64_t requestId, uint16_t status, std::vector<uint8_t> body,
                        uint32_t deviceId, TeepMessageType type)
{
    TeepHttpResponse rsp;
    rsp.status = status;
    if (!body.empty())
    {
        rsp.contentType = "application/teep+cbor";
        m_msgSentTrace(deviceId, type, body.size());
    }
    rsp.body = std::move(body);
    if (m_inWorker)
    {
        m_heldAnswers.emplace_back(requestId, std::move(rsp)); // sent when the service ends
        return;
    }
    auto hold = m_answerNotBefore.find(requestId);
    if (hold != m_answerNotBefore.end())
    {
        const AnswerHold when = hold->second;
        m_answerNotBefore.erase(hold);
        if (when.notBefore > Simulator::Now())
        {
            SendAt(requestId, when, std::move(rsp));
            return;
        }
    }
    m_server->RespondOwned(requestId, std::move(rsp));
}

// Session handling: tam-session.cc; the Verifier round trip: tam-verifier-client.cc; the
// Update: tam-update.cc.

} // namespace ns3
