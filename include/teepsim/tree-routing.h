// TeepTreeRouting: IPv4 routing for a tree-shaped network (an access network, a campus, the
// fleet tree `teepsim run` builds): host routes for every address below a node, a default route
// to its parent. An ns-3 model of its own, usable without the scenario layer; install it with
// TeepTreeRoutingHelper through InternetStackHelper::SetRoutingHelper, then add the routes.
#pragma once

#include "ns3/ipv4-address.h"
#include "ns3/ipv4-route.h"
#include "ns3/ipv4-routing-helper.h"
#include "ns3/ipv4-routing-protocol.h"

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace ns3
{

/// Routing for a tree: a hash map from destination host address to the output interface (every
/// address in a child's subtree, and the node's own addresses for local delivery), otherwise the
/// default route to the parent. Constant time per packet, unlike Ipv4StaticRouting's linear scan.
class TeepTreeRouting : public Ipv4RoutingProtocol
{
  public:
    /// The ns-3 TypeId ("ns3::teepsim::TeepTreeRouting").
    static TypeId GetTypeId();

    /// Packets to `dst` leave through `interface` (towards the peer address of that p2p link).
    void AddHostRoute(Ipv4Address dst, uint32_t interface);
    /// Packets with no host route leave through `interface` (0 = none: the core).
    void SetDefaultInterface(uint32_t interface);
    /// Number of host routes (own addresses included).
    size_t GetNHostRoutes() const { return m_hostRoutes.size(); }

    // ---- Ipv4RoutingProtocol ----
    /// A route for a locally sent packet: its host route, else the default interface.
    Ptr<Ipv4Route> RouteOutput(Ptr<Packet> p, const Ipv4Header& header, Ptr<NetDevice> oif,
                               Socket::SocketErrno& sockerr) override;
    /// Delivers a packet to one of our addresses locally, else forwards it like RouteOutput.
    bool RouteInput(Ptr<const Packet> p, const Ipv4Header& header, Ptr<const NetDevice> idev,
                    UnicastForwardCallback ucb, MulticastForwardCallback mcb,
                    LocalDeliverCallback lcb, ErrorCallback ecb) override;
    /// Nothing to do: the routes are given explicitly.
    void NotifyInterfaceUp(uint32_t interface) override;
    /// Forgets the cached route object of `interface` (routes themselves are explicit).
    void NotifyInterfaceDown(uint32_t interface) override;
    /// As NotifyInterfaceDown: a re-addressed interface gets a fresh route object.
    void NotifyAddAddress(uint32_t interface, Ipv4InterfaceAddress address) override;
    /// As NotifyInterfaceDown.
    void NotifyRemoveAddress(uint32_t interface, Ipv4InterfaceAddress address) override;
    /// The node's IPv4 stack (ns-3 calls this once, at install).
    void SetIpv4(Ptr<Ipv4> ipv4) override;
    /// Prints the host routes and the default interface.
    void PrintRoutingTable(Ptr<OutputStreamWrapper> stream,
                           Time::Unit unit = Time::S) const override;

  protected:
    /// Drops the Ipv4 and the cached routes (ns-3 Object teardown).
    void DoDispose() override;

  private:
    static constexpr uint32_t kLocal = 0xffffffffu;
    Ptr<Ipv4Route> RouteVia(uint32_t interface);
    uint32_t Lookup(Ipv4Address dst) const;

    Ptr<Ipv4> m_ipv4;
    std::unordered_map<uint32_t, uint32_t> m_hostRoutes; ///< dst -> interface (kLocal: ours)
    uint32_t m_defaultInterface = 0;
    std::vector<Ptr<Ipv4Route>> m_routeCache; ///< per interface, built on first use
};

/// Ipv4RoutingHelper for InternetStackHelper::SetRoutingHelper.
class TeepTreeRoutingHelper : public Ipv4RoutingHelper
{
  public:
    /// A copy of this helper (InternetStackHelper keeps its own).
    TeepTreeRoutingHelper* Copy() const override { return new TeepTreeRoutingHelper(*this); }
    /// A TeepTreeRouting for `node`, with no routes yet.
    Ptr<Ipv4RoutingProtocol> Create(Ptr<Node> node) const override;
};

} // namespace ns3
