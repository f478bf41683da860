#include "teepsim/ta-catalog.h"

#include "ns3/abort.h"
#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/uinteger.h"

#include <mutex>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TaCatalog");
NS_OBJECT_ENSURE_REGISTERED(TaCatalog);

using teepsim::cbor::Bytes;
namespace crypto = teepsim::crypto;
namespace suit = teepsim::suit;

namespace
{
const Bytes kDevicePrefix = {'T', 'E', 'E', 'P', '-', 'D', 'e', 'v', 'i', 'c', 'e'};

Bytes FirstBytes(const std::string& label, size_t n)
{
    const Bytes h = crypto::Sha256(Bytes(label.begin(), label.end()));
    return Bytes(h.begin(), h.begin() + n);
}
} // namespace

TypeId TaCatalog::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::teepsim::TaCatalog")
            .SetParent<Object>()
            .SetGroupName("Teep")
            .AddConstructor<TaCatalog>()
            .AddAttribute("KeySeed", "Seed of the TA signer key (signs every SUIT manifest).",
                          UintegerValue(1), MakeUintegerAccessor(&TaCatalog::m_seed),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute(
                "Suite", "Signature algorithm of the SUIT manifests.",
                EnumValue(TEEP_SUITE_ED25519), MakeEnumAccessor(&TaCatalog::m_suite),
                MakeEnumChecker(TEEP_SUITE_ED25519, "Ed25519", TEEP_SUITE_ESP256, "ESP256"));
    return tid;
}

namespace
{
// Every live catalog, for FindPrepared (a handful at most: one per deployment).
std::mutex& LiveMutex()
{
    static std::mutex m;
    return m;
}

std::vector<const TaCatalog*>& Live()
{
    static std::vector<const TaCatalog*> live;
    return live;
}
} // namespace

TaCatalog::TaCatalog() : m_seed(1), m_suite(TEEP_SUITE_ED25519)
{
    std::lock_guard<std::mutex> lock(LiveMutex());
    Live().push_back(this);
}

TaCatalog::~TaCatalog()
{
    std::lock_guard<std::mutex> lock(LiveMutex());
    std::erase(Live(), this);
}

const PreparedEnvelope* TaCatalog::FindPrepared(teepsim::cbor::ByteView bytes)
{
    std::lock_guard<std::mutex> lock(LiveMutex());
    for (const TaCatalog* c : Live())
    {
        for (const TaEntry& e : c->m_entries)
        {
            if (e.envelope.data() == bytes.data() && e.envelope.size() == bytes.size())
            {
                return e.prepared.get();
            }
        }
    }
    return nullptr;
}

const PreparedEnvelope* TaCatalog::FindPrepared(const suit::Envelope& env)
{
    std::lock_guard<std::mutex> lock(LiveMutex());
    for (const TaCatalog* c : Live())
    {
        for (const TaEntry& e : c->m_entries)
        {
            if (e.prepared && &e.prepared->Envelope() == &env)
            {
                return e.prepared.get();
            }
        }
    }
    return nullptr;
}

PreparedEnvelope::PreparedEnvelope(const Bytes& envelope)
{
    auto parsed = suit::ParseEnvelope(envelope);
    NS_ABORT_MSG_IF(!parsed.ok(),
                    "own SUIT envelope does not parse: " << parsed.error().ToString());
    m_envelope = std::move(parsed.value());
}

const suit::VerifyOutcome& PreparedEnvelope::Verify(const std::vector<crypto::Key>& anchors) const
{
    for (const Verified& v : m_verified)
    {
        if (v.anchors == anchors)
        {
            return v.outcome;
        }
    }
    m_verified.push_back({anchors, suit::VerifyEnvelope(m_envelope, anchors)});
    return m_verified.back().outcome;
}

suit::ProcessOutcome PreparedEnvelope::Install(const suit::Device& device,
                                               std::optional<uint64_t> installed) const
{
    for (const Installed& i : m_installed)
    {
        if (i.vendorId == device.vendorId && i.classId == device.classId &&
            i.installed == installed)
        {
            return i.outcome;
        }
    }
    suit::ProcessOutcome out = suit::RunInstall(m_envelope, device, {}, installed);
    if (!out.deviceSpecific)
    {
        m_installed.push_back({device.vendorId, device.classId, installed, out});
    }
    return out;
}

const Bytes& TaCatalog::VendorId()
{
    static const Bytes v = FirstBytes("teepsim vendor", 16);
    return v;
}

const Bytes& TaCatalog::ClassId()
{
    static const Bytes c = FirstBytes("teepsim TEE class", 16);
    return c;
}

suit::ComponentId TaCatalog::ComponentIdFor(const std::string& name)
{
    return {kDevicePrefix, Bytes(name.begin(), name.end()), Bytes{'t', 'a'}};
}

std::string TaCatalog::NameOf(const suit::ComponentId& id)
{
    if (id.size() != 3 || id[0] != kDevicePrefix)
    {
        return "";
    }
    return std::string(id[1].begin(), id[1].end());
}

