// Topology: graph shape (counts, fan-out bound, aggregation levels) and the ns-3 network built
// from it (interface bound, unique addresses, every device reaches the servers and back).
#include "teepsim/sim/topology.h"

#include "ns3/boolean.h"
#include "ns3/ipv4.h"
#include "ns3/queue-disc.h"
#include "ns3/simulator.h"
#include "ns3/traffic-control-layer.h"
#include "ns3/udp-echo-helper.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>

using namespace teepsim::topology;

namespace
{

// Error-model streams of the networks built here (the deployment's network block).
constexpr int64_t kFirstStream = 1'000'000;

TopologyParams Fleet(uint32_t devices, uint32_t fanout, double loss = 0.0)
{
    TopologyParams p;
    p.fanout = fanout;
    const uint32_t half = devices / 2;
    p.classes.push_back({"phone", half, MakeLink(ns3::MilliSeconds(20), 20'000'000, loss)});
    p.classes.push_back({"iot", devices - half, MakeLink(ns3::MilliSeconds(50), 1'000'000)});
    return p;
}

long RssKib()
{
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
    {
        if (line.rfind("VmRSS:", 0) == 0)
        {
            return std::stol(line.substr(6));
        }
    }
    return -1;
}

void CountRx(uint32_t* n, ns3::Ptr<const ns3::Packet>)
{
    ++*n;
}

// Each device in `sample` sends one UDP echo to `server` at t = 1 s + i*1ms; returns the
// number of echoes that came back.
uint32_t EchoFrom(const Network& net, const std::vector<uint32_t>& sample,
                  ns3::Ptr<ns3::Node> serverNode, ns3::Ipv4Address server)
{
    ns3::UdpEchoServerHelper srv(9);
    auto srvApps = srv.Install(serverNode);
    srvApps.Start(ns3::Seconds(0));
    uint32_t replies = 0;
    for (size_t i = 0; i < sample.size(); ++i)
    {
        ns3::UdpEchoClientHelper cli(server, 9);
        cli.SetAttribute("MaxPackets", ns3::UintegerValue(1));
        cli.SetAttribute("PacketSize", ns3::UintegerValue(200));
        auto apps = cli.Install(net.devices.Get(sample[i]));
        apps.Start(ns3::Seconds(1) + ns3::MilliSeconds(i));
        apps.Get(0)->TraceConnectWithoutContext("Rx", ns3::MakeBoundCallback(&CountRx, &replies));
    }
    ns3::Simulator::Stop(ns3::Seconds(30));
    ns3::Simulator::Run();
    ns3::Simulator::Destroy();
    return replies;
}

std::vector<uint32_t> EveryKth(uint32_t n, uint32_t k)
{
    std::vector<uint32_t> s;
    for (uint32_t i = 0; i < n; i += k)
    {
        s.push_back(i);
    }
    return s;
}

} // namespace

// A small fleet has exactly core + TAM + Verifier + content + access routers + devices, as a tree.
TEST(TopologyGraph, CountsAndClassesOfASmallFleet)
{
    const auto t = BuildGraph(Fleet(5, 4));
    EXPECT_EQ(boost::num_vertices(t.graph), 1u + 1 + 1 + 1 + 2 + 5);
    EXPECT_EQ(boost::num_edges(t.graph), boost::num_vertices(t.graph) - 1);
    EXPECT_EQ(t.accessRouters.size(), 2u);
    EXPECT_TRUE(t.aggregationRouters.empty());
    ASSERT_EQ(t.devices.size(), 5u);
    EXPECT_EQ(t.graph[t.devices[0]].deviceClass, 0u);
    EXPECT_EQ(t.graph[t.devices[1]].deviceClass, 0u);
    EXPECT_EQ(t.graph[t.devices[2]].deviceClass, 1u);
    for (uint32_t d : t.devices)
    {
        EXPECT_EQ(t.graph[t.graph[d].parent].role, NodeRole::Access);
        EXPECT_EQ(t.graph[d].level, 2u);
    }
    // Even spread: 3 + 2 devices, not 4 + 1.
    EXPECT_EQ(t.Degree(t.accessRouters[0]), 1u + 3);
    EXPECT_EQ(t.Degree(t.accessRouters[1]), 1u + 2);
    // The class's link profile is on the device's edge.
    const auto [e, found] = boost::edge(t.graph[t.devices[4]].parent, t.devices[4], t.graph);
    ASSERT_TRUE(found);
    EXPECT_EQ(t.graph[e].link.bandwidthBps, 1'000'000u);
}

