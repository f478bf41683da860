// Devices without an REE end to end: a class with `ree: false` runs through the deployment with
// the TEE's own session driver (no Broker), and gives the same TEEP sessions as the same class
// with an honest Broker: per-device removal windows, session outcomes and bytes are identical
// for the same seed, and the recorder registers the devices as REE-less.
#include "teepsim/sim/deployment.h"
#include "teepsim/sim/scenario.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace teepsim::sim
{
namespace
{

Scenario LoadFixture(const std::string& file)
{
    const LoadResult r =
        LoadScenario(std::string(TEEPSIM_SOURCE_DIR) + "/tests/sim/fixtures/" + file);
    std::string diagnostics;
    for (const Diagnostic& d : r.diagnostics)
    {
        diagnostics += d.ToString() + "\n";
    }
    EXPECT_TRUE(r.ok()) << diagnostics;
    return r.scenario;
}

struct Outcome
{
    std::vector<recorder::Exposure> exposures;
    std::vector<recorder::SessionAggregate> sessions;
    std::vector<recorder::DeviceInfo> devices;
};

Outcome Simulate(const Scenario& s)
{
    Deployment d(s);
    d.Build();
    d.Run();
    const recorder::Recorder& rec = d.GetRecorder();
    return {rec.Exposures(), rec.Sessions(), rec.Devices()};
}

} // namespace

// Same scenario and seed, the class with and without an REE: every device's R (and removal
// instant) is the same, every exposure is resolved, and the session records agree.
TEST(DeploymentNoRee, ReeLessClassRemovesLikeTheSameClassWithAnHonestBroker)
{
    Scenario withRee = LoadFixture("e2e_small.yaml");
    ASSERT_EQ(withRee.fleet.size(), 1u);
    withRee.fleet[0].ree = true;
    Scenario withoutRee = withRee;
    withoutRee.fleet[0].ree = false;

    const Outcome a = Simulate(withRee);
    const Outcome b = Simulate(withoutRee);

    ASSERT_EQ(a.exposures.size(), static_cast<size_t>(withRee.TotalDevices()));
    ASSERT_EQ(b.exposures.size(), a.exposures.size());
    for (size_t i = 0; i < a.exposures.size(); ++i)
    {
        const recorder::Exposure& x = a.exposures[i];
        const recorder::Exposure& y = b.exposures[i];
        EXPECT_EQ(y.device, x.device);
        ASSERT_TRUE(x.r.has_value()) << "device " << x.device;
        EXPECT_EQ(y.r, x.r) << "device " << x.device;
        EXPECT_EQ(y.removed, x.removed) << "device " << x.device;
        EXPECT_EQ(y.tTrust, x.tTrust) << "device " << x.device;
    }
    // Session rows per group: "all" and "class=..." must agree; only the Broker device has a
    // "broker=honest" group (a device without an REE has no Broker behaviour).
    const auto WithoutBrokerGroups = [](const std::vector<recorder::SessionAggregate>& v)
    {
        std::vector<recorder::SessionAggregate> out;
        for (const recorder::SessionAggregate& g : v)
        {
            if (!g.group.starts_with("broker="))
            {
                out.push_back(g);
            }
        }
        return out;
    };
    const auto sa = WithoutBrokerGroups(a.sessions);
    const auto sb = WithoutBrokerGroups(b.sessions);
    EXPECT_GT(a.sessions.size(), sa.size()) << "the Broker devices have a broker= group";
    EXPECT_EQ(sb.size(), b.sessions.size()) << "no broker= group without an REE";
    ASSERT_EQ(sb.size(), sa.size());
    uint64_t sessions = 0;
    for (size_t i = 0; i < sa.size(); ++i)
    {
        EXPECT_EQ(sb[i].group, sa[i].group);
        EXPECT_EQ(sb[i].cause, sa[i].cause);
        EXPECT_EQ(sb[i].count, sa[i].count) << sa[i].cause;
        EXPECT_EQ(sb[i].bytesUp, sa[i].bytesUp) << sa[i].cause;
        sessions += sb[i].count;
    }
    EXPECT_GT(sessions, 0u) << "the REE-less devices' sessions reach the recorder";
    for (const recorder::DeviceInfo& info : b.devices)
    {
        EXPECT_FALSE(info.hasRee);
        EXPECT_TRUE(info.broker.empty()) << "no Broker behaviour without an REE";
    }
}

} // namespace teepsim::sim
