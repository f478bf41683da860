// Private state of a Deployment, shared by its translation units (build, traces, events).
#pragma once

#include "teepsim/authorization-status.h"
#include "teepsim/relying-party.h"
#include "teepsim/sim/deployment.h"
#include "teepsim/sim/topology.h"
#include "teepsim/ta-catalog.h"
#include "teepsim/tam-server.h"
#include "teepsim/teep-broker.h"
#include "teepsim/teep-session-driver.h"
#include "teepsim/teep-transport.h"
#include "teepsim/verifier.h"

#include "ns3/node-container.h"
#include "ns3/random-variable-stream.h"

#include <chrono>
#include <memory>
#include <vector>

namespace teepsim::sim
{

/// The run's random-stream plan: every random variable gets its stream through an
/// AssignStreams call of Build with one of these bases, and nowhere else. Blocks are keyed so a
/// device's streams depend on its DeviceId only (not on fleet size or install order), and the
/// bases are the ones earlier releases hard-coded in the models, so recorded runs reproduce.
/// CheckStreamBlock refuses a fleet whose block would run into the next one.
struct StreamPlan
{
    static constexpr int64_t kDrivers = 1000;            // 2 per DeviceId (TeepDeviceHelper)
    static constexpr int64_t kNetwork = 1'000'000;       // link error models (full transport)
    static constexpr int64_t kTransports = 100'000'000;  // 4 per DeviceId (message transport)
    static constexpr int64_t kEvents = 2'000'000'000;    // push, availability (scenario events)
    static constexpr int64_t kFreshness = 3'000'000'000; // relying parties (epoch/nonce freshness)
};

struct Deployment::Impl
{
    explicit Impl(const Scenario& s);
    static recorder::RecorderConfig RecorderConfigFor(const Scenario& s);

    /// Where the TAM and Verifier run and listen.
    struct Servers
    {
        ns3::Ptr<ns3::Node> tamNode;
        ns3::Ptr<ns3::Node> verifierNode;
        ns3::Ipv4Address tamIp; // the status service of execution-time authorization listens here
        ns3::Address tamAddress;
        ns3::Address verifierAddress;
    };

    // ---- Build steps, in the order Deployment::Build runs them ----
    /// Seed, run, wire profile and crypto mode (process-wide).
    void SeedAndCodec();
    bool FullTransport() const;
    /// Full transport: the topology (links, routing); message level: bare nodes.
    Servers BuildNodes();
    /// The client/server transport types of the scenario's transport.
    ns3::TeepTransportHelper Transports() const;
    void BuildCatalogue();
    void InstallVerifier(const ns3::TeepTransportHelper& transports, ns3::Ptr<ns3::Node> node);
    void InstallTam(const ns3::TeepTransportHelper& transports, ns3::Ptr<ns3::Node> node,
                    const ns3::Address& verifierAddress);
    /// Every device class, device ids consecutive in fleet order.
    void InstallDevices(const ns3::TeepTransportHelper& transports, const ns3::Address& tamAddress);
    /// The class's transports: its access link (message level) and response timeout.
    ns3::TeepTransportHelper ClassTransports(const ns3::TeepTransportHelper& transports,
                                             const DeviceClass& c) const;
    void InstallDeviceClass(const DeviceClass& c, const ns3::TeepTransportHelper& transports,
                            const ns3::Address& tamAddress, uint32_t firstDevice);
    /// Driver and client-transport streams of every device (StreamPlan).
    void AssignDeviceStreams();
    /// Throws if `used` streams from `first` reach `next` (the following block).
    static void CheckStreamBlock(const char* what, int64_t first, int64_t next, int64_t used);

    /// Connects model trace sources to the recorder.
    void WireTraces();
    /// Epoch or nonce freshness: the epoch feed or the relying party, and their traces
    /// (freshness-wiring.cc; nothing with timestamp freshness).
    void WireFreshness(int64_t firstStream);
    /// Factory provisioning: runs the SUIT install of every `preinstalled` TA on every Agent.
    void PreInstallCatalogue();
    /// Malicious TA (t0, d_T, d_V), device availability, TAM outages, push notifications.
    /// Their random variables draw from `firstStream` on; returns the number of streams used.
    int64_t ScheduleScenarioEvents(int64_t firstStream);
    void ScheduleProgress();
    void ProgressTick();
    /// Availability process step: the device turns on (nowOn) or off, next toggle scheduled.
    void Toggle(uint32_t device, bool nowOn);
    /// Whether a device can reach the network now (availability model).
    void SetDeviceAvailable(uint32_t device, bool up);
    void SetTamAvailable(bool up);
    /// Execution-time authorization (authorization-wiring.cc): the status service on the TAM's
    /// node, one gate per device of an execution-time class, the revocation at t0 + d_T, and
    /// their traces to the recorder. Nothing at all for install-time classes.
    void WireAuthorization(ns3::Ptr<ns3::Node> tamNode, ns3::Ipv4Address tamIp);

    Scenario scenario;
    recorder::Recorder recorder;
    std::unique_ptr<topology::Network> network; // full transport only
    ns3::NodeContainer deviceNodes;
    ns3::Ptr<ns3::TaCatalog> catalog;
    ns3::Ptr<ns3::Verifier> verifier;
    ns3::Ptr<ns3::TamServer> tam;
    ns3::Ptr<ns3::RelyingParty> relyingParty; // nonce freshness only
    // By device id: the session driver, a TeepBroker or (ree: false) a TeepTeeSessionDriver.
    std::vector<ns3::Ptr<ns3::TeepSessionDriver>> brokers;
    std::vector<ns3::TeepBrokerBehaviour> behaviours;      // from t0 on, by device id
    std::vector<uint8_t> deviceUp;                         // availability state by device id
    std::vector<uint64_t> bytesSent, bytesReceived;        // per device, at the last session end
    ns3::Ptr<ns3::TaStatusService> statusService;          // execution-time classes only
    std::vector<ns3::Ptr<ns3::TaAuthorizationGate>> gates; // by device id; null: install-time

    struct AvailabilityProcess
    {
        Availability config;
        ns3::Ptr<ns3::ExponentialRandomVariable> onLaw, offLaw;
    };
    std::vector<AvailabilityProcess> availability; // one per device class with on/off periods
    std::vector<int> deviceAvailability;           // device -> index into availability, or -1

    std::function<void(const Progress&)> progress;
    double lastProgressWall = 0;
    std::chrono::steady_clock::time_point wallStart;
};

} // namespace teepsim::sim
