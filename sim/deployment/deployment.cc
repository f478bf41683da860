// Builds one simulation from a Scenario: network (full) or bare nodes (message transport),
// Verifier, TAM, devices, and the scenario's scheduled events.
#include "teepsim/sim/deployment.h"

#include "teepsim/http-tcp-transport.h"
#include "teepsim/message-transport.h"
#include "teepsim/sim/topology.h"
#include "teepsim/teep-helpers.h"

#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/inet-socket-address.h"
#include "ns3/node-list.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include "codec-settings.h"
#include "deployment-impl.h"
#include "time-marks.h"
#include "timeouts.h"

namespace teepsim::sim
{

using namespace ns3;

namespace
{
constexpr uint16_t kTamPort = 8080;
constexpr uint16_t kVerifierPort = 8081;

TeepSignatureSuite SuiteOf(SignatureAlgorithm a)
{
    return a == SignatureAlgorithm::Ed25519 ? TEEP_SUITE_ED25519 : TEEP_SUITE_ESP256;
}

ns3::LinkProfile ToLink(const sim::LinkProfile& l)
{
    ns3::LinkProfile out;
    out.oneWayDelay = NanoSeconds(l.latency_ns);
    out.bandwidthBps = static_cast<uint64_t>(l.bandwidth_bps);
    out.lossProbability = l.loss;
    return out;
}

// Splits `count` devices over behaviours in proportion to the mix, by largest remainder, so the
// fractions are as exact as integers allow and the assignment is deterministic.
std::vector<TeepBrokerBehaviour> AssignBehaviours(const BrokerMix& mix, int64_t count)
{
    const std::pair<TeepBrokerBehaviour, double> shares[] = {
        {BROKER_HONEST, mix.honest},
        {BROKER_DROP_FRACTION, mix.drop},
        {BROKER_DROP_ALL, mix.drop_all},
        {BROKER_DELAY, mix.delay},
        {BROKER_SUPPRESS_TIMER, mix.suppress_timers},
        {BROKER_TAMPER, mix.tamper}};
    std::vector<int64_t> n;
    std::vector<std::pair<double, size_t>> remainders;
    int64_t assigned = 0;
    for (size_t i = 0; i < std::size(shares); ++i)
    {
        const double exact = shares[i].second * static_cast<double>(count);
        n.push_back(static_cast<int64_t>(exact));
        assigned += n.back();
        remainders.emplace_back(exact - static_cast<double>(n.back()), i);
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](auto& a, auto& b) { return a.first > b.first; });
    for (size_t k = 0; assigned < count && k < remainders.size(); ++k, ++assigned)
    {
        ++n[remainders[k].second];
    }
    std::vector<TeepBrokerBehaviour> out;
    for (size_t i = 0; i < std::size(shares); ++i)
    {
        out.insert(out.end(), n[i], shares[i].first);
    }
    out.resize(count, BROKER_HONEST);
    return out;
}

const char* BehaviourName(TeepBrokerBehaviour b, bool ree)
{
    if (!ree)
    {
        return "";
    }
    switch (b)
    {
        case BROKER_HONEST:
            return "honest";
        case BROKER_DROP_FRACTION:
            return "drop";
        case BROKER_DROP_ALL:
            return "drop-all";
        case BROKER_DELAY:
            return "delay";
        case BROKER_SUPPRESS_TIMER:
            return "suppress-timers";
        case BROKER_TAMPER:
            return "tamper";
    }
    return "?";
}

ns3::PolicyCheckLaw LawOf(sim::PolicyCheckLaw l)
{
    switch (l)
    {
        case sim::PolicyCheckLaw::Fixed:
            return POLICY_CHECK_FIXED;
        case sim::PolicyCheckLaw::UniformJitter:
            return POLICY_CHECK_UNIFORM;
        case sim::PolicyCheckLaw::Exponential:
            return POLICY_CHECK_EXPONENTIAL;
    }
    return POLICY_CHECK_FIXED;
}

} // namespace

Deployment::Deployment(const Scenario& scenario) : m_impl(std::make_unique<Impl>(scenario))
{
}

