// `teepsim merge OUT.db SHARD.db...` (see --help): combines the databases of a sweep's shards
// (`teepsim sweep --index/--shard`) into one, checking each shard first and de-duplicating by
// run, then rebuilds the point summaries and lists the runs of the sweep still missing. Re-run
// it as more shards arrive: what is already in OUT is kept once.
#include "teepsim/sim/cli.h"
#include "teepsim/sim/results.h"
#include "teepsim/sim/scenario.h"
#include "teepsim/sim/sweep.h"

#include <fmt/format.h>

#include <filesystem>
#include <ostream>

#include "sim/cli/common/command_line.h"
#include "sim/results/statement.h"
#include "sim/sweep/merge_steps.h"
#include "sim/sweep/sweep_steps.h"

namespace teepsim::cli
{

namespace merge
{
namespace
{

constexpr const char* kDescription =
    "Merges the databases of a sweep's shards (`teepsim sweep FILE --index I` or `--shard K/N`) "
    "into OUT, which may already hold runs of the same sweep (run it again as more shards "
    "arrive). Each shard is checked before anything of it is copied, and copied in one "
    "transaction; runs are de-duplicated by run (scenario hash, seed, run number). Then the "
    "point summaries are rebuilt over the replications and the runs of the sweep still "
    "missing are listed.";

constexpr const char* kFooter =
    "per shard (stdout): `merge: SHARD: N runs copied, D duplicate, identical: kept once`, or\n"
    "  on stderr `teepsim merge: SHARD: refused: WHY` with nothing of it copied, when it is\n"
    "  not an SQLite database, fails integrity_check, has another schema version, holds a\n"
    "  run without its completion marker, comes from another scenario text or --set, holds\n"
    "  a run outside the sweep, or holds a run whose results differ from the same run\n"
    "  already merged (`conflicting results for run KEY: FILE and SHARD differ`).\n"
    "missing runs (stdout), one line each: `missing<TAB>INDEX<TAB>RUN_KEY` (INDEX as in\n"
    "  `teepsim sweep FILE --list`), with `<TAB>failed: WHY` when a failed attempt is recorded.\n"
    "exit status: 0 every shard merged and the sweep complete; 3 every shard merged but runs\n"
    "  missing; 2 usage error or a shard refused (the others are merged: fix or drop it and\n"
    "  run merge again); 1 OUT could not be written.";

struct MergeArgs
{
    std::string out;
    std::vector<std::string> shards;
    std::string journal = "delete";
};

// The connection the copy runs on: URIs allowed (the shards are attached read-only).
struct Connection
{
    sqlite3* db = nullptr;
    ~Connection() { sqlite3_close(db); }
};

void WriteIdentity(sqlite3* db, const SweepIdentity& id, std::size_t runs)
{
    std::string overrides;
    for (const std::string& o : id.overrides)
    {
        overrides += (overrides.empty() ? "" : "\n") + o;
    }
    results::Stmt put(db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)");
    put.Bind(1, std::string_view("sweep_hash")).Bind(2, std::string_view(id.hash)).Run("meta");
    put.Bind(1, std::string_view("sweep_overrides"))
        .Bind(2, std::string_view(overrides))
        .Run("meta");
    put.Bind(1, std::string_view("sweep_runs"))
        .Bind(2, std::string_view(std::to_string(runs)))
        .Run("meta");
}

// The sweep the identity describes, and where each of its runs is by (hash, seed, run).
struct Expanded
{
    sim::SweepPlan plan;
    std::map<RunId, std::size_t> indexOf;
};

std::optional<Expanded> Expand(const SweepIdentity& id, std::ostream& err)
{
    sim::LoadResult loaded =
        sim::LoadScenarioText(id.scenarioText, "<stored scenario>", id.overrides);
    std::vector<sim::Diagnostic> diagnostics;
    Expanded e;
    if (loaded.ok())
    {
        e.plan = sim::SweepPlan::Make(loaded.scenario, diagnostics);
    }
    if (!loaded.ok() || e.plan.size() == 0)
    {
        const auto& all = loaded.ok() ? diagnostics : loaded.diagnostics;
        err << "teepsim merge: the scenario stored in the shards does not load with this "
               "teepsim: "
            << (all.empty() ? "no runs" : all.front().ToString()) << "\n";
        return std::nullopt;
    }
    for (std::size_t i = 0; i < e.plan.size(); ++i)
    {
        const sim::Scenario s = e.plan.Run(i).scenario;
        e.indexOf.emplace(
            RunId{s.source.hash, static_cast<int64_t>(s.seed), static_cast<int64_t>(s.run)}, i);
    }
    return e;
}

// Lists the runs of the sweep without a completed run in OUT; returns how many.
std::size_t ReportMissing(sqlite3* db, const Expanded& e, std::ostream& out)
{
    std::map<RunId, std::string> status; // "ok" wins over a failure's first line
    results::Stmt q(db, "SELECT scenario_hash, seed, run, status, COALESCE(error, '') FROM runs "
                        "ORDER BY id");
    while (q.Next("reading runs"))
    {
        std::string& s = status[RunId{q.Text(0), q.Int(1), q.Int(2)}];
        if (s != "ok")
        {
            s = q.Text(3) == "ok" ? "ok" : "failed: " + q.Text(4).substr(0, q.Text(4).find('\n'));
        }
    }
    std::vector<std::string> missing(e.plan.size());
    std::size_t n = 0;
    for (const auto& [id, index] : e.indexOf)
    {
        const auto it = status.find(id);
        if (it == status.end() || it->second != "ok")
        {
            missing[index] = it == status.end() ? "-" : it->second;
            ++n;
        }
    }
    for (std::size_t i = 0; i < missing.size(); ++i)
    {
        if (!missing[i].empty())
        {
            out << "missing\t" << i << '\t' << e.plan.Key(i)
                << (missing[i] == "-" ? "" : "\t" + missing[i]) << '\n';
        }
    }
    return n;
}

std::string IntegrityOf(sqlite3* db)
{
    results::Stmt q(db, "PRAGMA integrity_check");
    return q.Next("integrity_check") ? q.Text(0) : "no answer";
}

int Merge(const MergeArgs& a, std::ostream& out, std::ostream& err)
{
    // 1. Inspect every shard before OUT is touched.
    std::vector<Shard> accepted;
    bool refused = false;
    for (const std::string& path : a.shards)
    {
        auto inspected = Inspect(path);
        if (const auto* why = std::get_if<std::string>(&inspected))
        {
            err << "teepsim merge: " << path << ": refused: " << *why
                << "; nothing from it copied\n";
            refused = true;
            continue;
        }
        accepted.push_back(std::get<Shard>(std::move(inspected)));
    }
    // 2. The sweep: OUT's when it already holds runs, else the first shard's with runs.
    std::optional<SweepIdentity> reference;
    std::string referenceFrom;
    std::error_code ec;
    const bool existed = std::filesystem::exists(a.out, ec);
    {
        results::ResultsDb created = results::ResultsDb::Open(a.out); // schema, version check
    }
    Connection c;
    if (sqlite3_open_v2(a.out.c_str(), &c.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, nullptr) !=
        SQLITE_OK)
    {
        results::Fail(c.db, fmt::format("opening '{}'", a.out));
    }
    sqlite3_busy_timeout(c.db, 60'000);
    reference = IdentityOf(c.db, "main");
    referenceFrom = a.out;
    for (const Shard& s : accepted)
    {
        if (!reference && s.identity)
        {
            reference = s.identity;
            referenceFrom = s.path;
        }
    }
    if (!reference)
    {
        err << "teepsim merge: no runs in " << a.out << " or any shard: nothing to merge\n";
        if (!existed)
        {
            // Nothing was merged: leave no empty database behind.
            sqlite3_close(c.db);
            c.db = nullptr;
            for (const char* suffix : {"", "-wal", "-shm", "-journal"})
            {
                std::filesystem::remove(a.out + suffix, ec);
            }
        }
        return kBadInput;
    }
    const std::optional<Expanded> sweep = Expand(*reference, err);
    if (!sweep)
    {
        return kBadInput;
    }
    WriteIdentity(c.db, *reference, sweep->plan.size());
    // 3. Copy shard by shard.
    const std::vector<RunTable> tables = RunTables(c.db);
    Provenance provenance;
    for (const Shard& s : accepted)
    {
        if (s.identity && s.identity->hash != reference->hash)
        {
            err << "teepsim merge: " << s.path
                << ": refused: from another scenario (scenario text or --set differ from "
                << referenceFrom << "); nothing from it copied\n";
            refused = true;
            continue;
        }
        const CopyReport r =
            CopyShard(c.db, tables, a.out, s.path, sweep->indexOf, sweep->plan, provenance);
        if (!r.refusal.empty())
        {
            err << "teepsim merge: " << s.path << ": refused: " << r.refusal << "\n";
            refused = true;
            continue;
        }
        out << "merge: " << s.path << ": " << r.copied << " runs copied";
        if (r.identical > 0)
        {
            out << ", " << r.identical << " duplicate, identical: kept once";
        }
        if (r.failedCopied + r.failedSkipped > 0)
        {
            out << ", " << r.failedCopied << " failed attempts copied, " << r.failedSkipped
                << " failed attempts skipped (completed or already recorded)";
        }
        out << "\n";
    }
    // 4. Summaries over replications, views over the copied parameter keys, what is missing,
    // a file any client opens.
    sim::WritePointSummaries(a.out);
    results::ResultsDb::Open(a.out).RefreshViews();
    const std::size_t missing = ReportMissing(c.db, *sweep, out);
    out << "merge: " << a.out << ": " << sweep->plan.size() - missing << " of "
        << sweep->plan.size() << " runs of the sweep complete"
        << (missing > 0 ? ", " + std::to_string(missing) + " missing" : "") << "\n"
        << std::flush;
    if (const std::string check = IntegrityOf(c.db); check != "ok")
    {
        err << "teepsim merge: " << a.out << ": integrity_check failed after the merge: " << check
            << "\n";
        return kFailed;
    }
    sqlite3_close(c.db);
    c.db = nullptr;
    sweep::SetJournalMode(a.out, a.journal == "wal");
    return refused ? kBadInput : missing > 0 ? kIncomplete : kComplete;
}

} // namespace
} // namespace merge

int MergeCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    merge::MergeArgs a;
    std::vector<std::string> files;
    cli::CommandLine cl("merge", "OUT.db SHARD.db... [--journal delete|wal]", merge::kDescription);
    cl.Positionals("DB", "OUT.db, the merged database (created if absent), then the SHARD.db files",
                   files, SIZE_MAX);
    cl.app()
        .add_option("--journal", a.journal,
                    "journal mode OUT is left in: delete (one file, for any SQLite client and "
                    "network file systems) or wal")
        ->type_name("delete|wal")
        ->default_str("delete")
        ->check(CLI::Validator(
            [](std::string& v) -> std::string
            { return v == "delete" || v == "wal" ? "" : "needs delete or wal, got '" + v + "'"; },
            "")); // no description: CLI11 would append it to the value's name
    cl.SetFooter(merge::kFooter);
    if (auto done = cl.Parse(args, out, err))
    {
        return *done;
    }
    if (files.size() < 2)
    {
        return cl.UsageError(err, files.empty() ? "missing OUT.db and SHARD.db"
                                                : "missing SHARD.db (give at least one shard)");
    }
    a.out = files.front();
    a.shards.assign(files.begin() + 1, files.end());
    std::error_code ec;
    for (const std::string& s : a.shards)
    {
        if (std::filesystem::equivalent(s, a.out, ec))
        {
            return cl.UsageError(err, "shard '" + s + "' is the output database itself");
        }
    }
    try
    {
        return merge::Merge(a, out, err);
    }
    catch (const std::exception& e)
    {
        err << "teepsim merge: " << a.out << ": " << e.what() << "\n";
        return merge::kFailed;
    }
}

} // namespace teepsim::cli
