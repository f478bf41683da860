// Network topology of a simulated fleet: a Boost.Graph tree (core router with the TAMs, the
// Verifier and a content server; aggregation routers; access routers with bounded fan-out;
// devices under them), and the ns-3 network built from it (point-to-point links, hierarchical
// /30 addressing, routes computed from the graph, no global routing, no queue discs).
//
// Why a tree with bounded fan-out: ns-3's per-packet IPv4 work grows with a node's interface
// count (NS3-NOTES.md), so no node gets more than fanout + 2 point-to-point interfaces.
#pragma once

#include "teepsim/link-profile.h"
#include "teepsim/tree-routing.h"

#include "ns3/ipv4-address.h"
#include "ns3/node-container.h"

#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace teepsim::topology
{

/// One link's delay, rate and loss: the transport's shared definition (teepsim/link-profile.h),
/// so a class's link means the same on the full ns-3 network and in MessageTransport.
using LinkProfile = ns3::LinkProfile;

inline LinkProfile MakeLink(const ns3::Time& oneWayDelay, uint64_t bandwidthBps, double loss = 0.0)
{
    LinkProfile l;
    l.oneWayDelay = oneWayDelay;
    l.bandwidthBps = bandwidthBps;
    l.lossProbability = loss;
    return l;
}

/// A class of devices that share a link profile (e.g. "phone-lte", "iot-nbiot").
struct DeviceClassSpec
{
    std::string name;
    uint32_t count = 0;
    LinkProfile link;
};

struct TopologyParams
{
    std::vector<DeviceClassSpec> classes;
    uint32_t fanout = 64; ///< max children of any router (devices or routers)
    uint32_t tamCount = 1;
    /// core <-> TAM / Verifier / content server
    LinkProfile serverLink = MakeLink(ns3::MilliSeconds(1), 10'000'000'000ULL);
    /// router <-> router
    LinkProfile routerLink = MakeLink(ns3::MilliSeconds(2), 10'000'000'000ULL);
};

enum class NodeRole : uint8_t
{
    Core,
    Tam,
    Verifier,
    ContentServer,
    Aggregation,
    Access,
    Device,
};
const char* ToString(NodeRole r);

struct VertexInfo
{
    NodeRole role = NodeRole::Device;
    uint32_t index = 0;       ///< index within its role (device number, TAM number, ...)
    uint32_t deviceClass = 0; ///< for devices: index into TopologyParams::classes
    uint32_t parent = 0;      ///< vertex id of the parent (the core is its own parent)
    uint32_t level = 0;       ///< hops from the core
};

struct EdgeInfo
{
    LinkProfile link;
};

using Graph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, VertexInfo, EdgeInfo>;

/// The generated tree plus role-indexed vertex lists (vertex ids are Graph vertex descriptors).
struct TopologyGraph
{
    Graph graph;
    uint32_t core = 0;
    std::vector<uint32_t> tams;
    uint32_t verifier = 0;
    uint32_t contentServer = 0;
    std::vector<uint32_t> devices; ///< device i -> vertex (devices numbered class by class)
    std::vector<uint32_t> accessRouters;
    std::vector<uint32_t> aggregationRouters;
    uint32_t fanout = 0;

    uint32_t Degree(uint32_t v) const { return static_cast<uint32_t>(boost::degree(v, graph)); }
    uint32_t MaxDegree() const;
};

/// Builds the tree. Devices are spread evenly over ceil(N / fanout) access routers; while the
/// routers of a level do not fit under the core next to the servers, a level of aggregation
/// routers is added. Throws std::invalid_argument on fanout < 2, fanout <= tamCount, no device or
/// a loss probability outside [0, 1).
TopologyGraph BuildGraph(const TopologyParams& params);

/// The ns-3 network built from a TopologyGraph. Node i of `nodes` is graph vertex i.
struct Network
{
    ns3::NodeContainer nodes;
    ns3::NodeContainer devices; ///< in device order
    std::vector<uint32_t> deviceClass;
    std::vector<ns3::Ipv4Address> deviceAddresses;
    ns3::NodeContainer tams;
    std::vector<ns3::Ipv4Address> tamAddresses;
    ns3::Ptr<ns3::Node> verifier;
    ns3::Ipv4Address verifierAddress;
    ns3::Ptr<ns3::Node> contentServer;
    ns3::Ipv4Address contentServerAddress;
    int64_t randomStreamsUsed = 0; ///< RNG streams assigned to error models

    /// Devices of one class, in device order.
    ns3::NodeContainer DevicesOfClass(uint32_t cls) const;
    /// Point-to-point interfaces of a node (loopback not counted).
    static uint32_t NumLinkInterfaces(ns3::Ptr<ns3::Node> node);
};

/// Installs the IPv4 stack (no IPv6, WeakEsModel off, no queue discs), one point-to-point link
/// per edge with its profile (RateErrorModel on both ends of links with loss > 0, streams
/// assigned deterministically from `firstStream`), /30 addresses from 10.0.0.0/8 in depth-first
/// order (so every subtree owns one contiguous address block) and TreeRouting at every node.
Network BuildNetwork(const TopologyGraph& topo, int64_t firstStream);

} // namespace teepsim::topology
