#include "teepsim/verifier.h"

#include "teepsim/codec/cose.h"
#include "teepsim/codec/eat.h"
#include "teepsim/codec/eat_parsed.h"
#include "teepsim/http-framing.h"

#include "ns3/enum.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-address.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <cmath>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TeepVerifier");
NS_OBJECT_ENSURE_REGISTERED(Verifier);

using teepsim::cbor::Bytes;
namespace cbor = teepsim::cbor;
namespace cose = teepsim::cose;
namespace crypto = teepsim::crypto;
namespace eat = teepsim::eat;

TypeId Verifier::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::teepsim::Verifier")
            .SetParent<Application>()
            .SetGroupName("Teep")
            .AddConstructor<Verifier>()
            .AddAttribute("Port", "Port the appraisal service listens on.", UintegerValue(8081),
                          MakeUintegerAccessor(&Verifier::m_port), MakeUintegerChecker<uint16_t>())
            .AddAttribute("KeySeed", "Seed of the Verifier's signing key.", UintegerValue(1),
                          MakeUintegerAccessor(&Verifier::m_keySeed),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute(
                "Suite", "Signature algorithm of attestation results.",
                EnumValue(TEEP_SUITE_ED25519), MakeEnumAccessor(&Verifier::m_suite),
                MakeEnumChecker(TEEP_SUITE_ED25519, "Ed25519", TEEP_SUITE_ESP256, "ESP256"))
            .AddAttribute("ArValidity",
                          "Validity V of an attestation result (exp = iat + V; "
                          "whole seconds on the wire).",
                          TimeValue(Hours(24)), MakeTimeAccessor(&Verifier::m_validity),
                          MakeTimeChecker(Seconds(1)))
            .AddAttribute("EpochDuration",
                          "Epoch duration E of the epoch feed (epoch k = [kE, (k+1)E)); > 0: "
                          "results carry the epoch ID at appraisal in eat_nonce. 0: the "
                          "challenge (timestamp or nonce freshness).",
                          TimeValue(Time(0)), MakeTimeAccessor(&Verifier::m_epochDuration),
                          MakeTimeChecker(Time(0)))
            .AddTraceSource("ArEpoch",
                            "A signed result carrying an epoch ID was issued (device, EAR "
                            "status, epoch).",
                            MakeTraceSourceAccessor(&Verifier::m_arEpochTrace),
                            "ns3::TeepArEpochTracedCallback")
            .AddTraceSource("ArIssued", "A signed attestation result was issued.",
                            MakeTraceSourceAccessor(&Verifier::m_arIssuedTrace),
                            "ns3::TeepArTracedCallback")
            .AddTraceSource("PolicyUpdate", "The Verifier learned that a TA is malicious.",
                            MakeTraceSourceAccessor(&Verifier::m_policyTrace),
                            "ns3::TeepPolicyTracedCallback")
            .AddTraceSource("Rejected", "Evidence failed appraisal (no result issued).",
                            MakeTraceSourceAccessor(&Verifier::m_rejectedTrace),
                            "ns3::TeepRejectTracedCallback");
    return tid;
}

Verifier::Verifier()
    : m_port(8081), m_keySeed(1), m_suite(TEEP_SUITE_ED25519), m_validity(Hours(24)),
      m_epochDuration(0)
{
}

Verifier::~Verifier() = default;

void Verifier::DoDispose()
{
    if (m_server)
    {
        m_server->Stop();
    }
    m_server = nullptr;
    m_catalog = nullptr;
    Application::DoDispose();
}

void Verifier::SetServerTransport(Ptr<TeepServerTransport> t)
{
    m_server = t;
}

void Verifier::SetCatalog(Ptr<TaCatalog> catalog)
{
    m_catalog = catalog;
}

const crypto::Key& Verifier::GetKey() const
{
    if (!m_key.valid())
    {
        m_key = DeriveTeepKey(m_suite, "verifier", 0, m_keySeed);
    }
    return m_key;
}

