#include "teepsim/tam-server.h"

#include "teepsim/codec/cose.h"
#include "teepsim/codec/crypto.h"
#include "teepsim/codec/eat.h"
#include "teepsim/codec/teep_signed.h"
#include "teepsim/http-framing.h"
#include "teepsim/verifier.h"

#include "ns3/address.h"
#include "ns3/enum.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-address.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>

#include "teep-wire.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TamServer");
NS_OBJECT_ENSURE_REGISTERED(TamServer);

using teepsim::cbor::Bytes;
namespace cbor = teepsim::cbor;
namespace cose = teepsim::cose;
namespace crypto = teepsim::crypto;
namespace eat = teepsim::eat;
namespace suit = teepsim::suit;
namespace teep = teepsim::teep;

namespace
{
using teepwire::TraceType;
using teepwire::Wire;

const char* const kResultFormat = teepsim::http::kEarMediaType.data();
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
        const Time notBefore = hold->second;
        m_answerNotBefore.erase(hold);
        if (notBefore > Simulator::Now())
        {
            Simulator::Schedule(notBefore - Simulator::Now(), &TamServer::SendAnswer, this,
                                requestId, std::move(rsp));
            return;
        }
    }
    m_server->Respond(requestId, rsp);
}

void TamServer::StartSession(uint64_t requestId, uint64_t connectionId)
{
    const uint64_t id = m_nextSessionId++;
    Session& s = m_sessions[id];
    s.connectionId = connectionId;
    SetToken(id, s);
    s.challenge = NewBytes(16);
    s.timeout = Simulator::Schedule(m_sessionTimeout, &TamServer::EndSession, this, id,
                                    SessionOutcome::TamSessionTimeout);
    m_sessionStartTrace(kUnknownDevice);

    // Built in place in the message variant (SignTeep takes a Message: no copy).
    teep::Message m{std::in_place_type<teep::QueryRequest>};
    teep::QueryRequest& q = std::get<teep::QueryRequest>(m);
    q.token = TokenBytesOf(s.token);
    q.challenge = s.challenge;
    // Offer what the wire profile offers (legacy: [[18, -7]], [[18, -8]] and the matching
    // suit-sha256-es256/eddsa-ecdh-a128ctr profiles, as libteep and the draft-21 example), the
    // TAM's own algorithm first: the Agent signs with whichever of them fits its key.
    std::vector<crypto::Alg> offered = {GetAlg()};
    for (crypto::Alg a : Wire().OfferedAlgs())
    {
        if (a != offered.front())
        {
            offered.push_back(a);
        }
    }
    q.supportedCipherSuites.reserve(offered.size());
    q.supportedSuitCoseProfiles.reserve(offered.size());
    for (crypto::Alg a : offered)
    {
        q.supportedCipherSuites.push_back(teep::Sign1Suite(a));
        q.supportedSuitCoseProfiles.push_back({-16, static_cast<int64_t>(a), -29, -65534});
    }
    q.dataItemRequested = teep::kDataAttestation | teep::kDataTrustedComponents;
    Respond(requestId, 200, SignTeep(m), kUnknownDevice, TeepMessageType::QueryRequest);
}

void TamServer::Drop(uint64_t requestId, uint32_t deviceId, RejectReason reason,
                     const std::string& why)
{
    ++m_rejected;
    NS_LOG_INFO("TAM dropped a message from device " << deviceId << " (" << ToString(reason)
                                                     << "): " << why);
    m_rejectedTrace(deviceId, reason, 0);
    Respond(requestId, 400, {}, deviceId, TeepMessageType::Unknown);
}