Deployment::~Deployment()
{
    m_impl.reset();
    Simulator::Destroy(); // also drops the MessageTransportRegistry
}

const recorder::Recorder& Deployment::GetRecorder() const
{
    return m_impl->recorder;
}

uint64_t Deployment::GetEventCount() const
{
    return Simulator::GetEventCount();
}

size_t Deployment::ExportPublicKeys(const std::string& dir) const
{
    return WriteTeepPublicKeys(dir, m_impl->tam, m_impl->verifier, m_impl->catalog,
                               m_impl->deviceNodes);
}

void Deployment::EnablePcap(const std::string& dir)
{
    std::filesystem::create_directories(dir);
    ExportPublicKeys(dir);
    if (!m_impl->network)
    {
        return; // message-level transport has no packets to capture
    }
    // Only the TAM and Verifier links: they see every TEEP message, and one file per device
    // would mean thousands of files.
    PointToPointHelper p2p;
    for (Ptr<Node> node : {m_impl->network->tams.Get(0), m_impl->network->verifier})
    {
        for (uint32_t i = 0; i < node->GetNDevices(); ++i)
        {
            if (DynamicCast<PointToPointNetDevice>(node->GetDevice(i)))
            {
                p2p.EnablePcap(dir + "/teep", node->GetDevice(i), true);
            }
        }
    }
}

Deployment::Impl::Impl(const Scenario& s) : scenario(s), recorder(RecorderConfigFor(s))
{
}

recorder::RecorderConfig Deployment::Impl::RecorderConfigFor(const Scenario& s)
{
    recorder::RecorderConfig c;
    // About 500 buckets over the horizon, at least one second each.
    c.bucketWidth = std::max<int64_t>(recorder::kNsPerSecond, s.horizon_ns / 500);
    c.tamWorkers = static_cast<uint32_t>(s.tam.workers);
    c.warmup = s.warmup_ns;
    c.warnFailedFraction = s.outputs.warn_failed_fraction;
    c.openOutcome = ToString(SessionOutcome::OpenAtHorizon);
    c.nonFailureOutcomes.clear();
    for (SessionOutcome o : kAllSessionOutcomes)
    {
        c.outcomes.emplace_back(ToString(o));
        if (!IsFailure(o))
        {
            c.nonFailureOutcomes.emplace_back(ToString(o));
        }
    }
    return c;
}

void Deployment::Build()
{
    Impl& d = *m_impl;
    d.SeedAndCodec();
    const Impl::Servers servers = d.BuildNodes();
    const TeepTransportHelper transports = d.Transports();
    d.BuildCatalogue();
    d.InstallVerifier(transports, servers.verifierNode);
    d.InstallTam(transports, servers.tamNode, servers.verifierAddress);
    d.InstallDevices(transports, servers.tamAddress);
    d.AssignDeviceStreams();
    d.WireAuthorization(servers.tamNode, servers.tamIp);
    d.WireTraces();
    d.WireFreshness(StreamPlan::kFreshness);
    d.PreInstallCatalogue(); // after the traces: the recorder sees the installs at t = 0
    d.CheckStreamBlock("scenario events", StreamPlan::kEvents, StreamPlan::kFreshness,
                       d.ScheduleScenarioEvents(StreamPlan::kEvents));
    Simulator::Stop(NanoSeconds(d.scenario.horizon_ns));
}

void Deployment::Impl::SeedAndCodec()
{
    StopMarkingTimes(); // before the first per-device Time (time-marks.h)
    RngSeedManager::SetSeed(scenario.seed);
    RngSeedManager::SetRun(scenario.run);
    ApplyCodecSettings(scenario); // wire profile and crypto mode are process-wide (GlobalValues)
}

bool Deployment::Impl::FullTransport() const
{
    return scenario.transport == Transport::Full;
}

