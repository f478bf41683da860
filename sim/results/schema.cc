// The results schema, version 3 (docs/DATABASE.md documents every table, column and view; the
// golden test tests/sim/results/schema_doc_test.cc keeps the two in step).
#include "sim/results/schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace teepsim::results::detail
{
namespace
{

constexpr const char* kTables = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE runs (
  id              INTEGER PRIMARY KEY,
  scenario_name   TEXT NOT NULL,
  scenario_text   TEXT NOT NULL,
  scenario_hash   TEXT NOT NULL,
  seed            INTEGER NOT NULL,
  run             INTEGER NOT NULL,
  teepsim_version TEXT NOT NULL,
  started_at      TEXT NOT NULL,
  wall_seconds    REAL,
  events          INTEGER,
  peak_rss_kib    INTEGER,
  horizon_ns      INTEGER,
  bucket_ns       INTEGER,
  status          TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
  error           TEXT
);
CREATE INDEX runs_by_key ON runs (scenario_hash, seed, run);
CREATE TABLE run_params (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key    TEXT NOT NULL,
  value  TEXT NOT NULL,
  num    REAL,
  unit   TEXT,
  swept  INTEGER NOT NULL DEFAULT 0 CHECK (swept IN (0, 1)),
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE TABLE devices (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  device INTEGER NOT NULL,
  class  TEXT NOT NULL,
  ree    INTEGER NOT NULL CHECK (ree IN (0, 1)),
  broker TEXT NOT NULL,
  PRIMARY KEY (run_id, device)
) WITHOUT ROWID;
CREATE TABLE exposures (
  run_id           INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  device           INTEGER NOT NULL,
  ta               TEXT NOT NULL,
  t0_ns            INTEGER NOT NULL,
  removed_ns       INTEGER,
  trust_end_ns     INTEGER,
  r_ns             INTEGER,
  t_trust_ns       INTEGER,
  w_danger_ns      INTEGER,
  w_clean_ns       INTEGER,
  r_censored       INTEGER NOT NULL CHECK (r_censored IN (0, 1)),
  t_trust_censored INTEGER NOT NULL CHECK (t_trust_censored IN (0, 1)),
  exec_end_ns      INTEGER,
  x_ns             INTEGER,
  x_censored       INTEGER NOT NULL CHECK (x_censored IN (0, 1)),
  PRIMARY KEY (run_id, device, ta)
) WITHOUT ROWID;
CREATE TABLE summaries (
  run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  metric     TEXT NOT NULL,
  scope      TEXT NOT NULL,
  source     TEXT NOT NULL CHECK (source IN ('sim', 'analytic')),
  unit       TEXT NOT NULL,
  n          INTEGER,
  n_censored INTEGER,
  mean REAL, sd REAL, se REAL, p50 REAL, p90 REAL, p95 REAL, p99 REAL, max REAL,
  z_score    REAL,
  PRIMARY KEY (run_id, metric, scope, source)
) WITHOUT ROWID;
CREATE TABLE timeseries (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  series TEXT NOT NULL,
  t_ns   INTEGER NOT NULL,
  value  REAL NOT NULL,
  PRIMARY KEY (run_id, series, t_ns)
) WITHOUT ROWID;
CREATE TABLE sessions (
  run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  grp        TEXT NOT NULL,
  cause      TEXT NOT NULL,
  failure    INTEGER NOT NULL CHECK (failure IN (0, 1)),
  count      INTEGER NOT NULL,
  bytes_up   INTEGER NOT NULL,
  bytes_down INTEGER NOT NULL,
  PRIMARY KEY (run_id, grp, cause)
) WITHOUT ROWID;
CREATE TABLE groups (
  run_id          INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  grp             TEXT NOT NULL,
  devices         INTEGER NOT NULL,
  affected        INTEGER NOT NULL,
  removed         INTEGER NOT NULL,
  censored        INTEGER NOT NULL,
  sessions        INTEGER NOT NULL,
  sessions_failed INTEGER NOT NULL,
  PRIMARY KEY (run_id, grp)
) WITHOUT ROWID;
CREATE TABLE warnings (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq    INTEGER NOT NULL,
  code   TEXT NOT NULL,
  grp    TEXT NOT NULL,
  text   TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE TABLE counters (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  name   TEXT NOT NULL,
  value  INTEGER NOT NULL,
  PRIMARY KEY (run_id, name)
) WITHOUT ROWID;
-- Written by `teepsim sweep` (sim/sweep/point_summaries.cc, same definition); created here so
-- that point_wide can be read in every file.
CREATE TABLE IF NOT EXISTS point_summaries(scenario_hash TEXT, scenario_name TEXT, metric TEXT,
  scope TEXT, replications INTEGER, mean REAL, sd REAL, ci95_low REAL, ci95_high REAL,
  PRIMARY KEY(scenario_hash, metric, scope));
)sql";

// Summary metrics given their own columns in the wide views, as named in summaries.metric.
constexpr const char* kMetrics[] = {"R", "T_trust", "W_danger", "W_clean", "tam_queue_delay"};

// S(t) of one curve ("removal_curve", "trust_curve") on the simulated curve's grid, per run and
// scope, with the theory curve (series || '_analytic') interpolated linearly onto that grid:
// NULL outside the theory curve's range and when there is none. The simulated values are the
// recorder's own; the four lookups use the timeseries primary key.
std::string CurveView(const std::string& curve)
{
    const std::string neighbour =
        "(SELECT a.{col} FROM timeseries a WHERE a.run_id = c.run_id AND a.series = c.series || "
        "'_analytic' AND a.t_ns {op} c.t_ns ORDER BY a.t_ns {dir} LIMIT 1)";
    auto side = [&](const char* col, const char* op, const char* dir)
    {
        return fmt::format(fmt::runtime(neighbour), fmt::arg("col", col), fmt::arg("op", op),
                           fmt::arg("dir", dir));
    };
    return fmt::format(
        "CREATE VIEW {0} AS\n"
        "SELECT run_id, scope, t_ns, t_ns / 1e9 AS t_s, sim,\n"
        "  CASE WHEN lo_t IS NULL OR hi_t IS NULL THEN NULL WHEN hi_t = lo_t THEN lo_v\n"
        "       ELSE lo_v + (hi_v - lo_v) * (t_ns - lo_t) / CAST(hi_t - lo_t AS REAL) END AS "
        "analytic\n"
        "FROM (SELECT c.run_id,\n"
        "  CASE WHEN c.series = '{0}' THEN 'all' ELSE substr(c.series, {1}, length(c.series) - "
        "{1}) "
        "END AS scope,\n"
        "  c.t_ns, c.value AS sim,\n  {2} AS lo_t,\n  {3} AS lo_v,\n  {4} AS hi_t,\n  {5} AS hi_v\n"
        "  FROM timeseries c WHERE c.series = '{0}' OR c.series GLOB '{0}[[]*]');\n",
        curve, curve.size() + 2, side("t_ns", "<=", "DESC"), side("value", "<=", "DESC"),
        side("t_ns", ">=", "ASC"), side("value", ">=", "ASC"));
}

// One sim statistic of summaries for the scope in column `scope` of the row alias `x`.
std::string GroupStat(const char* metric, const char* stat)
{
    return fmt::format("(SELECT s.{1} FROM summaries s WHERE s.run_id = x.run_id AND s.scope = "
                       "x.summary_scope AND s.metric = '{0}' AND s.source = 'sim') AS {0}_{1}",
                       metric, stat);
}

std::string GroupSummaryView()
{
    std::string stats;
    for (const char* m : {"R", "T_trust", "W_danger", "W_clean"})
    {
        for (const char* stat : {"mean", "p99", "n_censored"})
        {
            stats += ",\n  " + GroupStat(m, stat);
        }
    }
    return "CREATE VIEW group_summary AS\n"
           "SELECT x.run_id, x.grp, x.kind, x.name, x.devices, x.affected, x.removed, x.censored,\n"
           "  x.sessions, x.sessions_failed, x.failed_fraction, x.bytes_up, x.bytes_down, "
           "x.summary_scope" +
           stats +
           "\nFROM (SELECT g.*,\n"
           "  CASE WHEN g.grp = 'all' THEN 'all' ELSE substr(g.grp, 1, instr(g.grp, '=') - 1) END "
           "AS kind,\n"
           "  CASE WHEN g.grp = 'all' THEN '' ELSE substr(g.grp, instr(g.grp, '=') + 1) END AS "
           "name,\n"
           "  CASE WHEN g.sessions > 0 THEN CAST(g.sessions_failed AS REAL) / g.sessions END AS "
           "failed_fraction,\n"
           "  (SELECT coalesce(sum(s.bytes_up), 0) FROM sessions s WHERE s.run_id = g.run_id AND "
           "s.grp = g.grp) AS bytes_up,\n"
           "  (SELECT coalesce(sum(s.bytes_down), 0) FROM sessions s WHERE s.run_id = g.run_id AND "
           "s.grp = g.grp) AS bytes_down,\n"
           // The recorder summarises a class or behaviour only when there is more than one: a
           // group holding every device of the run has the fleet's statistics.
           "  CASE WHEN EXISTS (SELECT 1 FROM summaries s WHERE s.run_id = g.run_id AND s.scope = "
           "g.grp) THEN g.grp\n"
           "       WHEN g.devices = (SELECT a.devices FROM groups a WHERE a.run_id = g.run_id AND "
           "a.grp = 'all') THEN 'all' END AS summary_scope\n"
           "  FROM groups g) x;\n";
}

std::string Identifier(const std::string& name)
{
    std::string out = "\"";
    for (char c : name)
    {
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return out + "\"";
}

std::string Literal(const std::string& text)
{
    std::string out = "'";
    for (char c : text)
    {
        out += c == '\'' ? std::string("''") : std::string(1, c);
    }
    return out + "'";
}

bool SameName(const std::string& a, const std::string& b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](char x, char y)
                      {
                          return std::tolower(static_cast<unsigned char>(x)) ==
                                 std::tolower(static_cast<unsigned char>(y));
                      });
}

// `keys` without those whose column name SQLite would take for one of `fixed` (names are
// case-insensitive in SQLite).
std::vector<std::string> Usable(const std::vector<std::string>& keys,
                                const std::vector<std::string>& fixed)
{
    std::vector<std::string> out;
    for (const std::string& k : keys)
    {
        if (std::none_of(fixed.begin(), fixed.end(),
                         [&](const std::string& f) { return SameName(f, k); }))
        {
            out.push_back(k);
        }
    }
    return out;
}

} // namespace

std::string SchemaSql()
{
    return std::string(kTables) + CurveView("removal_curve") + CurveView("trust_curve") +
           GroupSummaryView();
}

const std::vector<std::string>& RunWideFixedColumns()
{
    static const std::vector<std::string> cols = []
    {
        std::vector<std::string> c{"run_id", "scenario_name", "scenario_hash",
                                   "status", "horizon_ns",    "bucket_ns"};
        for (const char* m : kMetrics)
        {
            c.push_back(std::string(m) + "_mean");
        }
        return c;
    }();
    return cols;
}

const std::vector<std::string>& PointWideFixedColumns()
{
    static const std::vector<std::string> cols = []
    {
        std::vector<std::string> c{"scenario_hash", "scenario_name", "runs_ok", "runs_failed"};
        for (const char* m : kMetrics)
        {
            for (const char* part :
                 {"replications", "mean", "ci95_low", "ci95_high", "analytic", "z"})
            {
                c.push_back(fmt::format("{}_{}", m, part));
            }
        }
        c.push_back("tam_utilisation_analytic");
        return c;
    }();
    return cols;
}

std::string RunWideViewSql(const std::vector<std::string>& keys)
{
    std::string sql = "CREATE VIEW run_wide AS\nSELECT r.id AS run_id, r.scenario_name, "
                      "r.scenario_hash, r.status, r.horizon_ns, r.bucket_ns";
    for (const char* m : kMetrics)
    {
        sql +=
            fmt::format(",\n  (SELECT s.mean FROM summaries s WHERE s.run_id = r.id AND s.metric "
                        "= '{0}' AND s.scope = 'all' AND s.source = 'sim') AS {0}_mean",
                        m);
    }
    for (const std::string& k : Usable(keys, RunWideFixedColumns()))
    {
        sql += fmt::format(",\n  (SELECT coalesce(p.num, p.value) FROM run_params p WHERE "
                           "p.run_id = r.id AND p.key = {}) AS {}",
                           Literal(k), Identifier(k));
    }
    return sql + "\nFROM runs r;\n";
}

std::string PointWideViewSql(const std::vector<std::string>& sweptKeys)
{
    // Inner query: the point's columns; outer: z from the inner mean, sd and analytic value.
    std::string inner = "SELECT p.scenario_hash, p.scenario_name,\n"
                        "  (SELECT count(*) FROM runs r WHERE r.scenario_hash = p.scenario_hash "
                        "AND r.status = 'ok') AS runs_ok,\n"
                        "  (SELECT count(*) FROM runs r WHERE r.scenario_hash = p.scenario_hash "
                        "AND r.status = 'failed') AS runs_failed";
    std::string joins;
    std::string outer = "SELECT scenario_hash, scenario_name, runs_ok, runs_failed";
    const std::vector<std::string> swept = Usable(sweptKeys, PointWideFixedColumns());
    for (const std::string& k : swept)
    {
        inner += fmt::format(",\n  (SELECT coalesce(q.num, q.value) FROM runs r JOIN run_params q "
                             "ON q.run_id = r.id WHERE r.scenario_hash = p.scenario_hash AND "
                             "q.key = {} ORDER BY r.id LIMIT 1) AS {}",
                             Literal(k), Identifier(k));
        outer += ", " + Identifier(k);
    }
    auto analytic = [](const std::string& metric)
    {
        return fmt::format("(SELECT avg(s.mean) FROM runs r JOIN summaries s ON s.run_id = r.id "
                           "WHERE r.scenario_hash = p.scenario_hash AND r.status = 'ok' AND "
                           "s.metric = '{}' AND s.scope = 'all' AND s.source = 'analytic')",
                           metric);
    };
    int i = 0;
    for (const char* m : kMetrics)
    {
        const std::string a = fmt::format("m{}", i++);
        inner += fmt::format(",\n  {1}.replications AS {0}_replications, {1}.mean AS {0}_mean, "
                             "{1}.sd AS {0}_sd, {1}.ci95_low AS {0}_ci95_low, {1}.ci95_high AS "
                             "{0}_ci95_high,\n  {2} AS {0}_analytic",
                             m, a, analytic(m));
        joins += fmt::format("\nLEFT JOIN point_summaries {1} ON {1}.scenario_hash = "
                             "p.scenario_hash AND {1}.metric = '{0}' AND {1}.scope = 'all'",
                             m, a);
        outer += fmt::format(",\n  {0}_replications, {0}_mean, {0}_ci95_low, {0}_ci95_high, "
                             "{0}_analytic,\n  CASE WHEN {0}_sd > 0 THEN ({0}_analytic - {0}_mean) "
                             "/ ({0}_sd / sqrt({0}_replications)) END AS {0}_z",
                             m);
    }
    inner += ",\n  " + analytic("tam_utilisation") + " AS tam_utilisation_analytic";
    outer += ",\n  tam_utilisation_analytic";
    return "CREATE VIEW point_wide AS\n" + outer + "\nFROM (" + inner +
           "\nFROM (SELECT scenario_hash, min(scenario_name) AS scenario_name FROM point_summaries "
           "GROUP BY scenario_hash) p" +
           joins + ");\n";
}

} // namespace teepsim::results::detail
