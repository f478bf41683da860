// Execution-time TA authorization: the signed status statement, the status service and the
// TEE's gate (include/teepsim/authorization-status.h, docs/THEORY-AUTHORIZATION.md).
#include "teepsim/authorization-status.h"

#include "teepsim/codec/cose.h"
#include "teepsim/http-framing.h"

#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-address.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <cmath>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TaAuthorization");
NS_OBJECT_ENSURE_REGISTERED(TaStatusService);
NS_OBJECT_ENSURE_REGISTERED(TaAuthorizationGate);

namespace cbor = teepsim::cbor;
namespace cose = teepsim::cose;
namespace crypto = teepsim::crypto;

namespace
{
// CWT claim keys (RFC 8392) and private-use claims of this statement (negative: never clash
// with registered ones).
constexpr int64_t kIss = 1;
constexpr int64_t kExp = 4;
constexpr int64_t kIat = 6;
constexpr int64_t kTa = -70001;
constexpr int64_t kSigner = -70002;
constexpr int64_t kStatus = -70003; // 0 good, 1 revoked
constexpr const char* kIssuer = "teepsim-ta-status";
constexpr const char* kPathPrefix = "/ta-status?ta=";
} // namespace

std::vector<uint8_t> BuildTaStatus(const TaStatusClaims& c, crypto::Alg alg, const crypto::Key& key)
{
    cbor::Value claims = cbor::Value::MakeMap();
    claims.set(kIss, cbor::Value::Tstr(kIssuer));
    claims.set(kExp, cbor::Value::Int(c.exp));
    claims.set(kIat, cbor::Value::Int(c.iat));
    claims.set(kTa, cbor::Value::Tstr(c.ta));
    claims.set(kSigner, cbor::Value::Bstr(c.signerKid));
    claims.set(kStatus, cbor::Value::Uint(c.good ? 0 : 1));
    return cose::Sign1({alg, key, true}, cbor::Encode(claims));
}

std::optional<TaStatusClaims> VerifyTaStatus(const std::vector<uint8_t>& bytes,
                                             const crypto::Key& issuer)
{
    auto parsed = cose::ParseSigned(bytes);
    if (!parsed.ok() || parsed->multi || !parsed->payload)
    {
        return std::nullopt;
    }
    if (!cose::Verify(*parsed, {issuer}).ok())
    {
        return std::nullopt;
    }
    auto claims = cbor::Decode(*parsed->payload);
    if (!claims.ok() || !claims->isMap())
    {
        return std::nullopt;
    }
    const cbor::Value* iss = claims->find(kIss);
    const cbor::Value* exp = claims->find(kExp);
    const cbor::Value* iat = claims->find(kIat);
    const cbor::Value* ta = claims->find(kTa);
    const cbor::Value* signer = claims->find(kSigner);
    const cbor::Value* status = claims->find(kStatus);
    if (!iss || !iss->isTstr() || iss->text() != kIssuer || !exp || !exp->asInt64() || !iat ||
        !iat->asInt64() || !ta || !ta->isTstr() || !signer || !signer->isBstr() || !status ||
        !status->isUint() || status->rawUint() > 1)
    {
        return std::nullopt;
    }
    TaStatusClaims c;
    c.ta = ta->text();
    c.signerKid = signer->bytes();
    c.good = status->rawUint() == 0;
    c.iat = *iat->asInt64();
    c.exp = *exp->asInt64();
    return c;
}

// ---- TaStatusService ----

TypeId TaStatusService::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::teepsim::TaStatusService")
            .SetParent<Application>()
            .SetGroupName("Teep")
            .AddConstructor<TaStatusService>()
            .AddAttribute("Port", "Port the status service listens on.", UintegerValue(8082),
                          MakeUintegerAccessor(&TaStatusService::m_port),
                          MakeUintegerChecker<uint16_t>())
            .AddAttribute("KeySeed", "Seed of the service's signing key.", UintegerValue(1),
                          MakeUintegerAccessor(&TaStatusService::m_keySeed),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute(
                "Suite", "Signature algorithm of the statements.", EnumValue(TEEP_SUITE_ESP256),
                MakeEnumAccessor(&TaStatusService::m_suite),
                MakeEnumChecker(TEEP_SUITE_ED25519, "Ed25519", TEEP_SUITE_ESP256, "ESP256"))
            .AddAttribute(
                "StatusValidity",
                "V_a: a good status authorizes execution until iat + V_a (whole "
                "seconds on the wire; the scenario key fleet.<class>.tee.status_validity).",
                TimeValue(Hours(1)), MakeTimeAccessor(&TaStatusService::m_validity),
                MakeTimeChecker(Seconds(1)))
            .AddTraceSource("StatusIssued",
                            "A signed status statement was issued (ta, good, "
                            "iat, exp).",
                            MakeTraceSourceAccessor(&TaStatusService::m_issuedTrace),
                            "ns3::TaStatusService::IssuedTracedCallback");
    return tid;
}

