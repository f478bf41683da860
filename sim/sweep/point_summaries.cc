// point_summaries: replication means and 95% confidence intervals per sweep point, through the
// same statement wrapper as ResultsDb (sim/results/statement.h).
#include "teepsim/sim/sweep.h"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "sim/results/statement.h"

namespace teepsim::sim
{

double StudentT975(int df)
{
    if (df < 1)
    {
        return NAN;
    }
    return boost::math::quantile(boost::math::students_t(df), 0.975);
}

namespace
{
using results::Stmt;

// Closes the connection however the rebuild ends.
struct Connection
{
    sqlite3* db = nullptr;
    ~Connection() { sqlite3_close(db); }
};

void Exec(sqlite3* db, const char* sql, const char* what)
{
    char* msg = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &msg) != SQLITE_OK)
    {
        const std::string text = msg ? msg : sqlite3_errmsg(db);
        sqlite3_free(msg);
        throw results::ResultsError("results database: " + std::string(what) + ": " + text);
    }
}

// Per (scenario hash, metric, scope): the scenario name and the per-run means, one per
// (seed, run) of the point: a run completed twice (an old hand merge, a forced re-run) counts
// once, by its first completion, instead of adding a replication.
using Key = std::tuple<std::string, std::string, std::string>;
struct Group
{
    std::string name;
    std::vector<double> means;
};

std::map<Key, Group> ReadGroups(sqlite3* db)
{
    std::map<Key, Group> groups;
    Stmt q(db, "SELECT r.scenario_hash, r.scenario_name, s.metric, s.scope, s.mean "
               "FROM summaries s JOIN runs r ON r.id = s.run_id "
               "WHERE s.source = 'sim' AND s.mean IS NOT NULL AND r.id = ("
               "  SELECT MIN(f.id) FROM runs f WHERE f.status = 'ok' AND "
               "  f.scenario_hash = r.scenario_hash AND f.seed = r.seed AND f.run = r.run) "
               "ORDER BY r.id");
    while (q.Next("reading run summaries"))
    {
        Group& g = groups[{q.Text(0), q.Text(2), q.Text(3)}];
        g.name = q.Text(1);
        g.means.push_back(q.Double(4));
    }
    return groups;
}

void InsertGroups(sqlite3* db, const std::map<Key, Group>& groups)
{
    Stmt ins(db, "INSERT INTO point_summaries VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    for (const auto& [key, g] : groups)
    {
        const std::vector<double>& v = g.means;
        const double n = static_cast<double>(v.size());
        double mean = 0;
        for (double x : v)
        {
            mean += x / n;
        }
        double ss = 0;
        for (double x : v)
        {
            ss += (x - mean) * (x - mean);
        }
        std::optional<double> sd, low, high; // NULL with one replication
        if (v.size() > 1)
        {
            sd = std::sqrt(ss / (n - 1));
            const double half = StudentT975(static_cast<int>(v.size()) - 1) * *sd / std::sqrt(n);
            low = mean - half;
            high = mean + half;
        }
        ins.Bind(1, std::string_view(std::get<0>(key)))
            .Bind(2, std::string_view(g.name))
            .Bind(3, std::string_view(std::get<1>(key)))
            .Bind(4, std::string_view(std::get<2>(key)))
            .Bind(5, static_cast<int64_t>(v.size()))
            .Bind(6, mean)
            .Bind(7, sd)
            .Bind(8, low)
            .Bind(9, high)
            .Run("writing point_summaries");
    }
}
} // namespace

void WritePointSummaries(const std::string& dbPath)
{
    Connection c;
    if (sqlite3_open_v2(dbPath.c_str(), &c.db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
    {
        results::Fail(c.db, "opening '" + dbPath + "'");
    }
    sqlite3_busy_timeout(c.db, 60'000);
    Exec(c.db, "BEGIN IMMEDIATE", "starting the point_summaries transaction");
    try
    {
        Exec(c.db,
             "CREATE TABLE IF NOT EXISTS point_summaries(scenario_hash TEXT, "
             "scenario_name TEXT, metric TEXT, scope TEXT, replications INTEGER, "
             "mean REAL, sd REAL, ci95_low REAL, ci95_high REAL, "
             "PRIMARY KEY(scenario_hash, metric, scope));"
             "DELETE FROM point_summaries;",
             "clearing point_summaries");
        InsertGroups(c.db, ReadGroups(c.db));
        Exec(c.db, "COMMIT", "committing point_summaries");
    }
    catch (...)
    {
        sqlite3_exec(c.db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

} // namespace teepsim::sim
