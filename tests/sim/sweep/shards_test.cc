// The scheduler-neutral contract and `teepsim merge`: --list + --index reproduce exactly the
// rows of the local `sweep --jobs 2` database for every run; --shard covers each run once;
// merge de-duplicates identical runs, refuses conflicting, foreign, truncated, other-schema
// and non-database shards with a clear message and nothing copied, never double counts, lists
// what is missing and completes when re-run with the rest. The four runs of the e2e fixture
// are simulated once for the whole suite (local sweep and shards), then copied per test.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/run_teepsim.h"

namespace
{

using namespace teepsim::test;

const std::string kSweep = kFixtures + "e2e_sweep.yaml";

struct ListLine
{
    std::string index, key, command;
};

std::vector<ListLine> ParseList(const std::string& text)
{
    std::vector<ListLine> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
    {
        const size_t a = line.find('\t'), b = line.find('\t', a + 1);
        if (a == std::string::npos || b == std::string::npos)
        {
            ADD_FAILURE() << "not INDEX<TAB>KEY<TAB>COMMAND: " << line;
            continue;
        }
        lines.push_back({line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1)});
    }
    return lines;
}

int64_t Count(const std::string& db, const std::string& sql)
{
    const auto rows = QueryRows(db, sql).rows;
    return rows.size() == 1 ? std::stoll(rows[0]) : -1;
}

// The results of every run, keyed by run identity (hash, seed, run) instead of the run id.
const char* kRowsByRun[] = {
    "SELECT r.scenario_hash, r.seed, r.run, r.status, r.horizon_ns, r.events FROM runs r "
    "ORDER BY 1, 2, 3",
    "SELECT r.scenario_hash, r.seed, r.run, e.device, e.ta, e.t0_ns, e.removed_ns, "
    "e.trust_end_ns, e.r_ns, e.t_trust_ns, e.w_danger_ns, e.w_clean_ns, e.r_censored, "
    "e.t_trust_censored FROM exposures e JOIN runs r ON r.id = e.run_id ORDER BY 1, 2, 3, 4, 5",
    "SELECT r.scenario_hash, r.seed, r.run, s.metric, s.scope, s.source, s.unit, s.n, "
    "s.n_censored, s.mean, s.sd, s.se, s.p50, s.p90, s.p95, s.p99, s.max, s.z_score FROM "
    "summaries s JOIN runs r ON r.id = s.run_id ORDER BY 1, 2, 3, 4, 5, 6",
    "SELECT r.scenario_hash, r.seed, r.run, s.grp, s.cause, s.failure, s.count, s.bytes_up, "
    "s.bytes_down FROM sessions s JOIN runs r ON r.id = s.run_id ORDER BY 1, 2, 3, 4, 5",
    "SELECT r.scenario_hash, r.seed, r.run, p.key, p.value FROM run_params p JOIN runs r ON "
    "r.id = p.run_id ORDER BY 1, 2, 3, 4",
    "SELECT r.scenario_hash, r.seed, r.run, t.series, t.t_ns, t.value FROM timeseries t JOIN "
    "runs r ON r.id = t.run_id ORDER BY 1, 2, 3, 4, 5",
    "SELECT * FROM point_summaries ORDER BY 1, 3, 4",
};

// Shared by the suite: the local sweep and the four shards, each simulated once.
struct Shared
{
    fs::path dir;
    std::string local;
    std::vector<ListLine> list;
    std::vector<std::string> shards; // shard-I.db by index
};
Shared* g_shared = nullptr;

class TeepsimShards : public TeepsimProcessTest
{
  protected:
    static void SetUpTestSuite()
    {
        g_shared = new Shared;
        // Per process: ctest runs each test of the suite in its own process, in parallel.
        g_shared->dir =
            fs::path(testing::TempDir()) / ("TeepsimShards_shared_" + std::to_string(getpid()));
        fs::remove_all(g_shared->dir);
        fs::create_directories(g_shared->dir);
        g_shared->local = (g_shared->dir / "local.db").string();
        const ProcessResult local =
            RunTeepsim(g_shared->dir, "sweep " + kSweep + " --jobs 2 --out local.db");
        ASSERT_EQ(local.code, 0) << local.out << local.err;
        const ProcessResult list = RunTeepsim(g_shared->dir, "sweep " + kSweep + " --list");
        ASSERT_EQ(list.code, 0) << list.err;
        g_shared->list = ParseList(list.out);
        for (const ListLine& l : g_shared->list)
        {
            // The printed command as it is, through the shell, in the shared directory.
            const std::string cmd =
                "cd '" + g_shared->dir.string() + "' && " + l.command + " >/dev/null 2>>shards.err";
            ASSERT_EQ(std::system(cmd.c_str()), 0) << l.command;
            g_shared->shards.push_back((g_shared->dir / ("shard-" + l.index + ".db")).string());
        }
    }
    static void TearDownTestSuite()
    {
        fs::remove_all(g_shared->dir);
        delete g_shared;
        g_shared = nullptr;
    }

