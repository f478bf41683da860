#include "teepsim/teep-transport.h"

#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"

#include <sstream>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(TeepClientTransport);
NS_OBJECT_ENSURE_REGISTERED(TeepServerTransport);

TypeId TeepClientTransport::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::teepsim::TeepClientTransport").SetParent<Object>().SetGroupName("Teep");
    return tid;
}

int64_t TeepClientTransport::AssignStreams(int64_t /* stream */)
{
    return 0;
}

TypeId TeepServerTransport::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::teepsim::TeepServerTransport").SetParent<Object>().SetGroupName("Teep");
    return tid;
}

std::string TeepHostHeader(const Address& server)
{
    std::ostringstream os;
    if (InetSocketAddress::IsMatchingType(server))
    {
        InetSocketAddress a = InetSocketAddress::ConvertFrom(server);
        os << a.GetIpv4() << ':' << a.GetPort();
    }
    else if (Inet6SocketAddress::IsMatchingType(server))
    {
        Inet6SocketAddress a = Inet6SocketAddress::ConvertFrom(server);
        os << '[' << a.GetIpv6() << "]:" << a.GetPort();
    }
    else
    {
        os << "tam";
    }
    return os.str();
}

TeepTransportHelper::TeepTransportHelper()
{
    m_client.SetTypeId("ns3::teepsim::HttpTcpClientTransport");
    m_server.SetTypeId("ns3::teepsim::HttpTcpServerTransport");
}

void TeepTransportHelper::SetClientType(const std::string& typeId)
{
    m_client.SetTypeId(typeId);
}

void TeepTransportHelper::SetServerType(const std::string& typeId)
{
    m_server.SetTypeId(typeId);
}

void TeepTransportHelper::SetClientAttribute(const std::string& name, const AttributeValue& value)
{
    m_client.Set(name, value);
}

void TeepTransportHelper::SetServerAttribute(const std::string& name, const AttributeValue& value)
{
    m_server.Set(name, value);
}

Ptr<TeepClientTransport> TeepTransportHelper::CreateClient(Ptr<Node> node) const
{
    Ptr<TeepClientTransport> client = m_client.Create<TeepClientTransport>();
    client->SetNode(node);
    return client;
}

Ptr<TeepServerTransport> TeepTransportHelper::CreateServer() const
{
    return m_server.Create<TeepServerTransport>();
}

} // namespace ns3
