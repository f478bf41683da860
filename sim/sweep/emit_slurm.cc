// The Slurm job array script of a sweep (see emit_slurm.h). The script is one file with modes
// (submit, task, merge, resubmit, list) so that a re-submission, the merge job and a by-hand
// merge all use the same paths and overrides the sweep was emitted with.
#include "sim/sweep/emit_slurm.h"

#include <sqlite3.h>

#include <filesystem>
#include <ostream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "sim/cli/common/command_line.h"

namespace teepsim::cli
{

namespace
{
// Slurm's --time formats (sbatch(1)): M, M:S, H:M:S, D-H, D-H:M, D-H:M:S, or no limit.
const std::regex kTime(
    R"(\d+|\d+:\d+|\d+:\d+:\d+|\d+-\d+|\d+-\d+:\d+|\d+-\d+:\d+:\d+|UNLIMITED|INFINITE)");
// --mem: a size with an optional unit K, M (default), G or T.
const std::regex kMem(R"(\d+[KMGT]?)");
// --partition: one name or a comma-separated list of names.
const std::regex kPartition(R"([A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*)");

// The body of the script after the variables: bash, checked by `bash -n` and shellcheck in
// tests/slurm/emit_script_test.sh. Functions read the variables written above it.
constexpr const char* kBody = R"BODY(
die() {
  echo "teepsim-slurm: $*" >&2
  exit 2
}

# One bash word in single quotes, also readable by /bin/sh (sbatch --wrap runs sh).
sq() {
  printf "'%s'" "${1//\'/\'\\\'\'}"
}

# The array spec of the tasks whose runs are not complete in $OUT (empty when none); the
# missing runs are listed on stderr.
missing_tasks() {
  "$TEEPSIM" sweep "$SCENARIO" "${SETS[@]}" --resubmit "$OUT" --runs-per-task "$RUNS_PER_TASK"
}

# Copies the node-local shard next to its final name, then renames it: merge never sees a
# half-copied file, and a killed task keeps the runs it finished. A shard with a hot journal
# (its writer died in a transaction) is not published: only the journal makes it consistent.
publish() {
  local src=$1 dest=$2
  if [[ -e $src-journal || -e $src-wal ]]; then
    echo "teepsim-slurm: $src has an unfinished transaction; not published" >&2
    return 1
  fi
  cp -- "$src" "$(dirname -- "$dest")/.$(basename -- "$dest").partial" &&
    mv -f -- "$(dirname -- "$dest")/.$(basename -- "$dest").partial" "$dest"
}

run_task() {
  local t=${SLURM_ARRAY_TASK_ID:-}
  [[ $t =~ ^[0-9]+$ ]] || die "task: SLURM_ARRAY_TASK_ID is not set (submit with: bash $0)"
  ((t < TASKS)) || die "task $t: this sweep has tasks 0-$((TASKS - 1))"
  local first=$((t * RUNS_PER_TASK))
  local end=$((first + RUNS_PER_TASK))
  ((end > RUNS)) && end=$RUNS
  mkdir -p -- "$SHARD_DIR" || die "cannot create $SHARD_DIR"
  # The shard is written on node-local storage ($TMPDIR, else /tmp): SQLite locking is not
  # reliable on network file systems, and the copy back is one sequential write.
  # Global, not local: the EXIT trap runs after this function has returned.
  task_work=$(mktemp -d "${TMPDIR:-/tmp}/teepsim-task-$t.XXXXXX") || die "cannot create a work directory"
  trap 'rm -rf -- "$task_work"' EXIT
  trap 'exit 143' TERM INT
  local shard=$task_work/task-$t.db failed=0 i
  for ((i = first; i < end; i++)); do
    echo "task $t: run $i on ${HOSTNAME:-?}"
    if ! "$TEEPSIM" sweep "$SCENARIO" "${SETS[@]}" "${FORCE[@]}" --index "$i" --out "$shard" \
      --journal delete --progress never; then
      failed=$((failed + 1))
      echo "teepsim-slurm: task $t: run $i failed" >&2
    fi
    [[ -e $shard ]] && { publish "$shard" "$SHARD_DIR/task-$t.db" || failed=$((failed + 1)); }
  done
  echo "task $t: runs $first-$((end - 1)) done, $failed failed"
  ((failed == 0))
}

# Merges every shard present into $OUT (re-runnable: runs already there are kept once) and
# lists the tasks still missing. Exit 0 only when every run of the sweep is in $OUT.
run_merge() {
  local shards=() rc=0 missing
  shopt -s nullglob
  shards=("$SHARD_DIR"/task-*.db)
  shopt -u nullglob
  if ((${#shards[@]} == 0)); then
    echo "teepsim-slurm: merge: no shard in $SHARD_DIR yet" >&2
    rc=1
  else
    "$TEEPSIM" merge "$OUT" "${shards[@]}" || rc=$?
  fi
  missing=$(missing_tasks) || die "merge: cannot read $OUT"
  if [[ -n $missing ]]; then
    echo "teepsim-slurm: merge: tasks with missing or failed runs: $missing (logs in $SHARD_DIR/logs)" >&2
    echo "teepsim-slurm: merge: re-submit them with: bash $(sq "$SELF") resubmit" >&2
    ((rc == 0)) && rc=1
  else
    echo "teepsim-slurm: merge: all $RUNS runs are in $OUT"
  fi
  return "$rc"
}

# Submits the array (all tasks, or the array spec $1) and the merge job after it.
submit() {
  local spec=${1:-} array=() jid mjid
  command -v sbatch >/dev/null || die "sbatch not found: run this on a Slurm submit host"
  mkdir -p -- "$SHARD_DIR/logs" || die "cannot create $SHARD_DIR/logs"
  if [[ -n $spec ]]; then
    array=(--array="$spec${MAX_PARALLEL:+%$MAX_PARALLEL}")
  fi
  jid=$(sbatch --parsable "${array[@]}" --output="$SHARD_DIR/logs/task-%a.%A.out" "$SELF" task) ||
    die "sbatch of the job array failed"
  jid=${jid%%;*}
  # afterany: the merge runs however the tasks ended, and reports what is missing.
  mjid=$(sbatch --parsable --job-name="$JOB_NAME-merge" "${SBATCH_OPTIONS[@]}" \
    --dependency="afterany:$jid" --output="$SHARD_DIR/logs/merge.%j.out" \
    --wrap="bash $(sq "$SELF") merge") || die "sbatch of the merge job failed (array job $jid is submitted)"
  mjid=${mjid%%;*}
  echo "teepsim-slurm: array job $jid (tasks ${spec:-0-$((TASKS - 1))}), merge job $mjid after it"
  echo "teepsim-slurm: shards and logs in $SHARD_DIR; merged database $OUT"
}

run_resubmit() {
  local queued spec
  if command -v squeue >/dev/null; then
    queued=$(squeue -h -u "$(id -un)" -n "$JOB_NAME,$JOB_NAME-merge" -o %i 2>/dev/null | head -n 1)
    [[ -z $queued ]] || die "resubmit: jobs of this sweep are still queued or running (job $queued): wait for them or scancel them"
  fi
  run_merge || true
  spec=$(missing_tasks) || die "resubmit: cannot read $OUT"
  if [[ -z $spec ]]; then
    echo "teepsim-slurm: resubmit: nothing to do"
    return 0
  fi
  submit "$spec"
}

SELF=$(readlink -f -- "$0")
mode=${1:-}
if [[ -z $mode ]]; then
  # `sbatch THIS_FILE` without arguments: an array task; `bash THIS_FILE`: submit.
  if [[ -n ${SLURM_ARRAY_TASK_ID:-} ]]; then mode=task; else mode=submit; fi
fi
case $mode in
  submit) submit "$ARRAY" ;;
  task) run_task ;;
  merge) run_merge ;;
  resubmit) run_resubmit ;;
  list) "$TEEPSIM" sweep "$SCENARIO" "${SETS[@]}" --list ;;
  *) die "unknown mode '$mode' (submit, resubmit, merge, list, task)" ;;
