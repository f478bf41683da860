// ResultsDb: the SQLite results of teepsim runs (libsqlite3 directly: prepared statements, WAL,
// one transaction per run, so a failed or killed run leaves no partial rows). Many runs share one
// database file, told apart by runs.id; sweeps running in parallel processes may share a file
// (writers wait on the lock for up to 60 s).
//
// Schema version 3 (docs/DATABASE.md is the user-facing reference; a golden test checks that it
// documents every table, column and view of this list and nothing else).
// Times are integer nanoseconds of simulation time (*_ns); summaries are in the unit named by
// their `unit` column (seconds for durations). NULL means "censored" or "undefined", never 0.
//
//   meta(key PK, value)                   schema_version = '3', created_at, generator
//   runs(id PK, scenario_name, scenario_text, scenario_hash, seed, run, teepsim_version,
//        started_at (ISO 8601 UTC), wall_seconds, events, peak_rss_kib, horizon_ns, bucket_ns,
//        status 'ok'|'failed', error)     one row per attempted run; bucket_ns: time-series
//                                         bucket width of the run
//   run_params(run_id, key, value, num, unit, swept)   every resolved scenario knob (PK run_id,
//             key): text, number in canonical SI (unit 's', 'B', 'bit/s', '1', 'count',
//             'bool'; NULL for text), swept 1 for the sweep's axes
//   devices(run_id, device, class, ree 0|1, broker)
//   exposures(run_id, device, ta, t0_ns, removed_ns, trust_end_ns, r_ns, t_trust_ns,
//             w_danger_ns, w_clean_ns, r_censored 0|1, t_trust_censored 0|1, exec_end_ns,
//             x_ns, x_censored 0|1)
//             one row per affected device and malicious TA (PK run_id, device, ta)
//   summaries(run_id, metric, scope, source 'sim'|'analytic', unit, n, n_censored, mean, sd, se,
//             p50, p90, p95, p99, max, z_score)   z_score on analytic rows only:
//             (analytic mean - sim mean) / sim se for the same metric and scope
//   timeseries(run_id, series, t_ns, value)      removal/trust curves (t_ns after t0), TAM
//             queue and load, sessions/s (t_ns = bucket start), theory curves from the caller
//   sessions(run_id, grp, cause, failure 0|1, count, bytes_up, bytes_down)   grp 'all',
//             'class=<name>' or 'broker=<behaviour>'; cause from the one outcome list
//   groups(run_id, grp, devices, affected, removed, censored, sessions, sessions_failed)
//   warnings(run_id, seq, code, grp, text)       what Recorder::Warnings() found
//   counters(run_id, name, value)
//   point_summaries(...)                  written by `teepsim sweep` (teepsim/sim/sweep.h)
// Views: run_wide and point_wide (generated from the parameter keys present, see RefreshViews),
// removal_curve, trust_curve (simulated and theory S(t) on the simulated grid), group_summary.
// Files of versions 1 and 2 are refused with the version and what to do, as any other version.
#pragma once

#include "teepsim/sim/recorder.h"
#include "teepsim/sim/run_params.h"

#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct sqlite3;

namespace teepsim::results
{

constexpr int kSchemaVersion = 3;

/// Any database failure; what() names the operation, the SQL step and SQLite's message.
class ResultsError : public std::runtime_error
{
  public:
    using std::runtime_error::runtime_error;
};

/// What the runs table says about one run (the recorder provides everything else).
struct RunRecord
{
    std::string scenarioName;
    std::string scenarioText; ///< the scenario file as given (before overrides)
    std::string scenarioHash; ///< identifies scenario + overrides, for resumable sweeps
    uint64_t seed = 0;        ///< stored as a signed 64-bit integer
    uint64_t run = 0;
    std::string teepsimVersion;
    std::string startedAt; ///< ISO 8601 UTC, e.g. NowUtcIso8601() at start
    double wallSeconds = 0;
    uint64_t events = 0; ///< ns-3 events executed
    int64_t peakRssKib = 0;
    std::string error; ///< for RecordFailedRun
};

class ResultsDb
{
  public:
    /// Opens or creates `path`: creates the schema in a new (or empty) file, checks the version of
    /// an existing one. Throws ResultsError (not a teepsim database, other version, I/O).
    static ResultsDb Open(const std::string& path);