void TaCatalog::EnsureSigner() const
{
    if (!m_signer.valid())
    {
        m_signer = DeriveTeepKey(m_suite, "ta-signer", 0, m_seed);
    }
}

const crypto::Key& TaCatalog::GetSignerKey() const
{
    EnsureSigner();
    return m_signer;
}

crypto::Alg TaCatalog::GetSignerAlg() const
{
    return AlgOf(m_suite);
}

const TaEntry& TaCatalog::Add(const std::string& name, uint32_t imageSize, uint64_t sequence)
{
    NS_ABORT_MSG_IF(name.empty(), "TA name must not be empty");
    TaEntry e;
    e.name = name;
    e.componentId = ComponentIdFor(name);
    e.manifestComponentId = suit::ManifestComponentIdFor(e.componentId);
    e.sequence = sequence;
    // Deterministic image content: the same name and sequence give the same bytes everywhere.
    e.image = crypto::DeterministicBytes(Bytes(name.begin(), name.end()), sequence, imageSize);
    e.imageDigest = crypto::Sha256(e.image);

    e.envelope = suit::BuildEnvelope(BaseParams(e));
    e.prepared = std::make_shared<const PreparedEnvelope>(e.envelope);
    e.manifestDigest = e.prepared->Envelope().manifestDigest.bytes;
    NS_LOG_INFO("TA " << name << " seq " << sequence << ": image " << imageSize << " B, envelope "
                      << e.envelope.size() << " B");

    auto it = m_byName.find(name);
    if (it != m_byName.end())
    {
        m_entries[it->second] = std::move(e);
        return m_entries[it->second];
    }
    m_byName.emplace(name, m_entries.size());
    m_entries.push_back(std::move(e));
    return m_entries.back();
}

suit::BuildParams TaCatalog::BaseParams(const TaEntry& e) const
{
    suit::BuildParams p;
    p.componentId = e.componentId;
    p.sequenceNumber = e.sequence;
    p.vendorId = VendorId();
    p.classId = ClassId();
    p.integratedPayload = e.image;
    p.manifestComponentId = e.manifestComponentId;
    p.signAlg = GetSignerAlg();
    p.signer = GetSignerKey();
    return p;
}

void TaCatalog::SetPersonalization(const std::string& name, uint32_t bytes)
{
    auto it = m_byName.find(name);
    NS_ABORT_MSG_IF(it == m_byName.end(),
                    "TaCatalog::SetPersonalization: TA " << name << " is not in the catalog");
    m_entries[it->second].personalizationSize = bytes;
}

suit::ComponentId TaCatalog::PersonalizationComponentIdFor(const std::string& name)
{
    return {kDevicePrefix, Bytes(name.begin(), name.end()), Bytes{'c', 'o', 'n', 'f', 'i', 'g'}};
}

namespace
{
/// Label of a per-device derivation: role | catalog seed | TA name.
Bytes PerDeviceLabel(const char* role, uint64_t seed, const std::string& name)
{
    Bytes label(role, role + std::char_traits<char>::length(role));
    for (int i = 0; i < 8; ++i)
    {
        label.push_back(static_cast<uint8_t>(seed >> (8 * i)));
    }
    label.insert(label.end(), name.begin(), name.end());
    return label;
}
} // namespace

Bytes TaCatalog::PersonalizationFor(const std::string& name, uint32_t deviceId) const
{
    const TaEntry* e = Find(name);
    if (!e || e->personalizationSize == 0)
    {
        return {};
    }
    return crypto::DeterministicBytes(PerDeviceLabel("perso-data/", m_seed, name), deviceId,
                                      e->personalizationSize);
}

Bytes TaCatalog::BuildPersonalizedEnvelope(const TaEntry& e, uint32_t deviceId,
                                           const crypto::Key& devicePublic) const
{
    NS_ABORT_MSG_IF(e.personalizationSize == 0, "TA " << e.name << " has no personalization");
    suit::BuildParams p = BaseParams(e);
    suit::Personalization z;
    z.componentId = PersonalizationComponentIdFor(e.name);
    z.plaintext = PersonalizationFor(e.name, deviceId);
    z.devicePublic = devicePublic;
    // Deterministic ephemeral key and IV per (seed, TA, device): runs stay bit-identical.
    z.ephemeralSeed = crypto::DeterministicBytes(PerDeviceLabel("perso-ephemeral/", m_seed, e.name),
                                                 deviceId, 32);
    p.personalization = std::move(z);
    return suit::BuildEnvelope(p);
}

const TaEntry* TaCatalog::Find(const std::string& name) const
{
    auto it = m_byName.find(name);
    return it == m_byName.end() ? nullptr : &m_entries[it->second];
}

const TaEntry* TaCatalog::FindByComponentId(const suit::ComponentId& id) const
{
    return Find(NameOf(id));
}

const TaEntry* TaCatalog::FindByDigest(const Bytes& digest) const
{
    for (const TaEntry& e : m_entries)
    {
        if (e.manifestDigest == digest || e.imageDigest == digest)
        {
            return &e;
        }
    }
    return nullptr;
}

} // namespace ns3
