// Out-of-tree consumer of the installed teepsim package (tests/install/consumer_test.sh).
// Checks what a static models library can get wrong for a consumer: every TypeId is known to
// ns-3 by name although this program references none of the transport classes (they are only
// kept by linking the archive whole), the public headers compile on their own, and the codec
// decodes a TEEP vector. Prints one line per check; exits 1 on the first failure.
#include "teepsim/codec/teep.h"
#include "teepsim/teepsim-module.h" // the umbrella header, as an ns-3 user includes it

#include "ns3/object-factory.h"
#include "ns3/simulator.h"
#include "ns3/type-id.h"

#include <fstream>
#include <iostream>
#include <iterator>

int main(int argc, char** argv)
{
    if (argc != 2)
    {
        std::cerr << "usage: teepsim_consumer QUERY_REQUEST.cbor\n";
        return 2;
    }
    // By name only: the transports are what the helpers and scenarios pick with a string.
    for (const char* name :
         {"ns3::teepsim::TamServer", "ns3::teepsim::TeepAgent", "ns3::teepsim::Verifier",
          "ns3::teepsim::HttpTcpClientTransport", "ns3::teepsim::HttpTcpServerTransport",
          "ns3::teepsim::MessageClientTransport", "ns3::teepsim::MessageServerTransport"})
    {
        ns3::TypeId tid;
        if (!ns3::TypeId::LookupByNameFailSafe(name, &tid))
        {
            std::cerr << "teepsim_consumer: TypeId " << name << " is not registered\n";
            return 1;
        }
    }
    ns3::ObjectFactory tamFactory("ns3::teepsim::TamServer");
    ns3::Ptr<ns3::TamServer> tam = tamFactory.Create<ns3::TamServer>();
    ns3::ObjectFactory agentFactory("ns3::teepsim::TeepAgent");
    ns3::Ptr<ns3::TeepAgent> agent = agentFactory.Create<ns3::TeepAgent>();
    if (!tam || !agent)
    {
        std::cerr << "teepsim_consumer: ObjectFactory did not create a TamServer and a TeepAgent\n";
        return 1;
    }
    std::cout << "models: created " << tam->GetInstanceTypeId().GetName() << " and "
              << agent->GetInstanceTypeId().GetName() << "\n";

    std::ifstream in(argv[1], std::ios::binary);
    if (!in)
    {
        std::cerr << "teepsim_consumer: cannot open " << argv[1] << "\n";
        return 2;
    }
    const teepsim::cbor::Bytes bytes{std::istreambuf_iterator<char>(in), {}};
    const auto msg = teepsim::teep::Decode(bytes);
    if (!msg)
    {
        std::cerr << "teepsim_consumer: " << argv[1] << ": " << msg.error().ToString() << "\n";
        return 1;
    }
    std::cout << "codec: " << teepsim::teep::ToString(teepsim::teep::TypeOf(*msg)) << "\n";
    tam = nullptr;
    agent = nullptr;
    ns3::Simulator::Destroy();
    return 0;
}