esac
)BODY";

std::string SanitizedJobName(const std::string& scenarioName)
{
    std::string s = "teepsim-" + scenarioName;
    for (char& c : s)
    {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
        {
            c = '_';
        }
    }
    return s.substr(0, 64);
}

void RejectNewline(const std::string& what, const std::string& path)
{
    if (path.find('\n') != std::string::npos)
    {
        throw std::invalid_argument(what + " contains a newline: " + ShellQuote(path));
    }
}
} // namespace

void AddSlurmOptions(CommandLine& cl, SlurmOptions& o)
{
    auto& app = cl.app();
    app.add_option("--emit", o.emit,
                   "write a job script for a scheduler on stdout instead of running: slurm "
                   "(docs/CLUSTERS.md); --out DB is the merged database")
        ->type_name("SCHEDULER")
        ->check(CLI::IsMember({"slurm"}));
    app.add_option("--resubmit", o.resubmit,
                   "print the Slurm array tasks whose runs are missing or failed in DB (with "
                   "--emit slurm: a script for only those tasks)")
        ->type_name("DB");
    app.add_option("--partition", o.partition, "Slurm partition (--emit slurm)")->type_name("P");
    app.add_option("--time", o.time,
                   "Slurm time limit per task, e.g. 30, 2:00:00, 1-0 (--emit slurm)")
        ->type_name("T");
    app.add_option("--mem", o.mem, "Slurm memory per task, e.g. 2G (--emit slurm)")->type_name("M");
    app.add_option("--max-parallel", o.maxParallel,
                   "array tasks running at a time, Slurm's %K (--emit slurm; default: no limit)")
        ->type_name("K")
        ->check(IntegerIn(1, 1000000));
    app.add_option("--runs-per-task", o.runsPerTask,
                   "runs per array task (--emit slurm, --resubmit)")
        ->type_name("R")
        ->default_str("1")
        ->check(IntegerIn(1, 1000000));
    app.add_option("--shard-dir", o.shardDir,
                   "shared directory where the tasks leave their shards and logs (--emit slurm; "
                   "default: DB.shards next to --out)")
        ->type_name("DIR");
}

