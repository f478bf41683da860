// Sweep expansion: counts, product order, zip, replications and run numbers, stable run keys.
#include "teepsim/sim/scenario.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace teepsim::sim
{
namespace
{

constexpr std::int64_t kM = 60'000'000'000;
constexpr std::int64_t kH = 60 * kM;

Scenario Load(const std::string& text)
{
    LoadResult r = LoadScenarioText(text, "sweep.yaml");
    std::string all;
    for (const Diagnostic& d : r.diagnostics)
    {
        all += d.ToString() + "\n";
    }
    EXPECT_TRUE(r.ok()) << all;
    return r.scenario;
}

std::vector<std::string> Keys(const SweepExpansion& e)
{
    std::vector<std::string> keys;
    for (const SweepRun& run : e.runs)
    {
        keys.push_back(run.key);
    }
    return keys;
}

const char* kGrid = "run: 10\n"
                    "sweep:\n"
                    "  grid:\n"
                    "    verifier.validity: [1h, 4h, 24h]\n"
                    "    policy_check.interval: [30m, 1h, 6h]\n"
                    "  replications: 2\n";

TEST(Sweep, NoSweepIsOneRunOfTheScenario)
{
    Scenario s = Load("horizon: 2d\n");
    SweepExpansion e = ExpandSweep(s);
    ASSERT_TRUE(e.ok());
    ASSERT_EQ(e.runs.size(), 1u);
    EXPECT_EQ(e.runs[0].key, "base#r0");
    EXPECT_TRUE(e.runs[0].overrides.empty());
    EXPECT_EQ(ResolvedParameters(e.runs[0].scenario), ResolvedParameters(s));
    EXPECT_EQ(e.runs[0].scenario.source.hash, s.source.hash);
}

TEST(Sweep, CartesianProductInFileOrderLastAxisFastestReplicationsInner)
{
    SweepExpansion e = ExpandSweep(Load(kGrid));
    ASSERT_TRUE(e.ok());
    ASSERT_EQ(e.runs.size(), 18u); // 3 x 3 points x 2 replications
    const std::int64_t validity[] = {1 * kH, 4 * kH, 24 * kH};
    const std::int64_t interval[] = {30 * kM, 1 * kH, 6 * kH};
    for (std::size_t i = 0; i < e.runs.size(); ++i)
    {
        const SweepRun& run = e.runs[i];
        EXPECT_EQ(run.point, i / 2);
        EXPECT_EQ(run.replication, static_cast<std::int64_t>(i % 2));
        EXPECT_EQ(run.scenario.verifier.validity_ns, validity[i / 6]);
        EXPECT_EQ(run.scenario.policy_check.interval_ns, interval[(i / 2) % 3]);
    }
    EXPECT_EQ(e.runs[0].key, "policy_check.interval=30m,verifier.validity=1h#r0");
    EXPECT_EQ(e.runs[3].key, "policy_check.interval=1h,verifier.validity=1h#r1");
    EXPECT_EQ(e.runs[17].key, "policy_check.interval=6h,verifier.validity=1d#r1");
    EXPECT_EQ(e.runs[3].overrides,
              (std::vector<std::string>{"verifier.validity=1h", "policy_check.interval=1h"}));
}

TEST(Sweep, CommonRandomNumbersShareRunNumbersAcrossPoints)
{
    SweepExpansion e = ExpandSweep(Load(kGrid));
    for (const SweepRun& run : e.runs)
    {
        EXPECT_EQ(run.scenario.run, 10u + static_cast<std::uint64_t>(run.replication));
    }
    std::string independent = std::string(kGrid) + "  common_random_numbers: false\n";
    SweepExpansion f = ExpandSweep(Load(independent));
    std::set<std::uint64_t> runs;
    for (const SweepRun& run : f.runs)
    {
        EXPECT_EQ(run.scenario.run,
                  10u + run.point * 2 + static_cast<std::uint64_t>(run.replication));
        runs.insert(run.scenario.run);
    }
    EXPECT_EQ(runs.size(), f.runs.size()); // every run has its own random numbers
}

TEST(Sweep, ZipPairsTheIthValues)
{
    SweepExpansion e =
        ExpandSweep(Load("sweep:\n  zip: true\n  grid:\n    verifier.validity: [1h, 4h, 24h]\n"
                         "    policy_check.interval: [30m, 1h, 6h]\n"));
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(Keys(e),
              (std::vector<std::string>{"policy_check.interval=30m,verifier.validity=1h#r0",
                                        "policy_check.interval=1h,verifier.validity=4h#r0",
                                        "policy_check.interval=6h,verifier.validity=1d#r0"}));
}

TEST(Sweep, RunKeysIgnoreAxisOrderAndValueSpelling)
{
    SweepExpansion a = ExpandSweep(Load(kGrid));
    SweepExpansion b = ExpandSweep(Load("run: 10\nsweep:\n  replications: 2\n  grid:\n"
                                        "    policy_check.interval: [1800s, 60m, 0.25d]\n"
                                        "    verifier.validity: [60m, 240m, 1d]\n"));
    std::vector<std::string> ka = Keys(a), kb = Keys(b);
    std::sort(ka.begin(), ka.end());
    std::sort(kb.begin(), kb.end());
    EXPECT_EQ(ka, kb);
}

TEST(Sweep, ReplicationsWithoutAGrid)
{
    SweepExpansion e = ExpandSweep(Load("sweep: {replications: 3}\n"));
    EXPECT_EQ(Keys(e), (std::vector<std::string>{"base#r0", "base#r1", "base#r2"}));
}

TEST(Sweep, EachRunIsFullyResolvedAndHashedWithItsOverrides)
{
    SweepExpansion e =
        ExpandSweep(Load("fleet:\n  - name: phones\nsweep:\n  grid:\n"
                         "    fleet.phones.broker.drop: [0, 0.5]\n  replications: 2\n"));
    ASSERT_EQ(e.runs.size(), 4u);
    EXPECT_DOUBLE_EQ(e.runs[0].scenario.fleet[0].broker.honest, 1.0);
    EXPECT_DOUBLE_EQ(e.runs[2].scenario.fleet[0].broker.honest, 0.5); // derived default recomputed
    EXPECT_EQ(e.runs[0].scenario.source.hash, e.runs[1].scenario.source.hash); // replications share
    EXPECT_NE(e.runs[0].scenario.source.hash, e.runs[2].scenario.source.hash); // points differ
    EXPECT_EQ(e.runs[2].scenario.source.overrides.back(), "fleet.phones.broker.drop=0.5");
}

} // namespace
} // namespace teepsim::sim

namespace teepsim::sim
{
namespace
{

TEST(Sweep, ManyInvalidPointsAreCappedNotFlooded)
{
    std::string text =
        "policy_check:\n  retries: {count: 3, spacing: 5h}\n  interval: 1d\nsweep:\n  grid:\n"
        "    policy_check.interval: [";
    for (int m = 1; m <= 200; ++m)
    {
        text += std::to_string(m) + "m" + (m < 200 ? ", " : "]\n");
    }
    LoadResult r = LoadScenarioText(text, "many.yaml");
    EXPECT_FALSE(r.ok());
    ASSERT_EQ(r.diagnostics.size(), 51u);
    // The cap message is located at sweep.grid (line 5), so it sorts first.
    EXPECT_EQ(r.diagnostics.front().ToString(),
              "many.yaml:5:3: error: stopped checking sweep points after 50 "
              "problems (50 of 200 points checked)");
}

} // namespace
} // namespace teepsim::sim