TaStatusService::TaStatusService() : m_port(8082), m_keySeed(1), m_suite(TEEP_SUITE_ESP256)
{
    m_validity = Hours(1);
}

TaStatusService::~TaStatusService() = default;

void TaStatusService::DoDispose()
{
    if (m_server)
    {
        m_server->Stop();
    }
    m_server = nullptr;
    Application::DoDispose();
}

void TaStatusService::SetServerTransport(Ptr<TeepServerTransport> t)
{
    m_server = t;
}

void TaStatusService::Revoke(const std::string& ta)
{
    m_revoked.insert(ta);
    NS_LOG_INFO("status service revokes " << ta);
}

const crypto::Key& TaStatusService::GetKey() const
{
    if (!m_key.valid())
    {
        m_key = DeriveTeepKey(m_suite, "ta-status", 0, m_keySeed);
    }
    return m_key;
}

crypto::Alg TaStatusService::GetAlg() const
{
    return AlgOf(m_suite);
}

std::string TaStatusService::PathFor(const std::string& ta)
{
    return kPathPrefix + ta;
}

void TaStatusService::StartApplication()
{
    NS_ABORT_MSG_IF(!m_server, "TaStatusService needs a TeepServerTransport");
    m_server->Listen(GetNode(), InetSocketAddress(Ipv4Address::GetAny(), m_port),
                     MakeCallback(&TaStatusService::OnRequest, this));
}

void TaStatusService::StopApplication()
{
    if (m_server)
    {
        m_server->Stop();
    }
}

void TaStatusService::OnRequest(uint64_t requestId, uint64_t, const TeepHttpRequest& req)
{
    TeepHttpResponse rsp;
    const std::string prefix = kPathPrefix;
    if (req.path.compare(0, prefix.size(), prefix) != 0 || req.path.size() == prefix.size())
    {
        rsp.status = 404;
        m_server->Respond(requestId, rsp);
        return;
    }
    TaStatusClaims c;
    c.ta = req.path.substr(prefix.size());
    c.signerKid = m_signerKid;
    c.good = m_revoked.count(c.ta) == 0;
    // Whole seconds, like the Verifier's ARs (CWT NumericDate).
    c.iat = static_cast<int64_t>(std::floor(Simulator::Now().GetSeconds()));
    c.exp = c.iat + static_cast<int64_t>(std::llround(m_validity.GetSeconds()));
    rsp.status = 200;
    rsp.contentType = kTaStatusMediaType;
    rsp.body = BuildTaStatus(c, GetAlg(), GetKey());
    ++m_issued;
    m_issuedTrace(c.ta, c.good, Seconds(c.iat), Seconds(c.exp));
    m_server->Respond(requestId, rsp);
}

// ---- TaAuthorizationGate ----

TypeId TaAuthorizationGate::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::teepsim::TaAuthorizationGate")
            .SetParent<Application>()
            .SetGroupName("Teep")
            .AddConstructor<TaAuthorizationGate>()
            .AddAttribute("DeviceId", "Device id reported in the traces.", UintegerValue(0),
                          MakeUintegerAccessor(&TaAuthorizationGate::m_deviceId),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("RefreshInterval",
                          "R_a: mean time between status refreshes (scenario key "
                          "fleet.<class>.tee.status_refresh).",
                          TimeValue(Minutes(30)),
                          MakeTimeAccessor(&TaAuthorizationGate::m_interval),
                          MakeTimeChecker(NanoSeconds(1)))
            .AddAttribute("Jitter",
                          "j: refresh intervals ~ U[R_a(1-j), R_a(1+j)]; 0 = every R_a exactly.",
                          DoubleValue(0), MakeDoubleAccessor(&TaAuthorizationGate::m_jitter),
                          MakeDoubleChecker<double>(0, 1))
            .AddTraceSource("StatusChanged",
                            "The gate's authorization of a TA changed: (device, ta, good, "
                            "validUntil); revoked: good = false, validUntil = now.",
                            MakeTraceSourceAccessor(&TaAuthorizationGate::m_changedTrace),
                            "ns3::TaAuthorizationGate::ChangedTracedCallback")
            .AddTraceSource("RefreshFailed",
                            "A status refresh got no valid statement (lost, refused, bad "
                            "signature): it extends nothing.",
                            MakeTraceSourceAccessor(&TaAuthorizationGate::m_failedTrace),
                            "ns3::TaAuthorizationGate::FailedTracedCallback");
    return tid;
}