void TamServer::HandleMessage(uint64_t requestId, uint64_t connectionId,
                              const std::vector<uint8_t>& body)
{
    // Identify the device by kid, then verify with that key only (O(1) in the fleet size).
    auto parsed = cose::ParseSigned(body);
    if (!parsed.ok() || parsed->signatures.size() != 1)
    {
        Drop(requestId, kUnknownDevice, RejectReason::Malformed,
             parsed.ok() ? "not one signer" : parsed.error().ToString());
        return;
    }
    const Device* devp = DeviceOfSignature(*parsed);
    if (!devp)
    {
        Drop(requestId, kUnknownDevice, RejectReason::UnknownKey, "kid of no enrolled device");
        return;
    }
    const Device& dev = *devp;
    m_oneKey.assign(1, dev.key); // reused: no vector per message
    auto verified = teep::DecodeVerified(body, Wire(), m_oneKey);
    if (!verified.ok())
    {
        const teep::Failure& f = verified.failure();
        Drop(requestId, dev.id,
             f.kind == teep::Failure::Kind::Authentication ? RejectReason::BadSignature
                                                           : RejectReason::Malformed,
             f.ToString());
        return;
    }
    teep::Message& m = verified.value().message; // mutable: the evidence is moved out
    const teep::MessageType type = teep::TypeOf(m);
    const std::optional<Bytes>& token = teep::TokenOf(m);
    if (const auto* e = std::get_if<teep::Error>(&m); e && !token)
    {
        // An Agent that could not trust our message (bad signature, altered kid, malformed)
        // answers with a validly signed Error without a token (it cannot trust the one it
        // got). That is the Agent's rejection, not a bad message: accept it with 204 (TEEP over
        // HTTP) and end the session of this connection, if one is open.
        m_msgReceivedTrace(dev.id, TraceType(type), body.size());
        TakeTokenlessError(requestId, connectionId, dev.id, *e);
        return;
    }
    const std::optional<uint64_t> tokenKey = token ? TokenKeyOf(*token) : std::nullopt;
    auto sIt = tokenKey ? m_sessionByToken.find(*tokenKey) : m_sessionByToken.end();
    if (sIt == m_sessionByToken.end())
    {
        Drop(requestId, dev.id, RejectReason::TokenMismatch,
             token ? "unknown or expired token" : "no token");
        return;
    }
    const uint64_t sessionId = sIt->second;
    Session& s = m_sessions.at(sessionId);
    if (s.deviceId != kUnknownDevice && s.deviceId != dev.id)
    {
        Drop(requestId, dev.id, RejectReason::TokenMismatch, "token of another device");
        return;
    }
    const bool expected =
        (type == teep::MessageType::QueryResponse && s.stage == Stage::AwaitQueryResponse) ||
        ((type == teep::MessageType::Success || type == teep::MessageType::Error) &&
         s.stage == Stage::AwaitSuccess);
    if (!expected)
    {
        Drop(requestId, dev.id, RejectReason::UnexpectedType,
             std::string("unexpected ") + teep::ToString(type));
        return;
    }
    // The token expires with its first validly signed answer.
    m_sessionByToken.erase(sIt);
    s.hasToken = false;
    s.deviceId = dev.id;
    s.deviceIndex = static_cast<size_t>(&dev - m_devices.data());
    m_servingRemoval = s.removal;
    m_msgReceivedTrace(dev.id, TraceType(type), body.size());

    if (auto* q = std::get_if<teep::QueryResponse>(&m))
    {
        OnQueryResponse(requestId, sessionId, *q);
        return;
    }
    if (const auto* e = std::get_if<teep::Error>(&m))
    {
        const uint32_t code = static_cast<uint32_t>(Wire().WireErrorCode(e->errCode));
        NS_LOG_INFO("device " << dev.id << " sent Error " << teep::ToString(e->errCode));
        m_errorReceivedTrace(dev.id, code);
        Respond(requestId, 204, {}, dev.id, TeepMessageType::Unknown);
        EndSession(sessionId, SessionOutcome::AgentError);
        return;
    }
    Respond(requestId, 204, {}, dev.id, TeepMessageType::Unknown);
    EndSession(sessionId, SessionOutcome::Success);
}

