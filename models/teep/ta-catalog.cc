#include "teepsim/ta-catalog.h"

#include "ns3/abort.h"
#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/uinteger.h"

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
        TypeId("ns3::TaCatalog")
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

TaCatalog::TaCatalog() : m_seed(1), m_suite(TEEP_SUITE_ED25519)
{
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

    suit::BuildParams p;
    p.componentId = e.componentId;
    p.sequenceNumber = sequence;
    p.vendorId = VendorId();
    p.classId = ClassId();
    p.integratedPayload = e.image;
    p.manifestComponentId = e.manifestComponentId;
    p.signAlg = GetSignerAlg();
    p.signer = GetSignerKey();
    e.envelope = suit::BuildEnvelope(p);
    auto parsed = suit::ParseEnvelope(e.envelope);
    NS_ABORT_MSG_IF(!parsed.ok(),
                    "own SUIT envelope does not parse: " << parsed.error().ToString());
    e.manifestDigest = parsed->manifestDigest.bytes;
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
