// `teepsim sweep` options: definition, help text and the checks that need no scenario.
#include <charconv>
#include <ostream>

#include "sim/cli/common/command_line.h"
#include "sim/sweep/sweep_steps.h"

namespace teepsim::cli::sweep
{

namespace
{

constexpr const char* kDescription =
    "Runs every point x replication of the scenario's `sweep:` section, each as its own "
    "`teepsim run` process, N at a time, into one database; runs already complete there are "
    "skipped, so an interrupted sweep resumes where it stopped. Prints one line per finished "
    "run on stdout. SIGINT or SIGTERM stops the running children (exit 128 + signal). "
    "For a cluster, the same runs are addressed by index: --list prints them, --index I or "
    "--shard K/N runs a part into its own database, and `teepsim merge` combines the parts.";

constexpr const char* kFooter =
    "runs by index (scheduler-neutral):\n"
    "  Runs are numbered from 0: INDEX = point * replications + replication, points in the\n"
    "  order of the grid (last axis fastest; zipped: the i-th values together).\n"
    "  --list prints one line per run, streamed, tab-separated:\n"
    "    INDEX<TAB>RUN_KEY<TAB>COMMAND\n"
    "  RUN_KEY is stable and does not depend on the order of the axes or of --set:\n"
    "  the point's sorted KEY=VALUE list (\"base\" without a grid), '#r' and the\n"
    "  replication, e.g. policy_check.interval=30m,verifier.validity=1h#r0. COMMAND is the\n"
    "  shell-quoted command that runs exactly that run into its own database:\n"
    "    /abs/teepsim sweep /abs/FILE [--set KEY=VALUE]... --index INDEX --out OUT\n"
    "  where OUT is --out with {index} replaced by INDEX (default: shard-{index}.db).\n"
    "  --shard K/N runs every run whose INDEX mod N equals K (0 <= K < N, 0-based).\n"
    "  A bad --index or --shard is a usage error (exit 2).\n"
    "journal modes:\n"
    "  --journal auto (default) leaves the local sweep database in WAL mode (parallel writers)\n"
    "  and a shard (--index, --shard) in DELETE mode: one file, nothing beside it, safe to copy\n"
    "  and to keep on a network file system, where SQLite does not support WAL.\n"
    "exit status: 0 every run ok, 1 a run failed, 2 bad input, 128+N stopped by signal N.";

// "K/N" with 0 <= K < N.
bool ParseShard(const std::string& text, uint64_t& k, uint64_t& n)
{
    const size_t slash = text.find('/');
    if (slash == std::string::npos)
    {
        return false;
    }
    auto number = [](std::string_view s, uint64_t& v)
    {
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        return !s.empty() && ec == std::errc() && end == s.data() + s.size();
    };
    const std::string_view all(text);
    return number(all.substr(0, slash), k) && number(all.substr(slash + 1), n) && n >= 1 && k < n;
}

} // namespace

std::optional<int> ParseSweepArgs(const std::vector<std::string>& args, SweepArgs& a,
                                  std::ostream& out, std::ostream& err)
{
    std::vector<std::string> files;
    cli::CommandLine cl("sweep", "FILE --out DB [options]", kDescription);
    cl.Positionals("FILE", "scenario file with a `sweep:` section", files);
    cl.app()
        .add_option("--out", a.out,
                    "SQLite database of the sweep (required unless --list or --dry-run); runs "
                    "already complete in it are skipped. With --list: the shard path in the "
                    "printed commands, {index} standing for the run's index")
        ->type_name("DB");
    cl.app()
        .add_option("--jobs", a.jobs, "runs at a time, each its own process")
        ->type_name("N")
        ->default_str("1")
        ->check(cli::IntegerIn(1, 1024));
    cl.app().add_flag("--list", a.list,
                      "print INDEX<TAB>RUN_KEY<TAB>COMMAND for every run (or every run of "
                      "--shard); run nothing");
    cl.app().add_flag("--dry-run", a.dryRun,
                      "list the runs (point key, seed, run) and their count; run nothing");
    cl.app()
        .add_option("--index", a.index, "run only run I (0-based, as --list numbers them)")
        ->type_name("I");
    cl.app()
        .add_option("--shard", a.shardText, "run only the runs whose index mod N is K (0 <= K < N)")
        ->type_name("K/N");
    cl.app()
        .add_option("--journal", a.journalText,
                    "journal mode the database is left in: wal, delete, or auto (WAL for the "
                    "local sweep database, DELETE for --index/--shard)")
        ->type_name("MODE")
        ->default_str("auto")
        ->check(CLI::IsMember({"auto", "wal", "delete"}));
    cl.AddSet(a.overrides);
    cl.AddForce(a.force);
    cl.AddProgress(a.progress);
    cl.SetFooter(kFooter);
    if (auto done = cl.Parse(args, out, err))
    {
        return done;
    }
    if (files.empty())
    {
        return cl.UsageError(err, "missing scenario FILE");
    }
    a.file = files.front();
    a.journal = a.journalText == "wal"      ? Journal::Wal
                : a.journalText == "delete" ? Journal::Delete
                                            : Journal::Auto;
    if (a.list && a.dryRun)
    {
        return cl.UsageError(err, "--list and --dry-run are alternatives: give one");
    }
    if (a.index && a.shardText)
    {
        return cl.UsageError(err, "--index and --shard are alternatives: give one");
    }
    if (a.shardText && !ParseShard(*a.shardText, a.shardK, a.shardN))
    {
        return cl.UsageError(err, "--shard '" + *a.shardText +
                                      "': expected K/N with 0 <= K < N (0-based), e.g. 0/4");
    }
    if (a.index && (a.list || a.dryRun))
    {
        return cl.UsageError(err, "--index runs one run; --list/--dry-run take --shard instead");
    }
    if (a.out.empty() && !a.dryRun && !a.list)
    {
        return cl.UsageError(err, "--out DB is required (or --list, or --dry-run)");
    }
    if (a.list && a.out.empty())
    {
        a.out = "shard-{index}.db";
    }
    return std::nullopt;
}

} // namespace teepsim::cli::sweep
