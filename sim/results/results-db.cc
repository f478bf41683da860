// ResultsDb: schema creation/checking, the one-transaction run writer (WriteRun in named steps,
// one per table) and the upkeep of the generated views.
#include "teepsim/sim/results.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "sim/results/schema.h"
#include "sim/results/statement.h"

namespace teepsim::results
{

namespace
{

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
            out.CreateSchema();
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
        // No migration: a version-2 file lacks what version 3 adds (which keys a sweep varied,
        // the bucket width of each run), and filling it in would be guessing.
        throw ResultsError(fmt::format(
            "results database: '{}' has schema version {} ({} teepsim); this teepsim reads and "
            "writes version {}: write new runs to a new file (the old one stays readable with "
            "sqlite3; see \"Older files\" in docs/DATABASE.md)",
            path, v, v < kSchemaVersion ? "written by an older" : "written by a newer",
            kSchemaVersion));
    }
    return out;
}

void ResultsDb::CreateSchema()
{
    Exec(detail::SchemaSql().c_str(), "creating the schema");
    RebuildWideViews(); // no keys yet: the views exist, with their fixed columns
    Stmt meta(m_db, "INSERT INTO meta (key, value) VALUES (?1, ?2)");
    meta.Bind(1, std::string_view("schema_version"))
        .Bind(2, std::string_view(std::to_string(kSchemaVersion)))
        .Run("writing meta");
    meta.Bind(1, std::string_view("created_at"))
        .Bind(2, std::string_view(NowUtcIso8601()))
        .Run("writing meta");
    meta.Bind(1, std::string_view("generator"))
        .Bind(2, std::string_view("teepsim"))
        .Run("writing meta");
    Exec(fmt::format("PRAGMA user_version = {}", kSchemaVersion).c_str(), "setting user_version");
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

int64_t ResultsDb::InsertRun(const RunRecord& run, std::string_view status, int64_t horizonNs,
                             int64_t bucketNs)
{
    Hook("runs");
    auto known = [](int64_t v) { return v >= 0 ? std::optional<int64_t>(v) : std::nullopt; };
    Stmt s(m_db, "INSERT INTO runs (scenario_name, scenario_text, scenario_hash, seed, run, "
                 "teepsim_version, started_at, wall_seconds, events, peak_rss_kib, horizon_ns, "
                 "bucket_ns, status, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                 "?12, ?13, ?14)");
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
        .Bind(11, known(horizonNs))
        .Bind(12, known(bucketNs))
        .Bind(13, status)
        .Bind(14, run.error.empty() ? std::nullopt : std::optional<std::string_view>(run.error));
    s.Run("writing runs");
    return sqlite3_last_insert_rowid(m_db);
}

void ResultsDb::InsertParams(int64_t id, const RunParams& params)
{
    Hook("run_params");
    Stmt s(m_db, "INSERT INTO run_params (run_id, key, value, num, unit, swept) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    for (const RunParam& p : params)
    {
        s.Bind(1, id)
            .Bind(2, std::string_view(p.key))
            .Bind(3, std::string_view(p.value))
            .Bind(4, p.num)
            .Bind(5, p.unit.empty() ? std::nullopt : std::optional<std::string_view>(p.unit))
            .Bind(6, int64_t{p.swept});
        s.Run(fmt::format("writing run_params '{}'", p.key));
    }
}

void ResultsDb::InsertDevices(int64_t id, const recorder::Recorder& rec)
{
    Hook("devices");
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

void ResultsDb::InsertExposures(int64_t id, const recorder::Recorder& rec)
{
    Hook("exposures");
    Stmt s(m_db, "INSERT INTO exposures (run_id, device, ta, t0_ns, removed_ns, "
                 "trust_end_ns, r_ns, t_trust_ns, w_danger_ns, w_clean_ns, r_censored, "
                 "t_trust_censored, exec_end_ns, x_ns, x_censored) VALUES (?1, ?2, ?3, ?4, ?5, "
                 "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
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

void ResultsDb::InsertSummaries(int64_t id, const recorder::Recorder& rec,
                                std::span<const recorder::MetricSummary> analytic)
{
    Hook("summaries");
    Stmt s(m_db, "INSERT INTO summaries (run_id, metric, scope, source, unit, n, "
                 "n_censored, mean, sd, se, p50, p90, p95, p99, max, z_score) VALUES "
                 "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
    std::map<std::pair<std::string, std::string>, const recorder::Summary*> sim;
    auto write =
        [&](const recorder::MetricSummary& m, std::string_view source, std::optional<double> z)
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

void ResultsDb::InsertSeries(int64_t id, const recorder::Recorder& rec,
                             std::span<const recorder::Series> analyticSeries)
{
    Hook("timeseries");
    Stmt s(m_db, "INSERT INTO timeseries (run_id, series, t_ns, value) VALUES (?1, ?2, ?3, ?4)");
    auto write = [&](const recorder::Series& series)
    {
        for (const auto& p : series.points)
        {
            s.Bind(1, id).Bind(2, std::string_view(series.name)).Bind(3, p.t).Bind(4, p.value);
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

void ResultsDb::InsertSessions(int64_t id, const recorder::Recorder& rec)
{
    Hook("sessions");
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

void ResultsDb::InsertGroups(int64_t id, const recorder::Recorder& rec)
{
    Hook("groups");
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

void ResultsDb::InsertWarnings(int64_t id, const recorder::Recorder& rec,
                               std::span<const recorder::Warning> more)
{
    Hook("warnings");
    Stmt s(m_db, "INSERT INTO warnings (run_id, seq, code, grp, text) "
                 "VALUES (?1, ?2, ?3, ?4, ?5)");
    int64_t seq = 0;
    auto write = [&](const recorder::Warning& w)
    {
        s.Bind(1, id)
            .Bind(2, seq++)
            .Bind(3, std::string_view(w.code))
            .Bind(4, std::string_view(w.scope))
            .Bind(5, std::string_view(w.text));
        s.Run("writing warnings");
    };
    for (const auto& w : rec.Warnings())
    {
        write(w);
    }
    for (const auto& w : more)
    {
        write(w);
    }
}

void ResultsDb::InsertCounters(int64_t id, const recorder::Recorder& rec)
{
    Hook("counters");
    Stmt s(m_db, "INSERT INTO counters (run_id, name, value) VALUES (?1, ?2, ?3)");
    for (const auto& [name, value] : rec.Counters())
    {
        s.Bind(1, id).Bind(2, std::string_view(name)).Bind(3, value);
        s.Run("writing counters");
    }
}

int64_t ResultsDb::WriteRun(const RunRecord& run, const recorder::Recorder& rec,
                            const RunParams& params,
                            std::span<const recorder::MetricSummary> analytic,
                            std::span<const recorder::Series> analyticSeries,
                            std::span<const recorder::Warning> analyticWarnings)
{
    if (!rec.Finished())
    {
        throw ResultsError("results database: WriteRun needs a finished recorder (call Finish)");
    }
    Exec("BEGIN IMMEDIATE", "starting the run transaction");
    try
    {
        const int64_t id = InsertRun(run, "ok", rec.Horizon(), rec.BucketWidth());
        InsertParams(id, params);
        InsertDevices(id, rec);
        InsertExposures(id, rec);
        InsertSummaries(id, rec, analytic);
        InsertSeries(id, rec, analyticSeries);
        InsertSessions(id, rec);
        InsertGroups(id, rec);
        InsertWarnings(id, rec, analyticWarnings);
        InsertCounters(id, rec);
        UpdateViewsFor(params);
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

namespace
{
// Column names of a table or view (empty when it does not exist).
std::set<std::string> ColumnsOf(sqlite3* db, const char* name)
{
    std::set<std::string> cols;
    Stmt q(db, "SELECT name FROM pragma_table_info(?1)");
    q.Bind(1, std::string_view(name));
    while (q.Next("listing the columns of a view"))
    {
        cols.insert(q.Text(0));
    }
    return cols;
}
} // namespace

void ResultsDb::UpdateViewsFor(const RunParams& params)
{
    Hook("views");
    // The usual case, a run with the keys of the runs before it, costs two pragma lookups.
    const std::set<std::string> runCols = ColumnsOf(m_db, "run_wide");
    const std::set<std::string> pointCols = ColumnsOf(m_db, "point_wide");
    for (const RunParam& p : params)
    {
        if (runCols.count(p.key) == 0 || (p.swept && pointCols.count(p.key) == 0))
        {
            RebuildWideViews();
            return;
        }
    }
}

void ResultsDb::RebuildWideViews()
{
    std::vector<std::string> keys, swept;
    Stmt q(m_db, "SELECT key, max(swept) FROM run_params GROUP BY key ORDER BY key");
    while (q.Next("listing parameter keys"))
    {
        keys.push_back(q.Text(0));
        if (q.Int(1) != 0)
        {
            swept.push_back(q.Text(0));
        }
    }
    Exec("DROP VIEW IF EXISTS run_wide; DROP VIEW IF EXISTS point_wide;",
         "dropping the wide views");
    Exec(detail::RunWideViewSql(keys).c_str(), "creating run_wide");
    Exec(detail::PointWideViewSql(swept).c_str(), "creating point_wide");
}

void ResultsDb::RefreshViews()
{
    Exec("BEGIN IMMEDIATE", "starting the view transaction");
    try
    {
        RebuildWideViews();
        Exec("COMMIT", "committing the views");
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
        const int64_t id = InsertRun(run, "failed", -1, -1);
        InsertParams(id, params);
        UpdateViewsFor(params);
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
