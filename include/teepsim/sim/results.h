// ResultsDb: the SQLite results of teepsim runs (libsqlite3 directly: prepared statements, WAL,
// one transaction per run, so a failed or killed run leaves no partial rows). Many runs share one
// database file, told apart by runs.id; sweeps running in parallel processes may share a file
// (writers wait on the lock for up to 60 s).
//
// Schema version 2 (docs/DATABASE.md is the user-facing reference and must match this list).
// Times are integer nanoseconds of simulation time (*_ns); summaries are in the unit named by
// their `unit` column (seconds for durations). NULL means "censored" or "undefined", never 0.
//
//   meta(key PK, value)                   schema_version = '2', created_at, generator
//   runs(id PK, scenario_name, scenario_text, scenario_hash, seed, run, teepsim_version,
//        started_at (ISO 8601 UTC), wall_seconds, events, peak_rss_kib, horizon_ns,
//        status 'ok'|'failed', error)     one row per attempted run
//   run_params(run_id, key, value)        every resolved scenario knob (PK run_id, key)
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
// Version 1 files (sessions without grp, no groups/warnings) are refused, as any other version.
#pragma once

#include "teepsim/sim/recorder.h"

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

constexpr int kSchemaVersion = 2;

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

/// Resolved scenario knobs, as (dotted key, value with unit) pairs; keys must be unique.
using RunParams = std::vector<std::pair<std::string, std::string>>;

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
    /// "removal_curve_analytic") go to timeseries as they are.
    int64_t WriteRun(const RunRecord& run, const recorder::Recorder& rec, const RunParams& params,
                     std::span<const recorder::MetricSummary> analytic = {},
                     std::span<const recorder::Series> analyticSeries = {});

    /// Records a run that did not complete (status 'failed', run.error) with its params.
    int64_t RecordFailedRun(const RunRecord& run, const RunParams& params);

    /// True when a run with this scenario hash, seed and run number completed (status 'ok').
    bool HasCompletedRun(std::string_view scenarioHash, uint64_t seed, uint64_t run) const;

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
    int64_t InsertRun(const RunRecord& run, std::string_view status, int64_t horizonNs);
    void InsertParams(int64_t id, const RunParams& params);
    void Hook(std::string_view table) const;

    sqlite3* m_db = nullptr;
    std::string m_path;
    std::function<void(std::string_view)> m_hook;
};

/// Current UTC time as "YYYY-MM-DDTHH:MM:SSZ" (for RunRecord::startedAt).
std::string NowUtcIso8601();
/// Peak resident set size of this process in KiB (VmHWM), or -1 if unknown.
int64_t PeakRssKib();

} // namespace teepsim::results
