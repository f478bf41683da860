// End-to-end tests of the `teepsim` binary: validate, run (exit codes, no database on invalid
// input, --set stored in run_params, several runs per database, --help, unknown options,
// determinism across processes) and analytic.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace
{

namespace fs = std::filesystem;

const std::string kTeepsim = TEEPSIM_BINARY_DIR "/teepsim";
const std::string kFixtures = TEEPSIM_SOURCE_DIR "/tests/sim/fixtures/";

struct Result
{
    int code = -1;
    std::string out, err;
};

std::string ReadFile(const fs::path& p)
{
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

/// A fresh directory per test, removed afterwards.
class TeepsimCli : public testing::Test
{
  protected:
    void SetUp() override
    {
        const auto* info = testing::UnitTest::GetInstance()->current_test_info();
        m_dir = fs::path(testing::TempDir()) / (std::string("teepsim_cli_") + info->name());
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
        ASSERT_TRUE(fs::exists(kTeepsim)) << kTeepsim << " not built";
    }
    void TearDown() override { fs::remove_all(m_dir); }

    /// Runs `teepsim ARGS` in the test directory, capturing stdout, stderr and the exit code.
    Result Teepsim(const std::string& args)
    {
        const fs::path out = m_dir / "stdout.txt", err = m_dir / "stderr.txt";
        const std::string cmd = "cd '" + m_dir.string() + "' && '" + kTeepsim + "' " + args +
                                " >'" + out.string() + "' 2>'" + err.string() + "'";
        const int status = std::system(cmd.c_str());
        Result r;
        r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        r.out = ReadFile(out);
        r.err = ReadFile(err);
        return r;
    }

    std::string Db(const std::string& name) const { return (m_dir / name).string(); }

    fs::path m_dir;
};

/// Every row of `sql` as text; REAL values in hexadecimal so that equality means bit-identical.
std::vector<std::string> Rows(const std::string& dbPath, const std::string& sql)
{
    sqlite3* db = nullptr;
    std::vector<std::string> rows;
    if (sqlite3_open_v2(dbPath.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    {
        ADD_FAILURE() << "cannot open " << dbPath;
        sqlite3_close(db);
        return rows;
    }
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
    {
        ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
    }
    while (st != nullptr && sqlite3_step(st) == SQLITE_ROW)
    {
        std::string row;
        for (int c = 0; c < sqlite3_column_count(st); ++c)
        {
            char buf[64];
            switch (sqlite3_column_type(st, c))
            {
                case SQLITE_NULL:
                    row += "NULL";
                    break;
                case SQLITE_INTEGER:
                    row += std::to_string(sqlite3_column_int64(st, c));
                    break;
                case SQLITE_FLOAT:
                    std::snprintf(buf, sizeof buf, "%a", sqlite3_column_double(st, c));
                    row += buf;
                    break;
                default:
                    row += reinterpret_cast<const char*>(sqlite3_column_text(st, c));
            }
            row += "|";
        }
        rows.push_back(row);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rows;
}

const char* kExposures = "SELECT device, ta, t0_ns, removed_ns, trust_end_ns, r_ns, t_trust_ns, "
                         "w_danger_ns, w_clean_ns, r_censored, t_trust_censored FROM exposures "
                         "ORDER BY device, ta";
const char* kSummaries =
    "SELECT metric, scope, source, unit, n, n_censored, mean, sd, se, p50, "
    "p90, p95, p99, max, z_score FROM summaries ORDER BY metric, scope, source";

TEST_F(TeepsimCli, ValidateAcceptsAGoodFile)
{
    const Result r = Teepsim("validate " + kFixtures + "e2e_small.yaml");
    EXPECT_EQ(r.code, 0) << r.err;
}

TEST_F(TeepsimCli, ValidateRejectsABadFileWithFileLineColumn)
{
    const Result r = Teepsim("validate " + kFixtures + "e2e_bad.yaml");
    EXPECT_EQ(r.code, 2);
    // 'validty' is on line 5, column 3 of the fixture.
    EXPECT_TRUE(std::regex_search(r.err, std::regex(R"(e2e_bad\.yaml:5:3: error: .*validty)")))
        << r.err;
}

TEST_F(TeepsimCli, RunOnAnInvalidFileExitsTwoAndCreatesNoDatabase)
{
    const Result r = Teepsim("run " + kFixtures + "e2e_bad.yaml --out " + Db("bad.db"));
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("e2e_bad.yaml:5:3"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(Db("bad.db")));
    // Nor the scenario's default database in the working directory.
    EXPECT_FALSE(fs::exists(m_dir / "teepsim.db"));
}

TEST_F(TeepsimCli, RunWithAnInvalidOverrideExitsTwoAndCreatesNoDatabase)
{
    const Result r = Teepsim("run " + kFixtures + "e2e_small.yaml --out " + Db("x.db") +
                             " --set verifier.validty=2h");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("--set verifier.validty=2h"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(Db("x.db")));
}

TEST_F(TeepsimCli, RunStoresSetOverridesInRunParams)
{
    const Result r = Teepsim("run " + kFixtures + "e2e_small.yaml --quiet --out " + Db("o.db") +
                             " --set verifier.validity=2h");
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
    const Result r = Teepsim("run --help");
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
    const Result opt =
        Teepsim("run " + kFixtures + "e2e_small.yaml --frobnicate --out " + Db("u.db"));
    EXPECT_EQ(opt.code, 2);
    EXPECT_NE(opt.err.find("--frobnicate"), std::string::npos) << opt.err;
    EXPECT_FALSE(fs::exists(Db("u.db")));
    EXPECT_EQ(Teepsim("frobnicate").code, 2);
}

TEST_F(TeepsimCli, AnalyticPrintsTheExpectedRemovalTime)
{
    const Result r = Teepsim("analytic " + kFixtures + "e2e_small.yaml");
    ASSERT_EQ(r.code, 0) << r.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(E\[R\]\s+([0-9.eE+-]+) s)"))) << r.out;
    // Fixed P = 1h, no loss: E[R] = P/2 + δ with δ = 4 x 10 ms.
    EXPECT_NEAR(std::stod(m[1].str()), 1800.04, 0.01) << r.out;
}

} // namespace