    // A copy of shard I in the test's directory (tests may damage it).
    std::string Shard(int i, const std::string& name = "")
    {
        const fs::path to = m_dir / (name.empty() ? "shard-" + std::to_string(i) + ".db" : name);
        fs::copy_file(g_shared->shards.at(static_cast<size_t>(i)), to,
                      fs::copy_options::overwrite_existing);
        return to.string();
    }

    ProcessResult Merge(const std::string& out, const std::vector<std::string>& shards)
    {
        std::string args = "merge " + out;
        for (const std::string& s : shards)
        {
            args += " '" + s + "'";
        }
        return Teepsim(args);
    }

    void ExpectSameRowsAsLocal(const std::string& db)
    {
        for (const char* sql : kRowsByRun)
        {
            const SqlRows want = QueryRows(g_shared->local, sql);
            const SqlRows got = QueryRows(db, sql);
            ASSERT_TRUE(want.error.empty() && got.error.empty()) << want.error << got.error;
            EXPECT_FALSE(want.rows.empty()) << sql;
            EXPECT_EQ(got.rows, want.rows) << sql;
        }
    }

    void ExpectIntact(const std::string& db)
    {
        EXPECT_EQ(QueryRows(db, "PRAGMA integrity_check").rows, std::vector<std::string>{"ok|"});
        EXPECT_EQ(QueryRows(db, "PRAGMA journal_mode").rows, std::vector<std::string>{"delete|"});
        EXPECT_FALSE(fs::exists(db + "-wal"));
        EXPECT_FALSE(fs::exists(db + "-shm"));
    }
};

TEST_F(TeepsimShards, ListPrintsIndexKeyAndTheCommandOfEveryRun)
{
    ASSERT_EQ(g_shared->list.size(), 4u);
    const char* keys[] = {"verifier.validity=1h#r0", "verifier.validity=1h#r1",
                          "verifier.validity=4h#r0", "verifier.validity=4h#r1"};
    for (size_t i = 0; i < 4; ++i)
    {
        const ListLine& l = g_shared->list[i];
        EXPECT_EQ(l.index, std::to_string(i));
        EXPECT_EQ(l.key, keys[i]);
        EXPECT_NE(l.command.find(" sweep /"), std::string::npos) << l.command;
        EXPECT_NE(l.command.find(" --index " + l.index + " --out shard-" + l.index + ".db"),
                  std::string::npos)
            << l.command;
    }
}

TEST_F(TeepsimShards, ListQuotesForTheShellAndSubstitutesTheIndex)
{
    const ProcessResult r = Teepsim(
        "sweep " + kSweep + " --list --shard 1/4 --set 'name=a b' --out 'out dir/s{index}.db'");
    ASSERT_EQ(r.code, 0) << r.err;
    const std::vector<ListLine> lines = ParseList(r.out);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].command.find("--set 'name=a b' --index 1 --out 'out dir/s1.db'"),
              std::string::npos)
        << lines[0].command;
}

TEST_F(TeepsimShards, ListAndIndexReproduceTheLocalSweepRowsForEveryRun)
{
    for (const std::string& shard : g_shared->shards)
    {
        EXPECT_EQ(Count(shard, "SELECT COUNT(*) FROM runs WHERE status = 'ok'"), 1) << shard;
        ExpectIntact(shard);
    }
    const std::string out = (m_dir / "merged.db").string();
    const ProcessResult r = Merge(out, g_shared->shards);
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("4 of 4 runs of the sweep complete"), std::string::npos) << r.out;
    ExpectSameRowsAsLocal(out);
    ExpectIntact(out);
}

