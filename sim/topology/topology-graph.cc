// BuildGraph: the fleet as a bounded fan-out tree (pure Boost.Graph, no ns-3 objects).
#include "teepsim/sim/topology.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace teepsim::topology
{

const char* ToString(NodeRole r)
{
    switch (r)
    {
        case NodeRole::Core:
            return "core";
        case NodeRole::Tam:
            return "tam";
        case NodeRole::Verifier:
            return "verifier";
        case NodeRole::ContentServer:
            return "content-server";
        case NodeRole::Aggregation:
            return "aggregation";
        case NodeRole::Access:
            return "access";
        case NodeRole::Device:
            return "device";
    }
    return "?";
}

uint32_t TopologyGraph::MaxDegree() const
{
    uint32_t m = 0;
    for (uint32_t v = 0; v < boost::num_vertices(graph); ++v)
    {
        m = std::max(m, Degree(v));
    }
    return m;
}

namespace
{

uint32_t CeilDiv(uint64_t a, uint64_t b)
{
    return static_cast<uint32_t>((a + b - 1) / b);
}

// Child j of `children` goes to parent floor(j * parents / children): groups differ in size by at
// most one, and none exceeds ceil(children / parents) <= fanout.
uint32_t ParentSlot(uint64_t j, uint64_t parents, uint64_t children)
{
    return static_cast<uint32_t>(j * parents / children);
}

uint32_t AddVertex(TopologyGraph& t, NodeRole role, uint32_t index, uint32_t parent,
                   const LinkProfile& link)
{
    VertexInfo info;
    info.role = role;
    info.index = index;
    info.parent = parent;
    const auto v = static_cast<uint32_t>(boost::add_vertex(info, t.graph));
    if (v != parent)
    {
        t.graph[v].level = t.graph[parent].level + 1;
        boost::add_edge(parent, v, EdgeInfo{link}, t.graph);
    }
    return v;
}

} // namespace

TopologyGraph BuildGraph(const TopologyParams& params)
{
    const uint32_t fanout = params.fanout;
    if (fanout < 2 || fanout <= params.tamCount)
    {
        throw std::invalid_argument("topology: fanout " + std::to_string(fanout) +
                                    " must be >= 2 and > tamCount (" +
                                    std::to_string(params.tamCount) + ")");
    }
    if (params.tamCount == 0)
    {
        throw std::invalid_argument("topology: tamCount must be >= 1");
    }
    uint64_t nDevices = 0;
    for (const auto& c : params.classes)
    {
        if (c.link.lossProbability < 0.0 || c.link.lossProbability >= 1.0)
        {
            throw std::invalid_argument("topology: class '" + c.name +
                                        "': loss probability must be in [0, 1)");
        }
        nDevices += c.count;
    }
    if (nDevices == 0)
    {
        throw std::invalid_argument("topology: no devices");
    }

    // Router counts per level, bottom (access) up, until the top level fits under the core next
    // to the servers: core interfaces = top + tamCount + 2 <= fanout + 2.
    const uint32_t coreSlots = fanout - params.tamCount;
    std::vector<uint32_t> levelSizes{CeilDiv(nDevices, fanout)};
    while (levelSizes.back() > coreSlots)
    {
        levelSizes.push_back(CeilDiv(levelSizes.back(), fanout));
    }

    TopologyGraph t;
    t.fanout = fanout;
    t.core = AddVertex(t, NodeRole::Core, 0, 0, {});
    for (uint32_t i = 0; i < params.tamCount; ++i)
    {
        t.tams.push_back(AddVertex(t, NodeRole::Tam, i, t.core, params.serverLink));
    }
    t.verifier = AddVertex(t, NodeRole::Verifier, 0, t.core, params.serverLink);
    t.contentServer = AddVertex(t, NodeRole::ContentServer, 0, t.core, params.serverLink);

    // Routers top-down so that vertex ids follow the tree's levels.
    std::vector<uint32_t> above{t.core};
    for (size_t lvl = levelSizes.size(); lvl-- > 0;)
    {
        const bool access = lvl == 0;
        std::vector<uint32_t> here;
        here.reserve(levelSizes[lvl]);
        for (uint32_t j = 0; j < levelSizes[lvl]; ++j)
        {
            const uint32_t parent = above[ParentSlot(j, above.size(), levelSizes[lvl])];
            const auto role = access ? NodeRole::Access : NodeRole::Aggregation;
            auto& list = access ? t.accessRouters : t.aggregationRouters;
            const auto v =
                AddVertex(t, role, static_cast<uint32_t>(list.size()), parent, params.routerLink);
            list.push_back(v);
            here.push_back(v);
        }
        above = std::move(here);
    }

    t.devices.reserve(nDevices);
    uint32_t device = 0;
    for (uint32_t cls = 0; cls < params.classes.size(); ++cls)
    {
        const auto& c = params.classes[cls];
        for (uint32_t k = 0; k < c.count; ++k, ++device)
        {
            const uint32_t parent = t.accessRouters[ParentSlot(device, above.size(), nDevices)];
            const auto v = AddVertex(t, NodeRole::Device, device, parent, c.link);
            t.graph[v].deviceClass = cls;
            t.devices.push_back(v);
        }
    }
    return t;
}

} // namespace teepsim::topology
