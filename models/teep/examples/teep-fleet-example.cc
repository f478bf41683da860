// teep-fleet-example: TEEP attached to an existing ns-3 network. The network is built the way
// any ns-3 program builds one (InternetStackHelper, PointToPointHelper, Ipv4AddressHelper,
// static routes): a core router with the TAM and Verifier nodes, access routers with bounded
// fan-out and N devices. The TEEP helpers then only add applications to its nodes and address
// the servers by their interface addresses. Every device gets a TA at its first policy check;
// the TA is declared malicious at t0 (the TAM learns at t0 + d_T, the Verifier at t0 + d_V);
// the run lasts --hours and then continues until every device removed it. R (removal time)
// and T_trust (how long relying parties kept trusting the device) come from the Recorder that
// `teepsim run` uses, fed by the same trace sources, so they mean exactly what a scenario's
// results mean. Prints them per device, then wall time, events and events/s.
//
//   teep-fleet-example --devices=1000 --hours=24 --t0=6 --interval=3600 [--transport=tcp|message]
//                      [--ree=false]   (devices without an REE: no Broker)
#include "teepsim/teepsim-module.h"

#include "ns3/boolean.h"
#include "ns3/command-line.h"
#include "ns3/config.h"
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
    uint32_t fanOut = 100;
    std::string transport = "tcp";
    std::string law = "Fixed";
    std::string keysDir;
    bool pcap = false;
    bool perDevice = true;
    bool ree = true;
    uint64_t seed = 1;

    CommandLine cmd(__FILE__);
    cmd.AddValue("devices", "Number of devices", nDevices);
    cmd.AddValue("hours", "Simulated hours (then continues until every device is clean)", hours);
    cmd.AddValue("interval", "Policy-check interval P in seconds", intervalS);
    cmd.AddValue("law", "Policy-check law: Fixed, Uniform, Exponential", law);
    cmd.AddValue("t0", "Hour at which the TA is declared malicious", t0H);
    cmd.AddValue("dT", "Seconds until the TAM learns (d_T)", dTs);
    cmd.AddValue("dV", "Seconds until the Verifier learns (d_V)", dVs);
    cmd.AddValue("validity", "Attestation-result validity V in hours", validityH);
    cmd.AddValue("fanout", "Devices per access router", fanOut);
    cmd.AddValue("transport", "tcp (HTTP over ns-3 TCP) or message (message level)", transport);
    cmd.AddValue("keys", "Folder to write the public keys (PEM) into", keysDir);
    cmd.AddValue("pcap", "Write pcap files of the TAM and Verifier links", pcap);
    cmd.AddValue("perDevice", "Print one line per device", perDevice);
    cmd.AddValue("ree", "Devices have an REE (TEEP Broker); false: the TEE's own driver", ree);
    cmd.AddValue("seed", "RNG run number", seed);
    cmd.Parse(argc, argv);

    RngSeedManager::SetRun(seed);
    Config::SetDefault("ns3::Ipv4::WeakEsModel", BooleanValue(false));
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1400));
    const auto wallStart = std::chrono::steady_clock::now();

    // ---- topology: devices -> access routers (bounded fan-out) -> core <- TAM, Verifier ----
    NodeContainer devices;
    devices.Create(nDevices);
    const uint32_t nAccess = (nDevices + fanOut - 1) / fanOut;
    NodeContainer access;
    access.Create(nAccess);
    Ptr<Node> core = CreateObject<Node>();
    Ptr<Node> tamNode = CreateObject<Node>();
    Ptr<Node> verifierNode = CreateObject<Node>();

    InternetStackHelper internet;
    internet.Install(devices);
    internet.Install(access);
    internet.Install(core);
    internet.Install(tamNode);
    internet.Install(verifierNode);

    PointToPointHelper accessLink;
    accessLink.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
    accessLink.SetChannelAttribute("Delay", StringValue("10ms"));
    PointToPointHelper coreLink;
    coreLink.SetDeviceAttribute("DataRate", StringValue("1Gbps"));
    coreLink.SetChannelAttribute("Delay", StringValue("2ms"));

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

    auto [tamDevs, tamIfs] =
        link(coreLink, core, tamNode, Ipv4Address("192.168.1.0"), "255.255.255.252");
    auto [verDevs, verIfs] =
        link(coreLink, core, verifierNode, Ipv4Address("192.168.2.0"), "255.255.255.252");
    serverLinks.Add(tamDevs);
    serverLinks.Add(verDevs);
    StaticRoutingOf(tamNode)->SetDefaultRoute(tamIfs.GetAddress(0), 1);
    StaticRoutingOf(verifierNode)->SetDefaultRoute(verIfs.GetAddress(0), 1);

    for (uint32_t a = 0; a < nAccess; ++a)
    {
        char net[32];
        std::snprintf(net, sizeof net, "172.16.%u.%u", a / 64, (a % 64) * 4);
        auto [cd, cifs] = link(coreLink, core, access.Get(a), Ipv4Address(net), "255.255.255.252");
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
    if (transport == "message")
    {
        transports.SetClientType("ns3::teepsim::MessageClientTransport");
        transports.SetServerType("ns3::teepsim::MessageServerTransport");
    }
    else if (transport != "tcp")
    {
        NS_ABORT_MSG("--transport must be tcp or message");
    }
    Ptr<TaCatalog> catalog = CreateObject<TaCatalog>();
    catalog->Add("ta-1", 4096);

    VerifierHelper vh(transports);
    vh.SetAttribute("ArValidity", TimeValue(Hours(validityH)));
    Ptr<Verifier> verifier = DynamicCast<Verifier>(vh.Install(verifierNode, catalog).Get(0));
    const Address verifierAddress = InetSocketAddress(verIfs.GetAddress(1), 8081);

    TamHelper th(transports); // reaches the Verifier over the same transport
    Ptr<TamServer> tam =
        DynamicCast<TamServer>(th.Install(tamNode, catalog, verifier, verifierAddress).Get(0));
    tam->SetDefaultDesiredTas({"ta-1"});
    const Address tamAddress = InetSocketAddress(tamIfs.GetAddress(1), 8080);

    TeepDeviceHelper dh(transports);
    dh.SetRee(ree);
    dh.SetBrokerAttribute("Interval", TimeValue(Seconds(intervalS)));
    dh.SetBrokerAttribute("Law", StringValue(law));
    ApplicationContainer brokers = dh.Install(devices, tam, tamAddress, verifier, catalog);
    dh.AssignStreams(brokers, 1000);

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
        coreLink.EnablePcap("teep-fleet", serverLinks, true);
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