TEST_F(TeepsimShards, ShardsCoverEveryRunExactlyOnce)
{
    std::multiset<std::string> seen;
    for (int k = 0; k < 3; ++k)
    {
        const ProcessResult r =
            Teepsim("sweep " + kSweep + " --list --shard " + std::to_string(k) + "/3");
        ASSERT_EQ(r.code, 0) << r.err;
        for (const ListLine& l : ParseList(r.out))
        {
            EXPECT_EQ(std::stoi(l.index) % 3, k) << l.index;
            seen.insert(l.key);
        }
    }
    std::multiset<std::string> all;
    for (const ListLine& l : g_shared->list)
    {
        all.insert(l.key);
    }
    EXPECT_EQ(seen, all);
    // A shard database holds exactly its runs: indices 1 and 3 of 0..3.
    const ProcessResult run = Teepsim("sweep " + kSweep + " --shard 1/2 --out s.db");
    ASSERT_EQ(run.code, 0) << run.out << run.err;
    const std::string s = (m_dir / "s.db").string();
    const std::string keyOf = "SELECT scenario_hash || ':' || run FROM runs ORDER BY 1";
    std::vector<std::string> want;
    for (int i : {1, 3})
    {
        for (const std::string& row :
             QueryRows(g_shared->shards[static_cast<size_t>(i)], keyOf).rows)
        {
            want.push_back(row);
        }
    }
    std::sort(want.begin(), want.end());
    EXPECT_EQ(QueryRows(s, keyOf).rows, want);
    ExpectIntact(s);
}

TEST_F(TeepsimShards, TwoShardsPublishedIntoOneFileKeepBothAndLeaveNoStagingBehind)
{
    // Shards are written through a staging copy in TMPDIR and published into --out.
    const fs::path tmp = m_dir / "tmp";
    fs::create_directories(tmp);
    const char* before = std::getenv("TMPDIR");
    const std::string saved = before ? before : "";
    setenv("TMPDIR", tmp.c_str(), 1);
    const ProcessResult a = Teepsim("sweep " + kSweep + " --shard 0/2 --jobs 2 --out both.db");
    const ProcessResult b = Teepsim("sweep " + kSweep + " --shard 1/2 --jobs 2 --out both.db");
    const ProcessResult again = Teepsim("sweep " + kSweep + " --shard 1/2 --out both.db");
    if (before)
    {
        setenv("TMPDIR", saved.c_str(), 1);
    }
    else
    {
        unsetenv("TMPDIR");
    }
    ASSERT_EQ(a.code, 0) << a.out << a.err;
    ASSERT_EQ(b.code, 0) << b.out << b.err;
    ASSERT_EQ(again.code, 0) << again.out << again.err;
    EXPECT_NE(again.out.find("2 runs, 2 already in both.db, 0 to run"), std::string::npos)
        << again.out;
    EXPECT_TRUE(fs::is_empty(tmp)) << "staging left in " << tmp;
    const std::string both = (m_dir / "both.db").string();
    EXPECT_EQ(Count(both, "SELECT COUNT(*) FROM runs WHERE status = 'ok'"), 4);
    ExpectSameRowsAsLocal(both);
    ExpectIntact(both);
}

TEST_F(TeepsimShards, BadIndexOrShardIsAOneLineUsageError)
{
    for (const char* bad :
         {"--index 4 --out x.db", "--shard 2/2 --out x.db", "--shard 1 --out x.db",
          "--shard a/3 --out x.db", "--index 0 --shard 0/2 --out x.db"})
    {
        const ProcessResult r = Teepsim("sweep " + kSweep + " " + bad);
        EXPECT_EQ(r.code, 2) << bad;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << bad << ": " << r.err;
        EXPECT_FALSE(fs::exists(m_dir / "x.db")) << bad;
    }
}

TEST_F(TeepsimShards, ResumeSkipsARunWrittenByRunWithOverridesInAnotherOrder)
{
    // Index 2 is validity 4h, replication 0 (run 1); --set given in the other order.
    ASSERT_EQ(Teepsim("run " + kSweep +
                      " --quiet --out db.db --run 1 --set verifier.validity=4h "
                      "--set policy_check.interval=2h")
                  .code,
              0);
    const ProcessResult r =
        Teepsim("sweep " + kSweep + " --set policy_check.interval=2h --index 2 --out db.db");
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("1 runs, 1 already in db.db, 0 to run"), std::string::npos) << r.out;
    EXPECT_EQ(Count((m_dir / "db.db").string(), "SELECT COUNT(*) FROM runs"), 1);
}

