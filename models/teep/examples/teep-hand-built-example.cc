// teep-hand-built-example: the smallest complete TEEP study built by hand with the model
// helpers: a TAM, a Verifier and a few devices on the message-level transport (each device's
// access link is a LinkProfile: latency, rate, loss), a TA that every device installs at its
// first policy check and that is declared malicious at t0. R (removal time) and T_trust (how
// long relying parties kept trusting the device) come from the same Recorder that `teepsim
// run` uses, fed by the same trace sources, so its numbers are the ones a scenario file gives
// (tests/examples/hand_built.yaml is the equivalent scenario; a ctest compares them).
//
//   teep-hand-built-example [--devices=5] [--hours=8] [--t0=3] [--interval=3600]
//                           [--validity=4] [--seed=7] [--run=1]
//
// Prints one line per (device, TA) exposure: device,ta,r_ns,t_trust_ns (NULL when censored),
// then the R and T_trust means on stderr.
#include "teepsim/teepsim-module.h"

#include "ns3/command-line.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/global-value.h"
#include "ns3/inet-socket-address.h"
#include "ns3/node-container.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include "teep-example-recorder.h"

using namespace ns3;
namespace rec = teepsim::recorder;

namespace
{

// The streams `teepsim run` gives the same objects (sim/deployment StreamPlan), so the runs
// draw the same numbers. A study of its own may pick any bases that do not overlap.
constexpr int64_t kDriverStreams = 1000;
constexpr int64_t kTransportStreams = 100'000'000;

} // namespace

int main(int argc, char* argv[])
{
    uint32_t nDevices = 5;
    double hours = 8;
    double t0H = 3;
    double intervalS = 3600;
    double validityH = 4;
    uint32_t seed = 7;
    uint64_t run = 1;

    CommandLine cmd(__FILE__);
    cmd.AddValue("devices", "Number of devices", nDevices);
    cmd.AddValue("hours", "Simulated hours (the horizon)", hours);
    cmd.AddValue("t0", "Hour at which the TA is declared malicious", t0H);
    cmd.AddValue("interval", "Policy-check interval P in seconds (fixed law)", intervalS);
    cmd.AddValue("validity", "Attestation-result validity V in hours", validityH);
    cmd.AddValue("seed", "RNG seed (also the key seed)", seed);
    cmd.AddValue("run", "RNG run number", run);
    cmd.Parse(argc, argv);

    RngSeedManager::SetSeed(seed);
    RngSeedManager::SetRun(run);
    // Cheap signatures: the COSE structure is built, the CPU time charged is zero.
    GlobalValue::Bind("TeepCryptoMode", StringValue("Modelled"));
    GlobalValue::Bind("TeepCryptoOpTime", TimeValue(Seconds(0)));
    const Time t0 = Hours(t0H);
    const Time horizon = Hours(hours);

    // ---- nodes: the devices first, then the TAM and the Verifier ----
    NodeContainer devices;
    devices.Create(nDevices);
    Ptr<Node> tamNode = CreateObject<Node>();
    Ptr<Node> verifierNode = CreateObject<Node>();
    // Message level: servers listen on Any:port, which is what clients address.
    const Address tamAddress = InetSocketAddress(Ipv4Address::GetAny(), 8080);
    const Address verifierAddress = InetSocketAddress(Ipv4Address::GetAny(), 8081);

    TeepTransportHelper transports;
    transports.SetClientType("ns3::teepsim::MessageClientTransport");
    transports.SetServerType("ns3::teepsim::MessageServerTransport");

    // ---- the TA catalogue, the Verifier and the TAM ----
    Ptr<TaCatalog> catalog = CreateObject<TaCatalog>();
    catalog->SetAttribute("KeySeed", UintegerValue(seed));
    catalog->SetAttribute("Suite", EnumValue(TeepHelperDefaults::kSuite)); // a scenario's esp256
    catalog->Add("wallet", 16 * 1024);

    VerifierHelper vh(transports);
    vh.SetAttribute("KeySeed", UintegerValue(seed));
    vh.SetAttribute("ArValidity", TimeValue(Hours(validityH)));
    Ptr<Verifier> verifier = DynamicCast<Verifier>(vh.Install(verifierNode, catalog).Get(0));

    TamHelper th(transports); // reaches the Verifier with the same (message-level) transport
    th.SetAttribute("KeySeed", UintegerValue(seed));
    Ptr<TamServer> tam =
        DynamicCast<TamServer>(th.Install(tamNode, catalog, verifier, verifierAddress).Get(0));
    tam->SetDefaultDesiredTas({"wallet"});

    // ---- the devices: 10 ms / 10 Mbit/s access links, fixed hourly policy checks ----
    LinkProfile access;
    access.oneWayDelay = MilliSeconds(10);
    access.bandwidthBps = 10'000'000;
    TeepTransportHelper deviceTransports = transports;
    deviceTransports.SetClientAttribute("OneWayDelay", TimeValue(access.oneWayDelay));
    deviceTransports.SetClientAttribute("Bandwidth", UintegerValue(access.bandwidthBps));
    deviceTransports.SetClientAttribute("LossProbability", DoubleValue(access.lossProbability));
    deviceTransports.SetClientAttribute("Timeout", TimeValue(Seconds(30)));
    TeepDeviceHelper dh(deviceTransports);
    dh.SetAgentAttribute("KeySeed", UintegerValue(seed));
    dh.SetBrokerAttribute("Law", EnumValue(POLICY_CHECK_FIXED));
    dh.SetBrokerAttribute("Interval", TimeValue(Seconds(intervalS)));
    ApplicationContainer drivers = dh.Install(devices, tam, tamAddress, verifier, catalog);
    dh.AssignStreams(devices, kDriverStreams);
    dh.AssignTransportStreams(devices, kTransportStreams);

    // ---- the Recorder, fed by the model trace sources; t0 ----
    rec::RecorderConfig config;
    config.warmup = Hours(2).GetNanoSeconds();
    rec::Recorder recorder(config);
    teepsim_example::ConnectRecorder(recorder, drivers, verifier, "phones", true);
    // The TAM and the Verifier learn at t0 (d_T = d_V = 0).
    teepsim_example::ScheduleMalicious(recorder, tam, verifier, "wallet", t0, Seconds(0),
                                       Seconds(0));

    Simulator::Stop(horizon);
    Simulator::Run();
    recorder.Finish(horizon.GetNanoSeconds());
    teepsim_example::PrintExposures(recorder);
    Simulator::Destroy();
    return 0;
}
