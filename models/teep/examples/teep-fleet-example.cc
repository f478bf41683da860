// teep-fleet-example: TEEP attached to an existing ns-3 network. The network is built the way
// any ns-3 program builds one (InternetStackHelper, PointToPointHelper, Ipv4AddressHelper,
// static routes): a core router with the TAM and Verifier nodes, access routers with bounded
// fan-out and N devices. The TEEP helpers then only add applications to its nodes and address
// the servers by their interface addresses. Every device gets a TA at its first policy check;
// the TA is declared malicious at t0 (the TAM learns at t0 + d_T, the Verifier at t0 + d_V);
// the run stops at --hours (a device that still holds the TA then is censored). R (removal
// time) and T_trust (how long relying parties kept trusting the device) come from the Recorder
// that `teepsim run` uses, fed by the same trace sources, so they mean exactly what a
// scenario's results mean. Prints them per device (device,ta,r_ns,t_trust_ns, NULL when
// censored), then wall time, events and events/s on stderr.
//
// The link delays and rates are the ones `teepsim run` gives its generated tree on the full
// transport (devices 10 ms / 10 Mbit/s, routers 2 ms / 10 Gbit/s, servers 1 ms / 10 Gbit/s;
// fan-out 64), and the seeds, keys and random streams are set as a scenario sets them, so for
// up to 64 devices (one access router in both) the run is the scenario
// tests/examples/fleet.yaml describes (a ctest compares their R and T_trust to the nanosecond).
//
//   teep-fleet-example --devices=1000 --hours=24 --t0=6 --interval=3600 [--transport=tcp|message]
//                      [--ree=false]   (devices without an REE: no Broker)
#include "teepsim/teepsim-module.h"

#include "ns3/boolean.h"
#include "ns3/command-line.h"
#include "ns3/config.h"
#include "ns3/enum.h"
#include "ns3/inet-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/ipv4-static-routing.h"
#include "ns3/ipv4.h"
#include "ns3/node-container.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/traffic-control-helper.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <vector>

#include "teep-example-recorder.h"

using namespace ns3;

namespace
{

namespace rec = teepsim::recorder;

// The streams `teepsim run` gives the same objects (sim/deployment StreamPlan), so the runs
// draw the same numbers. A study of its own may pick any bases that do not overlap.
constexpr int64_t kDriverStreams = 1000;
constexpr int64_t kTransportStreams = 100'000'000;

/// Static route helper: the Ipv4StaticRouting of a node.
Ptr<Ipv4StaticRouting> StaticRoutingOf(Ptr<Node> n)
{
    Ipv4StaticRoutingHelper h;
    return h.GetStaticRouting(n->GetObject<Ipv4>());
}

} // namespace

