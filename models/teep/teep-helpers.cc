#include "teepsim/teep-helpers.h"

#include "teepsim/http-tcp-transport.h"
#include "teepsim/message-transport.h"

#include "ns3/abort.h"
#include "ns3/address.h"
#include "ns3/log.h"
#include "ns3/uinteger.h"

#include <filesystem>
#include <fstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TeepHelpers");

VerifierHelper::VerifierHelper(const TeepTransportHelper& transports) : m_transports(transports)
{
    m_verifier.SetTypeId(Verifier::GetTypeId());
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
    m_verifierClient.SetTypeId("ns3::HttpTcpClientTransport");
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
}

void TeepDeviceHelper::SetAgentAttribute(const std::string& name, const AttributeValue& value)
{
    m_agent.Set(name, value);
}

void TeepDeviceHelper::SetBrokerAttribute(const std::string& name, const AttributeValue& value)
{
    m_broker.Set(name, value);
    TypeId::AttributeInformation info;
    if (TeepTeeSessionDriver::GetTypeId().LookupAttributeByName(name, &info))
    {
        m_teeDriver.Set(name, value);
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
    Ptr<TeepAgent> agent = m_agent.Create<TeepAgent>();
    agent->SetAttribute("DeviceId", UintegerValue(id));
    agent->SetAttribute("TamAddress", AddressValue(tamAddress));
    agent->SetTamKey(tam->GetKey());
    agent->SetVerifierKey(verifier->GetKey());
    agent->SetTaSignerKey(catalog->GetSignerKey());
    node->AggregateObject(agent);
    tam->RegisterDevice(id, agent->GetKey());
    verifier->RegisterDevice(id, agent->GetKey(), agent->GetUeid());

    Ptr<TeepSessionDriver> driver;
    if (m_ree)
    {
        driver = m_broker.Create<TeepBroker>();
    }
    else
    {
        driver = m_teeDriver.Create<TeepTeeSessionDriver>();
    }
    driver->SetAgent(agent);
    driver->SetTransport(m_transports.CreateClient(node));
    driver->AssignStreams(m_streamBase + 2 * static_cast<int64_t>(id));
    node->AddApplication(driver);
    return ApplicationContainer(driver);
}

size_t WriteTeepPublicKeys(const std::string& dir, Ptr<TamServer> tam, Ptr<Verifier> verifier,
                           Ptr<TaCatalog> catalog, const NodeContainer& devices)
{
    std::filesystem::create_directories(dir);
    size_t n = 0;
    auto write = [&](const std::string& name, const teepsim::crypto::Key& key)
    {
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
