// Private state of a Deployment, shared by its translation units (build, traces, events).
#pragma once

#include "teepsim/authorization-status.h"
#include "teepsim/sim/deployment.h"
#include "teepsim/sim/topology.h"
#include "teepsim/ta-catalog.h"
#include "teepsim/tam-server.h"
#include "teepsim/teep-broker.h"
#include "teepsim/teep-session-driver.h"
#include "teepsim/verifier.h"

#include "ns3/node-container.h"
#include "ns3/random-variable-stream.h"

#include <chrono>
#include <memory>
#include <vector>

namespace teepsim::sim
{

struct Deployment::Impl
{
    explicit Impl(const Scenario& s);
    static recorder::RecorderConfig RecorderConfigFor(const Scenario& s);

    /// Connects model trace sources to the recorder.
    void WireTraces();
    /// Factory provisioning: runs the SUIT install of every `preinstalled` TA on every Agent.
    void PreInstallCatalogue();
    /// Malicious TA (t0, d_T, d_V), device availability, TAM outages, push notifications.
    void ScheduleScenarioEvents(int64_t firstStream);
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
