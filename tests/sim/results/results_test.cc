// ResultsDb: schema and version, known rows of one run, several runs per file, failures (thrown
// or killed mid-write) leaving nothing, reopening, failed-run records and determinism.
#include "teepsim/sim/results.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/sim/results/db_test_util.h"

using namespace teepsim;
using namespace teepsim::results;
using recorder::kNsPerSecond;
using recorder::Recorder;
using recorder::TimeNs;

namespace
{

constexpr TimeNs kH = 3600 * kNsPerSecond;
using test::FreshPath;
using test::One;
using test::Query;
using test::Rows;

// Four phones with "bad": three removed at 1.5, 2 and 2.5 h, one never (censored at 10 h).
Recorder MakeRecorder()
{
    recorder::RecorderConfig cfg;
    cfg.curvePoints = 11;
    Recorder r(cfg);
    for (recorder::DeviceId d = 0; d < 4; ++d)
    {
        r.RegisterDevice(d, "phone", d != 3, d != 3 ? "honest" : "");
        r.OnTaInstalled(d, "bad", 0);
        r.OnArIssued(d, true, 0, 4 * kH);
    }
    r.OnMaliciousDeclared("bad", kH);
    r.OnVerifierLearned("bad", kH);
    r.OnTaRemoved(0, "bad", 3 * kH / 2);
    r.OnTaRemoved(1, "bad", 2 * kH);
    r.OnTaRemoved(2, "bad", 5 * kH / 2);
    r.OnSessionStart(0, kH);
    r.OnSessionEnd(0, "success", 500, 2000, 3 * kH / 2);
    r.OnSessionStart(3, 2 * kH);
    r.OnSessionEnd(3, "dropped-by-broker", 0, 0, 2 * kH);
    r.Finish(10 * kH);
    return r;
}

RunRecord MakeRun(uint64_t seed = 7, uint64_t run = 1)
{
    RunRecord rr;
    rr.scenarioName = "quick";
    rr.scenarioText = "fleet: {}\n";
    rr.scenarioHash = "abc123";
    rr.seed = seed;
    rr.run = run;
    rr.teepsimVersion = "0.1.0";
    rr.startedAt = NowUtcIso8601();
    rr.wallSeconds = 1.5;
    rr.events = 12345;
    rr.peakRssKib = PeakRssKib();
    return rr;
}

const RunParams kParams{{"verifier.validity", "4h", 14400.0, "s", false},
                        {"fleet.count", "4", 4.0, "count", false}};

int64_t RowsOfRun(const std::string& path)
{
    int64_t n = 0;
    for (const char* t : {"runs", "run_params", "devices", "exposures", "summaries", "timeseries",
                          "sessions", "groups", "warnings", "counters"})
    {
        n += std::stoll(One(path, std::string("SELECT count(*) FROM ") + t));
    }
    return n;
}

} // namespace

