// `teepsim sweep FILE --emit slurm` and `teepsim sweep FILE --resubmit DB`: a sweep as a Slurm
// job array. The emitted bash script submits the array (R runs per task, each run through the
// scheduler-neutral `teepsim sweep FILE --index I --out SHARD.db`) and a merge job after it
// (`--dependency=afterany`), and re-submits only the tasks whose runs are still missing. The
// script holds absolute, shell-quoted paths, so it runs from any directory (docs/CLUSTERS.md).
#pragma once

#include "teepsim/sim/scenario.h"
#include "teepsim/sim/sweep.h"

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace teepsim::cli
{
class CommandLine;

/// The sweep options of the Slurm mode, as given on the command line.
struct SlurmOptions
{
    std::string emit;         // "" or "slurm"
    std::string resubmit;     // DB: the merged database whose missing runs are re-submitted
    std::string partition;    // #SBATCH --partition
    std::string time;         // #SBATCH --time
    std::string mem;          // #SBATCH --mem
    std::string shardDir;     // where tasks leave their shards (default: OUT.shards)
    uint64_t maxParallel = 0; // array throttle %K; 0: none
    uint64_t runsPerTask = 1;
};

/// Declares --emit, --resubmit, --partition, --time, --mem, --max-parallel, --runs-per-task and
/// --shard-dir on the sweep's command line.
void AddSlurmOptions(CommandLine& cl, SlurmOptions& o);

/// True when --emit or --resubmit was given: the sweep writes a script or a task list and runs
/// nothing itself.
bool SlurmModeRequested(const SlurmOptions& o);

/// The first problem with the options (one line, without the command name), or nothing: values
/// Slurm would reject (--time, --mem, --partition), Slurm options without --emit/--resubmit,
/// --emit without --out, and --emit/--resubmit with another mode (`otherMode`: --list,
/// --dry-run, --index or --shard given).
std::optional<std::string> CheckSlurmOptions(const SlurmOptions& o, const std::string& outDb,
                                             bool otherMode = false);

/// What the script needs to know about the sweep besides the options.
struct SlurmSweep
{
    std::string teepsim;                // absolute path of the teepsim binary
    std::string scenarioFile;           // absolute path
    std::string outDb;                  // absolute path of the merged database
    std::vector<std::string> overrides; // --set KEY=VALUE given to the sweep, in order
    bool force = false;
    std::string scenarioName;
    size_t runs = 0;
};

/// The sweep as the script sees it: this teepsim binary (/proc/self/exe), absolute paths.
SlurmSweep MakeSlurmSweep(const std::string& scenarioFile, const std::string& outDb,
                          const std::vector<std::string>& overrides, bool force,
                          const std::string& scenarioName);

/// Number of array tasks for `runs` runs of up to `runsPerTask` each.
size_t SlurmTaskCount(size_t runs, uint64_t runsPerTask);

/// A Slurm array index list for sorted, distinct task numbers: ranges collapsed ("0-3,7,9-10").
std::string SlurmArraySpec(const std::vector<size_t>& tasks);

/// `s` as one bash word in single quotes ('it'\''s').
std::string ShellQuote(std::string_view s);

/// The job array script. `tasks` (sorted) restricts the array to those tasks (a re-submission);
/// empty means all. Throws std::invalid_argument for a path Slurm cannot take (a newline, or '%'
/// in the shard directory, which sbatch would expand in --output).
std::string SlurmScript(const SlurmSweep& sweep, const SlurmOptions& o,
                        const std::vector<size_t>& tasks = {});

/// (scenario hash, seed, run) of every completed run in `db`, read-only; empty when `db` does
/// not exist. Throws std::runtime_error when it is not a teepsim database.
std::set<std::tuple<std::string, uint64_t, uint64_t>> CompletedRuns(const std::string& db);

/// Runs the Slurm mode after the sweep is expanded: --emit prints the script on `out`;
/// --resubmit without --emit prints the array spec of the tasks with missing runs (one line,
/// nothing when none) and the missing runs on `err`. Returns the exit code.
int RunSlurmMode(const SlurmOptions& o, const SlurmSweep& sweep, const sim::SweepPlan& plan,
                 std::ostream& out, std::ostream& err);

} // namespace teepsim::cli
