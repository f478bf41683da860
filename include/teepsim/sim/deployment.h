// Deployment: turns a validated Scenario into one ns-3 simulation (network or message-level
// transport, TAM, Verifier, devices with Agents and Brokers), schedules the scenario's events
// (malicious TA at t0, TAM at t0 + d_T, Verifier at t0 + d_V, availability, outages, push) and
// feeds every model trace source into a Recorder. Models never see the Recorder.
#pragma once

#include "teepsim/sim/analytic.h"
#include "teepsim/sim/recorder.h"
#include "teepsim/sim/scenario.h"

#include <cstdint>
#include <functional>
#include <memory>

namespace teepsim::sim
{

/// Progress of a running simulation, reported about once per wall second.
struct Progress
{
    int64_t simNowNs = 0;
    int64_t horizonNs = 0;
    uint64_t events = 0;
    double wallSeconds = 0;
};

class Deployment
{
  public:
    explicit Deployment(const Scenario& scenario);
    ~Deployment(); // destroys the ns-3 simulator state
    Deployment(const Deployment&) = delete;
    Deployment& operator=(const Deployment&) = delete;

    /// Builds nodes, links and applications; schedules every scenario event.
    void Build();
    /// Runs to the horizon, then finishes the recorder. `progress` may be empty.
    void Run(const std::function<void(const Progress&)>& progress = {});

    const recorder::Recorder& GetRecorder() const;
    uint64_t GetEventCount() const;
    /// Captures TEEP/HTTP traffic at the TAM and the Verifier (full transport) as pcap files in
    /// `dir`, beside the public keys of every role. Call after Build(), before Run().
    void EnablePcap(const std::string& dir);
    /// Public keys of every role, PEM files named by role and device (for pcap checking).
    size_t ExportPublicKeys(const std::string& dir) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// The analytic model's inputs for this scenario (first device class, first TAM), plus notes on
/// what the mapping could not express.
analytic::Inputs AnalyticInputsFor(const Scenario& scenario, std::vector<std::string>* notes);

} // namespace teepsim::sim