crypto::Alg Verifier::GetAlg() const
{
    return AlgOf(m_suite);
}

void Verifier::RegisterDevice(uint32_t deviceId, const crypto::Key& devicePublic, const Bytes& ueid)
{
    const std::optional<KidKey> kid = KidKeyOf(devicePublic.Thumbprint());
    NS_ABORT_MSG_IF(!kid, "Verifier::RegisterDevice: device " << deviceId << " key has a "
                                                              << devicePublic.Thumbprint().size()
                                                              << "-byte thumbprint, not 32");
    m_deviceByKid[*kid] = Device{deviceId, devicePublic, ueid};
}

void Verifier::DeclareMalicious(const std::string& ta)
{
    const TaEntry* e = m_catalog ? m_catalog->Find(ta) : nullptr;
    NS_ABORT_MSG_IF(!e, "Verifier::DeclareMalicious: unknown TA " << ta);
    m_knownBad.insert(e->manifestDigest);
    NS_LOG_INFO("Verifier learned " << ta << " is malicious");
    m_policyTrace(ta, true);
}

void Verifier::StartApplication()
{
    NS_ABORT_MSG_IF(!m_server, "Verifier needs a TeepServerTransport");
    m_server->Listen(GetNode(), InetSocketAddress(Ipv4Address::GetAny(), m_port),
                     MakeCallback(&Verifier::OnRequest, this));
}

void Verifier::StopApplication()
{
    if (m_server)
    {
        m_server->Stop();
    }
}

std::string Verifier::AppraisePath(cbor::ByteView challenge)
{
    static constexpr char kHex[] = "0123456789abcdef";
    std::string path = "/appraise?nonce=";
    path.reserve(path.size() + 2 * challenge.size());
    for (uint8_t b : challenge)
    {
        path += kHex[b >> 4];
        path += kHex[b & 0xf];
    }
    return path;
}

std::optional<Bytes> Verifier::ChallengeOf(const std::string& path)
{
    static constexpr std::string_view kPrefix = "/appraise?nonce=";
    if (path.compare(0, kPrefix.size(), kPrefix) != 0 || (path.size() - kPrefix.size()) % 2 != 0)
    {
        return std::nullopt;
    }
    auto nibble = [](char c) -> int {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    };
    Bytes out;
    for (size_t i = kPrefix.size(); i < path.size(); i += 2)
    {
        const int hi = nibble(path[i]);
        const int lo = nibble(path[i + 1]);
        if (hi < 0 || lo < 0)
        {
            return std::nullopt;
        }
        out.push_back(static_cast<uint8_t>(hi << 4 | lo));
    }
    return out;
}

void Verifier::OnRequest(uint64_t requestId, uint64_t, const TeepHttpRequest& req)
{
    // POST /appraise?nonce=<challenge>, body = the evidence (an EAT in CWT form, RFC 9782).
    TeepHttpResponse rsp;
    const std::optional<Bytes> challenge = ChallengeOf(req.path);
    if (!teepsim::http::SameMediaType(req.contentType, teepsim::http::kEatCwtMediaType))
    {
        m_rejectedTrace(kUnknownDevice, RejectReason::Malformed, 0);
        rsp.status = 415; // TEEP over HTTP / RFC 9110: not a media type this service reads
    }
    else if (!challenge || req.body.empty())
    {
        m_rejectedTrace(kUnknownDevice, RejectReason::Malformed, 0);
        rsp.status = 400;
    }
    else
    {
        std::vector<uint8_t> ar = Appraise(req.body, *challenge);
        if (!ar.empty())
        {
            rsp.status = 200;
            rsp.contentType = teepsim::http::kEarMediaType;
            rsp.body = std::move(ar);
        }
        else
        {
            rsp.status = 403;
        }
    }
    m_server->RespondOwned(requestId, std::move(rsp));
}