void TamServer::TakeTokenlessError(uint64_t requestId, uint64_t connectionId, uint32_t deviceId,
                                   const teep::Error& e)
{
    const uint32_t code = static_cast<uint32_t>(Wire().WireErrorCode(e.errCode));
    NS_LOG_INFO("device " << deviceId << " sent a token-less Error " << teep::ToString(e.errCode));
    m_errorReceivedTrace(deviceId, code);
    Respond(requestId, 204, {}, deviceId, TeepMessageType::Unknown);
    for (auto& [id, session] : m_sessions)
    {
        if (session.connectionId == connectionId &&
            (session.deviceId == kUnknownDevice || session.deviceId == deviceId))
        {
            session.deviceId = deviceId;
            EndSession(id, SessionOutcome::AgentError);
            return;
        }
    }
}

void TamServer::OnQueryResponse(uint64_t requestId, uint64_t sessionId, teep::QueryResponse& q)
{
    Session& s = m_sessions.at(sessionId);
    if (!q.attestationPayload)
    {
        Drop(requestId, s.deviceId, RejectReason::BadEvidence, "no attestation payload");
        EndSession(sessionId, SessionOutcome::AttestationFailed);
        return;
    }
    s.installed.clear();
    if (q.tcList)
    {
        for (const teep::TcInfo& tc : *q.tcList)
        {
            s.installed.push_back(TaCatalog::NameOf(tc.componentId));
        }
    }
    s.removal = std::any_of(s.installed.begin(), s.installed.end(),
                            [this](const std::string& ta) { return m_malicious.count(ta) != 0; });
    m_servingRemoval = s.removal;
    s.stage = Stage::AwaitVerifier;
    // Background check: the evidence goes to the Verifier as the EAT it is (RFC 9782 media
    // type, the Agent's attestation-payload-format when it gave one), with the challenge it
    // must carry in the path; the TAM accepts the attestation result the Verifier sends.
    TeepHttpRequest http;
    http.path = Verifier::AppraisePath(s.challenge);
    http.contentType = q.attestationPayloadFormat
                           ? std::move(*q.attestationPayloadFormat)
                           : std::string(teepsim::http::kTeepEvidenceMediaType);
    http.accept = teepsim::http::kEatCwtMediaType;
    http.body = std::move(*q.attestationPayload); // the message is not used after this
    Ptr<TeepClientTransport> client = TakeVerifierClient();
    client->Post(m_verifierAddress, http,
                 TeepClientTransport::ResponseCallback(
                     [this, requestId, sessionId, client](const TeepHttpResponse& rsp)
                     { OnVerifierAnswer(requestId, sessionId, client, rsp); }));
}

Ptr<TeepClientTransport> TamServer::TakeVerifierClient()
{
    if (!m_idleVerifierClients.empty())
    {
        Ptr<TeepClientTransport> c = m_idleVerifierClients.back();
        m_idleVerifierClients.pop_back();
        return c;
    }
    Ptr<TeepClientTransport> c = m_verifierClientFactory.Create<TeepClientTransport>();
    NS_ABORT_MSG_IF(!c, "TamServer: the Verifier transport factory made no TeepClientTransport");
    c->SetNode(GetNode());
    return c;
}

void TamServer::OnVerifierAnswer(uint64_t requestId, uint64_t sessionId,
                                 Ptr<TeepClientTransport> client, const TeepHttpResponse& rsp)
{
    // Let the client finish its callback before the next session reuses it.
    Simulator::ScheduleNow(
        [this, client]()
        {
            client->CloseSession();
            m_idleVerifierClients.push_back(client);
        });
    auto it = m_sessions.find(sessionId);
    if (it == m_sessions.end())
    {
        m_answerNotBefore.erase(requestId);
        return; // timed out meanwhile: the HTTP request was answered by nobody; nothing to do
    }
    Session& s = it->second;
    if (rsp.status != 200 || rsp.body.empty() ||
        !teepsim::http::SameMediaType(rsp.contentType, teepsim::http::kEatCwtMediaType))
    {
        NS_LOG_INFO("device " << s.deviceId << ": Verifier answered " << rsp.status << " "
                              << rsp.contentType);
        Respond(requestId, 502, {}, s.deviceId, TeepMessageType::Unknown);
        EndSession(sessionId, SessionOutcome::AttestationFailed);
        return;
    }
    // Checking the AR and signing the Update cost signature operations: hold the answer for
    // their modelled CPU time (zero with real signatures).
    m_inWorker = true;
    const uint64_t ops = teepsim::crypto::OperationCount();
    SendUpdate(requestId, sessionId, rsp.body);
    m_inWorker = false;
    ReleaseHeld(Simulator::Now() + teepwire::CryptoCharge(teepsim::crypto::OperationCount() - ops),
                /*atOnceIfReady=*/true);
}

