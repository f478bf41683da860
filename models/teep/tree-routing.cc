// TeepTreeRouting: constant-time routing for the fleet tree (host-route hash map + default
// route to the parent). Route objects are built once per interface and shared: forwarding a
// packet allocates nothing here.
#include "teepsim/tree-routing.h"

#include "ns3/channel.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/net-device.h"
#include "ns3/node.h"
#include "ns3/output-stream-wrapper.h"

#include <algorithm>
#include <map>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TeepTreeRouting");
NS_OBJECT_ENSURE_REGISTERED(TeepTreeRouting);

TypeId TeepTreeRouting::GetTypeId()
{
    static TypeId tid = TypeId("ns3::teepsim::TeepTreeRouting")
                            .SetParent<Ipv4RoutingProtocol>()
                            .SetGroupName("Teep")
                            .AddConstructor<TeepTreeRouting>();
    return tid;
}

void TeepTreeRouting::AddHostRoute(Ipv4Address dst, uint32_t interface)
{
    m_hostRoutes[dst.Get()] = interface;
}

void TeepTreeRouting::SetDefaultInterface(uint32_t interface)
{
    m_defaultInterface = interface;
}

uint32_t TeepTreeRouting::Lookup(Ipv4Address dst) const
{
    const auto it = m_hostRoutes.find(dst.Get());
    return it != m_hostRoutes.end() ? it->second : m_defaultInterface;
}

Ptr<Ipv4Route> TeepTreeRouting::RouteVia(uint32_t interface)
{
    if (interface >= m_routeCache.size())
    {
        m_routeCache.resize(interface + 1);
    }
    auto& route = m_routeCache[interface];
    if (!route)
    {
        // The destination field is left unspecified: one route object serves every destination
        // behind this interface (ns-3 forwards using the IP header's destination and the gateway).
        route = Create<Ipv4Route>();
        Ptr<NetDevice> dev = m_ipv4->GetNetDevice(interface);
        route->SetOutputDevice(dev);
        route->SetSource(m_ipv4->GetAddress(interface, 0).GetLocal());
        Ipv4Address gateway = Ipv4Address::GetAny();
        Ptr<Channel> ch = dev->GetChannel();
        for (size_t i = 0; ch && i < ch->GetNDevices(); ++i)
        {
            Ptr<NetDevice> peer = ch->GetDevice(i);
            if (peer == dev)
            {
                continue;
            }
            Ptr<Ipv4> peerIp = peer->GetNode()->GetObject<Ipv4>();
            const int32_t peerIf = peerIp ? peerIp->GetInterfaceForDevice(peer) : -1;
            if (peerIf >= 0 && peerIp->GetNAddresses(peerIf) > 0)
            {
                gateway = peerIp->GetAddress(peerIf, 0).GetLocal();
            }
        }
        route->SetGateway(gateway);
    }
    return route;
}

Ptr<Ipv4Route> TeepTreeRouting::RouteOutput(Ptr<Packet> p, const Ipv4Header& header,
                                            Ptr<NetDevice> oif, Socket::SocketErrno& sockerr)
{
    const Ipv4Address dst = header.GetDestination();
    uint32_t out = Lookup(dst);
    if (oif)
    {
        const int32_t forced = m_ipv4->GetInterfaceForDevice(oif);
        out = forced >= 0 ? static_cast<uint32_t>(forced) : 0;
    }
    if (out == kLocal || dst.IsLocalhost())
    {
        // Own address: hand it to the loopback interface (0), which delivers it back up.
        sockerr = Socket::ERROR_NOTERROR;
        Ptr<Ipv4Route> r = Create<Ipv4Route>();
        r->SetDestination(dst);
        r->SetSource(dst);
        r->SetGateway(Ipv4Address::GetAny());
        r->SetOutputDevice(m_ipv4->GetNetDevice(0));
        return r;
    }
    if (out == 0)
    {
        NS_LOG_LOGIC("no route to " << dst);
        sockerr = Socket::ERROR_NOROUTETOHOST;
        return nullptr;
    }
    sockerr = Socket::ERROR_NOTERROR;
    return RouteVia(out);
}

bool TeepTreeRouting::RouteInput(Ptr<const Packet> p, const Ipv4Header& header,
                                 Ptr<const NetDevice> idev, UnicastForwardCallback ucb,
                                 MulticastForwardCallback mcb, LocalDeliverCallback lcb,
                                 ErrorCallback ecb)
{
    const Ipv4Address dst = header.GetDestination();
    const int32_t iif = m_ipv4->GetInterfaceForDevice(idev);
    if (dst.IsMulticast())
    {
        return false; // no multicast in the fleet model
    }
    const uint32_t out = Lookup(dst);
    if (out == kLocal || dst.IsBroadcast() || dst.IsLocalhost())
    {
        if (lcb.IsNull())
        {
            ecb(p, header, Socket::ERROR_NOROUTETOHOST);
            return false;
        }
        lcb(p, header, iif);
        return true;
    }
    if (out == 0)
    {
        NS_LOG_LOGIC("dropping packet to " << dst << ": no route");
        return false;
    }
    if (iif < 0 || !m_ipv4->IsForwarding(iif))
    {
        ecb(p, header, Socket::ERROR_NOROUTETOHOST);
        return true;
    }
    ucb(RouteVia(out), p, header);
    return true;
}

void TeepTreeRouting::NotifyInterfaceUp(uint32_t interface)
{
}

void TeepTreeRouting::NotifyInterfaceDown(uint32_t interface)
{
    // Routes are static (computed from the graph); only drop the cached route object so that a
    // re-addressed interface is picked up again.
    if (interface < m_routeCache.size())
    {
        m_routeCache[interface] = nullptr;
    }
}

void TeepTreeRouting::NotifyAddAddress(uint32_t interface, Ipv4InterfaceAddress address)
{
    NotifyInterfaceDown(interface);
}

void TeepTreeRouting::NotifyRemoveAddress(uint32_t interface, Ipv4InterfaceAddress address)
{
    NotifyInterfaceDown(interface);
}

void TeepTreeRouting::SetIpv4(Ptr<Ipv4> ipv4)
{
    m_ipv4 = ipv4;
}

void TeepTreeRouting::PrintRoutingTable(Ptr<OutputStreamWrapper> stream, Time::Unit unit) const
{
    std::ostream& os = *stream->GetStream();
    os << "TeepTreeRouting: " << m_hostRoutes.size() << " host routes, default interface "
       << m_defaultInterface << "\n";
    // Sorted so that the printout is deterministic (hash map order is not).
    std::map<uint32_t, uint32_t> sorted(m_hostRoutes.begin(), m_hostRoutes.end());
    for (const auto& [dst, ifc] : sorted)
    {
        os << Ipv4Address(dst) << " -> ";
        if (ifc == kLocal)
        {
            os << "local\n";
        }
        else
        {
            os << "if " << ifc << "\n";
        }
    }
}

void TeepTreeRouting::DoDispose()
{
    m_routeCache.clear();
    m_hostRoutes.clear();
    m_ipv4 = nullptr;
    Ipv4RoutingProtocol::DoDispose();
}

Ptr<Ipv4RoutingProtocol> TeepTreeRoutingHelper::Create(Ptr<Node> node) const
{
    return CreateObject<TeepTreeRouting>();
}

} // namespace ns3