std::vector<uint8_t> Verifier::Appraise(const std::vector<uint8_t>& evidence,
                                        const Bytes& challenge)
{
    // Find the device by kid first: trying every enrolled key would cost O(fleet) per call. The
    // usual COSE_Sign1 is read in place and its evidence verified in place; anything else takes
    // the general parse, whose result VerifyEvidence then takes (same verdicts: codec tests).
    teepsim::cose::Sign1View view;
    const bool inPlace = teepsim::cose::ParseSign1View(evidence, view);
    std::optional<teepsim::cbor::Result<teepsim::cose::SignedMessage>> parsed;
    std::optional<KidKey> key;
    if (inPlace)
    {
        key = view.kid ? KidKeyOf(*view.kid) : std::nullopt;
    }
    else
    {
        parsed.emplace(teepsim::cose::ParseSigned(evidence));
        std::optional<Bytes> kid;
        if (parsed->ok() && !(*parsed)->signatures.empty())
        {
            kid = (*parsed)->signatures[0].kid();
        }
        key = kid ? KidKeyOf(*kid) : std::nullopt;
    }
    auto dev = key ? m_deviceByKid.find(*key) : m_deviceByKid.end();
    if (dev == m_deviceByKid.end())
    {
        NS_LOG_INFO("evidence from an unknown key");
        const bool wellFormed = inPlace || parsed->ok();
        m_rejectedTrace(kUnknownDevice,
                        wellFormed ? RejectReason::UnknownKey : RejectReason::Malformed, 0);
        return {};
    }
    const Device& d = dev->second;
    m_oneKey.assign(1, d.key); // reused: no vector per appraisal
    auto ev = inPlace ? eat::VerifyEvidence(teepsim::cbor::ByteView(evidence), m_oneKey, challenge)
                      : eat::VerifyEvidence(std::move(parsed->value()), m_oneKey, challenge);
    if (!ev.ok())
    {
        NS_LOG_INFO("device " << d.id << ": evidence rejected: " << ev.failure().ToString());
        const RejectReason r = ev.failure().error == eat::EatError::BadSignature
                                   ? RejectReason::BadSignature
                                   : RejectReason::BadEvidence;
        m_rejectedTrace(d.id, r, 0);
        return {};
    }
    const eat::Evidence& e = ev->evidence;
    if (e.ueid != d.ueid)
    {
        m_rejectedTrace(d.id, RejectReason::BadEvidence, 0);
        return {};
    }
    // Affirming only when every installed TC is known-good (in the catalog, not known-bad).
    eat::ArStatus status = eat::ArStatus::Affirming;
    for (const eat::InstalledTc& tc : e.manifests)
    {
        const bool bad = !m_knownBad.empty() && m_knownBad.count(tc.digest) != 0;
        const bool known = m_catalog && m_catalog->FindByDigest(tc.digest) != nullptr;
        if (bad || !known)
        {
            status = eat::ArStatus::Contraindicated;
            break;
        }
    }
    eat::AttestationResult ar;
    ar.iat = static_cast<int64_t>(std::floor(Simulator::Now().GetSeconds()));
    ar.exp = ar.iat + static_cast<int64_t>(std::llround(m_validity.GetSeconds()));
    ar.status = status;
    ar.cnfKid = e.cnfKid;
    ar.nonce = challenge;
    std::optional<uint64_t> epoch;
    if (m_epochDuration > Time(0))
    {
        // RFC 9334 §10.3: the epoch ID takes the place of the nonce in the result.
        epoch = EpochFeed(m_epochDuration, 1).EpochAt(Simulator::Now());
        ar.nonce = EpochFeed::Encode(*epoch);
    }
    ar.verifierBuild = "teepsim-0.1";
    Bytes out = eat::SignAttestationResult(ar, {GetAlg(), GetKey(), true});
    ++m_issued;
    m_arIssuedTrace(d.id, static_cast<AttestationStatus>(status), Seconds(ar.iat), Seconds(ar.exp));
    if (epoch)
    {
        m_arEpochTrace(d.id, static_cast<AttestationStatus>(status), *epoch);
    }
    return out;
}

} // namespace ns3