// A new file gets every table and view, meta.schema_version = 3, user_version = 3 and WAL
// journaling.
TEST(ResultsDb, SchemaIsCreatedAndVersioned)
{
    const auto path = FreshPath("schema");
    auto db = ResultsDb::Open(path);
    EXPECT_EQ(db.SchemaVersion(), kSchemaVersion);
    EXPECT_EQ(One(path, "SELECT value FROM meta WHERE key = 'schema_version'"), "3");
    EXPECT_EQ(One(path, "PRAGMA user_version"), "3");
    EXPECT_EQ(One(path, "PRAGMA journal_mode"), "wal");
    const auto tables =
        Query(path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    Rows expect{{"counters"}, {"devices"},         {"exposures"},  {"groups"},
                {"meta"},     {"point_summaries"}, {"run_params"}, {"runs"},
                {"sessions"}, {"summaries"},       {"timeseries"}, {"warnings"}};
    EXPECT_EQ(tables, expect);
    EXPECT_EQ(
        Query(path, "SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name"),
        (Rows{
            {"group_summary"}, {"point_wide"}, {"removal_curve"}, {"run_wide"}, {"trust_curve"}}));
    // Every view can be read in a new file (empty), so no view names a missing table.
    for (const char* view :
         {"group_summary", "point_wide", "removal_curve", "run_wide", "trust_curve"})
    {
        EXPECT_EQ(One(path, std::string("SELECT count(*) FROM ") + view), "0") << view;
    }
}

// One run: the runs row, params, devices, one exposure row per affected device (the censored
// one with NULLs), summaries (sim and analytic with its z-score), curves (simulated and theory),
// sessions, counters.
TEST(ResultsDb, WritesOneRunWithKnownRows)
{
    const auto path = FreshPath("one-run");
    auto db = ResultsDb::Open(path);
    const auto rec = MakeRecorder();
    recorder::MetricSummary analyticR{"R", "all", "s", {}};
    analyticR.summary.mean = 3600.0 + 2 * 1800.0; // sim mean 3600 s, se 900 / sqrt(3) * 2
    const recorder::Series theory{"removal_curve_analytic", "fraction", {{0, 1.0}, {kH, 0.5}}};
    const int64_t id = db.WriteRun(MakeRun(), rec, kParams, {&analyticR, 1}, {&theory, 1});
    EXPECT_EQ(id, 1);

    EXPECT_EQ(Query(path, "SELECT scenario_name, scenario_hash, seed, run, teepsim_version, "
                          "events, status, error, horizon_ns, bucket_ns FROM runs"),
              (Rows{{"quick", "abc123", "7", "1", "0.1.0", "12345", "ok", "NULL",
                     std::to_string(10 * kH), std::to_string(60 * kNsPerSecond)}}));
    EXPECT_EQ(Query(path, "SELECT key, value, num, unit, swept FROM run_params ORDER BY key"),
              (Rows{{"fleet.count", "4", "4.0", "count", "0"},
                    {"verifier.validity", "4h", "14400.0", "s", "0"}}));
    EXPECT_EQ(Query(path, "SELECT device, class, ree, broker FROM devices WHERE device IN (0, 3) "
                          "ORDER BY device"),
              (Rows{{"0", "phone", "1", "honest"}, {"3", "phone", "0", ""}}));
    EXPECT_EQ(Query(path, "SELECT device, ta, t0_ns, removed_ns, trust_end_ns, r_ns, t_trust_ns, "
                          "w_danger_ns, w_clean_ns, r_censored, t_trust_censored FROM exposures "
                          "WHERE device IN (0, 3) ORDER BY device"),
              (Rows{{"0", "bad", std::to_string(kH), std::to_string(3 * kH / 2),
                     std::to_string(4 * kH), std::to_string(kH / 2), std::to_string(3 * kH),
                     std::to_string(kH / 2), std::to_string(3 * kH), "0", "0"},
                    {"3", "bad", std::to_string(kH), "NULL", std::to_string(4 * kH), "NULL",
                     std::to_string(3 * kH), std::to_string(3 * kH), "NULL", "1", "0"}}));
    EXPECT_EQ(Query(path, "SELECT n, n_censored, mean, p50, max, z_score FROM summaries WHERE "
                          "metric = 'R' AND scope = 'all' AND source = 'sim'"),
              (Rows{{"3", "1", "3600.0", "3600.0", "5400.0", "NULL"}}));
    // sd of {1800, 3600, 5400} s = 1800, se = 1800 / sqrt(3); z = 3600 / se = 2 sqrt(3).
    EXPECT_NEAR(std::stod(One(path, "SELECT z_score FROM summaries WHERE source = 'analytic'")),
                2 * std::sqrt(3.0), 1e-9);
    EXPECT_EQ(One(path, "SELECT count(*) FROM timeseries WHERE series = 'removal_curve'"), "11");
    EXPECT_EQ(One(path, "SELECT value FROM timeseries WHERE series = 'removal_curve' AND t_ns = 0"),
              "1.0");
    EXPECT_EQ(Query(path, "SELECT t_ns, value FROM timeseries WHERE series = "
                          "'removal_curve_analytic' ORDER BY t_ns"),
              (Rows{{"0", "1.0"}, {std::to_string(kH), "0.5"}}));
    EXPECT_EQ(
        Query(path, "SELECT cause, failure, count, bytes_up, bytes_down FROM sessions "
                    "WHERE grp = 'all' ORDER BY cause"),
        (Rows{{"dropped-by-broker", "1", "1", "0", "0"}, {"success", "0", "1", "500", "2000"}}));
    // Per group: device 3 has no REE (no Broker group), the others are "broker=honest".
    EXPECT_EQ(Query(path, "SELECT grp, cause, count FROM sessions WHERE grp != 'all' "
                          "ORDER BY grp, cause"),
              (Rows{{"broker=honest", "success", "1"},
                    {"class=phone", "dropped-by-broker", "1"},
                    {"class=phone", "success", "1"}}));
    EXPECT_EQ(Query(path, "SELECT grp, devices, affected, removed, censored, sessions, "
                          "sessions_failed FROM groups ORDER BY grp"),
              (Rows{{"all", "4", "4", "3", "1", "2", "1"},
                    {"broker=honest", "3", "3", "3", "0", "1", "0"},
                    {"class=phone", "4", "4", "3", "1", "2", "1"}}));
    EXPECT_EQ(One(path, "SELECT count(*) FROM warnings"), "0");
    EXPECT_EQ(One(path, "SELECT value FROM counters WHERE name = 'ta_removed'"), "3");
    EXPECT_TRUE(db.HasCompletedRun("abc123", 7, 1));
    EXPECT_FALSE(db.HasCompletedRun("abc123", 8, 1));
}

// Warnings that WriteRun is given beside the recorder's (`analytic-null`: why an analytic value
// is NULL) are written after the recorder's own, numbered on from them, in the same transaction.
TEST(ResultsDb, AnalyticWarningsFollowTheRecordersOwn)
{
    const std::string path = FreshPath("analytic_warnings");
    ResultsDb db = ResultsDb::Open(path);
    const Recorder rec = MakeRecorder();
    const std::vector<recorder::Warning> extra{
        {"analytic-null", "all", "tam_queue_delay: no analytic value (why)"}};
    const int64_t id = db.WriteRun(MakeRun(), rec, kParams, {}, {}, extra);
    const size_t own = rec.Warnings().size();
    EXPECT_EQ(Query(path, "SELECT seq, code, grp, text FROM warnings WHERE run_id = " +
                              std::to_string(id) + " AND code = 'analytic-null'"),
              (Rows{{std::to_string(own), "analytic-null", "all",
                     "tam_queue_delay: no analytic value (why)"}}));
    EXPECT_EQ(One(path, "SELECT count(*) FROM warnings"), std::to_string(own + 1));
}

// Two runs go into one file with their own ids and rows.
TEST(ResultsDb, TwoRunsShareOneDatabase)
{
    const auto path = FreshPath("two-runs");
    auto db = ResultsDb::Open(path);
    const auto rec = MakeRecorder();
    const int64_t a = db.WriteRun(MakeRun(7, 1), rec, kParams);
    const int64_t b = db.WriteRun(MakeRun(7, 2), rec, kParams);
    EXPECT_NE(a, b);
    EXPECT_EQ(Query(path, "SELECT run_id, count(*) FROM exposures GROUP BY run_id ORDER BY run_id"),
              (Rows{{std::to_string(a), "4"}, {std::to_string(b), "4"}}));
    EXPECT_TRUE(db.HasCompletedRun("abc123", 7, 1));
    EXPECT_TRUE(db.HasCompletedRun("abc123", 7, 2));
    EXPECT_FALSE(db.HasCompletedRun("abc123", 7, 3));
}

// A constraint violation in the middle of a run (duplicate param key, after the runs row was
// inserted) rolls everything back, names the table, and leaves the database usable.
TEST(ResultsDb, ConstraintViolationMidWriteLeavesNoRows)
{
    const auto path = FreshPath("constraint");
    auto db = ResultsDb::Open(path);
    const RunParams dup{{"a", "1", 1.0, "count", false}, {"a", "2", 2.0, "count", false}};
    try
    {
        db.WriteRun(MakeRun(), MakeRecorder(), dup);
        FAIL() << "expected ResultsError";
    }
    catch (const ResultsError& e)
    {
        EXPECT_NE(std::string(e.what()).find("run_params 'a'"), std::string::npos) << e.what();
    }
    EXPECT_EQ(RowsOfRun(path), 0);
    EXPECT_FALSE(db.HasCompletedRun("abc123", 7, 1));
    db.WriteRun(MakeRun(), MakeRecorder(), kParams);
    EXPECT_TRUE(db.HasCompletedRun("abc123", 7, 1));
}

// An exception thrown between tables (here before the time series) leaves no row of the run.
TEST(ResultsDb, ExceptionMidWriteLeavesNoRows)
{
    const auto path = FreshPath("hook");
    auto db = ResultsDb::Open(path);
    db.SetWriteHook(
        [](std::string_view table)
        {
            if (table == "timeseries")
            {
                throw ResultsError("injected");
            }
        });
    EXPECT_THROW(db.WriteRun(MakeRun(), MakeRecorder(), kParams), ResultsError);
    EXPECT_EQ(RowsOfRun(path), 0);
}

// A process killed in the middle of WriteRun (after exposures were inserted) leaves nothing:
// the next open sees an intact database without that run.
TEST(ResultsDb, KilledRunLeavesNoRows)
{
    const auto path = FreshPath("killed");
    ResultsDb::Open(path); // schema exists before the child starts
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0)
    {
        auto db = ResultsDb::Open(path);
        db.SetWriteHook(
            [](std::string_view table)
            {
                if (table == "summaries")
                {
                    _exit(3); // like a SIGKILL: no destructors, no rollback
                }
            });
        db.WriteRun(MakeRun(), MakeRecorder(), kParams);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 3) << "the hook did not run";
    auto db = ResultsDb::Open(path);
    EXPECT_EQ(RowsOfRun(path), 0);
    EXPECT_EQ(One(path, "PRAGMA integrity_check"), "ok");
    EXPECT_FALSE(db.HasCompletedRun("abc123", 7, 1));
}

