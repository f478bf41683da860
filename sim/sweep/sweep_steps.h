// The steps of `teepsim sweep` (sweep_command.cc strings them together): parse the options,
// plan the runs to do, list them, run them as child processes, summarize. Internal to sim/sweep.
#pragma once

#include "teepsim/sim/scenario.h"
#include "teepsim/sim/sweep.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "sim/cli/common/progress.h"

namespace teepsim::cli::sweep
{

enum class Journal
{
    Auto, // WAL for the local multi-process sweep database, DELETE for shards
    Wal,
    Delete,
};

struct SweepArgs
{
    std::string file, out;
    uint64_t jobs = 1;
    bool dryRun = false;
    bool list = false;
    std::optional<uint64_t> index;        // --index I (0-based)
    std::optional<std::string> shardText; // --shard K/N as given
    uint64_t shardK = 0, shardN = 1;      // parsed --shard (0-based K)
    std::string journalText = "auto";
    Journal journal = Journal::Auto;
    bool force = false; // passed on to every run
    std::vector<std::string> overrides;
    cli::ProgressOptions progress;

    /// --index or --shard: this process writes one shard of the sweep.
    bool IsShard() const { return index.has_value() || shardText.has_value(); }
    /// The journal mode the database gets once the sweep is over.
    bool UseWal() const
    {
        return journal == Journal::Wal || (journal == Journal::Auto && !IsShard());
    }
};

/// Parses and checks the options; returns an exit code when the command must stop (help,
/// usage error), std::nullopt to go on.
std::optional<int> ParseSweepArgs(const std::vector<std::string>& args, SweepArgs& a,
                                  std::ostream& out, std::ostream& err);

/// The loaded scenario, its sweep plan, and the indices this process is asked for.
struct SweepPlanned
{
    sim::Scenario base;
    sim::SweepPlan plan;
};
/// Loads FILE with --set and plans its sweep; prints diagnostics; exit code 2 on bad input.
std::optional<int> PlanSweep(const SweepArgs& a, SweepPlanned& planned, std::ostream& err);

/// Visits the indices this process runs (all, --index I, or --shard K/N) in increasing order.
template<typename F> void ForEachSelected(const SweepArgs& a, std::size_t size, F&& visit)
{
    if (a.index)
    {
        visit(static_cast<std::size_t>(*a.index));
        return;
    }
    const auto step = static_cast<std::size_t>(a.shardN);
    for (auto i = static_cast<std::size_t>(a.shardK); i < size; i += step)
    {
        visit(i);
    }
}

/// `--list`: INDEX<TAB>RUN_KEY<TAB>COMMAND per run, streamed. `--dry-run`: KEY (seed, run).
void ListRuns(const SweepArgs& a, const SweepPlanned& planned, std::ostream& out);
void DryRun(const SweepArgs& a, const SweepPlanned& planned, std::ostream& out);

/// A word for a POSIX shell: as is when it has only safe characters, else in single quotes.
std::string ShellQuote(const std::string& word);
/// The absolute path of this teepsim binary.
std::string SelfExe();

/// Writes the sweep's identity into the database's meta table (sweep_hash, sweep_overrides,
/// sweep_runs) so that `teepsim merge` can check shards and list missing runs.
void MarkSweep(const std::string& dbPath, const SweepPlanned& planned);

/// Sets the journal mode of `dbPath` (no other connection open): DELETE leaves no -wal/-shm.
void SetJournalMode(const std::string& dbPath, bool wal);

/// What running the children did.
struct ChildrenOutcome
{
    std::size_t todo = 0, done = 0, failed = 0;
    int stopSignal = 0; // the signal that stopped the sweep, 0 when it ran to the end
};

/// Runs `todo` (indices into the plan) as `teepsim run` processes, a.jobs at a time, into
/// a.out; records failed runs; stops on SIGINT/SIGTERM/SIGHUP. Throws on a fatal error (after
/// stopping the children).
ChildrenOutcome RunChildren(const SweepArgs& a, const SweepPlanned& planned,
                            const std::vector<std::size_t>& todo, std::ostream& out,
                            std::ostream& err);

} // namespace teepsim::cli::sweep
