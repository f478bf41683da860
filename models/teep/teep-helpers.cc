#include "teepsim/teep-helpers.h"

#include "teepsim/http-tcp-transport.h"
#include "teepsim/message-transport.h"

#include "ns3/abort.h"
#include "ns3/address.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/nstime.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TeepHelpers");

VerifierHelper::VerifierHelper(const TeepTransportHelper& transports) : m_transports(transports)
{
    m_verifier.SetTypeId(Verifier::GetTypeId());
    m_verifier.Set("Suite", EnumValue(TeepHelperDefaults::kSuite));
    m_verifier.Set("ArValidity", TimeValue(TeepHelperDefaults::ArValidity()));
}

void VerifierHelper::SetAttribute(const std::string& name, const AttributeValue& value)
{
    m_verifier.Set(name, value);
}

ApplicationContainer VerifierHelper::Install(Ptr<Node> node, Ptr<TaCatalog> catalog) const
{
    Ptr<Verifier> v = m_verifier.Create<Verifier>();
    v->SetServerTransport(m_transports.CreateServer());
    v->SetCatalog(catalog);
    node->AddApplication(v);
    return ApplicationContainer(v);
}

TamHelper::TamHelper(const TeepTransportHelper& transports) : m_transports(transports)
{
    m_tam.SetTypeId(TamServer::GetTypeId());
    m_tam.Set("Suite", EnumValue(TeepHelperDefaults::kSuite));
    m_tam.Set("Workers", UintegerValue(TeepHelperDefaults::kTamWorkers));
    m_tam.Set("ServiceTime", TimeValue(TeepHelperDefaults::TamServiceTime()));
    m_tam.Set("RemediationServiceTime", TimeValue(TeepHelperDefaults::TamRemediationServiceTime()));
    m_tam.Set("QueueLimit", UintegerValue(TeepHelperDefaults::kTamQueueLimit));
    m_tam.Set("SessionTimeout", TimeValue(TeepHelperDefaults::TamSessionTimeout()));
    // The TAM reaches its Verifier over the same kind of transport as everything else.
    m_verifierClient = transports.GetClientFactory();
}

void TamHelper::SetAttribute(const std::string& name, const AttributeValue& value)
{
    m_tam.Set(name, value);
}

void TamHelper::SetVerifierClientType(const std::string& typeId)
{
    m_verifierClient.SetTypeId(typeId);
}

void TamHelper::SetVerifierClientAttribute(const std::string& name, const AttributeValue& value)
{
    m_verifierClient.Set(name, value);
}

ApplicationContainer TamHelper::Install(Ptr<Node> node, Ptr<TaCatalog> catalog,
                                        Ptr<Verifier> verifier,
                                        const Address& verifierAddress) const
{
    Ptr<TamServer> tam = m_tam.Create<TamServer>();
    tam->SetServerTransport(m_transports.CreateServer());
    tam->SetVerifierTransportFactory(m_verifierClient);
    tam->SetCatalog(catalog);
    tam->SetVerifierKey(verifier->GetKey());
    tam->SetAttribute("VerifierAddress", AddressValue(verifierAddress));
    node->AddApplication(tam);
    return ApplicationContainer(tam);
}

TeepDeviceHelper::TeepDeviceHelper(const TeepTransportHelper& transports) : m_transports(transports)
{
    m_agent.SetTypeId(TeepAgent::GetTypeId());
    m_broker.SetTypeId(TeepBroker::GetTypeId());
    m_teeDriver.SetTypeId(TeepTeeSessionDriver::GetTypeId());
    m_agent.Set("Suite", EnumValue(TeepHelperDefaults::kSuite));
    for (ObjectFactory* driver : {&m_broker, &m_teeDriver})
    {
        driver->Set("Law", EnumValue(TeepHelperDefaults::kPolicyCheckLaw));
        driver->Set("Interval", TimeValue(TeepHelperDefaults::PolicyCheckInterval()));
        driver->Set("Jitter", DoubleValue(TeepHelperDefaults::kPolicyCheckJitter));
        driver->Set("RetryCount", UintegerValue(TeepHelperDefaults::kRetryCount));
        driver->Set("RetrySpacing", TimeValue(TeepHelperDefaults::RetrySpacing()));
    }
}

void TeepDeviceHelper::SetAgentAttribute(const std::string& name, const AttributeValue& value)
{
    m_agent.Set(name, value);
    m_agentPrototype = nullptr;
}

void TeepDeviceHelper::SetBrokerAttribute(const std::string& name, const AttributeValue& value)
{
    m_broker.Set(name, value);
    m_brokerPrototype = nullptr;
    m_teeDriverPrototype = nullptr;
    TypeId::AttributeInformation info;
    if (TeepTeeSessionDriver::GetTypeId().LookupAttributeByName(name, &info))
    {
        m_teeDriver.Set(name, value);
    }
}

void TeepDeviceHelper::EnsurePrototypes()
{
    // Made before anything per device, and reserving no random stream index (a copy reserves
    // its own, as the object created in its place would have), so that the streams and the
    // order of every draw are those of objects created one by one from the factories.
    LazyUniform::PrototypeScope prototypes;
    if (!m_agentPrototype)
    {
        m_agentPrototype = m_agent.Create<TeepAgent>();
    }
    if (m_ree && !m_brokerPrototype)
    {
        m_brokerPrototype = m_broker.Create<TeepBroker>();
    }
    if (!m_ree && !m_teeDriverPrototype)
    {
        m_teeDriverPrototype = m_teeDriver.Create<TeepTeeSessionDriver>();
    }
}