bool SlurmModeRequested(const SlurmOptions& o)
{
    return !o.emit.empty() || !o.resubmit.empty();
}

std::optional<std::string> CheckSlurmOptions(const SlurmOptions& o, const std::string& outDb,
                                             bool otherMode)
{
    const bool emit = !o.emit.empty();
    if (otherMode && SlurmModeRequested(o))
    {
        return std::string(emit ? "--emit" : "--resubmit") +
               " writes a script or a task list: it takes none of --list, --dry-run, --index, "
               "--shard";
    }
    if (!emit)
    {
        const std::pair<const char*, bool> emitOnly[] = {{"--partition", !o.partition.empty()},
                                                         {"--time", !o.time.empty()},
                                                         {"--mem", !o.mem.empty()},
                                                         {"--shard-dir", !o.shardDir.empty()},
                                                         {"--max-parallel", o.maxParallel != 0}};
        for (const auto& [name, given] : emitOnly)
        {
            if (given)
            {
                return std::string(name) + " needs --emit slurm";
            }
        }
        if (o.runsPerTask != 1 && o.resubmit.empty())
        {
            return std::string("--runs-per-task needs --emit slurm or --resubmit DB");
        }
        return std::nullopt;
    }
    if (outDb.empty())
    {
        return std::string("--emit slurm needs --out DB (the merged database)");
    }
    if (!o.time.empty() && !std::regex_match(o.time, kTime))
    {
        return "--time '" + o.time +
               "' is not a Slurm time (MINUTES, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS)";
    }
    if (!o.mem.empty() && !std::regex_match(o.mem, kMem))
    {
        return "--mem '" + o.mem + "' is not a Slurm memory size (a number with K, M, G or T)";
    }
    if (!o.partition.empty() && !std::regex_match(o.partition, kPartition))
    {
        return "--partition '" + o.partition + "' is not a Slurm partition name";
    }
    return std::nullopt;
}

SlurmSweep MakeSlurmSweep(const std::string& scenarioFile, const std::string& outDb,
                          const std::vector<std::string>& overrides, bool force,
                          const std::string& scenarioName)
{
    SlurmSweep s;
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    s.teepsim = ec ? std::string("teepsim") : exe.string();
    s.scenarioFile = std::filesystem::absolute(scenarioFile).lexically_normal().string();
    s.outDb = outDb.empty() ? "" : std::filesystem::absolute(outDb).lexically_normal().string();
    s.overrides = overrides;
    s.force = force;
    s.scenarioName = scenarioName;
    return s;
}

size_t SlurmTaskCount(size_t runs, uint64_t runsPerTask)
{
    return (runs + runsPerTask - 1) / runsPerTask;
}

std::string SlurmArraySpec(const std::vector<size_t>& tasks)
{
    std::string spec;
    for (size_t i = 0; i < tasks.size();)
    {
        size_t j = i;
        while (j + 1 < tasks.size() && tasks[j + 1] == tasks[j] + 1)
        {
            ++j;
        }
        spec += (spec.empty() ? "" : ",") + std::to_string(tasks[i]);
        if (j > i)
        {
            spec += "-" + std::to_string(tasks[j]);
        }
        i = j + 1;
    }
    return spec;
}