void TamServer::SendUpdate(uint64_t requestId, uint64_t sessionId, const Bytes& arBytes)
{
    Session& s = m_sessions.at(sessionId);
    const Device* dev = &m_devices[s.deviceIndex];
    // Check the AR as a relying party would: signed by the Verifier, cnf = this device's key.
    auto ar = eat::VerifyAttestationResult(arBytes, m_verifierKeys, cbor::ByteView(dev->kid));
    if (!ar.ok())
    {
        NS_LOG_INFO("device " << s.deviceId
                              << ": attestation result rejected: " << ar.failure().ToString());
        Respond(requestId, 502, {}, s.deviceId, TeepMessageType::Unknown);
        EndSession(sessionId, SessionOutcome::AttestationFailed);
        return;
    }
    // Built in place in the message variant (SignTeep takes a Message: the envelopes and the AR
    // are not copied once more).
    teep::Message m{std::in_place_type<teep::Update>};
    teep::Update& u = std::get<teep::Update>(m);
    std::vector<Bytes> install;
    for (const std::string& ta : DesiredFor(*dev))
    {
        if (m_malicious.count(ta) || std::count(s.installed.begin(), s.installed.end(), ta))
        {
            continue;
        }
        const TaEntry* e = m_catalog->Find(ta);
        NS_ABORT_MSG_IF(!e, "TamServer: desired TA " << ta << " is not in the catalog");
        if (e->personalizationSize == 0)
        {
            install.push_back(e->envelope);
            continue;
        }
        // Per-device envelope, data encrypted to this device only; built now, never cached.
        NS_ABORT_MSG_IF(!dev->encryptionKey.valid(),
                        "TamServer: TA " << ta << " is personalized but device " << dev->id
                                         << " has no encryption key (SetDeviceEncryptionKey)");
        install.push_back(m_catalog->BuildPersonalizedEnvelope(*e, dev->id, dev->encryptionKey));
    }
    std::vector<suit::ComponentId> unneeded;
    for (const std::string& ta : s.installed)
    {
        if (m_malicious.count(ta))
        {
            const TaEntry* e = m_catalog->Find(ta);
            unneeded.push_back(e ? e->manifestComponentId : TaCatalog::ComponentIdFor(ta));
        }
    }
    if (!install.empty())
    {
        u.manifestList = std::move(install);
    }
    s.removal = !unneeded.empty();
    if (!unneeded.empty())
    {
        u.unneededManifestList = std::move(unneeded);
    }
    // Pass the AR back: every successful session refreshes the device's AR.
    u.attestationPayloadFormat = kResultFormat;
    u.attestationPayload = arBytes;
    SetToken(sessionId, s);
    u.token = TokenBytesOf(s.token);
    s.stage = Stage::AwaitSuccess;
    Respond(requestId, 200, SignTeep(m), s.deviceId, TeepMessageType::Update);
}

void TamServer::EndSession(uint64_t sessionId, SessionOutcome outcome)
{
    auto it = m_sessions.find(sessionId);
    if (it == m_sessions.end())
    {
        return;
    }
    Session& s = it->second;
    if (s.timeout.IsRunning())
    {
        // Removed, not cancelled: a cancelled event still costs a scheduler pop at its time,
        // one event per session for a timeout that almost never fires.
        Simulator::Remove(s.timeout);
    }
    if (s.hasToken)
    {
        m_sessionByToken.erase(s.token);
    }
    const uint32_t dev = s.deviceId;
    m_sessions.erase(it);
    if (outcome == SessionOutcome::Success)
    {
        ++m_sessionsCompleted;
    }
    m_sessionEndTrace(dev, outcome);
}

} // namespace ns3