ApplicationContainer TeepDeviceHelper::Install(const NodeContainer& nodes, Ptr<TamServer> tam,
                                               const Address& tamAddress, Ptr<Verifier> verifier,
                                               Ptr<TaCatalog> catalog)
{
    ApplicationContainer apps;
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        apps.Add(Install(*it, tam, tamAddress, verifier, catalog));
    }
    return apps;
}

ApplicationContainer TeepDeviceHelper::Install(Ptr<Node> node, Ptr<TamServer> tam,
                                               const Address& tamAddress, Ptr<Verifier> verifier,
                                               Ptr<TaCatalog> catalog)
{
    NS_ABORT_MSG_IF(node->GetObject<TeepAgent>(), "node " << node->GetId() << " has an Agent");
    const uint32_t id = m_nextId++;
    EnsurePrototypes();
    Ptr<TeepAgent> agent = CopyObject<TeepAgent>(m_agentPrototype);
    agent->SetDeviceId(id);
    agent->SetTamAddress(tamAddress);
    agent->SetTamKey(tam->GetKey());
    agent->SetVerifierKey(verifier->GetKey());
    agent->SetTaSignerKey(catalog->GetSignerKey());
    node->AggregateObject(agent);
    tam->RegisterDevice(id, agent->GetKey());
    verifier->RegisterDevice(id, agent->GetKey(), agent->GetUeid());

    Ptr<TeepSessionDriver> driver;
    if (m_ree)
    {
        driver = CopyObject<TeepBroker>(m_brokerPrototype);
    }
    else
    {
        driver = CopyObject<TeepTeeSessionDriver>(m_teeDriverPrototype);
    }
    driver->SetAgent(agent);
    driver->SetTransport(m_transports.CreateClient(node));
    node->AddApplication(driver);
    return ApplicationContainer(driver);
}

namespace
{
/// The session drivers among the applications of `nodes`.
ApplicationContainer DriversOn(const NodeContainer& nodes)
{
    ApplicationContainer drivers;
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        for (uint32_t i = 0; i < (*it)->GetNApplications(); ++i)
        {
            if (DynamicCast<TeepSessionDriver>((*it)->GetApplication(i)))
            {
                drivers.Add((*it)->GetApplication(i));
            }
        }
    }
    return drivers;
}

/// Calls assign(driver, stream + perDevice * DeviceId) for every driver; returns the span.
template<typename F>
int64_t AssignByDeviceId(const ApplicationContainer& apps, int64_t stream, int64_t perDevice,
                         F assign)
{
    int64_t span = 0;
    for (auto it = apps.Begin(); it != apps.End(); ++it)
    {
        Ptr<TeepSessionDriver> driver = DynamicCast<TeepSessionDriver>(*it);
        NS_ABORT_MSG_IF(!driver || !driver->GetAgent(),
                        "AssignStreams: application is not an installed TEEP session driver");
        const int64_t id = driver->GetAgent()->GetDeviceId();
        const int64_t used = assign(driver, stream + perDevice * id);
        NS_ABORT_MSG_IF(used > perDevice, "device " << id << " draws " << used
                                                    << " streams, more than the " << perDevice
                                                    << " reserved per device");
        span = std::max(span, perDevice * (id + 1));
    }
    return span;
}
} // namespace

int64_t TeepDeviceHelper::AssignStreams(const ApplicationContainer& drivers, int64_t stream) const
{
    return AssignByDeviceId(drivers, stream, kDriverStreams,
                            [](Ptr<TeepSessionDriver> d, int64_t s)
                            { return d->AssignStreams(s); });
}

int64_t TeepDeviceHelper::AssignStreams(const NodeContainer& nodes, int64_t stream) const
{
    return AssignStreams(DriversOn(nodes), stream);
}

int64_t TeepDeviceHelper::AssignTransportStreams(const NodeContainer& nodes, int64_t stream) const
{
    return AssignByDeviceId(DriversOn(nodes), stream, kTransportStreams,
                            [](Ptr<TeepSessionDriver> d, int64_t s) {
                                return d->GetTransport() ? d->GetTransport()->AssignStreams(s) : 0;
                            });
}

size_t WriteTeepPublicKeys(const std::string& dir, Ptr<TamServer> tam, Ptr<Verifier> verifier,
                           Ptr<TaCatalog> catalog, const NodeContainer& devices)
{
    std::filesystem::create_directories(dir);
    size_t n = 0;
    auto write = [&](const std::string& name, const teepsim::crypto::Key& key)
    {
        if (key.modelled())
        {
            return; // modelled crypto: no PEM form, and no signature that a PEM could check
        }
        std::ofstream f(std::filesystem::path(dir) / name);
        NS_ABORT_MSG_IF(!f, "cannot write " << dir << "/" << name);
        f << key.PublicPem();
        ++n;
    };
    write("tam.pem", tam->GetKey());
    write("verifier.pem", verifier->GetKey());
    write("ta-signer.pem", catalog->GetSignerKey());
    for (auto it = devices.Begin(); it != devices.End(); ++it)
    {
        Ptr<TeepAgent> a = (*it)->GetObject<TeepAgent>();
        if (a)
        {
            write("agent-" + std::to_string(a->GetDeviceId()) + ".pem", a->GetKey());
        }
    }
    return n;
}

} // namespace ns3
