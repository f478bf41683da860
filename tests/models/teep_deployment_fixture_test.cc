// Support code for the model tests (see teep_deployment_fixture.h); the file name ends in
// _test.cc only because the test binary is globbed from tests/models/*.cc.
#include "ns3/abort.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include "teep_deployment_fixture.h"

namespace teepsim_test
{

NS_OBJECT_ENSURE_REGISTERED(RecordingClientTransport);

std::vector<CapturedExchange>& Captured()
{
    static std::vector<CapturedExchange> c;
    return c;
}

TypeId RecordingClientTransport::GetTypeId()
{
    static TypeId tid = TypeId("teepsim_test::RecordingClientTransport")
                            .SetParent<TeepClientTransport>()
                            .AddConstructor<RecordingClientTransport>();
    return tid;
}

RecordingClientTransport::RecordingClientTransport()
{
    static uint32_t next = 0;
    m_id = next++;
    m_inner = CreateObject<MessageClientTransport>();
    m_inner->SetOneWayDelay(Seconds(0));
    m_inner->SetBandwidth(0);
}

void RecordingClientTransport::SetNode(Ptr<Node> node)
{
    m_inner->SetNode(node);
}

void RecordingClientTransport::DoDispose()
{
    m_inner = nullptr;
    TeepClientTransport::DoDispose();
}

void RecordingClientTransport::Post(const Address& server, const TeepHttpRequest& req,
                                    ResponseCallback done)
{
    const size_t index = Captured().size();
    Captured().push_back({m_id, req.body, 0, {}});
    m_inner->Post(server, req,
                  ResponseCallback(
                      [index, done](const TeepHttpResponse& rsp)
                      {
                          Captured()[index].status = rsp.status;
                          Captured()[index].response = rsp.body;
                          done(rsp);
                      }));
}

Deployment::Deployment(const DeploymentOptions& o)
{
    Captured().clear();
    devices.Create(o.devices);
    tamNode = CreateObject<Node>();
    verifierNode = CreateObject<Node>();

    TeepTransportHelper transports;
    transports.SetClientType(o.recordTraffic ? "teepsim_test::RecordingClientTransport"
                                             : "ns3::teepsim::MessageClientTransport");
    if (!o.recordTraffic)
    {
        transports.SetClientAttribute("OneWayDelay", TimeValue(Seconds(0)));
        transports.SetClientAttribute("Bandwidth", UintegerValue(0));
    }
    transports.SetServerType("ns3::teepsim::MessageServerTransport");

    catalog = CreateObject<TaCatalog>();
    catalog->Add("good-ta", 512);
    catalog->Add("bad-ta", 512);

    // The fixture keeps the TypeIds' protocol-level defaults (Ed25519, an unbounded TAM with no
    // CPU cost, no jitter; or what a test set with Config::SetDefault), not the scenario
    // defaults the helpers start from.
    auto typeDefault = [](TypeId tid, const std::string& name)
    {
        TypeId::AttributeInformation info;
        NS_ABORT_MSG_UNLESS(tid.LookupAttributeByName(name, &info), "no attribute " << name);
        return info.initialValue;
    };
    VerifierHelper vh(transports);
    vh.SetAttribute("Suite", *typeDefault(Verifier::GetTypeId(), "Suite"));
    vh.SetAttribute("ArValidity", TimeValue(o.arValidity));
    verifier = DynamicCast<Verifier>(vh.Install(verifierNode, catalog).Get(0));
    const Address verifierAddress = InetSocketAddress(Ipv4Address::GetAny(), 8081);
    const Address tamAddress = InetSocketAddress(Ipv4Address::GetAny(), 8080);

    TamHelper th(transports);
    th.SetVerifierClientType("ns3::teepsim::MessageClientTransport");
    th.SetVerifierClientAttribute("OneWayDelay", TimeValue(Seconds(0)));
    th.SetVerifierClientAttribute("Bandwidth", UintegerValue(0));
    for (const char* name : {"Suite", "Workers", "ServiceTime", "RemediationServiceTime",
                             "QueueLimit", "SessionTimeout"})
    {
        th.SetAttribute(name, *typeDefault(TamServer::GetTypeId(), name));
    }
    tam = DynamicCast<TamServer>(th.Install(tamNode, catalog, verifier, verifierAddress).Get(0));
    tam->SetDefaultDesiredTas({"good-ta", "bad-ta"});

    TeepDeviceHelper dh(transports);
    dh.SetRee(o.ree);
    dh.SetAgentAttribute("Suite", *typeDefault(TeepAgent::GetTypeId(), "Suite"));
    for (const char* name : {"Law", "Interval", "Jitter", "RetryCount", "RetrySpacing"})
    {
        dh.SetBrokerAttribute(name, *typeDefault(TeepBroker::GetTypeId(), name));
    }
    dh.SetBrokerAttribute("Interval", TimeValue(o.interval));
    for (const auto& [name, value] : o.brokerAttributes)
    {
        dh.SetBrokerAttribute(name, StringValue(value));
    }
    brokers = dh.Install(devices, tam, tamAddress, verifier, catalog);
    // Fixed timer streams, so a fixture run does not depend on what ran before it in the process.
    dh.AssignStreams(brokers, 1000);

    Timeline* t = &timeline;
    for (uint32_t i = 0; i < devices.GetN(); ++i)
    {
        Agent(i)->TraceConnectWithoutContext(
            "TaInstalled", Cb(std::function<void(uint32_t, const std::string&, uint64_t)>(
                               [t](uint32_t d, const std::string& ta, uint64_t)
                               {
                                   if (ta == "bad-ta")
                                       t->installed[d].push_back(Simulator::Now());
                               })));
        Agent(i)->TraceConnectWithoutContext(
            "TaRemoved", Cb(std::function<void(uint32_t, const std::string&, uint64_t)>(
                             [t](uint32_t d, const std::string& ta, uint64_t)
                             {
                                 if (ta == "bad-ta")
                                     t->removed[d].push_back(Simulator::Now());
                             })));
        Agent(i)->TraceConnectWithoutContext(
            "ArReceived", Cb(std::function<void(uint32_t, AttestationStatus, Time, Time)>(
                              [t](uint32_t d, AttestationStatus s, Time iat, Time exp) {
                                  t->received[d].push_back({Simulator::Now(), s, iat, exp});
                              })));
        Agent(i)->TraceConnectWithoutContext(
            "Rejected", Cb(std::function<void(uint32_t, RejectReason, uint32_t)>(
                            [t](uint32_t d, RejectReason r, uint32_t)
                            { t->agentRejects.emplace_back(d, r); })));
        Driver(i)->TraceConnectWithoutContext(
            "PolicyCheck",
            Cb(std::function<void(uint32_t)>([t](uint32_t d)
                                             { t->policyChecks[d].push_back(Simulator::Now()); })));
        Driver(i)->TraceConnectWithoutContext(
            "SessionEnd",
            Cb(std::function<void(uint32_t, SessionOutcome)>(
                [t](uint32_t d, SessionOutcome o) { t->brokerOutcomes[d].push_back(o); })));
        if (!Broker(i))
        {
            continue; // no REE: nothing to tamper with or drop
        }
        Broker(i)->TraceConnectWithoutContext(
            "Tampered", Cb(std::function<void(uint32_t, TamperDirection)>(
                            [t](uint32_t, TamperDirection) { ++t->tampered; })));
        Broker(i)->TraceConnectWithoutContext(
            "Dropped", Cb(std::function<void(uint32_t)>([t](uint32_t) { ++t->dropped; })));
    }
    verifier->TraceConnectWithoutContext(
        "ArIssued", Cb(std::function<void(uint32_t, AttestationStatus, Time, Time)>(
                        [t](uint32_t d, AttestationStatus s, Time iat, Time exp) {
                            t->issued[d].push_back({Simulator::Now(), s, iat, exp});
                        })));
    tam->TraceConnectWithoutContext(
        "Rejected",
        Cb(std::function<void(uint32_t, RejectReason, uint32_t)>(
            [t](uint32_t d, RejectReason r, uint32_t) { t->tamRejects.emplace_back(d, r); })));
}

Deployment::~Deployment()
{
    Simulator::Destroy();
}

void Deployment::DeclareMalicious(const std::string& ta, Time t0, Time dT, Time dV)
{
    Simulator::Schedule(t0 + dT, &TamServer::DeclareMalicious, tam, ta);
    Simulator::Schedule(t0 + dV, &Verifier::DeclareMalicious, verifier, ta);
}

} // namespace teepsim_test
