// End-to-end tests of `teepsim sweep`: --dry-run lists the expanded runs, a sweep writes every
// run and point_summaries, a killed sweep resumes without duplicates or partial rows, and a run
// that fails is recorded (status 'failed', stderr tail) without stopping the sweep.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
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

/// Rows of `sql` as "a|b|" strings (NULL as "NULL"); empty when the database cannot be read.
std::vector<std::string> Rows(const std::string& dbPath, const std::string& sql)
{
    std::vector<std::string> rows;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(dbPath.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    {
        sqlite3_close(db);
        return rows;
    }
    sqlite3_busy_timeout(db, 10000);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK)
    {
        while (sqlite3_step(st) == SQLITE_ROW)
        {
            std::string row;
            for (int c = 0; c < sqlite3_column_count(st); ++c)
            {
                const auto* text = sqlite3_column_text(st, c);
                row += text ? reinterpret_cast<const char*>(text) : "NULL";
                row += "|";
            }
            rows.push_back(row);
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rows;
}

int64_t Count(const std::string& dbPath, const std::string& sql)
{
    const auto rows = Rows(dbPath, sql);
    return rows.size() == 1 ? std::stoll(rows[0]) : -1;
}

class TeepsimSweep : public testing::Test
{
  protected:
    void SetUp() override
    {
        const auto* info = testing::UnitTest::GetInstance()->current_test_info();
        m_dir = fs::path(testing::TempDir()) / (std::string("teepsim_sweep_") + info->name());
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
        m_db = (m_dir / "sweep.db").string();
        ASSERT_TRUE(fs::exists(kTeepsim)) << kTeepsim << " not built";
    }
    void TearDown() override { fs::remove_all(m_dir); }

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

    /// No partial rows: every run id found in a per-run table belongs to a run with status 'ok'.
    void ExpectNoPartialRows()
    {
        for (const char* table : {"exposures", "summaries", "devices", "timeseries", "sessions"})
        {
            EXPECT_EQ(Count(m_db, std::string("SELECT COUNT(DISTINCT t.run_id) FROM ") + table +
                                      " t LEFT JOIN runs r ON r.id = t.run_id "
                                      "WHERE r.id IS NULL OR r.status != 'ok'"),
                      0)
                << table << " has rows of a run that is not complete";
        }
    }

    fs::path m_dir;
    std::string m_db;
};

TEST_F(TeepsimSweep, DryRunPrintsTheExpandedRunsAndTheirCount)
{
    const Result r = Teepsim("sweep " + kFixtures + "e2e_sweep.yaml --dry-run");
    ASSERT_EQ(r.code, 0) << r.err;
    for (const char* key : {"verifier.validity=1h#r0", "verifier.validity=1h#r1",
                            "verifier.validity=4h#r0", "verifier.validity=4h#r1"})
    {
        EXPECT_NE(r.out.find(key), std::string::npos) << "missing run " << key << "\n" << r.out;
    }
    EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\b4 runs\b)"))) << r.out;
    EXPECT_FALSE(fs::exists(m_db));
}

TEST_F(TeepsimSweep, FourRunsWithTwoJobsWriteFourOkRunsAndPointSummaries)
{
    const Result r = Teepsim("sweep " + kFixtures + "e2e_sweep.yaml --jobs 2 --out " + m_db);
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_EQ(Count(m_db, "SELECT COUNT(*) FROM runs WHERE status = 'ok'"), 4);
    EXPECT_EQ(Count(m_db, "SELECT COUNT(*) FROM runs"), 4);
    // Two points (V = 1h, 4h), each over two replications with different run numbers.
    EXPECT_EQ(Count(m_db, "SELECT COUNT(DISTINCT scenario_hash) FROM runs"), 2);
    EXPECT_EQ(Count(m_db, "SELECT COUNT(DISTINCT run) FROM runs"), 2);
    EXPECT_EQ(Count(m_db, "SELECT COUNT(DISTINCT scenario_hash) FROM point_summaries "
                          "WHERE metric = 'R' AND scope = 'all' AND replications = 2"),
              2);
    EXPECT_EQ(Count(m_db, "SELECT COUNT(*) FROM point_summaries WHERE metric = 'R' AND "
                          "ci95_low IS NOT NULL AND ci95_low <= mean AND mean <= ci95_high"),
              2);
    ExpectNoPartialRows();

    // Running it again finds everything complete and adds nothing.
    const Result again = Teepsim("sweep " + kFixtures + "e2e_sweep.yaml --jobs 2 --out " + m_db);
    EXPECT_EQ(again.code, 0) << again.err;
    EXPECT_EQ(Count(m_db, "SELECT COUNT(*) FROM runs"), 4);
}

TEST_F(TeepsimSweep, KilledSweepResumesWithEveryRunExactlyOnceAndNoPartialRows)
{
    const std::string file = kFixtures + "e2e_sweep_slow.yaml";
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0)
    {
        // Own process group, so that the sweep and the runs it spawns die together.
        setpgid(0, 0);
        const std::string out = (m_dir / "killed.out").string();
        freopen(out.c_str(), "w", stdout);
        freopen(out.c_str(), "a", stderr);
        execl(kTeepsim.c_str(), kTeepsim.c_str(), "sweep", file.c_str(), "--jobs", "2", "--out",
              m_db.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    setpgid(pid, pid); // also from here, so the group exists before we signal it
    // Kill once a first run has completed (others are then in flight), or after 60 s.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    int64_t okBeforeKill = 0;
    while (std::chrono::steady_clock::now() < deadline)
    {
        okBeforeKill =
            std::max<int64_t>(0, Count(m_db, "SELECT COUNT(*) FROM runs WHERE status = 'ok'"));
        if (okBeforeKill >= 1)
        {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(kill(-pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFSIGNALED(status)) << "the sweep finished before it could be killed; "
                                        "e2e_sweep_slow.yaml is too fast";
    fs::remove_all(fs::temp_directory_path() / ("teepsim-sweep-" + std::to_string(pid)));
    const int64_t okAfterKill = Count(m_db, "SELECT COUNT(*) FROM runs WHERE status = 'ok'");
    std::printf("[sweep] killed with %lld ok run(s) of 6 in the database\n",
                static_cast<long long>(okAfterKill));
    EXPECT_LT(okAfterKill, 6);
    ExpectNoPartialRows();

    const Result resumed = Teepsim("sweep " + file + " --jobs 2 --out " + m_db);
    ASSERT_EQ(resumed.code, 0) << resumed.out << resumed.err;
    // Every (scenario hash, seed, run) exactly once, all complete.
    EXPECT_EQ(Count(m_db, "SELECT COUNT(*) FROM runs"), 6);
    EXPECT_EQ(Count(m_db, "SELECT COUNT(*) FROM runs WHERE status = 'ok'"), 6);
    EXPECT_EQ(
        Count(m_db, "SELECT COUNT(*) FROM (SELECT DISTINCT scenario_hash, seed, run FROM runs)"),
        6);
    ExpectNoPartialRows();
    // Runs complete before the kill were skipped, not run again.
    EXPECT_NE(resumed.out.find(std::to_string(okAfterKill) + " already in"), std::string::npos)
        << resumed.out;
}

TEST_F(TeepsimSweep, FailedRunIsRecordedWithItsStderrAndDoesNotStopTheSweep)
{
    const Result r = Teepsim("sweep " + kFixtures + "e2e_sweep_fail.yaml --jobs 1 --out " + m_db);
    EXPECT_NE(r.code, 0) << "a sweep with a failed run must not report success";
    EXPECT_EQ(Count(m_db, "SELECT COUNT(*) FROM runs"), 2) << r.out << r.err;
    // The failing point ran first; the second point still ran and completed.
    EXPECT_EQ(Count(m_db, "SELECT COUNT(*) FROM runs WHERE status = 'ok'"), 1) << r.out << r.err;
    const auto failed = Rows(m_db, "SELECT error FROM runs WHERE status = 'failed'");
    ASSERT_EQ(failed.size(), 1u) << r.out << r.err;
    EXPECT_NE(failed[0].find("exit code"), std::string::npos) << failed[0];
    // The tail of the child's stderr names what went wrong.
    EXPECT_NE(failed[0].find("/dev/null/e2e-pcap"), std::string::npos) << failed[0];
    EXPECT_EQ(Count(m_db, "SELECT COUNT(*) FROM run_params p JOIN runs r ON r.id = p.run_id "
                          "WHERE r.status = 'failed' AND p.key = 'outputs.pcap_dir' AND "
                          "p.value = '/dev/null/e2e-pcap'"),
              1);
    ExpectNoPartialRows();
}

} // namespace
