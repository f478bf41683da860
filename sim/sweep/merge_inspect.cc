// Checks a shard before anything of it is copied: an SQLite database that passes
// integrity_check, a teepsim schema of this version, complete runs, one scenario.
#include "teepsim/sim/results.h"
#include "teepsim/sim/scenario.h"

#include <fmt/format.h>

#include <filesystem>

#include "sim/results/statement.h"
#include "sim/sweep/merge_steps.h"

namespace teepsim::cli::merge
{

namespace
{
struct ReadOnly
{
    sqlite3* db = nullptr;
    ~ReadOnly() { sqlite3_close(db); }
};

// The first line of SQLite's message, for a one-line refusal.
std::string FirstLine(std::string s)
{
    return s.substr(0, s.find('\n'));
}

std::vector<std::string> SplitLines(const std::string& s)
{
    std::vector<std::string> out;
    size_t from = 0;
    while (from < s.size())
    {
        const size_t nl = s.find('\n', from);
        out.push_back(s.substr(from, nl == std::string::npos ? std::string::npos : nl - from));
        from = nl == std::string::npos ? s.size() : nl + 1;
    }
    return out;
}

std::string Check(sqlite3* db)
{
    results::Stmt integrity(db, "PRAGMA integrity_check");
    if (!integrity.Next("integrity_check") || integrity.Text(0) != "ok")
    {
        return "integrity_check failed (" + FirstLine(integrity.Text(0)) +
               "): a damaged or half-written file";
    }
    results::Stmt hasMeta(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND "
                              "name IN ('meta', 'runs')");
    if (!hasMeta.Next("listing tables") || hasMeta.Int(0) != 2)
    {
        return "an SQLite file but not a teepsim results database (no meta or runs table)";
    }
    results::Stmt version(db, "SELECT value FROM meta WHERE key = 'schema_version'");
    const std::string v = version.Next("reading the schema version") ? version.Text(0) : "none";
    if (v != std::to_string(results::kSchemaVersion))
    {
        return fmt::format("schema version {}; this teepsim merges version {} (write the shards "
                           "with the same teepsim as the merge)",
                           v, results::kSchemaVersion);
    }
    // A run is complete ('ok') only with its horizon and its devices, all written in the
    // run's one transaction: anything else is a file assembled by hand or cut short.
    results::Stmt partial(db, "SELECT id FROM runs WHERE status NOT IN ('ok', 'failed') OR "
                              "(status = 'ok' AND (horizon_ns IS NULL OR NOT EXISTS "
                              "(SELECT 1 FROM devices d WHERE d.run_id = runs.id))) LIMIT 1");
    if (partial.Next("checking runs"))
    {
        return fmt::format("run {} has no completion marker (status 'ok' with its horizon and "
                           "devices): a half-written shard",
                           partial.Int(0));
    }
    return {};
}
} // namespace

std::optional<SweepIdentity> IdentityOf(sqlite3* db, const std::string& schema)
{
    results::Stmt texts(
        db, fmt::format("SELECT DISTINCT scenario_text FROM {}.runs LIMIT 2", schema).c_str());
    std::vector<std::string> found;
    while (texts.Next("reading scenario texts"))
    {
        found.push_back(texts.Text(0));
    }
    if (found.empty())
    {
        return std::nullopt;
    }
    if (found.size() > 1)
    {
        throw results::ResultsError("holds runs of more than one scenario file (merge the "
                                    "shards of one sweep at a time)");
    }
    SweepIdentity id{.scenarioText = found.front(), .overrides = {}, .hash = {}};
    results::Stmt meta(
        db, fmt::format("SELECT value FROM {}.meta WHERE key = 'sweep_overrides'", schema).c_str());
    if (meta.Next("reading sweep_overrides"))
    {
        id.overrides = SplitLines(meta.Text(0));
    }
    id.hash = sim::ScenarioHash(id.scenarioText, id.overrides);
    return id;
}

std::variant<std::string, Shard> Inspect(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
    {
        return std::string("no such file");
    }
    ReadOnly c;
    if (sqlite3_open_v2(path.c_str(), &c.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    {
        return "cannot open: " + std::string(c.db ? sqlite3_errmsg(c.db) : "out of memory");
    }
    try
    {
        // The first read of a file that is not a database fails here ("file is not a
        // database"); a cut one fails here or in integrity_check.
        results::Stmt probe(c.db, "SELECT COUNT(*) FROM sqlite_master");
        probe.Next("reading the schema");
    }
    catch (const results::ResultsError&)
    {
        const std::string why = FirstLine(sqlite3_errmsg(c.db));
        return sqlite3_errcode(c.db) == SQLITE_NOTADB
                   ? "not an SQLite database (" + why + ")"
                   : "a damaged or half-written file (" + why + ")";
    }
    try
    {
        if (std::string why = Check(c.db); !why.empty())
        {
            return why;
        }
        Shard s{.path = path, .runs = 0, .identity = IdentityOf(c.db, "main")};
        results::Stmt n(c.db, "SELECT COUNT(*) FROM runs");
        n.Next("counting runs");
        s.runs = n.Int(0);
        return s;
    }
    catch (const results::ResultsError& e)
    {
        std::string what = e.what();
        const std::string prefix = "results database: ";
        return FirstLine(what.starts_with(prefix) ? what.substr(prefix.size()) : what);
    }
}

} // namespace teepsim::cli::merge
