// ResultsDb: schema creation/checking and the one-transaction run writer.
#include "teepsim/sim/results.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cmath>
#include <map>
#include <optional>

namespace teepsim::results
{

namespace
{

// Schema version 2; keep in sync with results.h and docs/DATABASE.md.
constexpr const char* kSchema = R"sql(
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
  status          TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
  error           TEXT
);
CREATE INDEX runs_by_key ON runs (scenario_hash, seed, run);
CREATE TABLE run_params (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key    TEXT NOT NULL,
  value  TEXT NOT NULL,
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
)sql";

[[noreturn]] void Fail(sqlite3* db, std::string_view what)
{
    throw ResultsError(
        fmt::format("results database: {}: {}", what, db ? sqlite3_errmsg(db) : "out of memory"));
}

// A prepared statement; Bind* use 1-based indices like SQLite.
class Stmt
{
  public:
    Stmt(sqlite3* db, const char* sql) : m_db(db)
    {
        if (sqlite3_prepare_v2(db, sql, -1, &m_stmt, nullptr) != SQLITE_OK)
        {
            Fail(db, fmt::format("preparing \"{:.40}...\"", sql));
        }
    }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    ~Stmt() { sqlite3_finalize(m_stmt); }

    Stmt& Bind(int i, int64_t v) { return Check(sqlite3_bind_int64(m_stmt, i, v)); }
    Stmt& Bind(int i, double v)
    {
        return Check(std::isfinite(v) ? sqlite3_bind_double(m_stmt, i, v)
                                      : sqlite3_bind_null(m_stmt, i));
    }
    Stmt& Bind(int i, std::string_view v)
    {
        return Check(
            sqlite3_bind_text(m_stmt, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    }
    template<typename T> Stmt& Bind(int i, const std::optional<T>& v)
    {
        return v ? Bind(i, *v) : Check(sqlite3_bind_null(m_stmt, i));
    }
    /// Runs an INSERT/UPDATE to completion and resets the statement for the next row.
    void Run(std::string_view what)
    {
        if (sqlite3_step(m_stmt) != SQLITE_DONE)
        {
            const std::string msg = sqlite3_errmsg(m_db);
            sqlite3_reset(m_stmt);
            throw ResultsError(fmt::format("results database: {}: {}", what, msg));
        }
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
    /// Steps a query: true while there is a row.
    bool Next(std::string_view what)
    {
        const int rc = sqlite3_step(m_stmt);
        if (rc == SQLITE_ROW)
        {
            return true;
        }
        if (rc != SQLITE_DONE)
        {
            Fail(m_db, what);
        }
        return false;
    }
    int64_t Int(int col) const { return sqlite3_column_int64(m_stmt, col); }
    std::string Text(int col) const
    {
        const auto* p = sqlite3_column_text(m_stmt, col);
        return p ? reinterpret_cast<const char*>(p) : "";
    }

  private:
    Stmt& Check(int rc)
    {
        if (rc != SQLITE_OK)
        {
            Fail(m_db, "binding a value");
        }
        return *this;
    }
    sqlite3* m_db;
    sqlite3_stmt* m_stmt = nullptr;
};

int64_t AsInt(uint64_t v)
{
    return static_cast<int64_t>(v);
}

} // namespace

ResultsDb ResultsDb::Open(const std::string& path)
{
    sqlite3* db = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    ResultsDb out(db, path); // closes db on every error path below
    if (rc != SQLITE_OK)
    {
        Fail(db, fmt::format("opening '{}'", path));
    }
    sqlite3_busy_timeout(db, 60'000);
    sqlite3_extended_result_codes(db, 1);
    out.Exec("PRAGMA journal_mode = WAL", "enabling WAL");
    out.Exec("PRAGMA synchronous = NORMAL", "setting synchronous");
    out.Exec("PRAGMA foreign_keys = ON", "enabling foreign keys");

    // IMMEDIATE: two sweep processes creating the same new file do not both create the schema.
    out.Exec("BEGIN IMMEDIATE", "starting the schema transaction");
    try
    {
        Stmt tables(db, "SELECT name FROM sqlite_master WHERE type = 'table'");
        bool hasMeta = false;
        int nTables = 0;
        while (tables.Next("listing tables"))
        {
            ++nTables;
            hasMeta = hasMeta || tables.Text(0) == "meta";
        }
        if (nTables == 0)
        {
            out.Exec(kSchema, "creating the schema");
            Stmt meta(db, "INSERT INTO meta (key, value) VALUES (?1, ?2)");
            meta.Bind(1, std::string_view("schema_version"))
                .Bind(2, std::string_view(std::to_string(kSchemaVersion)))
                .Run("writing meta");
            meta.Bind(1, std::string_view("created_at"))
                .Bind(2, std::string_view(NowUtcIso8601()))
                .Run("writing meta");
            meta.Bind(1, std::string_view("generator"))
                .Bind(2, std::string_view("teepsim"))
                .Run("writing meta");
            out.Exec(fmt::format("PRAGMA user_version = {}", kSchemaVersion).c_str(),
                     "setting user_version");
        }
        else if (!hasMeta)
        {
            throw ResultsError(fmt::format(
                "results database: '{}' is an SQLite file but not a teepsim database (no meta "
                "table)",
                path));
        }
        out.Exec("COMMIT", "committing the schema");
    }
    catch (...)
    {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
    if (const int v = out.SchemaVersion(); v != kSchemaVersion)
    {
        throw ResultsError(fmt::format("results database: '{}' has schema version {}; this teepsim "
                                       "reads and writes version {}",
                                       path, v, kSchemaVersion));
    }
    return out;
}

ResultsDb::ResultsDb(ResultsDb&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_path(std::move(other.m_path)),
      m_hook(std::move(other.m_hook))
{
}

ResultsDb& ResultsDb::operator=(ResultsDb&& other) noexcept
{
    if (this != &other)
    {
        sqlite3_close_v2(m_db);
        m_db = std::exchange(other.m_db, nullptr);
        m_path = std::move(other.m_path);
        m_hook = std::move(other.m_hook);
    }
    return *this;
}

ResultsDb::~ResultsDb()
{
    sqlite3_close_v2(m_db);
}

void ResultsDb::Exec(const char* sql, const char* what) const
{
    char* err = nullptr;
    if (sqlite3_exec(m_db, sql, nullptr, nullptr, &err) != SQLITE_OK)
    {
        const std::string msg = err ? err : sqlite3_errmsg(m_db);
        sqlite3_free(err);
        throw ResultsError(fmt::format("results database: {}: {}", what, msg));
    }
}

int ResultsDb::SchemaVersion() const
{
    Stmt q(m_db, "SELECT value FROM meta WHERE key = 'schema_version'");
    if (!q.Next("reading the schema version"))
    {
        throw ResultsError("results database: meta table has no schema_version");
    }
    try
    {
        return std::stoi(q.Text(0));
    }
    catch (const std::exception&)
    {
        throw ResultsError("results database: schema_version is not a number: " + q.Text(0));
    }
}

void ResultsDb::Hook(std::string_view table) const
{
    if (m_hook)
    {
        m_hook(table);
    }
}

int64_t ResultsDb::InsertRun(const RunRecord& run, std::string_view status, int64_t horizonNs)
{
    Hook("runs");
    Stmt s(m_db, "INSERT INTO runs (scenario_name, scenario_text, scenario_hash, seed, run, "
                 "teepsim_version, started_at, wall_seconds, events, peak_rss_kib, horizon_ns, "
                 "status, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    s.Bind(1, std::string_view(run.scenarioName))
        .Bind(2, std::string_view(run.scenarioText))
        .Bind(3, std::string_view(run.scenarioHash))
        .Bind(4, AsInt(run.seed))
        .Bind(5, AsInt(run.run))
        .Bind(6, std::string_view(run.teepsimVersion))
        .Bind(7, std::string_view(run.startedAt))
        .Bind(8, run.wallSeconds)
        .Bind(9, AsInt(run.events))
        .Bind(10, run.peakRssKib)
        .Bind(11, horizonNs >= 0 ? std::optional<int64_t>(horizonNs) : std::nullopt)
        .Bind(12, status)
        .Bind(13, run.error.empty() ? std::nullopt : std::optional<std::string_view>(run.error));
    s.Run("writing runs");
    return sqlite3_last_insert_rowid(m_db);
}

void ResultsDb::InsertParams(int64_t id, const RunParams& params)
{
    Hook("run_params");
    Stmt s(m_db, "INSERT INTO run_params (run_id, key, value) VALUES (?1, ?2, ?3)");
    for (const auto& [key, value] : params)
    {
        s.Bind(1, id).Bind(2, std::string_view(key)).Bind(3, std::string_view(value));
        s.Run(fmt::format("writing run_params '{}'", key));
    }
}

int64_t ResultsDb::WriteRun(const RunRecord& run, const recorder::Recorder& rec,
                            const RunParams& params,
                            std::span<const recorder::MetricSummary> analytic,
                            std::span<const recorder::Series> analyticSeries)
{
    if (!rec.Finished())
    {
        throw ResultsError("results database: WriteRun needs a finished recorder (call Finish)");
    }
    Exec("BEGIN IMMEDIATE", "starting the run transaction");
    try
    {
        const int64_t id = InsertRun(run, "ok", rec.Horizon());
        InsertParams(id, params);

        Hook("devices");
        {
            Stmt s(m_db, "INSERT INTO devices (run_id, device, class, ree, broker) "
                         "VALUES (?1, ?2, ?3, ?4, ?5)");
            const auto& devices = rec.Devices();
            for (size_t d = 0; d < devices.size(); ++d)
            {
                s.Bind(1, id)
                    .Bind(2, static_cast<int64_t>(d))
                    .Bind(3, std::string_view(devices[d].deviceClass))
                    .Bind(4, int64_t{devices[d].hasRee})
                    .Bind(5, std::string_view(devices[d].broker));
                s.Run("writing devices");
            }
        }

        Hook("exposures");
        {
            Stmt s(m_db, "INSERT INTO exposures (run_id, device, ta, t0_ns, removed_ns, "
                         "trust_end_ns, r_ns, t_trust_ns, w_danger_ns, w_clean_ns, r_censored, "
                         "t_trust_censored, exec_end_ns, x_ns, x_censored) VALUES (?1, ?2, ?3, "
                         "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
            for (const auto& x : rec.Exposures())
            {
                s.Bind(1, id)
                    .Bind(2, int64_t{x.device})
                    .Bind(3, std::string_view(rec.TaName(x.ta)))
                    .Bind(4, x.t0)
                    .Bind(5, x.removed)
                    .Bind(6, x.trustEnd)
                    .Bind(7, x.r)
                    .Bind(8, x.tTrust)
                    .Bind(9, x.wDanger)
                    .Bind(10, x.wClean)
                    .Bind(11, int64_t{x.rCensored})
                    .Bind(12, int64_t{x.tTrustCensored})
                    .Bind(13, x.execEnd)
                    .Bind(14, x.x)
                    .Bind(15, int64_t{x.xCensored});
                s.Run("writing exposures");
            }
        }

        Hook("summaries");
        {
            Stmt s(m_db, "INSERT INTO summaries (run_id, metric, scope, source, unit, n, "
                         "n_censored, mean, sd, se, p50, p90, p95, p99, max, z_score) VALUES "
                         "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
            std::map<std::pair<std::string, std::string>, const recorder::Summary*> sim;
            auto write = [&](const recorder::MetricSummary& m, std::string_view source,
                             std::optional<double> z)
            {
                const auto& v = m.summary;
                s.Bind(1, id)
                    .Bind(2, std::string_view(m.metric))
                    .Bind(3, std::string_view(m.scope))
                    .Bind(4, source)
                    .Bind(5, std::string_view(m.unit))
                    .Bind(6, AsInt(v.n))
                    .Bind(7, AsInt(v.nCensored))
                    .Bind(8, v.mean)
                    .Bind(9, v.sd)
                    .Bind(10, v.se)
                    .Bind(11, v.p50)
                    .Bind(12, v.p90)
                    .Bind(13, v.p95)
                    .Bind(14, v.p99)
                    .Bind(15, v.max)
                    .Bind(16, z);
                s.Run(fmt::format("writing summaries {} [{}] ({})", m.metric, m.scope, source));
            };
            for (const auto& m : rec.Summaries())
            {
                sim[{m.metric, m.scope}] = &m.summary;
                write(m, "sim", std::nullopt);
            }
            for (const auto& m : analytic)
            {
                std::optional<double> z;
                const auto it = sim.find({m.metric, m.scope});
                if (it != sim.end() && m.summary.mean && it->second->mean && it->second->se &&
                    *it->second->se > 0)
                {
                    z = (*m.summary.mean - *it->second->mean) / *it->second->se;
                }
                write(m, "analytic", z);
            }
        }

        Hook("timeseries");
        {
            Stmt s(m_db,
                   "INSERT INTO timeseries (run_id, series, t_ns, value) VALUES (?1, ?2, ?3, ?4)");
            auto write = [&](const recorder::Series& series)
            {
                for (const auto& p : series.points)
                {
                    s.Bind(1, id)
                        .Bind(2, std::string_view(series.name))
                        .Bind(3, p.t)
                        .Bind(4, p.value);
                    s.Run("writing timeseries " + series.name);
                }
            };
            for (const auto& series : rec.AllSeries())
            {
                write(series);
            }
            for (const auto& series : analyticSeries)
            {
                write(series);
            }
        }

        Hook("sessions");
        {
            Stmt s(m_db, "INSERT INTO sessions (run_id, grp, cause, failure, count, bytes_up, "
                         "bytes_down) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
            for (const auto& a : rec.Sessions())
            {
                s.Bind(1, id)
                    .Bind(2, std::string_view(a.group))
                    .Bind(3, std::string_view(a.cause))
                    .Bind(4, int64_t{a.failure})
                    .Bind(5, AsInt(a.count))
                    .Bind(6, AsInt(a.bytesUp))
                    .Bind(7, AsInt(a.bytesDown));
                s.Run("writing sessions");
            }
        }

        Hook("groups");
        {
            Stmt s(m_db, "INSERT INTO groups (run_id, grp, devices, affected, removed, censored, "
                         "sessions, sessions_failed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
            for (const auto& g : rec.Groups())
            {
                s.Bind(1, id)
                    .Bind(2, std::string_view(g.group))
                    .Bind(3, AsInt(g.devices))
                    .Bind(4, AsInt(g.affected))
                    .Bind(5, AsInt(g.removed))
                    .Bind(6, AsInt(g.censored))
                    .Bind(7, AsInt(g.sessions))
                    .Bind(8, AsInt(g.failed));
                s.Run("writing groups");
            }
        }

        Hook("warnings");
        {
            Stmt s(m_db, "INSERT INTO warnings (run_id, seq, code, grp, text) "
                         "VALUES (?1, ?2, ?3, ?4, ?5)");
            int64_t seq = 0;
            for (const auto& w : rec.Warnings())
            {
                s.Bind(1, id)
                    .Bind(2, seq++)
                    .Bind(3, std::string_view(w.code))
                    .Bind(4, std::string_view(w.scope))
                    .Bind(5, std::string_view(w.text));
                s.Run("writing warnings");
            }
        }

        Hook("counters");
        {
            Stmt s(m_db, "INSERT INTO counters (run_id, name, value) VALUES (?1, ?2, ?3)");
            for (const auto& [name, value] : rec.Counters())
            {
                s.Bind(1, id).Bind(2, std::string_view(name)).Bind(3, value);
                s.Run("writing counters");
            }
        }

        Hook("commit");
        Exec("COMMIT", "committing the run");
        return id;
    }
    catch (...)
    {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

int64_t ResultsDb::RecordFailedRun(const RunRecord& run, const RunParams& params)
{
    Exec("BEGIN IMMEDIATE", "starting the failed-run transaction");
    try
    {
        const int64_t id = InsertRun(run, "failed", -1);
        InsertParams(id, params);
        Exec("COMMIT", "committing the failed run");
        return id;
    }
    catch (...)
    {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

bool ResultsDb::HasCompletedRun(std::string_view scenarioHash, uint64_t seed, uint64_t run) const
{
    Stmt q(m_db, "SELECT 1 FROM runs WHERE scenario_hash = ?1 AND seed = ?2 AND run = ?3 AND "
                 "status = 'ok' LIMIT 1");
    q.Bind(1, scenarioHash).Bind(2, AsInt(seed)).Bind(3, AsInt(run));
    return q.Next("looking up a completed run");
}

} // namespace teepsim::results
