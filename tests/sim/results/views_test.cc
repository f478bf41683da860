// The analysis views of schema 3 on runs with known contents: run_wide (one row per run, a
// column per parameter key, regenerated when a run brings a new key or after rows are copied in),
// point_wide (one row per sweep point), removal_curve and trust_curve (theory interpolated onto
// the simulated grid, per scope) and group_summary; and the refusal of older files.
#include "teepsim/sim/results.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "tests/sim/results/db_test_util.h"

namespace teepsim::results
{
namespace
{

using recorder::kNsPerSecond;
using recorder::Recorder;
using recorder::TimeNs;
using test::Exec;
using test::FreshPath;
using test::One;
using test::Query;
using test::Rows;

constexpr TimeNs kH = 3600 * kNsPerSecond;

// Class "a" (devices 0, 1, honest Brokers) and class "b" (devices 2, 3, no REE), all running
// "bad" at t0 = 1 h. R: 0.5 h, 1 h, 1.5 h and censored (device 3). Curve grid: 11 points over
// the 9 h after t0, i.e. every 0.9 h.
Recorder TwoClasses()
{
    recorder::RecorderConfig cfg;
    cfg.curvePoints = 11;
    cfg.bucketWidth = 120 * kNsPerSecond;
    Recorder r(cfg);
    for (recorder::DeviceId d = 0; d < 4; ++d)
    {
        r.RegisterDevice(d, d < 2 ? "a" : "b", d < 2, d < 2 ? "honest" : "");
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
    r.OnSessionStart(2, kH);
    r.OnSessionEnd(2, "client-timeout", 100, 0, 2 * kH);
    r.Finish(10 * kH);
    return r;
}

RunRecord MakeRun(const std::string& hash, uint64_t run = 1)
{
    RunRecord rr;
    rr.scenarioName = "views";
    rr.scenarioText = "fleet: {}\n";
    rr.scenarioHash = hash;
    rr.seed = 1;
    rr.run = run;
    rr.teepsimVersion = "test";
    rr.startedAt = NowUtcIso8601();
    return rr;
}

const RunParams kParams{{"verifier.validity", "1h", 3600.0, "s", true},
                        {"transport", "message", std::nullopt, "", false}};

double Num(const std::string& text)
{
    return text == "NULL" ? NAN : std::stod(text);
}

// S(t) per scope on the recorder's grid; the theory curve (0 -> 1, 1 h -> 0.5) interpolated
// linearly onto it, NULL beyond its last point and for scopes without one.
TEST(ResultsViews, RemovalCurveSharesTheSimulatedGridWithTheory)
{
    const auto path = FreshPath("views-curve");
    auto db = ResultsDb::Open(path);
    const recorder::Series theory{"removal_curve_analytic", "fraction", {{0, 1.0}, {kH, 0.5}}};
    db.WriteRun(MakeRun("p"), TwoClasses(), kParams, {}, {&theory, 1});

    const std::string t1 = std::to_string(9 * kH / 10), t2 = std::to_string(18 * kH / 10);
    const Rows all = Query(path, "SELECT t_ns, sim, analytic FROM removal_curve WHERE scope = "
                                 "'all' AND t_ns IN (0, " +
                                     t1 + ", " + t2 + ") ORDER BY t_ns");
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0], (std::vector<std::string>{"0", "1.0", "1.0"}));
    EXPECT_EQ(all[1][1], "0.75"); // R > 0.9 h: 1 h, 1.5 h and the censored one
    EXPECT_NEAR(Num(all[1][2]), 0.55, 1e-12);
    EXPECT_EQ(all[2][1], "0.25");
    EXPECT_EQ(all[2][2], "NULL") << "beyond the theory curve's last point";
    EXPECT_EQ(One(path, "SELECT count(*) FROM removal_curve WHERE scope = 'all'"), "11");
    EXPECT_EQ(One(path, "SELECT t_s FROM removal_curve WHERE scope = 'all' AND t_ns = " + t1),
              "3240.0");
    // Per class and Broker behaviour (the devices without REE have none): their own curves, no
    // theory.
    EXPECT_EQ(Query(path, "SELECT scope, sim, analytic FROM removal_curve WHERE t_ns = " + t1 +
                              " AND scope != 'all' ORDER BY scope"),
              (Rows{{"broker=honest", "0.5", "NULL"},
                    {"class=a", "0.5", "NULL"},
                    {"class=b", "1.0", "NULL"}}));
    // T_trust is 3 h for everyone (AR to 4 h, t0 1 h): S = 1 up to 2.7 h, 0 from 3.6 h on.
    EXPECT_EQ(Query(path, "SELECT t_ns, sim, analytic FROM trust_curve WHERE scope = 'all' AND "
                          "t_ns IN (" +
                              std::to_string(27 * kH / 10) + ", " + std::to_string(36 * kH / 10) +
                              ") ORDER BY t_ns"),
              (Rows{{std::to_string(27 * kH / 10), "1.0", "NULL"},
                    {std::to_string(36 * kH / 10), "0.0", "NULL"}}));
}

// One row per group with its accounting, bytes and the statistics of its own scope (the fleet's
// for a group of every device: tests/sim/results/database_doc_test.cc).
TEST(ResultsViews, GroupSummaryGivesEachClassAndBehaviourItsOwnRow)
{
    const auto path = FreshPath("views-groups");
    auto db = ResultsDb::Open(path);
    db.WriteRun(MakeRun("p"), TwoClasses(), kParams);
    EXPECT_EQ(Query(path, "SELECT grp, kind, name, devices, affected, removed, censored, "
                          "sessions, sessions_failed, failed_fraction, bytes_up, bytes_down, "
                          "summary_scope, R_mean, R_n_censored FROM group_summary ORDER BY grp"),
              (Rows{{"all", "all", "", "4", "4", "3", "1", "2", "1", "0.5", "600", "2000", "all",
                     "3600.0", "1"},
                    {"broker=honest", "broker", "honest", "2", "2", "2", "0", "1", "0", "0.0",
                     "500", "2000", "broker=honest", "2700.0", "0"},
                    {"class=a", "class", "a", "2", "2", "2", "0", "1", "0", "0.0", "500", "2000",
                     "class=a", "2700.0", "0"},
                    {"class=b", "class", "b", "2", "2", "1", "1", "1", "1", "1.0", "100", "0",
                     "class=b", "5400.0", "1"}}));
}

// One row per run; a run with a new key regenerates the view (earlier runs get NULL there);
// numbers come as numbers, text keys as text, and the bucket width is the recorder's.
TEST(ResultsViews, RunWideHasAColumnPerParameterKey)
{
    const auto path = FreshPath("views-run-wide");
    auto db = ResultsDb::Open(path);
    db.WriteRun(MakeRun("p", 1), TwoClasses(), kParams);
    RunParams more = kParams;
    more.push_back({"tam.count", "2", 2.0, "count", false});
    db.WriteRun(MakeRun("p", 2), TwoClasses(), more);
    EXPECT_EQ(Query(path, "SELECT run_id, status, bucket_ns, R_mean, \"verifier.validity\", "
                          "typeof(\"verifier.validity\"), transport, \"tam.count\" FROM run_wide "
                          "ORDER BY run_id"),
              (Rows{{"1", "ok", std::to_string(120 * kNsPerSecond), "3600.0", "3600.0", "real",
                     "message", "NULL"},
                    {"2", "ok", std::to_string(120 * kNsPerSecond), "3600.0", "3600.0", "real",
                     "message", "2.0"}}));
}

// Rows copied in with SQL (what `teepsim merge` does) appear as columns after RefreshViews.
TEST(ResultsViews, RefreshViewsAfterCopiedRowsAddsTheirKeys)
{
    const auto from = FreshPath("views-copy-from");
    ResultsDb::Open(from).WriteRun(MakeRun("p"), TwoClasses(), kParams);
    const auto to = FreshPath("views-copy-to");
    auto db = ResultsDb::Open(to);
    Exec(to, "ATTACH '" + from +
                 "' AS src; INSERT INTO runs SELECT * FROM src.runs; "
                 "INSERT INTO run_params SELECT * FROM src.run_params;");
    EXPECT_EQ(Query(to, "SELECT name FROM pragma_table_info('run_wide') WHERE name = 'transport'"),
              Rows{});
    db.RefreshViews();
    EXPECT_EQ(Query(to, "SELECT run_id, transport FROM run_wide"), (Rows{{"1", "message"}}));
    EXPECT_EQ(Query(to, "SELECT name FROM pragma_table_info('point_wide') WHERE name = "
                        "'verifier.validity'"),
              (Rows{{"verifier.validity"}}));
}

// A sweep point: its swept value, the replication statistics of point_summaries, the analytic
// mean and z = (analytic - mean) / (sd / sqrt(replications)).
TEST(ResultsViews, PointWideJoinsPointSummariesWithTheoryAndSweptValues)
{
    const auto path = FreshPath("views-point-wide");
    auto db = ResultsDb::Open(path);
    recorder::MetricSummary analyticR{"R", "all", "s", {}};
    analyticR.summary.mean = 3000.0;
    db.WriteRun(MakeRun("pA", 1), TwoClasses(), kParams, {&analyticR, 1});
    db.WriteRun(MakeRun("pA", 2), TwoClasses(), kParams, {&analyticR, 1});
    // As `teepsim sweep` writes it (sim/sweep/point_summaries.cc).
    Exec(path, "INSERT INTO point_summaries VALUES ('pA', 'views', 'R', 'all', 2, 2500.0, "
               "100.0, 1601.5, 3398.5)");
    const Rows rows = Query(path, "SELECT scenario_hash, runs_ok, runs_failed, "
                                  "\"verifier.validity\", R_replications, R_mean, R_ci95_low, "
                                  "R_ci95_high, R_analytic, R_z, T_trust_mean FROM point_wide");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(std::vector<std::string>(rows[0].begin(), rows[0].end() - 2),
              (std::vector<std::string>{"pA", "2", "0", "3600.0", "2", "2500.0", "1601.5", "3398.5",
                                        "3000.0"}));
    EXPECT_NEAR(Num(rows[0][9]), 500 / (100 / std::sqrt(2.0)), 1e-9);
    EXPECT_EQ(rows[0][10], "NULL") << "no point summary for T_trust";
}

// Files of schema versions 1 and 2 are refused, naming the version and what to do.
TEST(ResultsViews, OlderSchemaVersionsAreRefusedWithWhatToDo)
{
    for (int version : {1, 2})
    {
        const auto path = FreshPath("views-old-" + std::to_string(version));
        Exec(path, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO "
                   "meta VALUES ('schema_version', '" +
                       std::to_string(version) +
                       "'); CREATE TABLE runs (id INTEGER PRIMARY KEY); PRAGMA user_version = " +
                       std::to_string(version));
        try
        {
            ResultsDb::Open(path);
            ADD_FAILURE() << "version " << version << " was opened";
        }
        catch (const ResultsError& e)
        {
            const std::string what = e.what();
            EXPECT_NE(what.find("has schema version " + std::to_string(version) +
                                " (written by an older teepsim)"),
                      std::string::npos)
                << what;
            EXPECT_NE(what.find("write new runs to a new file"), std::string::npos) << what;
        }
        // Refused without a change: still the old version.
        EXPECT_EQ(One(path, "SELECT value FROM meta"), std::to_string(version));
    }
}

} // namespace
} // namespace teepsim::results
