// Every scenario in scenarios/, shrunk to a handful of devices per class (same horizon, t0 and
// behaviours, so every code path the scenario exercises still runs), satisfies the accounting
// invariant: the run finishes (Recorder::Finish throws AccountingError otherwise), every
// session cause is one of the documented outcomes, the totals per cause sum to the session
// count for the fleet and for each class, and every affected device is removed or censored.
#include "teepsim/sim/deployment.h"
#include "teepsim/sim/scenario.h"
#include "teepsim/teep-trace.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

namespace teepsim::sim
{
namespace
{

constexpr int64_t kDevicesPerClass = 4;

std::vector<std::string> ScenarioFiles()
{
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(TEEPSIM_SOURCE_DIR "/scenarios"))
    {
        if (e.path().extension() == ".yaml")
        {
            out.push_back(e.path().string());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

int64_t Counter(const recorder::Recorder& rec, const std::string& name)
{
    for (const auto& [n, v] : rec.Counters())
    {
        if (n == name)
        {
            return v;
        }
    }
    return 0;
}

class ScenarioAccounting : public ::testing::TestWithParam<std::string>
{
};

TEST_P(ScenarioAccounting, InvariantHoldsOnAShrunkRun)
{
    const std::string path = GetParam();
    const LoadResult base = LoadScenario(path);
    ASSERT_TRUE(base.ok()) << path;
    std::vector<std::string> overrides = {"outputs.pcap=false"};
    for (size_t i = 0; i < base.scenario.fleet.size(); ++i)
    {
        overrides.push_back("fleet." + std::to_string(i) +
                            ".count=" + std::to_string(kDevicesPerClass));
    }
    const LoadResult loaded = LoadScenario(path, overrides);
    ASSERT_TRUE(loaded.ok()) << path;
    const Scenario& s = loaded.scenario;

    Deployment d(s);
    d.Build();
    ASSERT_NO_THROW(d.Run()) << "accounting invariant of " << path;
    const recorder::Recorder& rec = d.GetRecorder();

    std::set<std::string> known;
    for (ns3::SessionOutcome o : ns3::kAllSessionOutcomes)
    {
        known.insert(ns3::ToString(o));
    }
    std::map<std::string, uint64_t> perGroup;
    for (const recorder::SessionAggregate& a : rec.Sessions())
    {
        EXPECT_EQ(known.count(a.cause), 1u) << a.cause;
        EXPECT_EQ(a.failure, ns3::IsFailure(*std::find_if(std::begin(ns3::kAllSessionOutcomes),
                                                          std::end(ns3::kAllSessionOutcomes),
                                                          [&](ns3::SessionOutcome o)
                                                          { return a.cause == ns3::ToString(o); })))
            << a.cause;
        perGroup[a.group] += a.count;
    }
    const auto sessions = static_cast<uint64_t>(Counter(rec, "sessions"));
    EXPECT_GT(sessions, 0u);
    EXPECT_EQ(perGroup["all"], sessions);
    uint64_t classes = 0;
    for (const auto& [group, n] : perGroup)
    {
        classes += group.rfind("class=", 0) == 0 ? n : 0;
    }
    EXPECT_EQ(classes, sessions) << "every session belongs to one class";

    const recorder::GroupAccount& all = rec.Groups().front();
    EXPECT_EQ(all.group, "all");
    EXPECT_EQ(all.devices, static_cast<uint64_t>(s.TotalDevices()));
    EXPECT_EQ(all.removed + all.censored, rec.Exposures().size());
    EXPECT_EQ(all.sessions, sessions);
    for (const recorder::Exposure& x : rec.Exposures())
    {
        EXPECT_NE(x.removed.has_value(), x.rCensored) << "device " << x.device;
    }
    // Tampered messages all have a verdict (the sessions they were in had ended by the horizon
    // or are still open, then undelivered messages are still pending: at most one per device).
    const int64_t tampered = Counter(rec, "broker_tampered");
    const int64_t judged = Counter(rec, "broker_tampered_rejected") +
                           Counter(rec, "broker_tampered_accepted") +
                           Counter(rec, "broker_tampered_undelivered");
    EXPECT_LE(judged, tampered);
    EXPECT_GE(judged + s.TotalDevices(), tampered);
}

INSTANTIATE_TEST_SUITE_P(AllScenarios, ScenarioAccounting, ::testing::ValuesIn(ScenarioFiles()),
                         [](const ::testing::TestParamInfo<std::string>& i)
                         { return std::filesystem::path(i.param).stem().string(); });

} // namespace
} // namespace teepsim::sim