int main(int argc, char* argv[])
{
    uint32_t nDevices = 100;
    double hours = 24;
    double intervalS = 3600;
    double t0H = 6;
    double dTs = 0;
    double dVs = 0;
    double validityH = 24;
    uint32_t fanOut = 64;
    std::string transport = "tcp";
    std::string law = "Fixed";
    std::string keysDir;
    bool pcap = false;
    bool perDevice = true;
    bool ree = true;
    uint32_t seed = 1;
    uint64_t run = 1;

    CommandLine cmd(__FILE__);
    cmd.AddValue("devices", "Number of devices", nDevices);
    cmd.AddValue("hours", "Simulated hours (the horizon)", hours);
    cmd.AddValue("interval", "Policy-check interval P in seconds", intervalS);
    cmd.AddValue("law", "Policy-check law: Fixed, Uniform, Exponential", law);
    cmd.AddValue("t0", "Hour at which the TA is declared malicious", t0H);
    cmd.AddValue("dT", "Seconds until the TAM learns (d_T)", dTs);
    cmd.AddValue("dV", "Seconds until the Verifier learns (d_V)", dVs);
    cmd.AddValue("validity", "Attestation-result validity V in hours", validityH);
    cmd.AddValue("fanout", "Devices per access router (1 to 4096)", fanOut);
    cmd.AddValue("transport", "tcp (HTTP over ns-3 TCP) or message (message level)", transport);
    cmd.AddValue("keys", "Folder to write the public keys (PEM) into", keysDir);
    cmd.AddValue("pcap", "Write pcap files of the TAM and Verifier links", pcap);
    cmd.AddValue("perDevice", "Print one line per device", perDevice);
    cmd.AddValue("ree", "Devices have an REE (TEEP Broker); false: the TEE's own driver", ree);
    cmd.AddValue("seed", "RNG seed (also the key seed)", seed);
    cmd.AddValue("run", "RNG run number", run);
    cmd.Parse(argc, argv);
    NS_ABORT_MSG_IF(fanOut == 0 || fanOut > 4096, "--fanout must be 1 to 4096, got " << fanOut);
    NS_ABORT_MSG_IF(nDevices == 0, "--devices must be at least 1");
    NS_ABORT_MSG_IF((nDevices + fanOut - 1) / fanOut > 1023,
                    "--devices / --fanout: more than 1023 access routers (the address plan)");

    RngSeedManager::SetSeed(seed);
    RngSeedManager::SetRun(run);
    Config::SetDefault("ns3::Ipv4::WeakEsModel", BooleanValue(false));
    const auto wallStart = std::chrono::steady_clock::now();

    // ---- topology: devices -> access routers (bounded fan-out) -> core <- TAM, Verifier ----
    // Created core and servers first, devices last: the order `teepsim run` creates them in.
    Ptr<Node> core = CreateObject<Node>();
    Ptr<Node> tamNode = CreateObject<Node>();
    Ptr<Node> verifierNode = CreateObject<Node>();
    const uint32_t nAccess = (nDevices + fanOut - 1) / fanOut;
    NodeContainer access;
    access.Create(nAccess);
    NodeContainer devices;
    devices.Create(nDevices);

    InternetStackHelper internet;
    internet.Install(core);
    internet.Install(tamNode);
    internet.Install(verifierNode);
    internet.Install(access);
    internet.Install(devices);

    PointToPointHelper accessLink;
    accessLink.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
    accessLink.SetChannelAttribute("Delay", StringValue("10ms"));
    PointToPointHelper routerLink; // core <-> access routers
    routerLink.SetDeviceAttribute("DataRate", StringValue("10Gbps"));
    routerLink.SetChannelAttribute("Delay", StringValue("2ms"));
    PointToPointHelper serverLink; // core <-> TAM, Verifier
    serverLink.SetDeviceAttribute("DataRate", StringValue("10Gbps"));
    serverLink.SetChannelAttribute("Delay", StringValue("1ms"));

    TrafficControlHelper noQueueDiscs;
    Ipv4AddressHelper addr;
    NetDeviceContainer serverLinks;

    auto link =
        [&](PointToPointHelper& h, Ptr<Node> a, Ptr<Node> b, Ipv4Address net, const char* mask)
    {
        NetDeviceContainer d = h.Install(a, b);
        addr.SetBase(net, Ipv4Mask(mask));
        Ipv4InterfaceContainer ifs = addr.Assign(d);
        noQueueDiscs.Uninstall(d); // no queue discs (NS3-NOTES.md): FIFO device queues only
        return std::make_pair(d, ifs);
    };

    // The TAM at 10.0.0.2 and the Verifier at 10.0.0.6: the addresses `teepsim run` gives them.
    // Any would do, but a request's Host header spells the server's address, so its length
    // is part of every message's size on the links (and of the comparison with a scenario).
    auto [tamDevs, tamIfs] =
        link(serverLink, core, tamNode, Ipv4Address("10.0.0.0"), "255.255.255.252");
    auto [verDevs, verIfs] =
        link(serverLink, core, verifierNode, Ipv4Address("10.0.0.4"), "255.255.255.252");
    serverLinks.Add(tamDevs);
    serverLinks.Add(verDevs);
    StaticRoutingOf(tamNode)->SetDefaultRoute(tamIfs.GetAddress(0), 1);
    StaticRoutingOf(verifierNode)->SetDefaultRoute(verIfs.GetAddress(0), 1);

    for (uint32_t a = 0; a < nAccess; ++a)
    {
        char net[32];
        std::snprintf(net, sizeof net, "172.16.%u.%u", a / 64, (a % 64) * 4);
        auto [cd, cifs] =
            link(routerLink, core, access.Get(a), Ipv4Address(net), "255.255.255.252");
        // Access router a owns the /18 block 10.0.0.0 | (a + 1) << 14 (up to 1023 routers of
        // up to 4096 devices), one /30 per device link: one route per router at the core.
        const uint32_t block = (10u << 24) | ((a + 1) << 14);
        StaticRoutingOf(core)->AddNetworkRouteTo(
            Ipv4Address(block), Ipv4Mask("255.255.192.0"), cifs.GetAddress(1),
            core->GetObject<Ipv4>()->GetInterfaceForDevice(cd.Get(0)));
        StaticRoutingOf(access.Get(a))->SetDefaultRoute(cifs.GetAddress(0), 1);
        for (uint32_t k = 0; k < fanOut && a * fanOut + k < nDevices; ++k)
        {
            Ptr<Node> dev = devices.Get(a * fanOut + k);
            const uint32_t sub = block | (k << 2);
            auto [dd, difs] =
                link(accessLink, access.Get(a), dev, Ipv4Address(sub), "255.255.255.252");
            StaticRoutingOf(dev)->SetDefaultRoute(difs.GetAddress(0), 1);
        }
    }

    // ---- TEEP: catalog, Verifier, TAM, devices ----
    TeepTransportHelper transports;
    const bool messageLevel = transport == "message";
    NS_ABORT_MSG_IF(!messageLevel && transport != "tcp", "--transport must be tcp or message");
    if (messageLevel)
    {
        transports.SetClientType("ns3::teepsim::MessageClientTransport");
        transports.SetServerType("ns3::teepsim::MessageServerTransport");
    }
    // The keys derive from the seed, as in a scenario (every signer gets KeySeed = seed).
    Ptr<TaCatalog> catalog = CreateObject<TaCatalog>();
    catalog->SetAttribute("KeySeed", UintegerValue(seed));
    catalog->SetAttribute("Suite", EnumValue(TeepHelperDefaults::kSuite));
    catalog->Add("ta-1", 4096);

    VerifierHelper vh(transports);
    vh.SetAttribute("KeySeed", UintegerValue(seed));
    vh.SetAttribute("ArValidity", TimeValue(Hours(validityH)));
    Ptr<Verifier> verifier = DynamicCast<Verifier>(vh.Install(verifierNode, catalog).Get(0));
    // The servers are addressed by their interface addresses on either transport (on the
    // message level a server with an IPv4 stack listens on each of its addresses; the
    // topology then carries no TEEP traffic).
    const Address verifierAddress = InetSocketAddress(verIfs.GetAddress(1), 8081);

    TamHelper th(transports); // reaches the Verifier over the same transport
    th.SetAttribute("KeySeed", UintegerValue(seed));
    Ptr<TamServer> tam =
        DynamicCast<TamServer>(th.Install(tamNode, catalog, verifier, verifierAddress).Get(0));
    tam->SetDefaultDesiredTas({"ta-1"});
    const Address tamAddress = InetSocketAddress(tamIfs.GetAddress(1), 8080);

    // The devices' clients wait 30 s for each answer (a scenario's response_timeout); the
    // TAM's client towards the Verifier keeps the transport's default.
    TeepTransportHelper deviceTransports = transports;
    deviceTransports.SetClientAttribute(messageLevel ? "Timeout" : "ResponseTimeout",
                                        TimeValue(Seconds(30)));
    TeepDeviceHelper dh(deviceTransports);
    dh.SetRee(ree);
    dh.SetAgentAttribute("KeySeed", UintegerValue(seed));
    dh.SetBrokerAttribute("Interval", TimeValue(Seconds(intervalS)));
    dh.SetBrokerAttribute("Law", StringValue(law));
    ApplicationContainer brokers = dh.Install(devices, tam, tamAddress, verifier, catalog);
    dh.AssignStreams(devices, kDriverStreams);
    dh.AssignTransportStreams(devices, kTransportStreams);

    rec::Recorder recorder;
    teepsim_example::ConnectRecorder(recorder, brokers, verifier, "devices", ree);
    teepsim_example::ScheduleMalicious(recorder, tam, verifier, "ta-1", Hours(t0H), Seconds(dTs),
                                       Seconds(dVs));

    if (!keysDir.empty())
    {
        WriteTeepPublicKeys(keysDir, tam, verifier, catalog, devices);
    }
    if (pcap)
    {
        serverLink.EnablePcap("teep-fleet", serverLinks, true);
    }

    const auto setupDone = std::chrono::steady_clock::now();
    Simulator::Stop(Hours(hours));
    Simulator::Run();
    recorder.Finish(Hours(hours).GetNanoSeconds());
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    const double runWall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - setupDone).count();
    const uint64_t events = Simulator::GetEventCount();

    if (perDevice)
    {
        teepsim_example::PrintExposures(recorder);
    }
    uint64_t removed = 0;
    for (const rec::Exposure& e : recorder.Exposures())
    {
        removed += e.r.has_value();
    }
    std::fprintf(stderr,
                 "devices %u (TA removed on %llu of %zu exposed) transport %s interval %.0fs law "
                 "%s simulated %.2f h\n"
                 "wall %.2f s (run %.2f s), events %llu, %.0f events/s, sessions at TAM %llu\n",
                 nDevices, static_cast<unsigned long long>(removed), recorder.Exposures().size(),
                 transport.c_str(), intervalS, law.c_str(), Simulator::Now().GetHours(), wall,
                 runWall, static_cast<unsigned long long>(events),
                 runWall > 0 ? events / runWall : 0.0,
                 static_cast<unsigned long long>(tam->GetSessionsCompleted()));
    Simulator::Destroy();
    // Every exposed device removed the TA by the horizon, and someone was exposed.
    return !recorder.Exposures().empty() && removed == recorder.Exposures().size() ? 0 : 1;
}
