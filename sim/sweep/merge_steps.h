// `teepsim merge OUT.db SHARD.db...` in steps (merge_command.cc strings them together):
// inspect each shard (is it a complete teepsim database of the same sweep?), copy its runs in
// one transaction de-duplicated by run (merge_copy.cc), then rebuild point summaries and list
// the runs of the sweep still missing. Internal to sim/sweep.
#pragma once

#include "teepsim/sim/sweep.h"

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

namespace teepsim::cli::merge
{

/// Exit codes of `teepsim merge` (documented in --help and the README).
constexpr int kComplete = 0;   // every shard merged, every run of the sweep complete
constexpr int kFailed = 1;     // the output database could not be written
constexpr int kBadInput = 2;   // usage error, or a shard refused / in conflict (others merged)
constexpr int kIncomplete = 3; // every shard merged, but runs of the sweep are still missing

/// What a database says about the sweep it belongs to.
struct SweepIdentity
{
    std::string scenarioText;
    std::vector<std::string> overrides; // meta sweep_overrides (canonical KEY=VALUE), may be empty
    std::string hash;                   // ScenarioHash(text, overrides)
};

/// A shard that passed inspection.
struct Shard
{
    std::string path;
    int64_t runs = 0;                      // rows in runs
    std::optional<SweepIdentity> identity; // none for a shard without runs
};

/// Opens `path` read-only and checks it: an SQLite database, integrity_check ok, a teepsim
/// schema of this version, every 'ok' run complete, one scenario text. Returns the refusal
/// reason (one line) or the shard.
std::variant<std::string, Shard> Inspect(const std::string& path);

/// The identity of OUT when it already holds runs (a merge re-run as more shards arrive).
std::optional<SweepIdentity> IdentityOf(sqlite3* db, const std::string& schema);

/// A run's identity in the database: scenario hash, seed, run number.
using RunId = std::tuple<std::string, int64_t, int64_t>;

/// The tables of OUT that hold rows per run (a run_id column), with their columns.
struct RunTable
{
    std::string name;
    std::vector<std::string> columns;
};
std::vector<RunTable> RunTables(sqlite3* db);

/// Copies run `from` of the database attached as `s` into main (all its tables, run id
/// remapped) inside the caller's transaction; returns the new run id.
int64_t CopyRun(sqlite3* out, const std::vector<RunTable>& tables, int64_t from);

/// What copying one shard did.
struct CopyReport
{
    int64_t copied = 0, identical = 0, failedCopied = 0, failedSkipped = 0;
    std::string refusal; // non-empty: nothing of the shard was copied
};

/// Where each run already in OUT came from (for messages naming both files of a conflict).
using Provenance = std::map<RunId, std::string>;

/// Copies the runs of `shardPath` into the open OUT connection `out` in one transaction.
/// `keyOf` names a run by its sweep run key ("" when the run is not part of the sweep: refused).
CopyReport CopyShard(sqlite3* out, const std::vector<RunTable>& tables, const std::string& outPath,
                     const std::string& shardPath, const std::map<RunId, std::size_t>& indexOf,
                     const sim::SweepPlan& plan, Provenance& provenance);

/// The SHA-256 of everything a run recorded except wall-clock facts (start time, wall seconds,
/// memory, version): two runs with the same digest have identical results.
std::string RunDigest(sqlite3* db, const std::string& schema, const std::vector<RunTable>& tables,
                      int64_t runId);

} // namespace teepsim::cli::merge
