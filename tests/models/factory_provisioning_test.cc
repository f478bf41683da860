// Factory provisioning: an Agent can hold a TC from t = 0 (PreInstall runs the real SUIT
// procedure on the catalogue's envelope, no network), so a device that never polled before t0
// still had the TA at t0 and is cleaned at its first policy check after the TAM learns.
#include <gtest/gtest.h>

#include <algorithm>

#include "teep_deployment_fixture.h"

namespace
{
using namespace ns3;
using namespace teepsim_test;
} // namespace

// Pre-installed at t = 0: the TA is in the inventory with its catalogue sequence, traced as
// installed at 0, never installed again by the TAM, and removed at each device's first check
// at or after t0 (t0 = 20 min: most devices have not polled yet).
TEST(FactoryProvisioning, PreInstalledTaIsRemovedAtTheFirstCheckAfterT0)
{
    DeploymentOptions o;
    o.devices = 6;
    Deployment d(o);
    const TaEntry* bad = d.catalog->Find("bad-ta");
    ASSERT_NE(bad, nullptr);
    for (uint32_t i = 0; i < o.devices; ++i)
    {
        EXPECT_EQ(d.Agent(i)->PreInstall(bad->envelope), std::nullopt) << "device " << i;
        EXPECT_TRUE(d.Agent(i)->HasTa("bad-ta"));
    }
    const Time t0 = Minutes(20);
    d.DeclareMalicious("bad-ta", t0, Seconds(0), Seconds(0));
    Simulator::Stop(Hours(2));
    Simulator::Run();
    uint32_t neverPolledBeforeT0 = 0;
    for (uint32_t i = 0; i < o.devices; ++i)
    {
        const std::vector<Time>& checks = d.timeline.policyChecks[i];
        ASSERT_FALSE(checks.empty());
        neverPolledBeforeT0 += checks[0] >= t0;
        EXPECT_EQ(d.timeline.installed[i], std::vector<Time>{Seconds(0)}) << "device " << i;
        const auto firstAfter =
            std::find_if(checks.begin(), checks.end(), [&](Time c) { return c >= t0; });
        ASSERT_NE(firstAfter, checks.end());
        EXPECT_EQ(d.timeline.removed[i], std::vector<Time>{*firstAfter}) << "device " << i;
        EXPECT_FALSE(d.Agent(i)->HasTa("bad-ta"));
        EXPECT_TRUE(d.Agent(i)->HasTa("good-ta")) << "installed by the TAM as usual";
    }
    EXPECT_GT(neverPolledBeforeT0, 0u) << "the case the provisioning exists for";
}

// Agents that install the same manifest share one copy of its identity (name, component ids,
// sequence, digest: InstalledTcInfo), so a fleet does not hold it per device; what is each
// device's own (install time) stays per Agent.
TEST(FactoryProvisioning, AgentsHoldingTheSameManifestShareItsIdentity)
{
    DeploymentOptions o;
    o.devices = 3;
    Deployment d(o);
    const TaEntry* bad = d.catalog->Find("bad-ta");
    ASSERT_NE(bad, nullptr);
    for (uint32_t i = 0; i < o.devices; ++i)
    {
        ASSERT_EQ(d.Agent(i)->PreInstall(bad->envelope), std::nullopt) << "device " << i;
    }
    const InstalledTc& first = d.Agent(0)->GetInventory().at(0);
    EXPECT_EQ(first.info->name, "bad-ta");
    EXPECT_EQ(first.info->componentId, bad->componentId);
    EXPECT_EQ(first.info->sequence, bad->sequence);
    EXPECT_EQ(first.info->digest, bad->manifestDigest);
    for (uint32_t i = 1; i < o.devices; ++i)
    {
        EXPECT_EQ(d.Agent(i)->GetInventory().at(0).info.get(), first.info.get()) << "device " << i;
    }
}

// An envelope that does not verify (one flipped byte) installs nothing and says why.
TEST(FactoryProvisioning, PreInstallRefusesAnEnvelopeThatDoesNotVerify)
{
    DeploymentOptions o;
    o.devices = 1;
    Deployment d(o);
    std::vector<uint8_t> envelope = d.catalog->Find("bad-ta")->envelope;
    envelope[envelope.size() / 2] ^= 0x01;
    const std::optional<std::string> failure = d.Agent(0)->PreInstall(envelope);
    ASSERT_TRUE(failure.has_value());
    EXPECT_FALSE(failure->empty());
    EXPECT_TRUE(d.Agent(0)->GetInventory().empty());
}