    ResultsDb(ResultsDb&& other) noexcept;
    ResultsDb& operator=(ResultsDb&& other) noexcept;
    ResultsDb(const ResultsDb&) = delete;
    ResultsDb& operator=(const ResultsDb&) = delete;
    ~ResultsDb();

    /// Writes one completed run (status 'ok') and everything the finished recorder computed, in
    /// one transaction; returns its run id. On any error nothing of the run is left, and
    /// ResultsError is thrown. `analytic` rows go to summaries with source 'analytic';
    /// `analyticSeries` (theory curves, named apart from the recorder's, e.g.
    /// "removal_curve_analytic") go to timeseries as they are. `analyticWarnings` (code
    /// `analytic-null`: why an analytic value is NULL) follow the recorder's warnings.
    int64_t WriteRun(const RunRecord& run, const recorder::Recorder& rec, const RunParams& params,
                     std::span<const recorder::MetricSummary> analytic = {},
                     std::span<const recorder::Series> analyticSeries = {},
                     std::span<const recorder::Warning> analyticWarnings = {});

    /// Records a run that did not complete (status 'failed', run.error) with its params.
    int64_t RecordFailedRun(const RunRecord& run, const RunParams& params);

    /// True when a run with this scenario hash, seed and run number completed (status 'ok').
    bool HasCompletedRun(std::string_view scenarioHash, uint64_t seed, uint64_t run) const;

    /// Regenerates run_wide (a column per parameter key in run_params) and point_wide (a column
    /// per swept key) from every key the file holds, in one transaction. WriteRun and
    /// RecordFailedRun do this themselves when a run brings a new key; a tool that copies rows
    /// in with SQL (`teepsim merge`) calls it afterwards.
    void RefreshViews();

    int SchemaVersion() const;
    const std::string& Path() const { return m_path; }

    /// Test hook: called with each table's name before WriteRun writes it; an exception thrown
    /// from it aborts the run like any database error would.
    void SetWriteHook(std::function<void(std::string_view table)> hook)
    {
        m_hook = std::move(hook);
    }

  private:
    ResultsDb(sqlite3* db, std::string path) : m_db(db), m_path(std::move(path)) {}
    void Exec(const char* sql, const char* what) const;
    void CreateSchema();
    void Hook(std::string_view table) const;

    // The steps of WriteRun, in order, each writing one table (or the views) of run `id`.
    int64_t InsertRun(const RunRecord& run, std::string_view status, int64_t horizonNs,
                      int64_t bucketNs);
    void InsertParams(int64_t id, const RunParams& params);
    void InsertDevices(int64_t id, const recorder::Recorder& rec);
    void InsertExposures(int64_t id, const recorder::Recorder& rec);
    void InsertSummaries(int64_t id, const recorder::Recorder& rec,
                         std::span<const recorder::MetricSummary> analytic);
    void InsertSeries(int64_t id, const recorder::Recorder& rec,
                      std::span<const recorder::Series> analyticSeries);
    void InsertSessions(int64_t id, const recorder::Recorder& rec);
    void InsertGroups(int64_t id, const recorder::Recorder& rec);
    void InsertWarnings(int64_t id, const recorder::Recorder& rec,
                        std::span<const recorder::Warning> more = {});
    void InsertCounters(int64_t id, const recorder::Recorder& rec);
    /// Regenerates the wide views when `params` has a key (or a swept key) they lack.
    void UpdateViewsFor(const RunParams& params);
    void RebuildWideViews();

    sqlite3* m_db = nullptr;
    std::string m_path;
    std::function<void(std::string_view)> m_hook;
};

/// Current UTC time as "YYYY-MM-DDTHH:MM:SSZ" (for RunRecord::startedAt).
std::string NowUtcIso8601();
/// Peak resident set size of this process in KiB (VmHWM), or -1 if unknown.
int64_t PeakRssKib();

} // namespace teepsim::results
