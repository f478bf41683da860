#include "teepsim/teep-agent.h"

#include "teepsim/codec/eat.h"
#include "teepsim/codec/teep_signed.h"

#include "ns3/address.h"
#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>

#include "teep-wire.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TeepAgent");
NS_OBJECT_ENSURE_REGISTERED(TeepAgent);

using teepsim::cbor::Bytes;
namespace crypto = teepsim::crypto;
namespace eat = teepsim::eat;
namespace suit = teepsim::suit;
namespace teep = teepsim::teep;

namespace
{
using teepwire::TraceType;
using teepwire::Wire;

uint32_t WireCode(teep::ErrorCode c)
{
    return static_cast<uint32_t>(Wire().WireErrorCode(c));
}

const char* const kEvidenceFormat = "application/eat+cwt; eat_profile=\"urn:ietf:rfc:rfcXXXX\"";

/// NumericDate of the simulation clock (whole seconds, as CWT iat/exp are on the wire).
int64_t NowSeconds()
{
    return static_cast<int64_t>(std::floor(Simulator::Now().GetSeconds()));
}
} // namespace

const char* ToString(AgentVerdict v)
{
    switch (v)
    {
        case AgentVerdict::Accepted:
            return "accepted";
        case AgentVerdict::Rejected:
            return "rejected";
        case AgentVerdict::TamError:
            return "tam-error";
    }
    return "?";
}

