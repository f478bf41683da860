// point_summaries: replication means and 95% confidence intervals per sweep point.
#include "teepsim/sim/sweep.h"

#include <sqlite3.h>

#include <cmath>
#include <map>
#include <stdexcept>
#include <tuple>
#include <vector>

namespace teepsim::sim
{

double StudentT975(int df)
{
    static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
                                   2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
                                   2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
                                   2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
    if (df < 1)
    {
        return NAN;
    }
    if (df <= 30)
    {
        return table[df - 1];
    }
    return 1.96 + 2.4 / df; // within 0.2% of the exact value above 30 degrees of freedom
}

namespace
{
void Check(int rc, sqlite3* db, const char* what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
        throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
    }
}
} // namespace

void WritePointSummaries(const std::string& dbPath)
{
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(dbPath.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
    {
        const std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        throw std::runtime_error("open " + dbPath + ": " + msg);
    }
    sqlite3_busy_timeout(db, 60000);
    try
    {
        Check(sqlite3_exec(db,
                           "BEGIN IMMEDIATE;"
                           "CREATE TABLE IF NOT EXISTS point_summaries(scenario_hash TEXT, "
                           "scenario_name TEXT, metric TEXT, scope TEXT, replications INTEGER, "
                           "mean REAL, sd REAL, ci95_low REAL, ci95_high REAL, "
                           "PRIMARY KEY(scenario_hash, metric, scope));"
                           "DELETE FROM point_summaries;",
                           nullptr, nullptr, nullptr),
              db, "point_summaries");
        using Key = std::tuple<std::string, std::string, std::string>;
        std::map<Key, std::pair<std::string, std::vector<double>>> groups;
        sqlite3_stmt* q = nullptr;
        Check(sqlite3_prepare_v2(db,
                                 "SELECT r.scenario_hash, r.scenario_name, s.metric, s.scope, "
                                 "s.mean FROM summaries s JOIN runs r ON r.id = s.run_id "
                                 "WHERE r.status = 'ok' AND s.source = 'sim' AND s.mean IS NOT "
                                 "NULL ORDER BY r.id",
                                 -1, &q, nullptr),
              db, "select summaries");
        while (sqlite3_step(q) == SQLITE_ROW)
        {
            auto text = [&](int i)
            {
                const unsigned char* t = sqlite3_column_text(q, i);
                return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
            };
            auto& g = groups[{text(0), text(2), text(3)}];
            g.first = text(1);
            g.second.push_back(sqlite3_column_double(q, 4));
        }
        sqlite3_finalize(q);
        sqlite3_stmt* ins = nullptr;
        Check(sqlite3_prepare_v2(db, "INSERT INTO point_summaries VALUES(?,?,?,?,?,?,?,?,?)", -1,
                                 &ins, nullptr),
              db, "insert point_summaries");
        for (const auto& [key, g] : groups)
        {
            const auto& v = g.second;
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
            sqlite3_reset(ins);
            sqlite3_bind_text(ins, 1, std::get<0>(key).c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 2, g.first.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 3, std::get<1>(key).c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 4, std::get<2>(key).c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(ins, 5, static_cast<sqlite3_int64>(v.size()));
            sqlite3_bind_double(ins, 6, mean);
            if (v.size() > 1)
            {
                const double sd = std::sqrt(ss / (n - 1));
                const double half = StudentT975(static_cast<int>(v.size()) - 1) * sd / std::sqrt(n);
                sqlite3_bind_double(ins, 7, sd);
                sqlite3_bind_double(ins, 8, mean - half);
                sqlite3_bind_double(ins, 9, mean + half);
            }
            else
            {
                sqlite3_bind_null(ins, 7);
                sqlite3_bind_null(ins, 8);
                sqlite3_bind_null(ins, 9);
            }
            Check(sqlite3_step(ins), db, "insert point_summaries");
        }
        sqlite3_finalize(ins);
        Check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
    }
    catch (...)
    {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_close(db);
        throw;
    }
    sqlite3_close(db);
}

} // namespace teepsim::sim
