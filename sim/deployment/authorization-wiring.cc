// Execution-time TA authorization in a deployment (issue #158, docs/THEORY-AUTHORIZATION.md):
// a TaStatusService on the TAM's node, a TaAuthorizationGate per device of every class with
// `tee.authorization: execution-time`, each with its own client transport on the device's
// access link (so status refreshes are lost, delayed and cut off like any message), the
// revocation at t0 + d_T, and their traces to the recorder. Install-time classes get nothing:
// no node, event or RNG draw changes, so their results are bit-identical to a build without it.
#include "teepsim/http-tcp-transport.h"
#include "teepsim/message-transport.h"
#include "teepsim/teep-helpers.h"

#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/inet-socket-address.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>

#include "authorization-inputs.h"
#include "deployment-impl.h"
#include "timeouts.h"

namespace teepsim::sim
{

using namespace ns3;

namespace
{
constexpr uint16_t kStatusPort = 8082;
// The transport block (StreamPlan::kTransports) reserves TeepDeviceHelper::kTransportStreams
// per DeviceId: the device's own client transport takes the first (AssignTransportStreams;
// MessageClientTransport uses one), its authorization gate the next TaAuthorizationGate::kStreams.
constexpr int64_t kGateStreamOffset = 1;
static_assert(kGateStreamOffset + TaAuthorizationGate::kStreams <=
                  TeepDeviceHelper::kTransportStreams,
              "the authorization gate's streams must fit in the device's transport block");

int64_t GateStreams(uint32_t device)
{
    return StreamPlan::kTransports + TeepDeviceHelper::kTransportStreams * device +
           kGateStreamOffset;
}
} // namespace

void Deployment::Impl::WireAuthorization(Ptr<Node> tamNode, Ipv4Address tamIp)
{
    const Scenario& s = scenario;
    const bool any = std::any_of(s.fleet.begin(), s.fleet.end(),
                                 [](const DeviceClass& c)
                                 { return c.tee.authorization == TaAuthorization::ExecutionTime; });
    if (!any)
    {
        return;
    }
    const bool full = s.transport == Transport::Full;
    gates.assign(brokers.size(), nullptr);

    statusService = CreateObject<TaStatusService>();
    statusService->SetAttribute("Port", UintegerValue(kStatusPort));
    statusService->SetAttribute("KeySeed", UintegerValue(s.seed));
    statusService->SetAttribute("Suite",
                                EnumValue(s.verifier.algorithm == SignatureAlgorithm::Ed25519
                                              ? TEEP_SUITE_ED25519
                                              : TEEP_SUITE_ESP256));
    // Every class shares the one service; its validity is the first execution-time class's
    // (consistency.cc requires them equal).
    for (const DeviceClass& c : s.fleet)
    {
        if (c.tee.authorization == TaAuthorization::ExecutionTime)
        {
            statusService->SetAttribute("StatusValidity",
                                        TimeValue(NanoSeconds(c.tee.status_validity_ns)));
            break;
        }
    }
    statusService->SetSignerKid(catalog->GetSignerKey().Thumbprint());
    statusService->SetServerTransport(
        full ? Ptr<TeepServerTransport>(CreateObject<HttpTcpServerTransport>())
             : Ptr<TeepServerTransport>(CreateObject<MessageServerTransport>()));
    tamNode->AddApplication(statusService);
    const Address server = InetSocketAddress(tamIp, kStatusPort);

    std::vector<std::string> tas;
    for (const TrustedApp& ta : s.catalogue)
    {
        tas.push_back(ta.name);
    }
    recorder::Recorder* rec = &recorder;
    uint32_t device = 0;
    for (const DeviceClass& c : s.fleet)
    {
        if (c.tee.authorization != TaAuthorization::ExecutionTime)
        {
            device += static_cast<uint32_t>(c.count);
            continue;
        }
        const int64_t refresh = c.tee.status_refresh_ns == kAutoDuration
                                    ? c.tee.status_validity_ns / 2
                                    : c.tee.status_refresh_ns;
        const Time responseTimeout = NanoSeconds(ResponseTimeoutNs(s, c));
        for (int64_t k = 0; k < c.count; ++k, ++device)
        {
            Ptr<Node> node = deviceNodes.Get(device);
            Ptr<TeepClientTransport> transport;
            if (full)
            {
                transport = CreateObject<HttpTcpClientTransport>();
                transport->SetAttribute("ResponseTimeout", TimeValue(responseTimeout));
            }
            else
            {
                auto mt = CreateObject<MessageClientTransport>();
                mt->SetAttribute("OneWayDelay", TimeValue(NanoSeconds(c.link.latency_ns)));
                mt->SetAttribute("Bandwidth",
                                 UintegerValue(static_cast<uint64_t>(c.link.bandwidth_bps)));
                mt->SetAttribute("LossProbability", DoubleValue(c.link.loss));
                mt->SetAttribute("Timeout", TimeValue(responseTimeout));
                transport = mt;
            }
            transport->SetNode(node);
            auto gate = CreateObject<TaAuthorizationGate>();
            gate->SetAttribute("DeviceId", UintegerValue(device));
            gate->SetAttribute("RefreshInterval", TimeValue(NanoSeconds(refresh)));
            gate->SetAttribute("Jitter", DoubleValue(c.tee.status_refresh_jitter));
            gate->SetClientTransport(transport);
            gate->AssignStreams(GateStreams(device)); // the transport's streams and the timer's
            gate->SetServer(server);
            gate->SetIssuerKey(statusService->GetKey());
            gate->SetTas(tas);
            node->AddApplication(gate);
            gate->TraceConnectWithoutContext(
                "StatusChanged",
                Callback<void, uint32_t, const std::string&, bool, Time>(
                    [rec](uint32_t dev, const std::string& ta, bool good, Time until)
                    {
                        rec->OnAuthorizationStatus(dev, ta, good, until.GetNanoSeconds(),
                                                   Simulator::Now().GetNanoSeconds());
                    }));
            gate->TraceConnectWithoutContext("RefreshFailed",
                                             Callback<void, uint32_t, const std::string&>(
                                                 [rec](uint32_t, const std::string&)
                                                 { rec->Count("authorization_failed"); }));
            recorder.MarkExecutionTime(device);
            gates[device] = gate;
        }
    }

    // The status service says "revoked" from t0 + d_T (when the TAM learns too).
    const std::string ta = s.malicious.ta;
    Simulator::Schedule(NanoSeconds(s.malicious.t0_ns + s.malicious.tam_delay_ns),
                        [this, ta, rec]
                        {
                            statusService->Revoke(ta);
                            rec->OnAuthorizationRevoked(ta, Simulator::Now().GetNanoSeconds());
                        });
}

} // namespace teepsim::sim

namespace teepsim::sim
{

void AuthorizationInputsFor(const Scenario& s, const DeviceClass& c, analytic::Inputs& in,
                            const std::function<void(std::string)>& note)
{
    if (c.tee.authorization != TaAuthorization::ExecutionTime)
    {
        return;
    }
    in.executionTime = true;
    in.statusValidity = static_cast<double>(c.tee.status_validity_ns) / 1e9;
    in.statusRefresh =
        static_cast<double>(c.tee.status_refresh_ns == kAutoDuration ? c.tee.status_validity_ns / 2
                                                                     : c.tee.status_refresh_ns) /
        1e9;
    in.statusJitter = c.tee.status_refresh_jitter;
    // A refresh is one exchange: the request and the statement must both get through. TCP
    // turns loss into delay.
    in.statusLoss = s.transport == Transport::Message ? 1 - std::pow(1 - c.link.loss, 2) : 0.0;
    if (c.availability.model != AvailabilityModel::Always)
    {
        in.statusUnmodelled = true; // refreshes fail together while the device is off
        note("execution-time authorization with device availability: X has no closed form");
    }
}

} // namespace teepsim::sim
