// The model helpers start from the scenario defaults (TeepHelperDefaults, issue 15): an
// ns-3 program built with VerifierHelper / TamHelper / TeepDeviceHelper that sets nothing and a
// scenario file that leaves the keys out describe the same TAM, Verifier and devices. Each
// attribute of the installed objects is compared with DefaultScenario()'s value of the key.
#include "teepsim/sim/scenario.h"
#include "teepsim/teepsim-module.h"

#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/inet-socket-address.h"
#include "ns3/node-container.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>

#include "sim/deployment/timeouts.h"

namespace teepsim::sim
{
namespace
{

using namespace ns3;

int64_t TimeAttr(Ptr<Object> o, const std::string& name)
{
    TimeValue v;
    o->GetAttribute(name, v);
    return v.Get().GetNanoSeconds();
}

uint64_t UintAttr(Ptr<Object> o, const std::string& name)
{
    UintegerValue v;
    o->GetAttribute(name, v);
    return v.Get();
}

int EnumAttr(Ptr<Object> o, const std::string& name)
{
    EnumValue v;
    o->GetAttribute(name, v);
    return v.Get();
}

double DoubleAttr(Ptr<Object> o, const std::string& name)
{
    DoubleValue v;
    o->GetAttribute(name, v);
    return v.Get();
}

struct Installed
{
    Ptr<Verifier> verifier;
    Ptr<TamServer> tam;
    Ptr<TeepBroker> broker;
    Ptr<TeepTeeSessionDriver> teeDriver;
};

// One of each, installed with helpers that are given nothing but the message transport.
Installed InstallWithDefaults()
{
    TeepTransportHelper transports;
    transports.SetClientType("ns3::teepsim::MessageClientTransport");
    transports.SetServerType("ns3::teepsim::MessageServerTransport");
    Ptr<TaCatalog> catalog = CreateObject<TaCatalog>();
    catalog->Add("ta", 1024);
    Installed out;
    out.verifier = DynamicCast<Verifier>(
        VerifierHelper(transports).Install(CreateObject<Node>(), catalog).Get(0));
    out.tam = DynamicCast<TamServer>(TamHelper(transports)
                                         .Install(CreateObject<Node>(), catalog, out.verifier,
                                                  InetSocketAddress(Ipv4Address::GetAny(), 8081))
                                         .Get(0));
    const Address tamAddress = InetSocketAddress(Ipv4Address::GetAny(), 8080);
    TeepDeviceHelper withRee(transports);
    out.broker = DynamicCast<TeepBroker>(
        withRee.Install(CreateObject<Node>(), out.tam, tamAddress, out.verifier, catalog).Get(0));
    TeepDeviceHelper noRee(transports);
    noRee.SetRee(false);
    noRee.SetFirstDeviceId(1);
    out.teeDriver = DynamicCast<TeepTeeSessionDriver>(
        noRee.Install(CreateObject<Node>(), out.tam, tamAddress, out.verifier, catalog).Get(0));
    return out;
}

TEST(HelperDefaults, TamAndVerifierMatchTheScenarioDefaults)
{
    const Scenario s = DefaultScenario();
    const Installed o = InstallWithDefaults();
    ASSERT_TRUE(o.tam && o.verifier);
    const int esp256 = TEEP_SUITE_ESP256;
    ASSERT_EQ(s.verifier.algorithm, SignatureAlgorithm::Esp256);
    EXPECT_EQ(EnumAttr(o.verifier, "Suite"), esp256);
    EXPECT_EQ(TimeAttr(o.verifier, "ArValidity"), s.verifier.validity_ns);
    EXPECT_EQ(EnumAttr(o.tam, "Suite"), esp256);
    EXPECT_EQ(UintAttr(o.tam, "Workers"), static_cast<uint64_t>(s.tam.workers));
    EXPECT_EQ(TimeAttr(o.tam, "ServiceTime"), s.tam.service_time_ns);
    EXPECT_EQ(TimeAttr(o.tam, "RemediationServiceTime"), s.tam.remediation_service_time_ns);
    EXPECT_EQ(UintAttr(o.tam, "QueueLimit"), static_cast<uint64_t>(s.tam.queue_limit));
    ASSERT_EQ(s.tam.overload_response, OverloadResponse::Http503);
    EXPECT_EQ(EnumAttr(o.tam, "OverloadResponse"), static_cast<int>(TAM_OVERLOAD_HTTP_503));
    // session_timeout is `auto`: what the default scenario resolves it to.
    EXPECT_EQ(TimeAttr(o.tam, "SessionTimeout"), SessionTimeoutNs(s));
    Simulator::Destroy();
}

TEST(HelperDefaults, DeviceTimersMatchTheScenarioDefaults)
{
    const Scenario s = DefaultScenario();
    const Installed o = InstallWithDefaults();
    ASSERT_TRUE(o.broker && o.teeDriver);
    ASSERT_EQ(s.policy_check.law, PolicyCheckLaw::Fixed);
    ASSERT_EQ(s.policy_check.start, PolicyCheckStart::Equilibrium);
    const int esp256 = TEEP_SUITE_ESP256;
    EXPECT_EQ(EnumAttr(o.broker->GetAgent(), "Suite"), esp256);
    EXPECT_EQ(EnumAttr(o.teeDriver->GetAgent(), "Suite"), esp256);
    for (Ptr<TeepSessionDriver> d :
         {Ptr<TeepSessionDriver>(o.broker), Ptr<TeepSessionDriver>(o.teeDriver)})
    {
        SCOPED_TRACE(d->GetInstanceTypeId().GetName());
        EXPECT_EQ(EnumAttr(d, "Law"), static_cast<int>(POLICY_CHECK_FIXED));
        EXPECT_EQ(EnumAttr(d, "Start"), static_cast<int>(POLICY_START_EQUILIBRIUM));
        EXPECT_EQ(TimeAttr(d, "Interval"), s.policy_check.interval_ns);
        EXPECT_DOUBLE_EQ(DoubleAttr(d, "Jitter"), s.policy_check.jitter);
        EXPECT_EQ(UintAttr(d, "RetryCount"), static_cast<uint64_t>(s.policy_check.retry_count));
        EXPECT_EQ(TimeAttr(d, "RetrySpacing"), s.policy_check.retry_spacing_ns);
    }
    Simulator::Destroy();
}

} // namespace
} // namespace teepsim::sim
