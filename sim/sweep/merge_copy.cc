// Copying one shard into the merged database: one transaction per shard, run ids remapped,
// de-duplicated by run (scenario hash, seed, run). A run already present with identical results
// is kept once; a run present with different results is a conflict, and then nothing of the
// shard is copied (the transaction is rolled back).
#include "teepsim/sim/scenario.h"

#include <fmt/format.h>

#include <set>

#include "sim/results/statement.h"
#include "sim/scenario/knobs.h"
#include "sim/sweep/merge_steps.h"

namespace teepsim::cli::merge
{

namespace
{
using results::Stmt;

// Columns of runs that describe the machine, not the results: left out of the digest.
const std::set<std::string> kWallClockColumns = {"id", "started_at", "wall_seconds", "peak_rss_kib",
                                                 "teepsim_version"};

std::vector<std::string> Columns(sqlite3* db, const std::string& table)
{
    Stmt q(db, fmt::format("SELECT name FROM pragma_table_info('{}')", table).c_str());
    std::vector<std::string> cols;
    while (q.Next("reading columns"))
    {
        cols.push_back(q.Text(0));
    }
    return cols;
}

std::string Join(const std::vector<std::string>& parts, const std::string& sep)
{
    std::string s;
    for (const std::string& p : parts)
    {
        s += (s.empty() ? "" : sep) + p;
    }
    return s;
}

// Every value of the current row but column `skip`, type-tagged and exact (doubles in hex).
void AppendRow(const Stmt& q, int skip, std::string& out)
{
    for (int c = 0; c < q.Columns(); ++c)
    {
        if (c == skip)
        {
            continue;
        }
        switch (q.Type(c))
        {
            case SQLITE_NULL:
                out += "N";
                break;
            case SQLITE_INTEGER:
                out += fmt::format("I{}", q.Int(c));
                break;
            case SQLITE_FLOAT:
                out += fmt::format("F{:a}", q.Double(c));
                break;
            default:
                out += fmt::format("T{}:{}", q.Text(c).size(), q.Text(c));
                break;
        }
        out += '\x1f';
    }
    out += '\x1e';
}

void Exec(sqlite3* db, const std::string& sql, const char* what)
{
    char* msg = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK)
    {
        const std::string text = msg ? msg : sqlite3_errmsg(db);
        sqlite3_free(msg);
        throw results::ResultsError(fmt::format("results database: {}: {}", what, text));
    }
}

// 'file:' URI of a path, for ATTACH ... read-only.
std::string ReadOnlyUri(const std::string& path)
{
    std::string uri = "file:";
    for (char c : path)
    {
        if (c == '%' || c == '?' || c == '#')
        {
            uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
        }
        else
        {
            uri += c;
        }
    }
    return uri + "?mode=ro";
}

struct ShardRun
{
    int64_t id;
    RunId key;
    std::string status;
    std::string error;
};

std::string Describe(const RunId& id, const std::map<RunId, std::size_t>& indexOf,
                     const sim::SweepPlan& plan)
{
    const auto it = indexOf.find(id);
    const std::string where = fmt::format("seed {}, run {}, scenario hash {:.12}", std::get<1>(id),
                                          std::get<2>(id), std::get<0>(id));
    return it == indexOf.end()
               ? where
               : fmt::format("{} (index {}, {})", plan.Key(it->second), it->second, where);
}

// Copies run `from` of schema s into main; returns the new run id.
int64_t CopyRunWith(sqlite3* out, const std::vector<RunTable>& tables,
                    const std::vector<std::string>& runColumns, int64_t from)
{
    std::vector<std::string> cols;
    for (const std::string& c : runColumns)
    {
        if (c != "id")
        {
            cols.push_back(c);
        }
    }
    const std::string list = Join(cols, ", ");
    Stmt ins(out, fmt::format("INSERT INTO main.runs ({}) SELECT {} FROM s.runs WHERE id = ?1",
                              list, list)
                      .c_str());
    ins.Bind(1, from).Run("copying a run");
    const int64_t to = sqlite3_last_insert_rowid(out);
    for (const RunTable& t : tables)
    {
        std::vector<std::string> select;
        for (const std::string& c : t.columns)
        {
            select.push_back(c == "run_id" ? "?1" : c);
        }
        Stmt rows(out, fmt::format("INSERT INTO main.{} ({}) SELECT {} FROM s.{} WHERE run_id = ?2",
                                   t.name, Join(t.columns, ", "), Join(select, ", "), t.name)
                           .c_str());
        rows.Bind(1, to).Bind(2, from).Run(fmt::format("copying {}", t.name));
    }
    return to;
}

} // namespace

int64_t CopyRun(sqlite3* out, const std::vector<RunTable>& tables, int64_t from)
{
    return CopyRunWith(out, tables, Columns(out, "runs"), from);
}

std::vector<RunTable> RunTables(sqlite3* db)
{
    std::vector<RunTable> tables;
    Stmt q(db, "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT IN "
               "('runs', 'meta', 'point_summaries') AND name NOT LIKE 'sqlite_%' ORDER BY name");
    std::vector<std::string> names;
    while (q.Next("listing tables"))
    {
        names.push_back(q.Text(0));
    }
    for (const std::string& name : names)
    {
        std::vector<std::string> cols = Columns(db, name);
        if (std::find(cols.begin(), cols.end(), "run_id") != cols.end())
        {
            tables.push_back({name, std::move(cols)});
        }
    }
    return tables;
}