TaAuthorizationGate::TaAuthorizationGate()
    : m_deviceId(0), m_interval(Minutes(30)), m_jitter(0),
      m_rng(CreateObject<UniformRandomVariable>())
{
}

TaAuthorizationGate::~TaAuthorizationGate() = default;

void TaAuthorizationGate::DoDispose()
{
    m_next.Cancel();
    m_transport = nullptr;
    m_rng = nullptr;
    Application::DoDispose();
}

int64_t TaAuthorizationGate::AssignStreams(int64_t stream)
{
    const int64_t transportStreams = m_transport ? m_transport->AssignStreams(stream) : 0;
    NS_ABORT_MSG_IF(transportStreams > kStreams - 1,
                    "TaAuthorizationGate::AssignStreams: the client transport uses "
                        << transportStreams << " streams, the gate reserves " << kStreams - 1);
    m_rng->SetStream(stream + kStreams - 1);
    return kStreams;
}

bool TaAuthorizationGate::IsAuthorized(const std::string& ta) const
{
    const auto it = m_state.find(ta);
    return it != m_state.end() && !it->second.revoked && Simulator::Now() < it->second.validUntil;
}

Time TaAuthorizationGate::GetValidUntil(const std::string& ta) const
{
    const auto it = m_state.find(ta);
    return it == m_state.end() ? Time(0) : it->second.validUntil;
}

void TaAuthorizationGate::StartApplication()
{
    NS_ABORT_MSG_IF(!m_transport, "TaAuthorizationGate needs a TeepClientTransport");
    m_schedule = PolicyCheckSchedule(m_jitter > 0 ? POLICY_CHECK_UNIFORM : POLICY_CHECK_FIXED,
                                     m_interval, m_jitter);
    // Stationary phase, as the policy-check timer: no fleet-wide refresh herd.
    m_next = Simulator::Schedule(m_schedule.EquilibriumResidual(m_rng),
                                 &TaAuthorizationGate::Refresh, this);
}

void TaAuthorizationGate::StopApplication()
{
    m_next.Cancel();
}

void TaAuthorizationGate::Refresh()
{
    m_next =
        Simulator::Schedule(m_schedule.NextInterval(m_rng), &TaAuthorizationGate::Refresh, this);
    FetchNext(0);
}

void TaAuthorizationGate::FetchNext(size_t index)
{
    if (index >= m_tas.size())
    {
        m_transport->CloseSession();
        return;
    }
    TeepHttpRequest req;
    req.path = TaStatusService::PathFor(m_tas[index]);
    req.contentType.clear(); // a bodiless POST, like the session-opening one
    req.accept = kTaStatusMediaType;
    m_transport->Post(m_server, req,
                      MakeCallback(&TaAuthorizationGate::OnResponse, this).Bind(index));
}

void TaAuthorizationGate::OnResponse(size_t index, const TeepHttpResponse& rsp)
{
    const std::string& ta = m_tas[index];
    std::optional<TaStatusClaims> claims;
    if (rsp.status == 200)
    {
        claims = VerifyTaStatus(rsp.body, m_issuer);
    }
    if (!claims || claims->ta != ta)
    {
        NS_LOG_INFO("device " << m_deviceId << ": status refresh for " << ta << " failed ("
                              << rsp.status << ")");
        m_failedTrace(m_deviceId, ta);
    }
    else
    {
        State& st = m_state[ta];
        if (claims->good)
        {
            // A statement never shortens an authorization already held (it may arrive out of
            // order, or be replayed): the latest expiry wins.
            const Time exp = Seconds(claims->exp);
            if (!st.revoked && exp > st.validUntil)
            {
                st.validUntil = exp;
                m_changedTrace(m_deviceId, ta, true, st.validUntil);
            }
        }
        else if (!st.revoked)
        {
            st.revoked = true;
            st.validUntil = std::min(st.validUntil, Simulator::Now());
            m_changedTrace(m_deviceId, ta, false, st.validUntil);
        }
    }
    FetchNext(index + 1);
}

} // namespace ns3