// Reopening an existing database keeps its runs; other versions and foreign files are refused.
TEST(ResultsDb, ReopensExistingAndRefusesOthers)
{
    const auto path = FreshPath("reopen");
    {
        auto db = ResultsDb::Open(path);
        db.WriteRun(MakeRun(), MakeRecorder(), kParams);
    }
    {
        auto db = ResultsDb::Open(path);
        EXPECT_TRUE(db.HasCompletedRun("abc123", 7, 1));
        EXPECT_EQ(db.WriteRun(MakeRun(7, 2), MakeRecorder(), kParams), 2);
    }
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    sqlite3_exec(raw, "UPDATE meta SET value = '99' WHERE key = 'schema_version'", nullptr, nullptr,
                 nullptr);
    sqlite3_close(raw);
    try
    {
        ResultsDb::Open(path);
        FAIL() << "expected a version error";
    }
    catch (const ResultsError& e)
    {
        EXPECT_NE(std::string(e.what()).find("schema version 99"), std::string::npos) << e.what();
    }

    const auto foreign = FreshPath("foreign");
    ASSERT_EQ(sqlite3_open(foreign.c_str(), &raw), SQLITE_OK);
    sqlite3_exec(raw, "CREATE TABLE t (x)", nullptr, nullptr, nullptr);
    sqlite3_close(raw);
    EXPECT_THROW(ResultsDb::Open(foreign), ResultsError);
}

