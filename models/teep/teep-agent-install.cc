// TeepAgent: the SUIT install procedure of one Trusted Component, shared by an Update's
// manifest-list and factory provisioning (PreInstall).
#include "teepsim/codec/crypto.h"
#include "teepsim/ta-catalog.h"
#include "teepsim/teep-agent.h"

#include "ns3/log.h"
#include "ns3/simulator.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TeepAgentInstall");

namespace suit = teepsim::suit;
namespace crypto = teepsim::crypto;

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
                           [&](const InstalledTc& t) { return t.componentId == tcId; });
    std::optional<uint64_t> installedSeq;
    if (it != m_inventory.end())
    {
        installedSeq = it->sequence;
    }
    // A catalogue envelope is installed the same way on every device (PreparedEnvelope).
    const PreparedEnvelope* prepared = TaCatalog::FindPrepared(env);
    const suit::ProcessOutcome out = prepared ? prepared->Install(dev, installedSeq)
                                              : suit::RunInstall(env, dev, {}, installedSeq);
    if (!out.ok())
    {
        return std::string("SUIT install: ") + suit::ToString(out.status) + " " + out.reason;
    }
    InstalledTc tc;
    tc.componentId = tcId;
    tc.manifestComponentId =
        env.manifest.manifestComponentId.value_or(suit::ManifestComponentIdFor(tcId));
    tc.name = TaCatalog::NameOf(tcId);
    if (tc.name.empty())
    {
        tc.name = suit::ComponentIdToString(tcId);
    }
    tc.sequence = env.manifest.sequenceNumber;
    tc.digest = env.manifestDigest.bytes;
    if (env.manifest.components.size() > 1)
    {
        // Personalized: the manifest differs per device, so report the TC image digest
        // (a reference value the Verifier knows) and keep the decrypted data.
        for (const auto& [id, bytes] : out.written)
        {
            if (id == tcId)
            {
                tc.digest = crypto::Sha256(bytes);
            }
            else
            {
                tc.personalization = bytes;
            }
        }
    }
    tc.installedAt = Simulator::Now();
    if (it != m_inventory.end())
    {
        *it = tc;
    }
    else
    {
        m_inventory.push_back(tc);
    }
    NS_LOG_INFO("device " << m_deviceId << ": installed " << tc.name << " seq " << tc.sequence);
    m_taInstalledTrace(m_deviceId, tc.name, tc.sequence);
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
