// End-to-end tests of `teepsim sweep`: --dry-run lists the expanded runs, a sweep writes every
// run and point_summaries, a killed sweep resumes without duplicates or partial rows, and a run
// that fails is recorded (status 'failed', stderr tail) without stopping the sweep.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/run_teepsim.h"

namespace
{

using namespace teepsim::test;

/// Rows of `sql` as "a|b|" strings (NULL as "NULL"); empty when the database cannot be read.
std::vector<std::string> Rows(const std::string& dbPath, const std::string& sql)
{
    return QueryRows(dbPath, sql).rows;
}

int64_t Count(const std::string& dbPath, const std::string& sql)
{
    const auto rows = Rows(dbPath, sql);
    return rows.size() == 1 ? std::stoll(rows[0]) : -1;
}

class TeepsimSweep : public TeepsimProcessTest
{
  protected:
    void SetUp() override
    {
        TeepsimProcessTest::SetUp();
        m_db = (m_dir / "sweep.db").string();
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

    std::string m_db;
};

TEST_F(TeepsimSweep, DryRunPrintsTheExpandedRunsAndTheirCount)
{
    const ProcessResult r = Teepsim("sweep " + kFixtures + "e2e_sweep.yaml --dry-run");
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
    const ProcessResult r = Teepsim("sweep " + kFixtures + "e2e_sweep.yaml --jobs 2 --out " + m_db);
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
    const ProcessResult again =
        Teepsim("sweep " + kFixtures + "e2e_sweep.yaml --jobs 2 --out " + m_db);
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

    const ProcessResult resumed = Teepsim("sweep " + file + " --jobs 2 --out " + m_db);
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
    const ProcessResult r =
        Teepsim("sweep " + kFixtures + "e2e_sweep_fail.yaml --jobs 1 --out " + m_db);
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