Deployment::Impl::Servers Deployment::Impl::BuildNodes()
{
    const Scenario& s = scenario;
    Servers out;
    Ipv4Address tamIp;
    Ipv4Address verifierIp;
    if (FullTransport())
    {
        topology::TopologyParams params;
        for (const DeviceClass& c : s.fleet)
        {
            params.classes.push_back({c.name, static_cast<uint32_t>(c.count), ToLink(c.link)});
        }
        network = std::make_unique<topology::Network>(
            topology::BuildNetwork(topology::BuildGraph(params), StreamPlan::kNetwork));
        CheckStreamBlock("link error models", StreamPlan::kNetwork, StreamPlan::kTransports,
                         network->randomStreamsUsed);
        deviceNodes = network->devices;
        out.tamNode = network->tams.Get(0);
        tamIp = network->tamAddresses[0];
        out.verifierNode = network->verifier;
        verifierIp = network->verifierAddress;
    }
    else
    {
        // Message level: nodes carry the applications only; addresses just name the servers.
        deviceNodes.Create(static_cast<uint32_t>(s.TotalDevices()));
        out.tamNode = CreateObject<Node>();
        out.verifierNode = CreateObject<Node>();
        // Servers listen on Any:port; the message-level registry resolves exactly that address.
        tamIp = Ipv4Address::GetAny();
        verifierIp = Ipv4Address::GetAny();
    }
    out.tamIp = tamIp;
    out.tamAddress = InetSocketAddress(tamIp, kTamPort);
    out.verifierAddress = InetSocketAddress(verifierIp, kVerifierPort);
    return out;
}

TeepTransportHelper Deployment::Impl::Transports() const
{
    TeepTransportHelper transports;
    transports.SetClientType(FullTransport() ? "ns3::teepsim::HttpTcpClientTransport"
                                             : "ns3::teepsim::MessageClientTransport");
    transports.SetServerType(FullTransport() ? "ns3::teepsim::HttpTcpServerTransport"
                                             : "ns3::teepsim::MessageServerTransport");
    return transports;
}

void Deployment::Impl::BuildCatalogue()
{
    catalog = CreateObject<TaCatalog>();
    catalog->SetAttribute("KeySeed", UintegerValue(scenario.seed));
    catalog->SetAttribute("Suite", EnumValue(SuiteOf(scenario.verifier.algorithm)));
    for (const TrustedApp& ta : scenario.catalogue)
    {
        catalog->Add(ta.name, static_cast<uint32_t>(ta.image_size));
        if (ta.personalization)
        {
            catalog->SetPersonalization(ta.name, static_cast<uint32_t>(ta.personalization_size));
        }
    }
}

void Deployment::Impl::InstallVerifier(const TeepTransportHelper& transports, Ptr<Node> node)
{
    const Scenario& s = scenario;
    VerifierHelper verifierHelper(transports);
    verifierHelper.SetAttribute("Port", UintegerValue(kVerifierPort));
    verifierHelper.SetAttribute("KeySeed", UintegerValue(s.seed));
    verifierHelper.SetAttribute("Suite", EnumValue(SuiteOf(s.verifier.algorithm)));
    verifierHelper.SetAttribute("ArValidity", TimeValue(NanoSeconds(s.verifier.validity_ns)));
    verifier = DynamicCast<Verifier>(verifierHelper.Install(node, catalog).Get(0));
}

void Deployment::Impl::InstallTam(const TeepTransportHelper& transports, Ptr<Node> node,
                                  const Address& verifierAddress)
{
    const Scenario& s = scenario;
    TamHelper tamHelper(transports);
    tamHelper.SetAttribute("Port", UintegerValue(kTamPort));
    tamHelper.SetAttribute("KeySeed", UintegerValue(s.seed));
    tamHelper.SetAttribute("Suite", EnumValue(SuiteOf(s.verifier.algorithm)));
    tamHelper.SetAttribute("Workers", UintegerValue(static_cast<uint32_t>(s.tam.workers)));
    tamHelper.SetAttribute("ServiceTime", TimeValue(NanoSeconds(s.tam.service_time_ns)));
    tamHelper.SetAttribute("RemediationServiceTime",
                           TimeValue(NanoSeconds(s.tam.remediation_service_time_ns)));
    tamHelper.SetAttribute("SessionTimeout", TimeValue(NanoSeconds(SessionTimeoutNs(s))));
    tamHelper.SetAttribute("QueueLimit", UintegerValue(static_cast<uint32_t>(s.tam.queue_limit)));
    tamHelper.SetAttribute("Service", EnumValue(s.tam.service == TamService::PerSession
                                                    ? TAM_SERVICE_PER_SESSION
                                                    : TAM_SERVICE_PER_REQUEST));
    tamHelper.SetAttribute("OverloadResponse",
                           EnumValue(s.tam.overload_response == OverloadResponse::TeepError
                                         ? TAM_OVERLOAD_TEEP_ERROR
                                         : TAM_OVERLOAD_HTTP_503));
    tam =
        DynamicCast<TamServer>(tamHelper.Install(node, catalog, verifier, verifierAddress).Get(0));
    std::vector<std::string> desired;
    for (const TrustedApp& ta : s.catalogue)
    {
        desired.push_back(ta.name);
    }
    tam->SetDefaultDesiredTas(desired);
}