TEST_F(TeepsimShards, DuplicateIdenticalRunIsKeptOnce)
{
    const std::string out = (m_dir / "merged.db").string();
    const ProcessResult r =
        Merge(out, {Shard(0), Shard(0, "again.db"), Shard(1), Shard(2), Shard(3)});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("again.db: 0 runs copied, 1 duplicate, identical: kept once"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(Count(out, "SELECT COUNT(*) FROM runs"), 4);
    ExpectSameRowsAsLocal(out); // replication counts and point means as the local sweep's
    ExpectIntact(out);
}

TEST_F(TeepsimShards, ConflictingRunIsAnErrorNamingTheRunAndBothFiles)
{
    const std::string bad = Shard(0, "bad.db");
    ASSERT_TRUE(QueryRows(bad, "SELECT 1").error.empty());
    ASSERT_EQ(std::system(("sqlite3 '" + bad +
                           "' \"UPDATE summaries SET mean = mean + 1 WHERE metric = 'R'\"")
                              .c_str()),
              0);
    const std::string out = (m_dir / "merged.db").string();
    const ProcessResult r = Merge(out, {Shard(0), bad, Shard(1)});
    EXPECT_EQ(r.code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("conflicting results for run verifier.validity=1h#r0"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find(Shard(0)), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("bad.db differ; nothing from"), std::string::npos) << r.err;
    EXPECT_EQ(Count(out, "SELECT COUNT(*) FROM runs"), 2);
    // Shards 0 and 1 are the two replications of one point: 2, not 3 with the conflicting copy.
    EXPECT_EQ(Count(out, "SELECT MAX(replications) FROM point_summaries"), 2);
    ExpectIntact(out);
}

TEST_F(TeepsimShards, ShardOfAnotherScenarioIsRefused)
{
    ASSERT_EQ(Teepsim("sweep " + kSweep +
                      " --set policy_check.interval=2h --index 0 --out "
                      "other.db")
                  .code,
              0);
    const std::string out = (m_dir / "merged.db").string();
    const ProcessResult r = Merge(out, {Shard(0), (m_dir / "other.db").string()});
    EXPECT_EQ(r.code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("other.db: refused: from another scenario"), std::string::npos) << r.err;
    EXPECT_EQ(Count(out, "SELECT COUNT(*) FROM runs"), 1);
    ExpectIntact(out);
}

TEST_F(TeepsimShards, TruncatedNonDatabaseAndOtherSchemaShardsAreRefused)
{
    const std::string cut = Shard(1, "cut.db");
    fs::resize_file(cut, fs::file_size(cut) / 2);
    const std::string text = (m_dir / "text.db").string();
    {
        std::ofstream(text) << "not a database\n";
    }
    const std::string old = Shard(2, "old.db");
    ASSERT_EQ(std::system(("sqlite3 '" + old +
                           "' \"UPDATE meta SET value = '1' WHERE key = 'schema_version'\"")
                              .c_str()),
              0);
    const std::string out = (m_dir / "merged.db").string();
    const ProcessResult r = Merge(out, {Shard(0), cut, text, old});
    EXPECT_EQ(r.code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("cut.db: refused: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("text.db: refused: not an SQLite database"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("old.db: refused: schema version 1; this teepsim merges version"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 3) << r.err;
    EXPECT_EQ(Count(out, "SELECT COUNT(*) FROM runs"), 1);
    ExpectIntact(out);
}

TEST_F(TeepsimShards, MergeListsWhatIsMissingAndCompletesWhenRunAgainWithTheRest)
{
    const std::string out = (m_dir / "merged.db").string();
    const ProcessResult first = Merge(out, {Shard(0), Shard(3)});
    EXPECT_EQ(first.code, 3) << first.out << first.err;
    EXPECT_NE(first.out.find("missing\t1\tverifier.validity=1h#r1\n"), std::string::npos)
        << first.out;
    EXPECT_NE(first.out.find("missing\t2\tverifier.validity=4h#r0\n"), std::string::npos)
        << first.out;
    EXPECT_NE(first.out.find("2 of 4 runs of the sweep complete, 2 missing"), std::string::npos)
        << first.out;
    ExpectIntact(out);
    // Again with everything: the two already merged are kept once, the rest completes the set.
    const ProcessResult second = Merge(out, {Shard(0), Shard(1), Shard(2), Shard(3)});
    EXPECT_EQ(second.code, 0) << second.out << second.err;
    EXPECT_EQ(second.out.find("missing\t"), std::string::npos) << second.out;
    ExpectSameRowsAsLocal(out);
    ExpectIntact(out);
}

TEST_F(TeepsimShards, TheLocalSweepDatabaseMergesAsAShard)
{
    const std::string out = (m_dir / "merged.db").string();
    const ProcessResult r = Merge(out, {g_shared->local, Shard(2)});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("4 runs copied"), std::string::npos) << r.out;
    ExpectSameRowsAsLocal(out);
}

} // namespace
