// End-to-end tests of the `teepsim` binary: validate, run (exit codes, no database on invalid
// input, --set stored in run_params, several runs per database, --help, unknown options,
// determinism across processes) and analytic.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/run_teepsim.h"

namespace
{

using namespace teepsim::test;

/// A fresh directory per test, removed afterwards.
class TeepsimCli : public TeepsimProcessTest
{
  protected:
    std::string Db(const std::string& name) const { return (m_dir / name).string(); }
};

/// Every row of `sql` as text; REAL values in hexadecimal so that equality means bit-identical.
std::vector<std::string> Rows(const std::string& dbPath, const std::string& sql)
{
    SqlRows r = QueryRows(dbPath, sql);
    if (!r.error.empty())
    {
        ADD_FAILURE() << r.error;
    }
    return std::move(r.rows);
}

const char* kExposures = "SELECT device, ta, t0_ns, removed_ns, trust_end_ns, r_ns, t_trust_ns, "
                         "w_danger_ns, w_clean_ns, r_censored, t_trust_censored FROM exposures "
                         "ORDER BY device, ta";
const char* kSummaries =
    "SELECT metric, scope, source, unit, n, n_censored, mean, sd, se, p50, "
    "p90, p95, p99, max, z_score FROM summaries ORDER BY metric, scope, source";

TEST_F(TeepsimCli, ValidateAcceptsAGoodFile)
{
    const ProcessResult r = Teepsim("validate " + kFixtures + "e2e_small.yaml");
    EXPECT_EQ(r.code, 0) << r.err;
}

TEST_F(TeepsimCli, ValidateRejectsABadFileWithFileLineColumn)
{
    const ProcessResult r = Teepsim("validate " + kFixtures + "e2e_bad.yaml");
    EXPECT_EQ(r.code, 2);
    // 'validty' is on line 5, column 3 of the fixture.
    EXPECT_TRUE(std::regex_search(r.err, std::regex(R"(e2e_bad\.yaml:5:3: error: .*validty)")))
        << r.err;
}

TEST_F(TeepsimCli, RunOnAnInvalidFileExitsTwoAndCreatesNoDatabase)
{
    const ProcessResult r = Teepsim("run " + kFixtures + "e2e_bad.yaml --out " + Db("bad.db"));
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("e2e_bad.yaml:5:3"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(Db("bad.db")));
    // Nor the scenario's default database in the working directory.
    EXPECT_FALSE(fs::exists(m_dir / "teepsim.db"));
}

TEST_F(TeepsimCli, RunWithAnInvalidOverrideExitsTwoAndCreatesNoDatabase)
{
    const ProcessResult r = Teepsim("run " + kFixtures + "e2e_small.yaml --out " + Db("x.db") +
                                    " --set verifier.validty=2h");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("--set verifier.validty=2h"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(Db("x.db")));
}

// A fleet far beyond this machine's memory (9 M devices x ~14 KiB on the message transport) is
// refused before anything is built or written, with a line naming the estimate and --force.
TEST_F(TeepsimCli, RunRefusesAFleetThatCannotFitInMemoryAndWritesNothing)
{
    const ProcessResult r = Teepsim("run " + kFixtures + "e2e_small.yaml --out " + Db("big.db") +
                                    " --set fleet.0.count=9000000 --progress never");
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("teepsim run: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(fs::exists(Db("big.db")));
}

TEST_F(TeepsimCli, RunStoresSetOverridesInRunParams)
{
    const ProcessResult r = Teepsim("run " + kFixtures + "e2e_small.yaml --quiet --out " +
                                    Db("o.db") + " --set verifier.validity=2h");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(Rows(Db("o.db"), "SELECT value FROM run_params WHERE key = 'verifier.validity'"),
              std::vector<std::string>{"2h|"});
    EXPECT_EQ(Rows(Db("o.db"), "SELECT status FROM runs"), std::vector<std::string>{"ok|"});
}

TEST_F(TeepsimCli, TwoRunsIntoOneDatabaseGiveTwoRuns)
{
    ASSERT_EQ(Teepsim("run " + kFixtures + "e2e_small.yaml --quiet --out " + Db("two.db")).code, 0);
    ASSERT_EQ(
        Teepsim("run " + kFixtures + "e2e_small.yaml --quiet --run 2 --out " + Db("two.db")).code,
        0);
    EXPECT_EQ(Rows(Db("two.db"), "SELECT run, status FROM runs ORDER BY id"),
              (std::vector<std::string>{"1|ok|", "2|ok|"}));
    // Each run has its own exposures (20 devices).
    EXPECT_EQ(Rows(Db("two.db"), "SELECT COUNT(*) FROM exposures GROUP BY run_id ORDER BY run_id"),
              (std::vector<std::string>{"20|", "20|"}));
}

TEST_F(TeepsimCli, SameSeedAndRunGiveIdenticalRowsInTwoDatabases)
{
    const std::string file = kFixtures + "e2e_small.yaml";
    ASSERT_EQ(Teepsim("run " + file + " --quiet --out " + Db("a.db")).code, 0);
    ASSERT_EQ(Teepsim("run " + file + " --quiet --out " + Db("b.db")).code, 0);
    ASSERT_EQ(Teepsim("run " + file + " --quiet --run 9 --out " + Db("c.db")).code, 0);

    const auto exposuresA = Rows(Db("a.db"), kExposures);
    ASSERT_EQ(exposuresA.size(), 20u);
    EXPECT_EQ(exposuresA, Rows(Db("b.db"), kExposures));
    const auto summariesA = Rows(Db("a.db"), kSummaries);
    ASSERT_FALSE(summariesA.empty());
    EXPECT_EQ(summariesA, Rows(Db("b.db"), kSummaries));
    EXPECT_NE(exposuresA, Rows(Db("c.db"), kExposures)) << "another run number, same exposures";
}

TEST_F(TeepsimCli, RunHelpListsEveryKnob)
{
    const ProcessResult r = Teepsim("run --help");
    EXPECT_EQ(r.code, 0);
    const std::string text = r.out + r.err;
    for (const char* knob : {"verifier.validity", "policy_check.interval", "policy_check.law",
                             "fleet.<class>.broker.drop_all", "transport", "tam.workers"})
    {
        EXPECT_NE(text.find(knob), std::string::npos) << "--help does not list " << knob;
    }
}

TEST_F(TeepsimCli, UnknownOptionOrCommandExitsTwo)
{
    const ProcessResult opt =
        Teepsim("run " + kFixtures + "e2e_small.yaml --frobnicate --out " + Db("u.db"));
    EXPECT_EQ(opt.code, 2);
    EXPECT_NE(opt.err.find("--frobnicate"), std::string::npos) << opt.err;
    EXPECT_FALSE(fs::exists(Db("u.db")));
    EXPECT_EQ(Teepsim("frobnicate").code, 2);
}

TEST_F(TeepsimCli, AnalyticPrintsTheExpectedRemovalTime)
{
    const ProcessResult r = Teepsim("analytic " + kFixtures + "e2e_small.yaml");
    ASSERT_EQ(r.code, 0) << r.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(E\[R\]\s+([0-9.eE+-]+) s)"))) << r.out;
    // Fixed P = 1h, no loss: E[R] = P/2 + δ with δ = 4 x 10 ms.
    EXPECT_NEAR(std::stod(m[1].str()), 1800.04, 0.01) << r.out;
}

// Where the model gives no value it says why: a NULL points at the reason lines, which exist.
TEST_F(TeepsimCli, AnalyticNullPointsAtTheReasonItPrints)
{
    const ProcessResult r =
        Teepsim("analytic " + kFixtures +
                "e2e_theory.yaml --set fleet.0.broker.drop=1 --set "
                "fleet.0.broker.drop_probability=0.2 --set verifier.policy_delay=30m");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("E[T_trust]      NULL (why: the theory:/note: lines below)"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("\ntheory: T_trust"), std::string::npos) << r.out;
}

} // namespace