// 10,000 devices at fan-out 64: 157 access routers need one aggregation level; no vertex has more
// than fanout + 2 links, and all devices sit at the same depth.
TEST(TopologyGraph, FanoutBoundHoldsForTenThousandDevices)
{
    const auto t = BuildGraph(Fleet(10'000, 64));
    EXPECT_EQ(t.accessRouters.size(), 157u);
    EXPECT_EQ(t.aggregationRouters.size(), 3u);
    EXPECT_LE(t.MaxDegree(), 64u + 2);
    EXPECT_EQ(boost::num_vertices(t.graph), 4u + 157 + 3 + 10'000);
    EXPECT_EQ(boost::num_edges(t.graph), boost::num_vertices(t.graph) - 1);
    for (uint32_t d : t.devices)
    {
        ASSERT_EQ(t.graph[d].level, 3u);
    }
}

// A tiny fan-out forces several aggregation levels; the bound still holds everywhere, also at
// the core with several TAMs next to the routers.
TEST(TopologyGraph, SeveralAggregationLevelsKeepTheBound)
{
    auto p = Fleet(1000, 4);
    p.tamCount = 2;
    const auto t = BuildGraph(p);
    EXPECT_LE(t.MaxDegree(), 4u + 2);
    EXPECT_EQ(t.tams.size(), 2u);
    EXPECT_GE(t.graph[t.devices.front()].level, 5u);
    EXPECT_EQ(t.devices.size(), 1000u);
}

TEST(TopologyGraph, RejectsImpossibleParameters)
{
    EXPECT_THROW(BuildGraph(Fleet(10, 1)), std::invalid_argument);
    auto p = Fleet(10, 4);
    p.tamCount = 4;
    EXPECT_THROW(BuildGraph(p), std::invalid_argument);
    EXPECT_THROW(BuildGraph(Fleet(0, 4)), std::invalid_argument);
    EXPECT_THROW(BuildGraph(Fleet(10, 4, 1.0)), std::invalid_argument);
}

// Every device of a fleet with two aggregation levels echoes through the TAM, the Verifier and
// the content server; every interface address in the network is unique.
TEST(TopologyNetwork, EveryDeviceReachesTheServersAndBack)
{
    const auto t = BuildGraph(Fleet(300, 4));
    const auto net = BuildNetwork(t, kFirstStream);
    std::set<uint32_t> addrs;
    size_t total = 0;
    for (uint32_t v = 0; v < net.nodes.GetN(); ++v)
    {
        auto ipv4 = net.nodes.Get(v)->GetObject<ns3::Ipv4>();
        ns3::BooleanValue weak;
        ipv4->GetAttribute("WeakEsModel", weak);
        EXPECT_FALSE(weak.Get());
        for (uint32_t i = 1; i < ipv4->GetNInterfaces(); ++i)
        {
            addrs.insert(ipv4->GetAddress(i, 0).GetLocal().Get());
            ++total;
        }
        EXPECT_LE(Network::NumLinkInterfaces(net.nodes.Get(v)), 4u + 2);
    }
    EXPECT_EQ(addrs.size(), total);
    EXPECT_EQ(total, 2 * (net.nodes.GetN() - 1));
    EXPECT_EQ(EchoFrom(net, EveryKth(300, 1), net.tams.Get(0), net.tamAddresses[0]), 300u);

    const auto net2 = BuildNetwork(t, kFirstStream);
    EXPECT_EQ(EchoFrom(net2, EveryKth(300, 7), net2.verifier, net2.verifierAddress), 43u);
    const auto net3 = BuildNetwork(t, kFirstStream);
    EXPECT_EQ(EchoFrom(net3, EveryKth(300, 7), net3.contentServer, net3.contentServerAddress), 43u);
}

// Loss on the phone class drops some echoes (never the loss-free class), the same ones on
// every build: error-model streams are assigned deterministically.
TEST(TopologyNetwork, LinkLossIsAppliedAndDeterministic)
{
    const auto t = BuildGraph(Fleet(200, 8, 0.3));
    const auto phones = EveryKth(100, 1);
    std::vector<uint32_t> iot;
    for (uint32_t i = 100; i < 200; ++i)
    {
        iot.push_back(i);
    }
    const auto a = BuildNetwork(t, kFirstStream);
    EXPECT_EQ(a.randomStreamsUsed, 200);
    const uint32_t phoneReplies = EchoFrom(a, phones, a.tams.Get(0), a.tamAddresses[0]);
    // Two packets per echo, each crossing one lossy link: P(reply) = 0.7^2 = 0.49.
    EXPECT_GT(phoneReplies, 30u);
    EXPECT_LT(phoneReplies, 70u);
    const auto b = BuildNetwork(t, kFirstStream);
    EXPECT_EQ(EchoFrom(b, phones, b.tams.Get(0), b.tamAddresses[0]), phoneReplies);
    const auto c = BuildNetwork(t, kFirstStream);
    EXPECT_EQ(EchoFrom(c, iot, c.tams.Get(0), c.tamAddresses[0]), 100u);
    EXPECT_EQ(a.DevicesOfClass(1).GetN(), 100u);
}

// 10,000 devices: interface bound on the built nodes, a sample of devices echoes through the
// TAM, and build time / memory are printed for the report.
TEST(TopologyNetwork, TenThousandDevicesBuildAndRoute)
{
    const long rss0 = RssKib();
    const auto t0 = std::chrono::steady_clock::now();
    const auto graph = BuildGraph(Fleet(10'000, 64));
    const auto net = BuildNetwork(graph, kFirstStream);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const long rss1 = RssKib();
    std::printf("[ topology ] 10000 devices: %u nodes built in %.2f s, RSS +%ld KiB (%.1f KiB "
                "per node)\n",
                net.nodes.GetN(), secs, rss1 - rss0, double(rss1 - rss0) / net.nodes.GetN());
    uint32_t maxIf = 0;
    for (uint32_t v = 0; v < net.nodes.GetN(); ++v)
    {
        maxIf = std::max(maxIf, Network::NumLinkInterfaces(net.nodes.Get(v)));
    }
    EXPECT_LE(maxIf, 64u + 2);
    EXPECT_EQ(net.devices.GetN(), 10'000u);
    EXPECT_EQ(EchoFrom(net, EveryKth(10'000, 50), net.tams.Get(0), net.tamAddresses[0]), 200u);
}

// Routing state is what the graph implies, with no queue disc on any device: a device knows only
// its own address (default route up); the core knows every address in the network as a host route
// and has no default; a second TAM is reachable like the first.
TEST(TopologyNetwork, RoutesFollowTheGraph)
{
    auto p = Fleet(40, 4);
    p.tamCount = 2;
    const auto t = BuildGraph(p);
    const auto net = BuildNetwork(t, kFirstStream);
    auto routing = [&](uint32_t v)
    {
        return ns3::DynamicCast<ns3::TeepTreeRouting>(
            net.nodes.Get(v)->GetObject<ns3::Ipv4>()->GetRoutingProtocol());
    };
    ASSERT_TRUE(routing(t.core));
    EXPECT_EQ(routing(t.core)->GetNHostRoutes(), 2 * (net.nodes.GetN() - 1));
    EXPECT_EQ(routing(t.devices[0])->GetNHostRoutes(), 1u);
    const uint32_t access = t.graph[t.devices[0]].parent;
    // An access router: its own uplink address plus both ends of each device link.
    EXPECT_EQ(routing(access)->GetNHostRoutes(), 1 + 2 * (t.Degree(access) - 1));
    // No queue discs anywhere (NS3-NOTES: they cost time and memory at scale).
    for (uint32_t v = 0; v < net.nodes.GetN(); ++v)
    {
        auto node = net.nodes.Get(v);
        auto tc = node->GetObject<ns3::TrafficControlLayer>();
        ASSERT_TRUE(tc);
        for (uint32_t i = 0; i < node->GetNDevices(); ++i)
        {
            EXPECT_FALSE(tc->GetRootQueueDiscOnDevice(node->GetDevice(i))) << v << "/" << i;
        }
    }
    EXPECT_EQ(EchoFrom(net, EveryKth(40, 3), net.tams.Get(1), net.tamAddresses[1]), 14u);
}
