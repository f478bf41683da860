// A shard (--index, --shard, journal DELETE) is written through a staging copy in the local
// temporary directory: the runs write there (WAL, parallel children), and only the finished
// result reaches --out, which may be on a network file system where SQLite does not support
// WAL. A new --out appears at once complete (VACUUM INTO a temporary name, then rename), in
// DELETE mode; an existing one gets the new runs copied in one transaction, so that two
// processes publishing into the same file both keep their runs.
#include "teepsim/sim/sweep.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>

#include "sim/results/statement.h"
#include "sim/sweep/merge_steps.h"
#include "sim/sweep/sweep_steps.h"

namespace teepsim::cli::sweep
{

namespace
{
namespace fs = std::filesystem;

struct Connection
{
    sqlite3* db = nullptr;
    ~Connection() { sqlite3_close(db); }
};

Connection Open(const std::string& path)
{
    Connection c;
    if (sqlite3_open_v2(path.c_str(), &c.db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
    {
        results::Fail(c.db, fmt::format("opening '{}'", path));
    }
    sqlite3_busy_timeout(c.db, 60'000);
    return c;
}

void Exec(sqlite3* db, const char* sql, const char* what)
{
    char* msg = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &msg) != SQLITE_OK)
    {
        const std::string text = msg ? msg : sqlite3_errmsg(db);
        sqlite3_free(msg);
        throw results::ResultsError(fmt::format("results database: {}: {}", what, text));
    }
}

int64_t MaxRunId(const std::string& path)
{
    Connection c = Open(path);
    results::Stmt q(c.db, "SELECT COALESCE(MAX(id), 0) FROM runs");
    return q.Next("reading run ids") ? q.Int(0) : 0;
}
} // namespace

Staging::Staging(const std::string& out) : m_out(out)
{
    // Refuse now an --out that could not be published to, rather than after the runs.
    const fs::path parent = fs::absolute(out).parent_path();
    if (access(parent.c_str(), W_OK) != 0)
    {
        throw std::runtime_error("cannot write in " + parent.string() +
                                 " (missing directory or no permission)");
    }
    std::string dir = (fs::temp_directory_path() / "teepsim-shard-XXXXXX").string();
    if (mkdtemp(dir.data()) == nullptr)
    {
        throw std::runtime_error("cannot create a staging directory in " +
                                 fs::temp_directory_path().string());
    }
    m_dir = dir;
    m_path = (fs::path(dir) / "shard.db").string();
    std::error_code ec;
    if (fs::exists(out, ec))
    {
        // Resume: the runs already in --out are known to the staging copy (and not re-copied).
        fs::copy_file(out, m_path);
        results::ResultsDb::Open(m_path); // a teepsim database of this version, else throws
        m_baseline = MaxRunId(m_path);
    }
}

Staging::~Staging()
{
    std::error_code ec;
    fs::remove_all(m_dir, ec);
}

std::string Staging::Explain(std::string message) const
{
    for (size_t at = message.find(m_path); at != std::string::npos;
         at = message.find(m_path, at + m_out.size()))
    {
        message.replace(at, m_path.size(), m_out);
    }
    return message;
}

void Staging::Publish() const
{
    std::error_code ec;
    if (!fs::exists(m_path, ec))
    {
        return; // nothing was written
    }
    if (!fs::exists(m_out, ec))
    {
        const std::string partial = m_out + ".partial-" + std::to_string(getpid());
        fs::remove(partial, ec);
        {
            Connection c = Open(m_path);
            results::Stmt vacuum(c.db, "VACUUM INTO ?1");
            vacuum.Bind(1, std::string_view(partial)).Run("writing " + m_out);
        }
        fs::rename(partial, m_out, ec);
        if (ec)
        {
            fs::remove(partial);
            throw std::runtime_error("cannot rename " + partial + " to " + m_out + ": " +
                                     ec.message());
        }
        return;
    }
    Connection c = Open(m_out);
    {
        results::Stmt attach(c.db, "ATTACH DATABASE ?1 AS s");
        attach.Bind(1, std::string_view(m_path)).Run("attaching the staged shard");
    }
    const std::vector<merge::RunTable> tables = merge::RunTables(c.db);
    Exec(c.db, "BEGIN IMMEDIATE", "starting to publish the shard");
    try
    {
        std::vector<int64_t> ids;
        {
            results::Stmt q(c.db, "SELECT id FROM s.runs WHERE id > ?1 ORDER BY id");
            q.Bind(1, m_baseline);
            while (q.Next("reading the staged runs"))
            {
                ids.push_back(q.Int(0));
            }
        }
        for (int64_t id : ids)
        {
            merge::CopyRun(c.db, tables, id);
        }
        Exec(c.db, "COMMIT", "publishing the shard");
    }
    catch (...)
    {
        sqlite3_exec(c.db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
    Exec(c.db, "DETACH DATABASE s", "detaching the staged shard");
    sim::WritePointSummaries(m_out); // over every run now in --out, not only the staged ones
}

} // namespace teepsim::cli::sweep
