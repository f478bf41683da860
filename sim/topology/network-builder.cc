// BuildNetwork: ns-3 nodes, point-to-point links, /30 addresses and tree routes from the graph.
#include "teepsim/sim/topology.h"

#include "ns3/boolean.h"
#include "ns3/data-rate.h"
#include "ns3/error-model.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/pointer.h"

#include <stdexcept>

namespace teepsim::topology
{

namespace
{

constexpr uint32_t kMask30 = 0xfffffffc;

struct LinkSlot
{
    uint32_t parentIf = 0; ///< interface index at the parent
    uint32_t childIf = 0;  ///< interface index at the child
    uint32_t block = 0;    ///< index of the /30: addresses base + 4*block + {1 parent, 2 child}
};

class Builder
{
  public:
    Builder(const TopologyGraph& topo, int64_t firstStream)
        : m_topo(topo), m_g(topo.graph), m_nextStream(firstStream)
    {
    }

    Network Run();

  private:
    ns3::Ipv4Address Addr(uint32_t block, uint32_t host) const
    {
        return ns3::Ipv4Address(m_base + 4 * block + host);
    }
    void Connect(uint32_t parent, uint32_t child);
    void AddRoutes(uint32_t v);

    const TopologyGraph& m_topo;
    const Graph& m_g;
    uint32_t m_base = 0;
    int64_t m_nextStream;
    Network m_net;
    std::vector<LinkSlot> m_up;         ///< per vertex: its link to the parent
    std::vector<uint32_t> m_subtreeEnd; ///< per vertex: one past its subtree's last block
    std::vector<std::vector<uint32_t>> m_children;
    std::vector<ns3::Ptr<ns3::TeepTreeRouting>> m_routing;
    uint32_t m_blocks = 0;
    ns3::PointToPointHelper m_p2p;
};

void Builder::Connect(uint32_t parent, uint32_t child)
{
    const auto [edge, found] = boost::edge(parent, child, m_g);
    const LinkProfile& link = m_g[edge].link;
    auto pNode = m_net.nodes.Get(parent);
    auto cNode = m_net.nodes.Get(child);
    // The helper's drop-tail device queue (100 packets) is the only queue: no queue disc.
    link.ApplyTo(m_p2p);
    const ns3::NetDeviceContainer devs = m_p2p.Install(pNode, cNode);
    auto pDev = devs.Get(0);
    auto cDev = devs.Get(1);
    m_nextStream += link.InstallErrorModel(devs, m_nextStream);

    LinkSlot slot;
    slot.block = m_blocks++;
    auto addIf =
        [&](const ns3::Ptr<ns3::Node>& node, const ns3::Ptr<ns3::NetDevice>& dev, uint32_t host)
    {
        auto ipv4 = node->GetObject<ns3::Ipv4>();
        const uint32_t ifc = ipv4->AddInterface(dev);
        ipv4->AddAddress(ifc,
                         ns3::Ipv4InterfaceAddress(Addr(slot.block, host), ns3::Ipv4Mask(kMask30)));
        ipv4->SetUp(ifc);
        return ifc;
    };
    slot.parentIf = addIf(pNode, pDev, 1);
    slot.childIf = addIf(cNode, cDev, 2);
    m_up[child] = slot;
}

// Host routes at v: each address in a child's subtree leaves through that child's link; v's
// own addresses are local; everything else goes up (the core has no default).
void Builder::AddRoutes(uint32_t v)
{
    auto& r = *m_routing[v];
    if (v != m_topo.core)
    {
        r.SetDefaultInterface(m_up[v].childIf);
        r.AddHostRoute(Addr(m_up[v].block, 2), 0xffffffffu);
    }
    for (uint32_t c : m_children[v])
    {
        const LinkSlot& s = m_up[c];
        r.AddHostRoute(Addr(s.block, 1), 0xffffffffu);
        r.AddHostRoute(Addr(s.block, 2), s.parentIf);
        for (uint32_t b = s.block + 1; b < m_subtreeEnd[c]; ++b)
        {
            r.AddHostRoute(Addr(b, 1), s.parentIf);
            r.AddHostRoute(Addr(b, 2), s.parentIf);
        }
    }
}

Network Builder::Run()
{
    const uint32_t n = static_cast<uint32_t>(boost::num_vertices(m_g));
    m_base = 0x0a000000;
    if (uint64_t(m_base) + 4ULL * n >= 0x0b000000ULL)
    {
        throw std::invalid_argument("topology: too many links for 10.0.0.0/8");
    }
    m_net.nodes.Create(n);

    ns3::InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.SetRoutingHelper(ns3::TeepTreeRoutingHelper());
    stack.Install(m_net.nodes);

    m_up.resize(n);
    m_subtreeEnd.resize(n);
    m_children.resize(n);
    m_routing.resize(n);
    for (uint32_t v = 0; v < n; ++v)
    {
        auto ipv4 = m_net.nodes.Get(v)->GetObject<ns3::Ipv4>();
        ipv4->SetAttribute("WeakEsModel", ns3::BooleanValue(false));
        m_routing[v] = ns3::DynamicCast<ns3::TeepTreeRouting>(ipv4->GetRoutingProtocol());
        if (v != m_topo.core)
        {
            m_children[m_g[v].parent].push_back(v);
        }
    }

    // Depth-first, children in vertex order: every subtree gets a contiguous run of /30 blocks.
    struct Frame
    {
        uint32_t v;
        size_t next;
    };
    std::vector<Frame> stackFrames{{m_topo.core, 0}};
    while (!stackFrames.empty())
    {
        Frame& f = stackFrames.back();
        if (f.next < m_children[f.v].size())
        {
            const uint32_t c = m_children[f.v][f.next++];
            Connect(f.v, c);
            stackFrames.push_back({c, 0});
        }
        else
        {
            m_subtreeEnd[f.v] = m_blocks;
            stackFrames.pop_back();
        }
    }
    for (uint32_t v = 0; v < n; ++v)
    {
        AddRoutes(v);
    }

    auto addrOf = [&](uint32_t v) { return Addr(m_up[v].block, 2); };
    for (uint32_t d : m_topo.devices)
    {
        m_net.devices.Add(m_net.nodes.Get(d));
        m_net.deviceClass.push_back(m_g[d].deviceClass);
        m_net.deviceAddresses.push_back(addrOf(d));
    }
    for (uint32_t t : m_topo.tams)
    {
        m_net.tams.Add(m_net.nodes.Get(t));
        m_net.tamAddresses.push_back(addrOf(t));
    }
    m_net.verifier = m_net.nodes.Get(m_topo.verifier);
    m_net.verifierAddress = addrOf(m_topo.verifier);
    m_net.contentServer = m_net.nodes.Get(m_topo.contentServer);
    m_net.contentServerAddress = addrOf(m_topo.contentServer);
    m_net.randomStreamsUsed = m_nextStream;
    return std::move(m_net);
}

} // namespace

ns3::NodeContainer Network::DevicesOfClass(uint32_t cls) const
{
    ns3::NodeContainer out;
    for (uint32_t i = 0; i < deviceClass.size(); ++i)
    {
        if (deviceClass[i] == cls)
        {
            out.Add(devices.Get(i));
        }
    }
    return out;
}

uint32_t Network::NumLinkInterfaces(ns3::Ptr<ns3::Node> node)
{
    auto ipv4 = node->GetObject<ns3::Ipv4>();
    return ipv4 ? ipv4->GetNInterfaces() - 1 : 0; // minus loopback
}

Network BuildNetwork(const TopologyGraph& topo, int64_t firstStream)
{
    Builder b(topo, firstStream);
    Network net = b.Run();
    net.randomStreamsUsed -= firstStream;
    return net;
}

} // namespace teepsim::topology