// One helper per class; Broker behaviours assigned per device; a class without an REE gets
// TeepTeeSessionDriver (same timer and retries, no Broker).
void Deployment::Impl::AssignDeviceStreams()
{
    TeepDeviceHelper streams{TeepTransportHelper()};
    // Drivers sit below the network block on the full transport; the message transport has no
    // network block, so they may reach up to the transports.
    CheckStreamBlock("session drivers", StreamPlan::kDrivers,
                     FullTransport() ? StreamPlan::kNetwork : StreamPlan::kTransports,
                     streams.AssignStreams(deviceNodes, StreamPlan::kDrivers));
    CheckStreamBlock("client transports", StreamPlan::kTransports, StreamPlan::kEvents,
                     streams.AssignTransportStreams(deviceNodes, StreamPlan::kTransports));
}

void Deployment::Impl::CheckStreamBlock(const char* what, int64_t first, int64_t next, int64_t used)
{
    if (used > next - first)
    {
        throw std::runtime_error(std::string("random streams of the ") + what + " (" +
                                 std::to_string(used) + " from " + std::to_string(first) +
                                 ") overlap the next block at " + std::to_string(next) +
                                 ": the fleet is too large for the stream plan (deployment.cc)");
    }
}

void Deployment::Impl::InstallDevices(const TeepTransportHelper& transports,
                                      const Address& tamAddress)
{
    uint32_t nextDevice = 0;
    for (const DeviceClass& c : scenario.fleet)
    {
        InstallDeviceClass(c, transports, tamAddress, nextDevice);
        nextDevice += static_cast<uint32_t>(c.count);
    }
}

TeepTransportHelper Deployment::Impl::ClassTransports(const TeepTransportHelper& transports,
                                                      const DeviceClass& c) const
{
    TeepTransportHelper classTransports = transports;
    // response_timeout (auto: scaled with the TAM queue, the access link and, on the message
    // transport, the largest message; see timeouts.h).
    const Time responseTimeout = NanoSeconds(ResponseTimeoutNs(scenario, c));
    if (!FullTransport())
    {
        classTransports.SetClientAttribute("OneWayDelay",
                                           TimeValue(NanoSeconds(c.link.latency_ns)));
        classTransports.SetClientAttribute(
            "Bandwidth", UintegerValue(static_cast<uint64_t>(c.link.bandwidth_bps)));
        classTransports.SetClientAttribute("LossProbability", DoubleValue(c.link.loss));
        classTransports.SetClientAttribute("Timeout", TimeValue(responseTimeout));
    }
    else
    {
        classTransports.SetClientAttribute("ResponseTimeout", TimeValue(responseTimeout));
    }
    return classTransports;
}

