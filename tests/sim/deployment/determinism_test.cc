// End-to-end determinism of the simulator in one process: two Deployments of the same scenario,
// seed and run (built one after the other; the destructor resets ns-3) give identical exposures
// and summaries, and a different run number gives different exposures.
#include "teepsim/sim/deployment.h"
#include "teepsim/sim/scenario.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace teepsim::sim
{
namespace
{

Scenario LoadFixture(const std::string& file, const std::vector<std::string>& overrides = {})
{
    const LoadResult r =
        LoadScenario(std::string(TEEPSIM_SOURCE_DIR) + "/tests/sim/fixtures/" + file, overrides);
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
    std::vector<recorder::MetricSummary> summaries;
    uint64_t events = 0;
};

Outcome Simulate(const Scenario& s)
{
    Deployment d(s);
    d.Build();
    d.Run();
    return {d.GetRecorder().Exposures(), d.GetRecorder().Summaries(), d.GetEventCount()};
}

bool SameExposure(const recorder::Exposure& a, const recorder::Exposure& b)
{
    return a.device == b.device && a.ta == b.ta && a.t0 == b.t0 && a.removed == b.removed &&
           a.trustEnd == b.trustEnd && a.r == b.r && a.tTrust == b.tTrust &&
           a.wDanger == b.wDanger && a.wClean == b.wClean && a.rCensored == b.rCensored &&
           a.tTrustCensored == b.tTrustCensored;
}

bool SameSummary(const recorder::MetricSummary& a, const recorder::MetricSummary& b)
{
    const recorder::Summary &x = a.summary, &y = b.summary;
    // Exact comparison on purpose: determinism means bit-identical values.
    return a.metric == b.metric && a.scope == b.scope && a.unit == b.unit && x.n == y.n &&
           x.nCensored == y.nCensored && x.mean == y.mean && x.sd == y.sd && x.se == y.se &&
           x.p50 == y.p50 && x.p90 == y.p90 && x.p95 == y.p95 && x.p99 == y.p99 && x.max == y.max;
}

TEST(DeploymentDeterminism, SameSeedAndRunGiveIdenticalExposuresAndSummaries)
{
    const Scenario s = LoadFixture("e2e_small.yaml");
    const Outcome first = Simulate(s);
    const Outcome second = Simulate(s);

    ASSERT_FALSE(first.exposures.empty());
    ASSERT_EQ(first.exposures.size(), second.exposures.size());
    for (size_t i = 0; i < first.exposures.size(); ++i)
    {
        EXPECT_TRUE(SameExposure(first.exposures[i], second.exposures[i]))
            << "exposure " << i << " (device " << first.exposures[i].device << ") differs";
    }
    ASSERT_FALSE(first.summaries.empty());
    ASSERT_EQ(first.summaries.size(), second.summaries.size());
    for (size_t i = 0; i < first.summaries.size(); ++i)
    {
        EXPECT_TRUE(SameSummary(first.summaries[i], second.summaries[i]))
            << "summary " << first.summaries[i].metric << "/" << first.summaries[i].scope;
    }
    EXPECT_EQ(first.events, second.events);
}

TEST(DeploymentDeterminism, DifferentRunNumberGivesDifferentExposures)
{
    Scenario s = LoadFixture("e2e_small.yaml");
    const Outcome run1 = Simulate(s);
    s.run += 1;
    const Outcome run2 = Simulate(s);

    ASSERT_EQ(run1.exposures.size(), run2.exposures.size());
    size_t differing = 0;
    for (size_t i = 0; i < run1.exposures.size(); ++i)
    {
        differing += run1.exposures[i].removed != run2.exposures[i].removed ? 1 : 0;
    }
    // Equilibrium phases are drawn per device: another run must move (nearly) every removal.
    EXPECT_GT(differing, run1.exposures.size() / 2)
        << "only " << differing << " of " << run1.exposures.size() << " removal times changed";
}

} // namespace
} // namespace teepsim::sim