// A failed run is recorded with its error and does not count as completed.
TEST(ResultsDb, RecordsFailedRuns)
{
    const auto path = FreshPath("failed");
    auto db = ResultsDb::Open(path);
    auto rr = MakeRun();
    rr.error = "scenario: TAM unreachable";
    db.RecordFailedRun(rr, kParams);
    EXPECT_EQ(Query(path, "SELECT status, error, horizon_ns, bucket_ns FROM runs"),
              (Rows{{"failed", "scenario: TAM unreachable", "NULL", "NULL"}}));
    EXPECT_EQ(Query(path, "SELECT run_id, status, \"verifier.validity\" FROM run_wide"),
              (Rows{{"1", "failed", "14400.0"}}));
    EXPECT_EQ(One(path, "SELECT count(*) FROM run_params"), "2");
    EXPECT_FALSE(db.HasCompletedRun("abc123", 7, 1));
}

TEST(ResultsDb, RefusesUnfinishedRecorder)
{
    auto db = ResultsDb::Open(FreshPath("unfinished"));
    Recorder r;
    EXPECT_THROW(db.WriteRun(MakeRun(), r, kParams), ResultsError);
}

// The same recorder contents give identical exposures and summaries rows in two databases.
TEST(ResultsDb, IdenticalInputsGiveIdenticalRows)
{
    const auto a = FreshPath("det-a");
    const auto b = FreshPath("det-b");
    ResultsDb::Open(a).WriteRun(MakeRun(), MakeRecorder(), kParams);
    ResultsDb::Open(b).WriteRun(MakeRun(), MakeRecorder(), kParams);
    for (const char* sql : {"SELECT * FROM exposures ORDER BY device, ta",
                            "SELECT * FROM summaries ORDER BY metric, scope, source",
                            "SELECT * FROM timeseries ORDER BY series, t_ns"})
    {
        EXPECT_EQ(Query(a, sql), Query(b, sql)) << sql;
    }
}