std::string RunDigest(sqlite3* db, const std::string& schema, const std::vector<RunTable>& tables,
                      int64_t runId)
{
    std::string data;
    std::vector<std::string> runCols;
    for (const std::string& c : Columns(db, "runs"))
    {
        if (!kWallClockColumns.contains(c))
        {
            runCols.push_back(c);
        }
    }
    {
        Stmt q(db, fmt::format("SELECT {} FROM {}.runs WHERE id = ?1", Join(runCols, ", "), schema)
                       .c_str());
        q.Bind(1, runId);
        while (q.Next("reading a run"))
        {
            AppendRow(q, -1, data);
        }
    }
    for (const RunTable& t : tables)
    {
        std::vector<std::string> order;
        int skip = -1;
        for (std::size_t c = 0; c < t.columns.size(); ++c)
        {
            order.push_back(std::to_string(c + 1));
            if (t.columns[c] == "run_id")
            {
                skip = static_cast<int>(c);
            }
        }
        Stmt q(db, fmt::format("SELECT {} FROM {}.{} WHERE run_id = ?1 ORDER BY {}",
                               Join(t.columns, ", "), schema, t.name, Join(order, ", "))
                       .c_str());
        q.Bind(1, runId);
        data += t.name + '\x1d';
        while (q.Next(fmt::format("reading {}", t.name)))
        {
            AppendRow(q, skip, data);
        }
    }
    return sim::detail::Sha256Hex(data);
}

CopyReport CopyShard(sqlite3* out, const std::vector<RunTable>& tables, const std::string& outPath,
                     const std::string& shardPath, const std::map<RunId, std::size_t>& indexOf,
                     const sim::SweepPlan& plan, Provenance& provenance)
{
    CopyReport report;
    {
        Stmt attach(out, "ATTACH DATABASE ?1 AS s");
        attach.Bind(1, std::string_view(ReadOnlyUri(shardPath))).Run("attaching the shard");
    }
    Provenance added; // provenance of this shard's runs, kept only when it commits
    try
    {
        Exec(out, "BEGIN IMMEDIATE", "starting the shard's transaction");
        std::vector<ShardRun> runs;
        {
            Stmt q(out, "SELECT id, scenario_hash, seed, run, status, COALESCE(error, '') "
                        "FROM s.runs ORDER BY id");
            while (q.Next("reading the shard's runs"))
            {
                runs.push_back({q.Int(0), {q.Text(1), q.Int(2), q.Int(3)}, q.Text(4), q.Text(5)});
            }
        }
        const std::vector<std::string> runColumns = Columns(out, "runs");
        Stmt present(out, "SELECT id, status FROM main.runs WHERE scenario_hash = ?1 AND "
                          "seed = ?2 AND run = ?3 ORDER BY id");
        for (const ShardRun& r : runs)
        {
            if (!indexOf.contains(r.key))
            {
                report.refusal = fmt::format("run {} is not a run of this sweep (other --set "
                                             "values or seed): nothing from {} copied",
                                             Describe(r.key, indexOf, plan), shardPath);
                break;
            }
            const std::string digest = RunDigest(out, "s", tables, r.id);
            bool identical = false, hasOk = false, conflict = false;
            present.Bind(1, std::string_view(std::get<0>(r.key)))
                .Bind(2, std::get<1>(r.key))
                .Bind(3, std::get<2>(r.key));
            std::vector<std::pair<int64_t, std::string>> existing;
            while (present.Next("looking the run up"))
            {
                existing.emplace_back(present.Int(0), present.Text(1));
            }
            present.Reset();
            for (const auto& [id, status] : existing)
            {
                hasOk = hasOk || status == "ok";
                if (RunDigest(out, "main", tables, id) == digest)
                {
                    identical = true;
                }
                else if (status == "ok" && r.status == "ok")
                {
                    conflict = true;
                }
            }
            if (r.status == "failed")
            {
                // A failure is worth keeping only while no completion or same failure exists.
                if (hasOk || identical)
                {
                    ++report.failedSkipped;
                    continue;
                }
                CopyRunWith(out, tables, runColumns, r.id);
                ++report.failedCopied;
                continue;
            }
            if (identical)
            {
                ++report.identical;
                continue;
            }
            if (conflict)
            {
                const auto from = provenance.find(r.key);
                const auto fromHere = added.find(r.key);
                const std::string other = fromHere != added.end()    ? fromHere->second
                                          : from != provenance.end() ? from->second
                                                                     : outPath;
                report.refusal =
                    fmt::format("conflicting results for run {}: {} and {} differ; nothing from "
                                "{} copied",
                                Describe(r.key, indexOf, plan), other, shardPath, shardPath);
                break;
            }
            CopyRunWith(out, tables, runColumns, r.id);
            added.emplace(r.key, shardPath);
            ++report.copied;
        }
        Exec(out, report.refusal.empty() ? "COMMIT" : "ROLLBACK", "ending the shard's transaction");
    }
    catch (...)
    {
        sqlite3_exec(out, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_exec(out, "DETACH DATABASE s", nullptr, nullptr, nullptr);
        throw;
    }
    Exec(out, "DETACH DATABASE s", "detaching the shard");
    if (report.refusal.empty())
    {
        provenance.insert(added.begin(), added.end());
    }
    else
    {
        report.copied = report.identical = report.failedCopied = report.failedSkipped = 0;
    }
    return report;
}

} // namespace teepsim::cli::merge
