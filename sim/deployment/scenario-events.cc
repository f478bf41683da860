// The scenario's scheduled events: the malicious-TA declaration (t0, t0 + d_T, t0 + d_V),
// device on/off availability, TAM outage windows and push notifications.
#include "teepsim/message-transport.h"

#include "ns3/boolean.h"
#include "ns3/enum.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4.h"
#include "ns3/random-variable-stream.h"
#include "ns3/simulator.h"

#include "deployment-impl.h"

namespace teepsim::sim
{

using namespace ns3;

namespace
{
// Sets every non-loopback interface of `node` up or down: a device (or TAM) that is off can
// reach nothing, and TCP sees it as a real outage.
void SetInterfaces(Ptr<Node> node, bool up)
{
    Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
    if (!ipv4)
    {
        return;
    }
    for (uint32_t i = 1; i < ipv4->GetNInterfaces(); ++i)
    {
        up ? ipv4->SetUp(i) : ipv4->SetDown(i);
    }
}
} // namespace

void Deployment::Impl::SetDeviceAvailable(uint32_t device, bool up)
{
    if (deviceUp[device] == up)
    {
        return;
    }
    deviceUp[device] = up;
    if (network)
    {
        SetInterfaces(deviceNodes.Get(device), up);
    }
    else
    {
        brokers[device]->GetTransport()->SetAttribute("Available", BooleanValue(up));
        if (device < gates.size() && gates[device])
        {
            gates[device]->GetClientTransport()->SetAttribute("Available", BooleanValue(up));
        }
    }
    recorder.Count(up ? "device_reconnect" : "device_disconnect");
}

void Deployment::Impl::SetTamAvailable(bool up)
{
    if (network)
    {
        SetInterfaces(network->tams.Get(0), up);
    }
    else
    {
        // The TAM's server transport is found through the message-level registry.
        for (const auto& tamAddress : {InetSocketAddress(Ipv4Address::GetAny(), 8080)})
        {
            if (auto* server = MessageTransportRegistry::Get().Find(tamAddress))
            {
                server->SetAttribute("Available", BooleanValue(up));
            }
        }
    }
    recorder.Count(up ? "tam_outage_end" : "tam_outage_start");
}

int64_t Deployment::Impl::ScheduleScenarioEvents(int64_t firstStream)
{
    const int64_t stream0 = firstStream;
    const Scenario& s = scenario;
    const std::string ta = s.malicious.ta;
    const Time t0 = NanoSeconds(s.malicious.t0_ns);
    deviceUp.assign(brokers.size(), 1);

    // ---- malicious TA: recorder at t0 first, then TAM (d_T) and Verifier (d_V) ----
    Simulator::Schedule(t0,
                        [this, ta]
                        {
                            recorder.OnMaliciousDeclared(ta, Simulator::Now().GetNanoSeconds());
                            // Compromised REEs turn bad now: before t0 they let the TA install.
                            for (size_t d = 0; d < brokers.size(); ++d)
                            {
                                if (behaviours[d] != BROKER_HONEST)
                                {
                                    brokers[d]->SetAttribute("Behaviour", EnumValue(behaviours[d]));
                                }
                            }
                        });
    auto push = CreateObject<UniformRandomVariable>();
    push->SetStream(firstStream++);
    Simulator::Schedule(t0 + NanoSeconds(s.malicious.tam_delay_ns),
                        [this, ta, push]
                        {
                            tam->DeclareMalicious(ta);
                            const PushConfig& cfg = scenario.tam.push;
                            if (!cfg.enabled)
                            {
                                return;
                            }
                            // Push reaches devices that are online now, each with the reach
                            // probability.
                            for (size_t d = 0; d < brokers.size(); ++d)
                            {
                                if (deviceUp[d] && push->GetValue() < cfg.reach_probability)
                                {
                                    Ptr<TeepSessionDriver> b = brokers[d];
                                    Simulator::Schedule(NanoSeconds(cfg.latency_ns),
                                                        [b] { b->TriggerPolicyCheck(); });
                                    recorder.Count("push_sent");
                                }
                            }
                        });
    Simulator::Schedule(t0 + NanoSeconds(s.verifier.policy_delay_ns),
                        [this, ta] { verifier->DeclareMalicious(ta); });

    // ---- TAM outage windows ----
    for (const OutageWindow& w : s.tam.outages)
    {
        Simulator::Schedule(NanoSeconds(w.start_ns), [this] { SetTamAvailable(false); });
        Simulator::Schedule(NanoSeconds(w.start_ns + w.duration_ns),
                            [this] { SetTamAvailable(true); });
    }

    // ---- device availability: stationary start, alternating on/off periods ----
    uint32_t device = 0;
    deviceAvailability.assign(brokers.size(), -1);
    for (const DeviceClass& c : s.fleet)
    {
        const Availability& av = c.availability;
        if (av.model == AvailabilityModel::Always)
        {
            device += static_cast<uint32_t>(c.count);
            continue;
        }
        AvailabilityProcess proc;
        proc.config = av;
        proc.onLaw = CreateObject<ExponentialRandomVariable>();
        proc.onLaw->SetAttribute("Mean", DoubleValue(static_cast<double>(av.on_ns)));
        proc.onLaw->SetStream(firstStream++);
        proc.offLaw = CreateObject<ExponentialRandomVariable>();
        proc.offLaw->SetAttribute("Mean", DoubleValue(static_cast<double>(av.off_ns)));
        proc.offLaw->SetStream(firstStream++);
        auto uniform = CreateObject<UniformRandomVariable>();
        uniform->SetStream(firstStream++);
        availability.push_back(proc);
        const bool expo = av.model == AvailabilityModel::Exponential;
        const double a = static_cast<double>(av.on_ns) / static_cast<double>(av.on_ns + av.off_ns);
        for (int64_t k = 0; k < c.count; ++k, ++device)
        {
            deviceAvailability[device] = static_cast<int>(availability.size() - 1);
            // Start in the stationary state: on with probability a, with the residual of the
            // current period (memoryless for exponential, uniform phase for fixed periods).
            const bool on = uniform->GetValue() < a;
            const double residual =
                expo ? (on ? proc.onLaw : proc.offLaw)->GetValue()
                     : uniform->GetValue() * static_cast<double>(on ? av.on_ns : av.off_ns);
            SetDeviceAvailable(device, on);
            Simulator::Schedule(NanoSeconds(static_cast<int64_t>(residual)), &Impl::Toggle, this,
                                device, !on);
        }
    }
    return firstStream - stream0;
}

void Deployment::Impl::Toggle(uint32_t device, bool nowOn)
{
    const AvailabilityProcess& proc = availability[deviceAvailability[device]];
    SetDeviceAvailable(device, nowOn);
    if (nowOn && proc.config.check_on_reconnect)
    {
        brokers[device]->TriggerPolicyCheck();
    }
    const bool expo = proc.config.model == AvailabilityModel::Exponential;
    const double next = expo ? (nowOn ? proc.onLaw : proc.offLaw)->GetValue()
                             : static_cast<double>(nowOn ? proc.config.on_ns : proc.config.off_ns);
    Simulator::Schedule(NanoSeconds(static_cast<int64_t>(next)), &Impl::Toggle, this, device,
                        !nowOn);
}

void Deployment::Impl::ScheduleProgress()
{
    // A check every 1/500 of the horizon; reports at most once per wall second.
    Simulator::Schedule(NanoSeconds(std::max<int64_t>(1, scenario.horizon_ns / 500)),
                        &Impl::ProgressTick, this);
}

void Deployment::Impl::ProgressTick()
{
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    if (wall - lastProgressWall >= 1.0)
    {
        lastProgressWall = wall;
        progress({Simulator::Now().GetNanoSeconds(), scenario.horizon_ns,
                  Simulator::GetEventCount(), wall});
    }
    ScheduleProgress();
}

} // namespace teepsim::sim
