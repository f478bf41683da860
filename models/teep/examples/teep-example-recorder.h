// Shared by the examples: feeds the Recorder that `teepsim run` uses (teepsim/sim/recorder.h)
// from the model trace sources, with the same calls sim/deployment/trace-wiring.cc makes, so R
// and T_trust printed by an example are defined exactly as in a scenario's results:
//   R       = removal time of the malicious TA - t0 (censored if still installed at the horizon)
//   T_trust = expiry of the last affirming attestation result issued before the Verifier knew,
//             - t0 (0 without one; background-check model: what the Verifier issued).
#pragma once

#include "teepsim/sim/recorder.h"
#include "teepsim/teepsim-module.h"

#include "ns3/application-container.h"
#include "ns3/callback.h"
#include "ns3/simulator.h"

#include <cstdio>
#include <optional>
#include <string>

namespace teepsim_example
{

inline int64_t NowNs()
{
    return ns3::Simulator::Now().GetNanoSeconds();
}

/// Registers every driver's device (class `deviceClass`, honest Broker) and connects the
/// install, removal and attestation-result traces to `recorder`.
inline void ConnectRecorder(teepsim::recorder::Recorder& recorder,
                            const ns3::ApplicationContainer& drivers,
                            ns3::Ptr<ns3::Verifier> verifier, const std::string& deviceClass,
                            bool ree)
{
    using namespace ns3;
    teepsim::recorder::Recorder* rec = &recorder;
    for (uint32_t i = 0; i < drivers.GetN(); ++i)
    {
        Ptr<TeepAgent> agent = DynamicCast<TeepSessionDriver>(drivers.Get(i))->GetAgent();
        rec->RegisterDevice(agent->GetDeviceId(), deviceClass, ree, ree ? "honest" : "");
        agent->TraceConnectWithoutContext("TaInstalled",
                                          Callback<void, uint32_t, const std::string&, uint64_t>(
                                              [rec](uint32_t dev, const std::string& ta, uint64_t)
                                              { rec->OnTaInstalled(dev, ta, NowNs()); }));
        agent->TraceConnectWithoutContext("TaRemoved",
                                          Callback<void, uint32_t, const std::string&, uint64_t>(
                                              [rec](uint32_t dev, const std::string& ta, uint64_t)
                                              { rec->OnTaRemoved(dev, ta, NowNs()); }));
    }
    // Background-check model: the relying party holds what the Verifier issued.
    verifier->TraceConnectWithoutContext(
        "ArIssued", Callback<void, uint32_t, AttestationStatus, Time, Time>(
                        [rec](uint32_t dev, AttestationStatus st, Time iat, Time exp)
                        {
                            rec->OnArIssued(dev, st == AttestationStatus::Affirming,
                                            iat.GetNanoSeconds(), exp.GetNanoSeconds());
                        }));
    verifier->TraceConnectWithoutContext("PolicyUpdate",
                                         Callback<void, const std::string&, bool>(
                                             [rec](const std::string& ta, bool malicious)
                                             {
                                                 if (malicious)
                                                 {
                                                     rec->OnVerifierLearned(ta, NowNs());
                                                 }
                                             }));
}

/// `ta` turns malicious at t0 (the Recorder learns first), the TAM learns at t0 + dT and the
/// Verifier at t0 + dV: the order `teepsim run` schedules them in.
inline void ScheduleMalicious(teepsim::recorder::Recorder& recorder, ns3::Ptr<ns3::TamServer> tam,
                              ns3::Ptr<ns3::Verifier> verifier, const std::string& ta, ns3::Time t0,
                              ns3::Time dT, ns3::Time dV)
{
    using namespace ns3;
    teepsim::recorder::Recorder* rec = &recorder;
    Simulator::Schedule(t0, [rec, ta] { rec->OnMaliciousDeclared(ta, NowNs()); });
    Simulator::Schedule(t0 + dT, [tam, ta] { tam->DeclareMalicious(ta); });
    Simulator::Schedule(t0 + dV, [verifier, ta] { verifier->DeclareMalicious(ta); });
}

/// device,ta,r_ns,t_trust_ns per exposure (NULL when censored: the columns of the exposures
/// table of a run's database), then the means of R and T_trust on stderr.
inline void PrintExposures(const teepsim::recorder::Recorder& recorder)
{
    auto ns = [](const std::optional<int64_t>& v) { return v ? std::to_string(*v) : "NULL"; };
    std::printf("device,ta,r_ns,t_trust_ns\n");
    for (const teepsim::recorder::Exposure& e : recorder.Exposures())
    {
        std::printf("%u,%s,%s,%s\n", e.device, recorder.TaName(e.ta).c_str(), ns(e.r).c_str(),
                    ns(e.tTrust).c_str());
    }
    for (const teepsim::recorder::MetricSummary& m : recorder.Summaries())
    {
        if (m.scope == "all" && (m.metric == "R" || m.metric == "T_trust") && m.summary.mean)
        {
            std::fprintf(stderr,
                         "%s: mean %.3f s, max %.3f s over %llu exposures (%llu censored)\n",
                         m.metric.c_str(), *m.summary.mean, m.summary.max.value_or(0),
                         static_cast<unsigned long long>(m.summary.n),
                         static_cast<unsigned long long>(m.summary.nCensored));
        }
    }
}

} // namespace teepsim_example
