// TeepDeviceHelper::AssignStreams (issue 15): the ns-3 way of fixing a device's random streams.
// They are keyed by DeviceId, so a device's policy-check schedule is the same whether it is
// installed first or last; the returned count is the span of streams the block uses.
#include "teepsim/teepsim-module.h"

#include "ns3/double.h"
#include "ns3/inet-socket-address.h"
#include "ns3/node-container.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace
{

using namespace ns3;

struct Result
{
    int64_t driverStreams = 0;
    int64_t transportStreams = 0;
    std::map<uint32_t, Time> firstCheck; // by DeviceId
};

// Three devices with the uniform law (the timer draws), installed in the given DeviceId order,
// streams assigned from 1000 and 5000; records each device's first policy check.
Result RunDevices(const std::vector<uint32_t>& installOrder)
{
    TeepTransportHelper transports;
    transports.SetClientType("ns3::teepsim::MessageClientTransport");
    transports.SetServerType("ns3::teepsim::MessageServerTransport");
    Ptr<TaCatalog> catalog = CreateObject<TaCatalog>();
    catalog->Add("ta", 512);
    Ptr<Verifier> verifier = DynamicCast<Verifier>(
        VerifierHelper(transports).Install(CreateObject<Node>(), catalog).Get(0));
    Ptr<TamServer> tam =
        DynamicCast<TamServer>(TamHelper(transports)
                                   .Install(CreateObject<Node>(), catalog, verifier,
                                            InetSocketAddress(Ipv4Address::GetAny(), 8081))
                                   .Get(0));
    const Address tamAddress = InetSocketAddress(Ipv4Address::GetAny(), 8080);

    NodeContainer devices;
    ApplicationContainer drivers;
    for (uint32_t id : installOrder)
    {
        TeepDeviceHelper dh(transports);
        dh.SetFirstDeviceId(id);
        dh.SetBrokerAttribute("Law", EnumValue(POLICY_CHECK_UNIFORM));
        dh.SetBrokerAttribute("Jitter", DoubleValue(0.9));
        Ptr<Node> node = CreateObject<Node>();
        devices.Add(node);
        drivers.Add(dh.Install(node, tam, tamAddress, verifier, catalog));
    }
    Result r;
    TeepDeviceHelper streams(transports);
    r.driverStreams = streams.AssignStreams(devices, 1000);
    r.transportStreams = streams.AssignTransportStreams(devices, 5000);
    for (uint32_t i = 0; i < drivers.GetN(); ++i)
    {
        drivers.Get(i)->TraceConnectWithoutContext("PolicyCheck",
                                                   Callback<void, uint32_t>(
                                                       [&r](uint32_t dev)
                                                       {
                                                           if (!r.firstCheck.count(dev))
                                                           {
                                                               r.firstCheck[dev] = Simulator::Now();
                                                           }
                                                       }));
    }
    Simulator::Stop(Hours(2));
    Simulator::Run();
    Simulator::Destroy();
    return r;
}

TEST(AssignStreams, ScheduleDependsOnTheDeviceIdNotTheInstallOrder)
{
    const Result forward = RunDevices({0, 1, 2});
    const Result backward = RunDevices({2, 1, 0});
    EXPECT_EQ(forward.driverStreams, 3 * TeepDeviceHelper::kDriverStreams);
    EXPECT_EQ(forward.transportStreams, 3 * TeepDeviceHelper::kTransportStreams);
    ASSERT_EQ(forward.firstCheck.size(), 3u);
    EXPECT_EQ(forward.firstCheck, backward.firstCheck);
    // Different streams per device: the three first checks differ.
    EXPECT_NE(forward.firstCheck.at(0), forward.firstCheck.at(1));
    EXPECT_NE(forward.firstCheck.at(1), forward.firstCheck.at(2));
}

TEST(AssignStreams, TheSameStreamsGiveTheSameSchedule)
{
    EXPECT_EQ(RunDevices({0, 1, 2}).firstCheck, RunDevices({0, 1, 2}).firstCheck);
}

} // namespace
