// What the sweep writes into its database besides the runs: the sweep's identity (for `teepsim
// merge`) and the journal mode the file is left in.
#include <fmt/format.h>

#include "sim/results/statement.h"
#include "sim/sweep/sweep_steps.h"

namespace teepsim::cli::sweep
{

namespace
{
struct Connection
{
    sqlite3* db = nullptr;
    ~Connection() { sqlite3_close(db); }
};

Connection OpenExisting(const std::string& path)
{
    Connection c;
    if (sqlite3_open_v2(path.c_str(), &c.db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
    {
        results::Fail(c.db, fmt::format("opening '{}'", path));
    }
    sqlite3_busy_timeout(c.db, 60'000);
    return c;
}
} // namespace

void MarkSweep(const std::string& dbPath, const SweepPlanned& planned)
{
    Connection c = OpenExisting(dbPath);
    std::string overrides;
    for (const std::string& o : sim::CanonicalOverrides(planned.base.source))
    {
        overrides += (overrides.empty() ? "" : "\n") + o;
    }
    results::Stmt put(c.db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)");
    put.Bind(1, std::string_view("sweep_hash"))
        .Bind(2, std::string_view(planned.base.source.hash))
        .Run("writing meta");
    put.Bind(1, std::string_view("sweep_overrides"))
        .Bind(2, std::string_view(overrides))
        .Run("writing meta");
    put.Bind(1, std::string_view("sweep_runs"))
        .Bind(2, std::string_view(std::to_string(planned.plan.size())))
        .Run("writing meta");
}

void SetJournalMode(const std::string& dbPath, bool wal)
{
    Connection c = OpenExisting(dbPath);
    const char* want = wal ? "wal" : "delete";
    results::Stmt q(c.db, wal ? "PRAGMA journal_mode = WAL" : "PRAGMA journal_mode = DELETE");
    if (!q.Next("setting the journal mode") || q.Text(0) != want)
    {
        throw results::ResultsError(fmt::format(
            "results database: '{}' could not be switched to journal mode {}", dbPath, want));
    }
}

} // namespace teepsim::cli::sweep