TypeId TeepAgent::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::teepsim::TeepAgent")
            .SetParent<Object>()
            .SetGroupName("Teep")
            .AddConstructor<TeepAgent>()
            .AddAttribute("DeviceId", "Device id carried by every trace event and in the ueid.",
                          UintegerValue(0), MakeUintegerAccessor(&TeepAgent::m_deviceId),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("KeySeed", "Seed of the device's TEEP signing key (with DeviceId).",
                          UintegerValue(1), MakeUintegerAccessor(&TeepAgent::m_keySeed),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute(
                "Suite", "TEEP cipher suite of the Agent's signatures.",
                EnumValue(TEEP_SUITE_ED25519), MakeEnumAccessor(&TeepAgent::m_suite),
                MakeEnumChecker(TEEP_SUITE_ED25519, "Ed25519", TEEP_SUITE_ESP256, "ESP256"))
            .AddAttribute(
                "TamAddress", "Where the TAM listens (passed back by RequestPolicyCheck).",
                AddressValue(), MakeAddressAccessor(&TeepAgent::m_tamAddress), MakeAddressChecker())
            .AddAttribute("TamUri", "TAM URI (the HTTP request path).", StringValue("/tam"),
                          MakeStringAccessor(&TeepAgent::m_tamUri), MakeStringChecker())
            .AddAttribute("ReplayWindow", "How many consumed TAM tokens are remembered.",
                          UintegerValue(64), MakeUintegerAccessor(&TeepAgent::m_replayWindow),
                          MakeUintegerChecker<uint32_t>(1))
            .AddTraceSource("MessageReceived", "A TEEP message handed to the Agent.",
                            MakeTraceSourceAccessor(&TeepAgent::m_msgReceivedTrace),
                            "ns3::TeepMessageTracedCallback")
            .AddTraceSource("MessageSent", "A TEEP message the Agent answered with.",
                            MakeTraceSourceAccessor(&TeepAgent::m_msgSentTrace),
                            "ns3::TeepMessageTracedCallback")
            .AddTraceSource("TaInstalled", "A TA was installed by the SUIT procedure.",
                            MakeTraceSourceAccessor(&TeepAgent::m_taInstalledTrace),
                            "ns3::TeepTaTracedCallback")
            .AddTraceSource("TaRemoved", "A TA was unlinked (unneeded-manifest-list).",
                            MakeTraceSourceAccessor(&TeepAgent::m_taRemovedTrace),
                            "ns3::TeepTaTracedCallback")
            .AddTraceSource("ArReceived", "A verified attestation result was stored.",
                            MakeTraceSourceAccessor(&TeepAgent::m_arReceivedTrace),
                            "ns3::TeepArTracedCallback")
            .AddTraceSource("Rejected", "A message was rejected and answered with an Error.",
                            MakeTraceSourceAccessor(&TeepAgent::m_rejectedTrace),
                            "ns3::TeepRejectTracedCallback");
    return tid;
}

TeepAgent::TeepAgent()
    : m_deviceId(0), m_keySeed(1), m_suite(TEEP_SUITE_ED25519), m_tamUri("/tam"), m_replayWindow(64)
{
}

TeepAgent::~TeepAgent() = default;

void TeepAgent::DoDispose()
{
    m_inventory.clear();
    m_seenTokens.clear();
    m_seenCount = 0;
    m_answeredToken.reset();
    Object::DoDispose();
}

void TeepAgent::EnsureKey() const
{
    if (!m_key.valid())
    {
        m_key = DeriveTeepKey(m_suite, "agent", m_deviceId, m_keySeed);
    }
}

const crypto::Key& TeepAgent::GetKey() const
{
    EnsureKey();
    return m_key;
}

const Bytes& TeepAgent::GetKid() const
{
    EnsureKey();
    return m_key.Thumbprint();
}

const crypto::Key& TeepAgent::GetEncryptionKey() const
{
    if (!m_encryptionKey.valid())
    {
        m_encryptionKey = DeriveTeepKey(TEEP_SUITE_ESP256, "agent-kek", m_deviceId, m_keySeed,
                                        TeepKeyUse::KeyAgreement);
    }
    return m_encryptionKey;
}

crypto::Alg TeepAgent::GetAlg() const
{
    return AlgOf(m_suite);
}

Bytes TeepAgent::GetUeid() const
{
    // RAND ueid type (0x01) followed by the device id: 7..33 bytes as RFC 9711 requires.
    Bytes u = {0x01, 't', 'e', 'e', 'p', 's', 'i', 'm'};
    for (int i = 3; i >= 0; --i)
    {
        u.push_back(static_cast<uint8_t>(m_deviceId >> (8 * i)));
    }
    return u;
}

void TeepAgent::SetTamKey(const crypto::Key& k)
{
    m_tamKeys = {k};
}

void TeepAgent::SetVerifierKey(const crypto::Key& k)
{
    m_verifierKeys = {k};
}

void TeepAgent::SetTaSignerKey(const crypto::Key& k)
{
    m_taSignerKeys = {k};
}

bool TeepAgent::HasTa(const std::string& name) const
{
    return std::any_of(m_inventory.begin(), m_inventory.end(),
                       [&](const InstalledTc& t) { return t.info->name == name; });
}

const Bytes* TeepAgent::GetPersonalization(const std::string& name) const
{
    auto it = std::find_if(m_inventory.begin(), m_inventory.end(),
                           [&](const InstalledTc& t) { return t.info->name == name; });
    return it == m_inventory.end() ? nullptr : &it->personalization;
}

std::optional<TamContact> TeepAgent::RequestPolicyCheck()
{
    if (m_tamAddress.IsInvalid())
    {
        return std::nullopt;
    }
    return TamContact{m_tamAddress, m_tamUri};
}

void TeepAgent::ProcessError()
{
    ++m_processErrors;
    NS_LOG_INFO("device " << m_deviceId << ": ProcessError");
}

namespace
{
/// Reads the LEB128 length at `pos` of a token log and moves `pos` past it.
size_t TokenLength(const std::vector<uint8_t>& log, size_t& pos)
{
    size_t n = 0;
    for (unsigned shift = 0;; shift += 7)
    {
        const uint8_t b = log[pos++];
        n |= static_cast<size_t>(b & 0x7f) << shift;
        if ((b & 0x80) == 0)
        {
            return n;
        }
    }
}
} // namespace

bool TeepAgent::TokenSeen(const Bytes& token) const
{
    for (size_t pos = 0; pos < m_seenTokens.size();)
    {
        const size_t n = TokenLength(m_seenTokens, pos);
        if (n == token.size() && std::equal(token.begin(), token.end(), m_seenTokens.begin() + pos))
        {
            return true;
        }
        pos += n;
    }
    return false;
}

void TeepAgent::RememberToken(const Bytes& token)
{
    for (size_t n = token.size();; n >>= 7)
    {
        m_seenTokens.push_back(static_cast<uint8_t>((n & 0x7f) | (n > 0x7f ? 0x80 : 0)));
        if (n <= 0x7f)
        {
            break;
        }
    }
    m_seenTokens.insert(m_seenTokens.end(), token.begin(), token.end());
    ++m_seenCount;
    // Forget the oldest beyond the window (one erase for however many go).
    size_t drop = 0;
    for (; m_seenCount > m_replayWindow; --m_seenCount)
    {
        const size_t n = TokenLength(m_seenTokens, drop); // drop is now past the length
        drop += n;
    }
    if (drop != 0)
    {
        m_seenTokens.erase(m_seenTokens.begin(),
                           m_seenTokens.begin() + static_cast<std::ptrdiff_t>(drop));
    }
}

AgentReply TeepAgent::ProcessTeepMessage(const std::vector<uint8_t>& msg)
{
    auto verified = teep::DecodeVerified(msg, Wire(), m_tamKeys);
    if (!verified.ok())
    {
        const teep::Failure& f = verified.failure();
        m_msgReceivedTrace(m_deviceId, TeepMessageType::Unknown, msg.size());
        const RejectReason r = f.kind == teep::Failure::Kind::Authentication
                                   ? RejectReason::BadSignature
                                   : RejectReason::Malformed;
        // The token of an unverified message cannot be trusted: the Error carries none.
        return Reject(r, WireCode(f.code), f.ToString(), std::nullopt);
    }
    if (verified->kid != m_tamKeys[verified->keyIndex].Thumbprint())
    {
        // The kid sits in the unprotected header, outside the signature. The TAM always names
        // its key, so a kid that is changed or missing (a flipped map label drops it) means
        // the message was altered in transit: reject it rather than take unsigned bytes.
        m_msgReceivedTrace(m_deviceId, TeepMessageType::Unknown, msg.size());
        return Reject(RejectReason::BadSignature, WireCode(teep::ErrorCode::BadCertificate),
                      verified->kid.empty() ? "no kid naming the TAM key"
                                            : "kid does not name the TAM key",
                      std::nullopt);
    }
    const teep::Message& m = verified->message;
    m_msgReceivedTrace(m_deviceId, TraceType(teep::TypeOf(m)), msg.size());
    const std::optional<Bytes>& token = teep::TokenOf(m);
    if (const auto* e = std::get_if<teep::Error>(&m))
    {
        // The TAM reports a problem (e.g. overloaded) instead of answering: its token, if any,
        // is the one of the message the Agent sent, so it is checked before the replay window.
        return TakeTamError(e->errCode, e->errMsg, token);
    }
    if (token && TokenSeen(*token))
    {
        return Reject(RejectReason::Replay, WireCode(teep::ErrorCode::PermanentError),
                      "token already used", token);
    }
    if (token)
    {
        RememberToken(*token);
    }
    if (const auto* q = std::get_if<teep::QueryRequest>(&m))
    {
        return HandleQueryRequest(*q);
    }
    if (const auto* u = std::get_if<teep::Update>(&m))
    {
        if (u->errCode)
        {
            // The TAM reports a problem with our QueryResponse: nothing to act on or answer.
            // Its (fresh) token passed the replay window above.
            return TakeTamError(*u->errCode, u->errMsg, std::nullopt);
        }
        return HandleUpdate(*u);
    }
    return Reject(RejectReason::UnexpectedType, WireCode(teep::ErrorCode::PermanentError),
                  std::string("unexpected ") + teep::ToString(teep::TypeOf(m)), token);
}

AgentReply TeepAgent::TakeTamError(teep::ErrorCode code, const std::optional<std::string>& why,
                                   const std::optional<Bytes>& token)
{
    if (token && token != m_answeredToken)
    {
        return Reject(RejectReason::TokenMismatch, WireCode(teep::ErrorCode::PermanentError),
                      "TAM error for a message the Agent did not send", std::nullopt);
    }
    m_answeredToken.reset(); // consumed: the same report is not taken twice
    ++m_tamErrors;
    NS_LOG_INFO("device " << m_deviceId << ": TAM reported " << teep::ToString(code)
                          << (why ? ": " + *why : std::string()));
    return AgentReply{AgentVerdict::TamError, std::nullopt, code, std::nullopt};
}

AgentReply TeepAgent::Answer(const teep::Message& m)
{
    m_answeredToken = teep::TokenOf(m);
    return AgentReply{AgentVerdict::Accepted, SignAndTrace(m), std::nullopt, std::nullopt};
}

AgentReply TeepAgent::Reject(RejectReason reason, uint32_t errCode, const std::string& why,
                             const std::optional<Bytes>& token)
{
    ++m_rejected;
    NS_LOG_INFO("device " << m_deviceId << ": rejected (" << ToString(reason) << "): " << why);
    m_rejectedTrace(m_deviceId, reason, errCode);
    teep::Error e;
    e.token = token;
    e.errMsg = why.substr(0, 128);
    if (e.errMsg->empty())
    {
        e.errMsg.reset();
    }
    e.errCode = Wire().ErrorCodeFromWire(errCode).value_or(teep::ErrorCode::PermanentError);
    if (e.errCode == teep::ErrorCode::UnsupportedCipherSuites)
    {
        e.supportedCipherSuites = std::vector<teep::CipherSuite>{teep::Sign1Suite(GetAlg())};
    }
    else if (e.errCode == teep::ErrorCode::UnsupportedFreshnessMechanisms)
    {
        e.supportedFreshnessMechanisms = std::vector<uint64_t>{teep::kFreshnessNonce};
    }
    else if (e.errCode == teep::ErrorCode::UnsupportedMsgVersion)
    {
        e.versions = std::vector<uint32_t>{0};
    }
    if (token)
    {
        m_answeredToken = token; // the Error answers that message
    }
    return AgentReply{AgentVerdict::Rejected, SignAndTrace(e), std::nullopt, reason};
}

std::vector<uint8_t> TeepAgent::SignAndTrace(const teep::Message& m)
{
    const std::vector<teepsim::cose::Signer> signers = {{GetAlg(), GetKey(), true}};
    Bytes out = teep::EncodeSigned(m, Wire(), signers);
    m_msgSentTrace(m_deviceId, TraceType(teep::TypeOf(m)), out.size());
    return out;
}

std::vector<uint8_t> TeepAgent::SignedEvidence(const Bytes& challenge) const
{
    eat::Evidence e;
    e.nonce = challenge;
    e.ueid = GetUeid();
    e.oemid = {0x00, 0x1b, 0x21}; // an IEEE OUI
    e.hwModel = {'t', 'e', 'e', 'p', 's', 'i', 'm', '-', 't', 'e', 'e'};
    e.hwVersion.version = "1.0";
    e.cnfKid = GetKid();
    e.iat = NowSeconds();
    e.manifests.reserve(m_inventory.size());
    for (const InstalledTc& tc : m_inventory)
    {
        eat::InstalledTc m;
        m.componentId = tc.info->componentId;
        m.sequenceNumber = tc.info->sequence;
        m.digest = tc.info->digest;
        e.manifests.push_back(std::move(m));
    }
    return eat::SignEvidence(e, {GetAlg(), GetKey(), true});
}

AgentReply TeepAgent::HandleQueryRequest(const teep::QueryRequest& q)
{
    const teep::CipherSuite mine = teep::Sign1Suite(GetAlg());
    if (std::find(q.supportedCipherSuites.begin(), q.supportedCipherSuites.end(), mine) ==
        q.supportedCipherSuites.end())
    {
        return Reject(RejectReason::Malformed, WireCode(teep::ErrorCode::UnsupportedCipherSuites),
                      "no common cipher suite", q.token);
    }
    teep::QueryResponse r;
    r.token = q.token;
    if (q.dataItemRequested & teep::kDataAttestation)
    {
        if (!q.challenge)
        {
            return Reject(RejectReason::Malformed,
                          WireCode(teep::ErrorCode::UnsupportedFreshnessMechanisms),
                          "attestation requested without a challenge", q.token);
        }
        r.attestationPayloadFormat = kEvidenceFormat;
        r.attestationPayload = SignedEvidence(*q.challenge);
    }
    // tc-list is [+ ...]: a device with nothing installed leaves it out.
    if ((q.dataItemRequested & teep::kDataTrustedComponents) && !m_inventory.empty())
    {
        std::vector<teep::TcInfo> list;
        list.reserve(m_inventory.size());
        for (const InstalledTc& tc : m_inventory)
        {
            teep::TcInfo i;
            i.componentId = tc.info->componentId;
            i.imageDigest = teepsim::cbor::Encode(
                suit::DigestToCbor(suit::Digest{suit::kDigestSha256, tc.info->digest}));
            i.manifestSequenceNumber = tc.info->sequence;
            list.push_back(std::move(i));
        }
        r.tcList = std::move(list);
    }
    return Answer(r);
}

AgentReply TeepAgent::HandleUpdate(const teep::Update& u)
{
    // Check the passed-back attestation result before acting on anything in the Update.
    std::optional<eat::AttestationResult> ar;
    if (u.attestationPayload)
    {
        auto v = eat::VerifyAttestationResult(*u.attestationPayload, m_verifierKeys, GetKid());
        if (!v.ok())
        {
            return Reject(RejectReason::BadSignature, WireCode(teep::ErrorCode::PermanentError),
                          "attestation result: " + v.failure().ToString(), u.token);
        }
        ar = v->result;
    }
    // Parse and verify every manifest before unlinking anything: a bad Update changes nothing.
    std::vector<suit::Envelope> envelopes;
    if (u.manifestList)
    {
        envelopes.reserve(u.manifestList->size());
        for (const Bytes& b : *u.manifestList)
        {
            auto env = suit::ParseEnvelope(b);
            if (!env.ok())
            {
                return Reject(RejectReason::BadManifest,
                              WireCode(teep::ErrorCode::ManifestProcessingFailed),
                              "SUIT envelope: " + env.error().ToString(), u.token);
            }
            auto vo = suit::VerifyEnvelope(*env, m_taSignerKeys);
            if (!vo.ok())
            {
                return Reject(
                    RejectReason::BadManifest, WireCode(teep::ErrorCode::ManifestProcessingFailed),
                    std::string("SUIT: ") + suit::ToString(vo.status) + " " + vo.reason, u.token);
            }
            envelopes.push_back(std::move(env.value()));
        }
    }
    if (ar)
    {
        m_ar = HeldAttestationResult{static_cast<AttestationStatus>(ar->status), Seconds(ar->iat),
                                     Seconds(ar->exp), *u.attestationPayload};
        m_arReceivedTrace(m_deviceId, m_ar->status, m_ar->iat, m_ar->exp);
    }
    // 1. Unlink everything in unneeded-manifest-list (entries we do not hold need no work).
    if (u.unneededManifestList)
    {
        for (const suit::ComponentId& id : *u.unneededManifestList)
        {
            auto it = std::find_if(m_inventory.begin(), m_inventory.end(),
                                   [&](const InstalledTc& t) {
                                       return t.info->manifestComponentId == id ||
                                              t.info->componentId == id;
                                   });
            if (it != m_inventory.end())
            {
                const InstalledTc gone = *it;
                m_inventory.erase(it);
                NS_LOG_INFO("device " << m_deviceId << ": removed " << gone.info->name);
                m_taRemovedTrace(m_deviceId, gone.info->name, gone.info->sequence);
            }
        }
    }
    // 2. The SUIT install procedure for each manifest (teep-agent-install.cc).
    for (const suit::Envelope& env : envelopes)
    {
        if (std::optional<std::string> failure = InstallEnvelope(env))
        {
            return Reject(RejectReason::BadManifest,
                          WireCode(teep::ErrorCode::ManifestProcessingFailed), *failure, u.token);
        }
    }
    teep::Success s;
    s.token = u.token;
    return Answer(s);
}

} // namespace ns3
