// TeepAgent: the SUIT install procedure of one Trusted Component, shared by an Update's
// manifest-list and factory provisioning (PreInstall).
#include "teepsim/codec/crypto.h"
#include "teepsim/ta-catalog.h"
#include "teepsim/teep-agent.h"

#include "ns3/log.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <map>
#include <mutex>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TeepAgentInstall");

namespace suit = teepsim::suit;
namespace crypto = teepsim::crypto;

namespace
{
/// The one shared copy of `info` (InstalledTcInfo): every Agent that installs the same
/// manifest holds the same identity, so a fleet stores it once, not once per device. Entries
/// no Agent holds any more are swept when the table has doubled since the last sweep.
std::shared_ptr<const InstalledTcInfo> Intern(InstalledTcInfo info)
{
    static std::mutex mutex;
    static std::multimap<teepsim::cbor::Bytes, std::weak_ptr<const InstalledTcInfo>> table;
    static size_t sweepAt = 64;
    std::lock_guard<std::mutex> lock(mutex);
    auto [first, last] = table.equal_range(info.digest);
    for (auto it = first; it != last; ++it)
    {
        if (std::shared_ptr<const InstalledTcInfo> held = it->second.lock(); held && *held == info)
        {
            return held;
        }
    }
    if (table.size() >= sweepAt)
    {
        std::erase_if(table, [](const auto& entry) { return entry.second.expired(); });
        sweepAt = std::max<size_t>(64, 2 * table.size());
    }
    auto shared = std::make_shared<const InstalledTcInfo>(std::move(info));
    table.emplace(shared->digest, shared);
    return shared;
}
} // namespace

std::optional<std::string> TeepAgent::InstallEnvelope(const suit::Envelope& env)
{
    suit::Device dev;
    dev.vendorId = TaCatalog::VendorId();
    dev.classId = TaCatalog::ClassId();
    dev.deviceId = GetUeid();
    // Derived only if the manifest has an encrypted payload: deriving costs more than most
    // installs.
    dev.kekSource = [this]() -> const crypto::Key& { return GetEncryptionKey(); };
    const suit::ComponentId tcId =
        env.manifest.components.empty() ? suit::ComponentId{} : env.manifest.components[0];
    auto it = std::find_if(m_inventory.begin(), m_inventory.end(),
                           [&](const InstalledTc& t) { return t.info->componentId == tcId; });
    std::optional<uint64_t> installedSeq;
    if (it != m_inventory.end())
    {
        installedSeq = it->info->sequence;
    }
    // A catalogue envelope is installed the same way on every device (PreparedEnvelope).
    const PreparedEnvelope* prepared = TaCatalog::FindPrepared(env);
    const suit::ProcessOutcome out = prepared ? prepared->Install(dev, installedSeq)
                                              : suit::RunInstall(env, dev, {}, installedSeq);
    if (!out.ok())
    {
        return std::string("SUIT install: ") + suit::ToString(out.status) + " " + out.reason;
    }
    InstalledTcInfo info;
    InstalledTc tc;
    info.componentId = tcId;
    info.manifestComponentId =
        env.manifest.manifestComponentId.value_or(suit::ManifestComponentIdFor(tcId));
    info.name = TaCatalog::NameOf(tcId);
    if (info.name.empty())
    {
        info.name = suit::ComponentIdToString(tcId);
    }
    info.sequence = env.manifest.sequenceNumber;
    info.digest = env.manifestDigest.bytes;
    if (env.manifest.components.size() > 1)
    {
        // Personalized: the manifest differs per device, so report the TC image digest
        // (a reference value the Verifier knows) and keep the decrypted data.
        for (const auto& [id, bytes] : out.written)
        {
            if (id == tcId)
            {
                info.digest = crypto::Sha256(bytes);
            }
            else
            {
                tc.personalization = bytes;
            }
        }
    }
    tc.info = Intern(std::move(info));
    tc.installedAt = Simulator::Now();
    // The shared identity outlives `tc` (moved into the inventory) for the trace below.
    const std::shared_ptr<const InstalledTcInfo> held = tc.info;
    if (it != m_inventory.end())
    {
        *it = std::move(tc);
    }
    else
    {
        m_inventory.push_back(std::move(tc));
    }
    NS_LOG_INFO("device " << m_deviceId << ": installed " << held->name << " seq "
                          << held->sequence);
    m_taInstalledTrace(m_deviceId, held->name, held->sequence);
    return std::nullopt;
}

std::optional<std::string> TeepAgent::PreInstall(const std::vector<uint8_t>& envelope)
{
    // The catalogue's own bytes (not a copy): parsed and verified once for every device.
    if (const PreparedEnvelope* prepared = TaCatalog::FindPrepared(envelope))
    {
        const suit::VerifyOutcome& verified = prepared->Verify(m_taSignerKeys);
        if (!verified.ok())
        {
            return std::string("SUIT: ") + suit::ToString(verified.status) + " " + verified.reason;
        }
        return InstallEnvelope(prepared->Envelope());
    }
    // Views of `envelope`: nothing outlives this call but copies (InstallEnvelope keeps none).
    auto env = suit::ParseEnvelopeView(envelope);
    if (!env.ok())
    {
        return "SUIT envelope: " + env.error().ToString();
    }
    auto verified = suit::VerifyEnvelope(*env, m_taSignerKeys);
    if (!verified.ok())
    {
        return std::string("SUIT: ") + suit::ToString(verified.status) + " " + verified.reason;
    }
    return InstallEnvelope(*env);
}

} // namespace ns3