void Deployment::Impl::InstallDeviceClass(const DeviceClass& c,
                                          const TeepTransportHelper& transports,
                                          const Address& tamAddress, uint32_t firstDevice)
{
    const Scenario& s = scenario;
    TeepDeviceHelper helper(ClassTransports(transports, c));
    helper.SetFirstDeviceId(firstDevice);
    helper.SetRee(c.ree);
    helper.SetAgentAttribute("KeySeed", UintegerValue(s.seed));
    helper.SetAgentAttribute("Suite", EnumValue(SuiteOf(s.verifier.algorithm)));
    helper.SetBrokerAttribute("Law", EnumValue(LawOf(s.policy_check.law)));
    helper.SetBrokerAttribute("Interval", TimeValue(NanoSeconds(s.policy_check.interval_ns)));
    helper.SetBrokerAttribute("Jitter", DoubleValue(s.policy_check.jitter));
    helper.SetBrokerAttribute("Start",
                              EnumValue(s.policy_check.start == sim::PolicyCheckStart::Synchronized
                                            ? POLICY_START_SYNCHRONIZED
                                            : POLICY_START_EQUILIBRIUM));
    helper.SetBrokerAttribute("RetryCount",
                              UintegerValue(static_cast<uint32_t>(s.policy_check.retry_count)));
    helper.SetBrokerAttribute("RetrySpacing",
                              TimeValue(NanoSeconds(s.policy_check.retry_spacing_ns)));
    helper.SetBrokerAttribute("DropProbability", DoubleValue(c.broker.drop_probability));
    helper.SetBrokerAttribute("Delay", TimeValue(NanoSeconds(c.broker.delay_by_ns)));
    NodeContainer classNodes;
    for (int64_t k = 0; k < c.count; ++k)
    {
        classNodes.Add(deviceNodes.Get(firstDevice + static_cast<uint32_t>(k)));
    }
    ApplicationContainer apps = helper.Install(classNodes, tam, tamAddress, verifier, catalog);
    // No REE: the Agent drives its own sessions, so there is no Broker to compromise.
    const std::vector<TeepBrokerBehaviour> assigned =
        AssignBehaviours(c.ree ? c.broker : BrokerMix{}, c.count);
    const bool anyPersonalized =
        std::any_of(s.catalogue.begin(), s.catalogue.end(),
                    [](const TrustedApp& ta) { return ta.personalization; });
    uint32_t device = firstDevice;
    for (uint32_t k = 0; k < apps.GetN(); ++k, ++device)
    {
        Ptr<TeepSessionDriver> broker = DynamicCast<TeepSessionDriver>(apps.Get(k));
        // A compromised REE turns bad at t0 (THEORY §3.4: "dropped from t0"); before that it is
        // honest, so the TA gets installed and the device is affected at all.
        behaviours.push_back(assigned[k]);
        // Personalization data is encrypted to each device's own key (RFC 9397 §4.4).
        if (anyPersonalized)
        {
            tam->SetDeviceEncryptionKey(device, broker->GetAgent()->GetEncryptionKey());
        }
        brokers.push_back(broker);
        recorder.RegisterDevice(device, c.name, c.ree, BehaviourName(assigned[k], c.ree));
    }
}

void Deployment::Run(const std::function<void(const Progress&)>& progress)
{
    Impl& d = *m_impl;
    const auto start = std::chrono::steady_clock::now();
    if (progress)
    {
        d.progress = progress;
        d.wallStart = start;
        d.ScheduleProgress();
    }
    Simulator::Run();
    d.recorder.Finish(d.scenario.horizon_ns);
}

void Deployment::Impl::PreInstallCatalogue()
{
    for (const TrustedApp& ta : scenario.catalogue)
    {
        if (!ta.preinstalled)
        {
            continue;
        }
        const TaEntry* entry = catalog->Find(ta.name);
        NS_ABORT_MSG_IF(!entry, "catalogue has no TA " << ta.name);
        for (const Ptr<TeepSessionDriver>& driver : brokers)
        {
            Ptr<TeepAgent> agent = driver->GetAgent();
            const uint32_t device = agent->GetDeviceId();
            const std::vector<uint8_t> personalized =
                ta.personalization
                    ? catalog->BuildPersonalizedEnvelope(*entry, device, agent->GetEncryptionKey())
                    : std::vector<uint8_t>{};
            // The catalogue's own bytes, not a copy: Agents then share one parse and install.
            const std::vector<uint8_t>& envelope =
                ta.personalization ? personalized : entry->envelope;
            if (std::optional<std::string> why = agent->PreInstall(envelope))
            {
                throw std::runtime_error("pre-installing TA '" + ta.name + "' on device " +
                                         std::to_string(device) + ": " + *why);
            }
        }
    }
}

} // namespace teepsim::sim