// A 10,000-device, 30-day run (10k exposures, 10k devices, ~260k time-series rows) is written in
// one transaction; the time and file size are printed for the report.
TEST(ResultsDb, WritesALargeRun)
{
    constexpr recorder::DeviceId kDevices = 10'000;
    constexpr TimeNs kHorizon = 30 * 24 * kH;
    Recorder r;
    for (recorder::DeviceId d = 0; d < kDevices; ++d)
    {
        r.RegisterDevice(d, "phone", true, "honest");
        r.OnTaInstalled(d, "bad", 0);
        r.OnArIssued(d, true, 0, 4 * kH);
    }
    r.OnMaliciousDeclared("bad", kH);
    for (recorder::DeviceId d = 0; d < kDevices; ++d)
    {
        r.OnTaRemoved(d, "bad", kH + d * kNsPerSecond / 3);
    }
    for (TimeNs t = 0; t < kHorizon; t += 60 * kNsPerSecond)
    {
        r.OnTamQueue(t, 2, 1);
        r.OnQueueDelay(t, 1000);
        r.OnSessionStart(0, t);
        r.OnSessionEnd(0, "success", 1, 1, t);
    }
    r.Finish(kHorizon);
    const auto path = FreshPath("large");
    auto db = ResultsDb::Open(path);
    const auto start = std::chrono::steady_clock::now();
    db.WriteRun(MakeRun(), r, kParams);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto rows = std::stoll(One(path, "SELECT count(*) FROM timeseries"));
    std::printf(
        "[ results ] 10k devices, 30 days: %lld series rows written in %.2f s, file %.1f "
        "MiB\n",
        static_cast<long long>(rows), secs,
        (std::filesystem::file_size(path) +
         (std::filesystem::exists(path + "-wal") ? std::filesystem::file_size(path + "-wal") : 0)) /
            1048576.0);
    EXPECT_EQ(One(path, "SELECT count(*) FROM exposures WHERE r_censored = 0"), "10000");
    EXPECT_GT(rows, 6 * 43200);
}

// Execution-time authorization (docs/THEORY-AUTHORIZATION.md): exposures carry exec_end_ns, x_ns
// and x_censored: an install-time device stores X = R; an execution-time one stops when a
// revoked status arrives (10 min after t0) or, hearing nothing, when its last status expires.
TEST(ResultsDb, WritesTheExecutionWindowColumns)
{
    const auto path = FreshPath("execution-window");
    constexpr int64_t kMin = kH / 60;
    Recorder r;
    for (recorder::DeviceId d = 0; d < 3; ++d)
    {
        r.RegisterDevice(d, "phone", true, "honest");
        if (d > 0)
        {
            r.MarkExecutionTime(d);
            r.OnAuthorizationStatus(d, "bad", true, 2 * kH, 0);
        }
        r.OnTaInstalled(d, "bad", 0);
    }
    r.OnMaliciousDeclared("bad", kH);
    r.OnAuthorizationRevoked("bad", kH);
    r.OnAuthorizationStatus(1, "bad", false, kH + 10 * kMin, kH + 10 * kMin);
    r.OnTaRemoved(0, "bad", 3 * kH / 2);
    r.Finish(3 * kH);
    auto db = ResultsDb::Open(path);
    db.WriteRun(MakeRun(), r, kParams);
    EXPECT_EQ(Query(path, "SELECT device, exec_end_ns, x_ns, x_censored FROM exposures ORDER BY "
                          "device"),
              (Rows{{"0", std::to_string(3 * kH / 2), std::to_string(kH / 2), "0"},
                    {"1", std::to_string(kH + 10 * kMin), std::to_string(10 * kMin), "0"},
                    {"2", std::to_string(2 * kH), std::to_string(kH), "0"}}));
    EXPECT_EQ(One(path, "SELECT count(*) FROM summaries WHERE metric = 'X' AND source = 'sim'"),
              "1");
}