std::string ShellQuote(std::string_view s)
{
    std::string q = "'";
    for (char c : s)
    {
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return q + "'";
}

std::string SlurmScript(const SlurmSweep& sweep, const SlurmOptions& o,
                        const std::vector<size_t>& tasks)
{
    const size_t taskCount = SlurmTaskCount(sweep.runs, o.runsPerTask);
    const std::string shardDir =
        o.shardDir.empty() ? sweep.outDb + ".shards"
                           : std::filesystem::absolute(o.shardDir).lexically_normal().string();
    RejectNewline("the teepsim path", sweep.teepsim);
    RejectNewline("the scenario path", sweep.scenarioFile);
    RejectNewline("--out", sweep.outDb);
    RejectNewline("--shard-dir", shardDir);
    if (shardDir.find('%') != std::string::npos)
    {
        // sbatch expands %j, %a, ... in --output, which lies under the shard directory.
        throw std::invalid_argument(
            "the shard directory contains '%', which sbatch would expand: " + shardDir +
            " (choose another --shard-dir)");
    }
    const std::string array = tasks.empty()
                                  ? (taskCount == 1 ? "0" : "0-" + std::to_string(taskCount - 1))
                                  : SlurmArraySpec(tasks);
    const std::string throttle = o.maxParallel ? "%" + std::to_string(o.maxParallel) : "";
    const std::string jobName = SanitizedJobName(sweep.scenarioName);

    std::ostringstream s;
    s << "#!/bin/bash\n"
      << "# teepsim sweep as a Slurm job array, written by `teepsim sweep --emit slurm` (teepsim "
      << TEEPSIM_VERSION << ").\n"
      << "# Scenario " << sweep.scenarioName << ": " << sweep.runs << " runs in " << taskCount
      << " array task(s) of up to " << o.runsPerTask << " run(s)"
      << (tasks.empty() ? "" : "; this script re-submits tasks " + array) << ".\n"
      << "#\n"
      << "#   bash THIS_FILE            submit the array, and a merge job that runs after it\n"
      << "#   bash THIS_FILE resubmit   merge what exists, then submit only the tasks whose runs\n"
      << "#                             are missing or failed (and a new merge job)\n"
      << "#   bash THIS_FILE merge      merge the shards present now; list what is missing\n"
      << "#   bash THIS_FILE list       the runs: INDEX, RUN_KEY, COMMAND\n"
      << "#   sbatch THIS_FILE          the array alone (no merge job)\n"
      << "# The jobs this script submits itself get the options in SBATCH_OPTIONS below; keep "
         "them\n"
      << "# and the #SBATCH lines alike when editing. See docs/CLUSTERS.md.\n"
      << "#\n"
      << "#SBATCH --job-name=" << jobName << "\n"
      << "#SBATCH --array=" << array << throttle << "\n"
      << "#SBATCH --ntasks=1\n"
      << "#SBATCH --cpus-per-task=1\n";
    std::vector<std::string> sbatchOptions;
    if (!o.partition.empty())
    {
        sbatchOptions.push_back("--partition=" + o.partition);
    }
    if (!o.time.empty())
    {
        sbatchOptions.push_back("--time=" + o.time);
    }
    if (!o.mem.empty())
    {
        sbatchOptions.push_back("--mem=" + o.mem);
    }
    for (const std::string& opt : sbatchOptions)
    {
        s << "#SBATCH " << opt << "\n";
    }
    s << "set -uo pipefail\n\n"
      << "TEEPSIM=" << ShellQuote(sweep.teepsim) << "\n"
      << "SCENARIO=" << ShellQuote(sweep.scenarioFile) << "\n"
      << "OUT=" << ShellQuote(sweep.outDb) << "\n"
      << "SHARD_DIR=" << ShellQuote(shardDir) << "\n"
      << "SETS=(";
    for (size_t i = 0; i < sweep.overrides.size(); ++i)
    {
        s << (i ? " " : "") << "--set " << ShellQuote(sweep.overrides[i]);
    }
    s << ")\n"
      << "FORCE=(" << (sweep.force ? "--force" : "") << ")\n"
      << "RUNS=" << sweep.runs << "\n"
      << "RUNS_PER_TASK=" << o.runsPerTask << "\n"
      << "TASKS=" << taskCount << "\n"
      << "ARRAY=" << ShellQuote(tasks.empty() ? "" : array) << " # empty: the #SBATCH --array\n"
      << "MAX_PARALLEL=" << (o.maxParallel ? std::to_string(o.maxParallel) : "") << "\n"
      << "JOB_NAME=" << ShellQuote(jobName) << "\n"
      << "SBATCH_OPTIONS=(--ntasks=1 --cpus-per-task=1";
    for (const std::string& opt : sbatchOptions)
    {
        s << " " << ShellQuote(opt);
    }
    s << ")\n" << kBody;
    return s.str();
}

std::set<std::tuple<std::string, uint64_t, uint64_t>> CompletedRuns(const std::string& db)
{
    std::set<std::tuple<std::string, uint64_t, uint64_t>> done;
    if (!std::filesystem::exists(db))
    {
        return done;
    }
    sqlite3* h = nullptr;
    // Read-only: the merged database may sit on a network file system, and a re-submission
    // must not change its journal mode or anything else in it.
    if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    {
        const std::string why = h ? sqlite3_errmsg(h) : "out of memory";
        sqlite3_close(h);
        throw std::runtime_error(db + ": " + why);
    }
    sqlite3_stmt* q = nullptr;
    if (sqlite3_prepare_v2(h, "SELECT scenario_hash, seed, run FROM runs WHERE status = 'ok'", -1,
                           &q, nullptr) != SQLITE_OK)
    {
        const std::string why = sqlite3_errmsg(h);
        sqlite3_close(h);
        throw std::runtime_error(db + ": not a teepsim database (" + why + ")");
    }
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
    {
        const auto* hash = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
        done.emplace(hash ? hash : "", static_cast<uint64_t>(sqlite3_column_int64(q, 1)),
                     static_cast<uint64_t>(sqlite3_column_int64(q, 2)));
    }
    const std::string why = rc == SQLITE_DONE ? "" : sqlite3_errmsg(h);
    sqlite3_finalize(q);
    sqlite3_close(h);
    if (!why.empty())
    {
        throw std::runtime_error(db + ": " + why);
    }
    return done;
}

int RunSlurmMode(const SlurmOptions& o, const SlurmSweep& sweep, const sim::SweepPlan& plan,
                 std::ostream& out, std::ostream& err)
{
    std::vector<size_t> missingTasks;
    if (!o.resubmit.empty())
    {
        std::set<std::tuple<std::string, uint64_t, uint64_t>> done;
        try
        {
            done = CompletedRuns(o.resubmit);
        }
        catch (const std::exception& e)
        {
            err << "teepsim sweep: --resubmit " << e.what() << "\n";
            return 2;
        }
        size_t missing = 0;
        for (size_t i = 0; i < plan.size(); ++i)
        {
            const sim::SweepRun run = plan.Run(i);
            const sim::Scenario& s = run.scenario;
            if (done.count({s.source.hash, s.seed, s.run}) != 0)
            {
                continue;
            }
            if (missing < 20)
            {
                err << "missing: run " << i << " (task " << i / o.runsPerTask << ") " << run.key
                    << "\n";
            }
            ++missing;
            const size_t task = i / o.runsPerTask;
            if (missingTasks.empty() || missingTasks.back() != task)
            {
                missingTasks.push_back(task);
            }
        }
        err << "teepsim sweep: " << missing << " of " << plan.size()
            << " runs missing or failed in " << o.resubmit
            << (std::filesystem::exists(o.resubmit) ? "" : " (no such file yet)") << ", in "
            << missingTasks.size() << " task(s) of " << o.runsPerTask << " run(s)\n";
        if (o.emit.empty())
        {
            if (!missingTasks.empty())
            {
                out << SlurmArraySpec(missingTasks) << "\n";
            }
            return 0;
        }
        if (missingTasks.empty())
        {
            err << "teepsim sweep: nothing to re-submit\n";
            return 0;
        }
    }
    if (SlurmTaskCount(plan.size(), o.runsPerTask) > 1001)
    {
        err << "teepsim sweep: note: " << SlurmTaskCount(plan.size(), o.runsPerTask)
            << " array tasks exceed Slurm's default MaxArraySize (1001); raise --runs-per-task "
               "unless your cluster allows more\n";
    }
    try
    {
        SlurmSweep all = sweep;
        all.runs = plan.size();
        out << SlurmScript(all, o, missingTasks);
    }
    catch (const std::invalid_argument& e)
    {
        err << "teepsim sweep: " << e.what() << "\n";
        return 2;
    }
    return 0;
}

} // namespace teepsim::cli
