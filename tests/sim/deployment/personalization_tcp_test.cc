// Personalization data never on the wire in clear (RFC 9397 §4.4, issue "Personalization"),
// over the full transport (ns-3 TCP/HTTP): four devices install a personalized TA; every packet
// sent on every point-to-point link (the devices' access links, the routers', the TAM's and the
// Verifier's) is captured at MacTx. Each Agent decrypted its own data, and no 16-byte window of
// any device's plaintext appears in any packet. Controls: the same scan finds the TA image
// (sent unencrypted in the SUIT envelope) on the TAM's link and on every device's link, and
// finds a plaintext that a helper-made pair of packets carries split at a segment boundary.
#include "teepsim/sim/deployment.h"
#include "teepsim/sim/scenario.h"
#include "teepsim/ta-catalog.h"
#include "teepsim/tam-server.h"
#include "teepsim/teep-agent.h"

#include "ns3/callback.h"
#include "ns3/channel.h"
#include "ns3/config.h"
#include "ns3/net-device.h"
#include "ns3/node-list.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace teepsim::sim
{
namespace
{

using Bytes = std::vector<uint8_t>;

/// Finds any `width`-byte window of a set of secrets in a buffer. A secret of length L that
/// crosses one packet boundary leaves >= L/2 bytes in one packet, so windows of width <= L/2
/// catch it wherever the segmentation falls (segments here are far longer than L).
class WindowScanner
{
  public:
    static constexpr size_t kWidth = 16;

    explicit WindowScanner(const std::vector<Bytes>& secrets) : m_secrets(secrets)
    {
        for (size_t s = 0; s < secrets.size(); ++s)
        {
            for (size_t off = 0; off + kWidth <= secrets[s].size(); ++off)
            {
                m_byPrefix[Prefix(secrets[s].data() + off)].push_back({s, off});
            }
        }
    }

    /// Index of a secret with a window in `data`, or nullopt.
    std::optional<size_t> Find(const Bytes& data) const
    {
        for (size_t i = 0; i + kWidth <= data.size(); ++i)
        {
            auto it = m_byPrefix.find(Prefix(data.data() + i));
            if (it == m_byPrefix.end())
            {
                continue;
            }
            for (const auto& [s, off] : it->second)
            {
                if (std::memcmp(data.data() + i, m_secrets[s].data() + off, kWidth) == 0)
                {
                    return s;
                }
            }
        }
        return std::nullopt;
    }

  private:
    static uint64_t Prefix(const uint8_t* p)
    {
        uint64_t v;
        std::memcpy(&v, p, sizeof v);
        return v;
    }
    std::vector<Bytes> m_secrets;
    std::unordered_map<uint64_t, std::vector<std::pair<size_t, size_t>>> m_byPrefix;
};

/// Every byte of a packet as sent (IPv4 + TCP headers + payload).
Bytes PacketBytes(ns3::Ptr<const ns3::Packet> packet)
{
    Bytes b(packet->GetSize());
    packet->CopyData(b.data(), static_cast<uint32_t>(b.size()));
    return b;
}

/// A sending interface: (node id, device index on the node).
using Port = std::pair<uint32_t, uint32_t>;

struct CapturedPacket
{
    Port from;
    Bytes bytes;
};

/// "/NodeList/7/DeviceList/1/..." -> (7, 1).
Port PortOfContext(const std::string& context)
{
    const size_t node = context.find("/NodeList/") + 10;
    const size_t dev = context.find("/DeviceList/") + 12;
    return {static_cast<uint32_t>(std::stoul(context.substr(node))),
            static_cast<uint32_t>(std::stoul(context.substr(dev)))};
}

/// The far end of `node`'s point-to-point link with index `device`.
Port PeerOf(ns3::Ptr<ns3::Node> node, uint32_t device)
{
    ns3::Ptr<ns3::NetDevice> local = node->GetDevice(device);
    ns3::Ptr<ns3::Channel> channel = local->GetChannel();
    for (size_t i = 0; channel && i < channel->GetNDevices(); ++i)
    {
        ns3::Ptr<ns3::NetDevice> other = channel->GetDevice(i);
        if (other != local)
        {
            return {other->GetNode()->GetId(), other->GetIfIndex()};
        }
    }
    return {~0u, ~0u};
}

constexpr const char* kScenario = R"(
name: personalization_tcp
horizon: 3h
warmup: 1h
seed: 21
transport: full
fleet:
  - name: phones
    count: 4
    link: {latency: 10ms, bandwidth: 10Mbps, loss: 0}
tam:
  workers: 4
  service_time: 0s
  remediation_service_time: 0s
verifier:
  validity: 4h
catalogue:
  - {name: wallet, image_size: 4KiB, personalization: true, personalization_size: 256B}
  - {name: game, image_size: 4KiB}
malicious:
  ta: game
  t0: 2h
policy_check:
  law: fixed
  interval: 1h
)";

// Positive control of the scan itself: a plaintext split across two helper-made packets at an
// arbitrary boundary is found in one of them, and an unrelated buffer finds nothing.
TEST(PersonalizationTcp, ScanFindsPlaintextSplitAcrossPackets)
{
    Bytes secret(256);
    for (size_t i = 0; i < secret.size(); ++i)
    {
        secret[i] = static_cast<uint8_t>(i * 7 + 3);
    }
    Bytes stream(64, 0xAA);
    stream.insert(stream.end(), secret.begin(), secret.end());
    stream.insert(stream.end(), 64, 0x55);
    const WindowScanner scan({secret});
    for (size_t cut : {size_t{70}, size_t{64 + 128}, size_t{64 + 250}})
    {
        auto first = ns3::Create<ns3::Packet>(stream.data(), static_cast<uint32_t>(cut));
        auto second = ns3::Create<ns3::Packet>(stream.data() + cut,
                                               static_cast<uint32_t>(stream.size() - cut));
        EXPECT_TRUE(scan.Find(PacketBytes(first)) || scan.Find(PacketBytes(second)))
            << "cut at " << cut;
    }
    EXPECT_FALSE(scan.Find(Bytes(stream.begin(), stream.begin() + 64)));
}

// Four devices over TCP: each Agent holds its own decrypted data (the catalog's plaintext for
// that device), no window of any plaintext is in any captured packet, and the TA image is.
TEST(PersonalizationTcp, PlaintextNeverInAnyCapturedPacket)
{
    const LoadResult loaded = LoadScenarioText(kScenario, "<personalization_tcp>");
    for (const Diagnostic& d : loaded.diagnostics)
    {
        ADD_FAILURE() << d.ToString();
    }
    ASSERT_TRUE(loaded.ok());
    const Scenario& s = loaded.scenario;
    ASSERT_EQ(s.transport, Transport::Full);

    Deployment d(s);
    d.Build();
    std::vector<CapturedPacket> captured;
    ns3::Config::Connect("/NodeList/*/DeviceList/*/$ns3::PointToPointNetDevice/MacTx",
                         ns3::Callback<void, std::string, ns3::Ptr<const ns3::Packet>>(
                             [&captured](std::string context, ns3::Ptr<const ns3::Packet> packet) {
                                 captured.push_back({PortOfContext(context), PacketBytes(packet)});
                             }));
    d.Run();

    // The same catalogue (seed, suite, sizes) gives the expected plaintexts and the image.
    auto catalog = ns3::CreateObject<ns3::TaCatalog>();
    catalog->SetAttribute("KeySeed", ns3::UintegerValue(s.seed));
    const TrustedApp* wallet = s.FindTa("wallet");
    ASSERT_NE(wallet, nullptr);
    catalog->Add("wallet", static_cast<uint32_t>(wallet->image_size));
    catalog->SetPersonalization("wallet", static_cast<uint32_t>(wallet->personalization_size));

    std::vector<Bytes> plaintexts;
    std::vector<Port> deviceLinks;   // (device node, its access interface)
    std::vector<Port> towardDevices; // the far ends, which send the TAM's answers to devices
    std::optional<uint32_t> tamNode;
    for (auto it = ns3::NodeList::Begin(); it != ns3::NodeList::End(); ++it)
    {
        ns3::Ptr<ns3::Node> node = *it;
        for (uint32_t a = 0; a < node->GetNApplications(); ++a)
        {
            if (ns3::DynamicCast<ns3::TamServer>(node->GetApplication(a)))
            {
                tamNode = node->GetId();
            }
        }
        ns3::Ptr<ns3::TeepAgent> agent = node->GetObject<ns3::TeepAgent>();
        if (!agent)
        {
            continue;
        }
        for (uint32_t i = 0; i < node->GetNDevices(); ++i)
        {
            if (node->GetDevice(i)->GetChannel()) // not the loopback
            {
                deviceLinks.push_back({node->GetId(), i});
                towardDevices.push_back(PeerOf(node, i));
            }
        }
        ASSERT_TRUE(agent->HasTa("wallet")) << "device " << agent->GetDeviceId();
        const Bytes* data = agent->GetPersonalization("wallet");
        ASSERT_NE(data, nullptr) << "device " << agent->GetDeviceId();
        const Bytes expected = catalog->PersonalizationFor("wallet", agent->GetDeviceId());
        ASSERT_EQ(expected.size(), 256u);
        EXPECT_EQ(*data, expected) << "device " << agent->GetDeviceId() << " decrypted wrongly";
        plaintexts.push_back(expected);
    }
    ASSERT_EQ(plaintexts.size(), 4u);
    ASSERT_EQ(deviceLinks.size(), 4u) << "one access link per device";
    ASSERT_TRUE(tamNode.has_value());
    EXPECT_NE(plaintexts[0], plaintexts[1]) << "personalization data is per device";

    const WindowScanner secrets(plaintexts);
    const WindowScanner image({catalog->Find("wallet")->image});
    std::map<Port, size_t> packetsFrom, imageFrom;
    std::map<uint32_t, size_t> imageFromNode;
    size_t bytes = 0;
    for (const CapturedPacket& p : captured)
    {
        ++packetsFrom[p.from];
        bytes += p.bytes.size();
        if (std::optional<size_t> which = secrets.Find(p.bytes))
        {
            ADD_FAILURE() << "plaintext of device #" << *which << " in a packet sent by node "
                          << p.from.first << " device " << p.from.second;
        }
        if (image.Find(p.bytes))
        {
            ++imageFrom[p.from];
            ++imageFromNode[p.from.first];
        }
    }
    std::printf("[personalization-tcp] %zu packets, %zu bytes from %zu interfaces; the image "
                "seen leaving %zu interfaces\n",
                captured.size(), bytes, packetsFrom.size(), imageFrom.size());
    EXPECT_GT(imageFromNode[*tamNode], 0u) << "the scan must see the image leave the TAM";
    for (size_t i = 0; i < deviceLinks.size(); ++i)
    {
        EXPECT_GT(packetsFrom[deviceLinks[i]], 0u)
            << "nothing captured from device node " << deviceLinks[i].first;
        EXPECT_GT(imageFrom[towardDevices[i]], 0u)
            << "the scan must see the image on the access link of device node "
            << deviceLinks[i].first;
    }
}

} // namespace
} // namespace teepsim::sim
