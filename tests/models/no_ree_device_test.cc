// Devices without an REE (seed issue #150): the TEE's own session driver (TeepTeeSessionDriver)
// replaces the Broker. Same timer laws, retries and session loop, so the same TEEP sessions
// result; there is no Broker on the node and nothing of a Broker's misbehaviour to configure.
#include "teepsim/teep-tee-session-driver.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "teep_deployment_fixture.h"

namespace
{
using namespace ns3;
using namespace teepsim_test;

/// Install, removal and policy-check times of every device (the timeline's event times).
struct Times
{
    std::map<uint32_t, std::vector<Time>> checks, installed, removed;
    std::map<uint32_t, std::vector<SessionOutcome>> outcomes;
};

Times RunFleet(bool ree, const std::vector<std::pair<std::string, std::string>>& attributes)
{
    DeploymentOptions o;
    o.devices = 5;
    o.ree = ree;
    o.brokerAttributes = attributes;
    Deployment d(o);
    d.DeclareMalicious("bad-ta", Hours(5), Minutes(10), Seconds(0));
    Simulator::Stop(Hours(9));
    Simulator::Run();
    return Times{d.timeline.policyChecks, d.timeline.installed, d.timeline.removed,
                 d.timeline.brokerOutcomes};
}
} // namespace

// With the same seed and streams, a fleet without an REE installs and removes the TA at exactly
// the instants a fleet with honest Brokers does (both timer laws drawn from the same stream).
TEST(NoReeDevice, InstallsAndRemovesAtTheSameTimesAsAnHonestBrokerDevice)
{
    for (const char* law : {"Fixed", "Exponential"})
    {
        const std::vector<std::pair<std::string, std::string>> attrs = {{"Law", law}};
        const Times broker = RunFleet(true, attrs);
        const Times tee = RunFleet(false, attrs);
        ASSERT_EQ(broker.removed.size(), 5u) << law << ": every device removed the TA";
        EXPECT_EQ(tee.checks, broker.checks) << law;
        EXPECT_EQ(tee.installed, broker.installed) << law;
        EXPECT_EQ(tee.removed, broker.removed) << law;
        EXPECT_EQ(tee.outcomes, broker.outcomes) << law;
    }
}

// A device without an REE carries its sessions itself: its node has one TeepTeeSessionDriver
// and no TeepBroker, and that driver type has none of the Broker's misbehaviour attributes.
TEST(NoReeDevice, NodeHasTheTeeDriverAndNoBroker)
{
    DeploymentOptions o;
    o.devices = 2;
    o.ree = false;
    Deployment d(o);
    for (uint32_t i = 0; i < o.devices; ++i)
    {
        Ptr<Node> node = d.devices.Get(i);
        uint32_t drivers = 0;
        for (uint32_t a = 0; a < node->GetNApplications(); ++a)
        {
            EXPECT_FALSE(DynamicCast<TeepBroker>(node->GetApplication(a))) << "device " << i;
            drivers += DynamicCast<TeepTeeSessionDriver>(node->GetApplication(a)) ? 1 : 0;
        }
        EXPECT_EQ(drivers, 1u) << "device " << i;
        EXPECT_EQ(d.Driver(i)->GetAgent(), d.Agent(i)) << "the same Agent object";
    }
    TypeId::AttributeInformation info;
    for (const char* brokerOnly :
         {"Behaviour", "DropProbability", "Delay", "TamperTarget", "TamperProbability"})
    {
        EXPECT_FALSE(TeepTeeSessionDriver::GetTypeId().LookupAttributeByName(brokerOnly, &info))
            << brokerOnly;
    }
    for (const char* shared :
         {"Law", "Interval", "Jitter", "Start", "SynchronizedOffset", "RetryCount", "RetrySpacing"})
    {
        EXPECT_TRUE(TeepTeeSessionDriver::GetTypeId().LookupAttributeByName(shared, &info))
            << shared;
    }
}
