// Golden exposures: the SUIT install path (factory provisioning and install sessions, plain and
// personalized envelopes) must give bit-identical results when its implementation changes
// (e.g. envelopes parsed by view instead of copied). A fixed small scenario is run and its
// exposure rows and install/removal counters are compared, field by field, with rows recorded
// from the implementation before such a change (golden/setup_exposures.txt). The scenario
// (golden/setup_scenario.yaml) pre-installs a plain and a personalized TA and installs a plain
// and a personalized one by sessions, with real signatures.
// To re-record after an intended behaviour change: TEEPSIM_UPDATE_GOLDEN=1 <this test>.
#include "teepsim/sim/deployment.h"
#include "teepsim/sim/scenario.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace teepsim::sim
{
namespace
{

const std::string kGolden =
    std::string(TEEPSIM_SOURCE_DIR) + "/tests/sim/deployment/golden/setup_exposures.txt";

Scenario GoldenScenario()
{
    const LoadResult r = LoadScenario(std::string(TEEPSIM_SOURCE_DIR) +
                                      "/tests/sim/deployment/golden/setup_scenario.yaml");
    for (const Diagnostic& d : r.diagnostics)
    {
        ADD_FAILURE() << d.ToString();
    }
    Scenario s = r.scenario;
    s.outputs.database.clear();
    return s;
}

std::string Opt(const std::optional<int64_t>& v)
{
    return v ? std::to_string(*v) : "NULL";
}

// One line per exposure, then the counters of installs, removals, sessions
// and attestation results;
// the same text as the `exposures` and `counters` tables of the run's database give.
std::vector<std::string> Rows(const Deployment& d)
{
    // Ordered by device then TA, as the table's primary key.
    std::vector<recorder::Exposure> exposures = d.GetRecorder().Exposures();
    std::sort(exposures.begin(), exposures.end(),
              [&](const recorder::Exposure& a, const recorder::Exposure& b)
              {
                  return std::pair(a.device, d.GetRecorder().TaName(a.ta)) <
                         std::pair(b.device, d.GetRecorder().TaName(b.ta));
              });
    std::vector<std::string> rows;
    for (const recorder::Exposure& e : exposures)
    {
        std::ostringstream o;
        o << "exposure device=" << e.device << " ta=" << d.GetRecorder().TaName(e.ta)
          << " t0=" << e.t0 << " removed=" << Opt(e.removed) << " trust_end=" << Opt(e.trustEnd)
          << " r=" << Opt(e.r) << " t_trust=" << Opt(e.tTrust) << " w_danger=" << Opt(e.wDanger)
          << " w_clean=" << Opt(e.wClean) << " r_censored=" << e.rCensored
          << " t_trust_censored=" << e.tTrustCensored;
        rows.push_back(o.str());
    }
    for (const auto& [name, value] : d.GetRecorder().Counters())
    {
        if (name == "ta_installed" || name == "ta_removed" || name == "sessions" ||
            name == "sessions_failed" || name == "ar_issued" || name == "ar_affirming")
        {
            rows.push_back("counter " + name + "=" + std::to_string(value));
        }
    }
    return rows;
}

TEST(DeploymentSetupGolden, ExposuresAndInstallCountsMatchTheRecordedRows)
{
    Deployment d(GoldenScenario());
    d.Build();
    d.Run();
    const std::vector<std::string> rows = Rows(d);
    ASSERT_GT(rows.size(), 10u) << "most devices are exposed, plus the counters";

    if (std::getenv("TEEPSIM_UPDATE_GOLDEN"))
    {
        std::ofstream out(kGolden);
        for (const std::string& row : rows)
        {
            out << row << "\n";
        }
        ASSERT_TRUE(out.good()) << "cannot write " << kGolden;
        GTEST_SKIP() << "golden rows re-recorded in " << kGolden;
    }

    std::ifstream in(kGolden);
    ASSERT_TRUE(in.good()) << "cannot open " << kGolden;
    std::vector<std::string> golden;
    for (std::string line; std::getline(in, line);)
    {
        golden.push_back(line);
    }
    ASSERT_EQ(rows.size(), golden.size()) << "number of rows differs from " << kGolden;
    for (size_t i = 0; i < rows.size(); ++i)
    {
        EXPECT_EQ(rows[i], golden[i]) << "row " << i;
    }
}

} // namespace
} // namespace teepsim::sim
