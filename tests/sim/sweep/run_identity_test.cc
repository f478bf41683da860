// The identity of a run: the scenario hash does not depend on how the overrides were written
// (order, key spelling, value spelling), and SweepPlan builds run I exactly as the full
// expansion does (key, hash, run number), so `sweep --index I` and the local sweep agree.
#include "teepsim/sim/scenario.h"
#include "teepsim/sim/sweep.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace teepsim::sim
{
namespace
{

const char* kText = "fleet:\n  - name: phones\n    count: 10\n  - name: tvs\n    count: 5\n"
                    "sweep:\n  grid:\n    verifier.validity: [1h, 4h]\n"
                    "    policy_check.interval: [30m, 2h]\n  replications: 2\n";

std::string Hash(const std::vector<std::string>& overrides)
{
    LoadResult r = LoadScenarioText(kText, "sweep.yaml", overrides);
    EXPECT_TRUE(r.ok());
    return r.scenario.source.hash;
}

TEST(RunIdentity, HashIgnoresTheOrderOfOverrides)
{
    EXPECT_EQ(Hash({"verifier.validity=4h", "policy_check.interval=2h"}),
              Hash({"policy_check.interval=2h", "verifier.validity=4h"}));
}

TEST(RunIdentity, HashIgnoresKeyAndValueSpelling)
{
    EXPECT_EQ(Hash({"fleet.tvs.count=7", "verifier.validity=4h"}),
              Hash({"verifier.validity=240m", "fleet.1.count=7"}));
}

TEST(RunIdentity, TheLastOverrideOfAKeyWinsInTheHashAsInTheScenario)
{
    EXPECT_EQ(Hash({"verifier.validity=1h", "verifier.validity=4h"}),
              Hash({"verifier.validity=4h"}));
    EXPECT_NE(Hash({"verifier.validity=4h", "verifier.validity=1h"}),
              Hash({"verifier.validity=4h"}));
}

TEST(RunIdentity, DifferentValuesStillGiveDifferentHashes)
{
    EXPECT_NE(Hash({"verifier.validity=4h"}), Hash({"verifier.validity=5h"}));
    EXPECT_NE(Hash({}), Hash({"verifier.validity=4h"}));
}

TEST(RunIdentity, ASweepRunHasTheHashOfTheSameOverridesGivenToRunInAnyOrder)
{
    LoadResult base = LoadScenarioText(kText, "sweep.yaml", {"fleet.phones.count=20"});
    ASSERT_TRUE(base.ok());
    const SweepExpansion e = ExpandSweep(base.scenario);
    ASSERT_TRUE(e.ok());
    for (const SweepRun& run : e.runs)
    {
        std::vector<std::string> reversed(run.scenario.source.overrides.rbegin(),
                                          run.scenario.source.overrides.rend());
        EXPECT_EQ(run.scenario.source.hash, Hash(reversed)) << run.key;
    }
}

TEST(RunIdentity, SweepPlanBuildsEveryRunAsTheFullExpansion)
{
    for (const char* extra : {"", "  common_random_numbers: false\n", "  zip: true\n"})
    {
        LoadResult base = LoadScenarioText(std::string(kText) + extra, "sweep.yaml");
        ASSERT_TRUE(base.ok()) << extra;
        const SweepExpansion e = ExpandSweep(base.scenario);
        std::vector<Diagnostic> diagnostics;
        const SweepPlan plan = SweepPlan::Make(base.scenario, diagnostics);
        ASSERT_TRUE(diagnostics.empty());
        ASSERT_EQ(plan.size(), e.runs.size()) << extra;
        for (std::size_t i = 0; i < plan.size(); ++i)
        {
            const SweepRun r = plan.Run(i);
            EXPECT_EQ(plan.Key(i), e.runs[i].key);
            EXPECT_EQ(r.key, e.runs[i].key);
            EXPECT_EQ(r.point, e.runs[i].point);
            EXPECT_EQ(r.scenario.run, e.runs[i].scenario.run);
            EXPECT_EQ(r.scenario.source.hash, e.runs[i].scenario.source.hash);
            EXPECT_EQ(r.overrides, e.runs[i].overrides);
        }
        EXPECT_THROW(plan.Run(plan.size()), std::out_of_range);
    }
}

TEST(RunIdentity, StudentTQuantileIsExact)
{
    EXPECT_NEAR(StudentT975(1), 12.7062, 1e-4);
    EXPECT_NEAR(StudentT975(4), 2.7764, 1e-4);
    EXPECT_NEAR(StudentT975(100), 1.9840, 1e-4);
    EXPECT_TRUE(std::isnan(StudentT975(0)));
}

} // namespace
} // namespace teepsim::sim
