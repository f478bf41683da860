// The one prepared-statement wrapper for the results database: ResultsDb, the sweep's
// point_summaries and `teepsim merge` all talk to SQLite through it, so every failure becomes a
// ResultsError naming the operation and SQLite's message.
#pragma once

#include "teepsim/sim/results.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace teepsim::results
{

[[noreturn]] inline void Fail(sqlite3* db, std::string_view what)
{
    throw ResultsError(
        fmt::format("results database: {}: {}", what, db ? sqlite3_errmsg(db) : "out of memory"));
}

// A prepared statement; Bind* use 1-based indices like SQLite, column getters 0-based.
class Stmt
{
  public:
    Stmt(sqlite3* db, const char* sql) : m_db(db)
    {
        if (sqlite3_prepare_v2(db, sql, -1, &m_stmt, nullptr) != SQLITE_OK)
        {
            Fail(db, fmt::format("preparing \"{:.40}...\"", sql));
        }
    }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    ~Stmt() { sqlite3_finalize(m_stmt); }

    Stmt& Bind(int i, int64_t v) { return Check(sqlite3_bind_int64(m_stmt, i, v)); }
    Stmt& Bind(int i, double v)
    {
        return Check(std::isfinite(v) ? sqlite3_bind_double(m_stmt, i, v)
                                      : sqlite3_bind_null(m_stmt, i));
    }
    Stmt& Bind(int i, std::string_view v)
    {
        return Check(
            sqlite3_bind_text(m_stmt, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    }
    template<typename T> Stmt& Bind(int i, const std::optional<T>& v)
    {
        return v ? Bind(i, *v) : Check(sqlite3_bind_null(m_stmt, i));
    }
    /// Runs an INSERT/UPDATE to completion and resets the statement for the next row.
    void Run(std::string_view what)
    {
        if (sqlite3_step(m_stmt) != SQLITE_DONE)
        {
            const std::string msg = sqlite3_errmsg(m_db);
            sqlite3_reset(m_stmt);
            throw ResultsError(fmt::format("results database: {}: {}", what, msg));
        }
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
    /// Steps a query: true while there is a row.
    bool Next(std::string_view what)
    {
        const int rc = sqlite3_step(m_stmt);
        if (rc == SQLITE_ROW)
        {
            return true;
        }
        if (rc != SQLITE_DONE)
        {
            Fail(m_db, what);
        }
        return false;
    }
    /// Rewinds a query so that it can be bound and stepped again.
    void Reset()
    {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
    int Columns() const { return sqlite3_column_count(m_stmt); }
    /// SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL.
    int Type(int col) const { return sqlite3_column_type(m_stmt, col); }
    bool IsNull(int col) const { return sqlite3_column_type(m_stmt, col) == SQLITE_NULL; }
    int64_t Int(int col) const { return sqlite3_column_int64(m_stmt, col); }
    double Double(int col) const { return sqlite3_column_double(m_stmt, col); }
    std::string Text(int col) const
    {
        const auto* p = sqlite3_column_text(m_stmt, col);
        return p ? std::string(reinterpret_cast<const char*>(p),
                               static_cast<size_t>(sqlite3_column_bytes(m_stmt, col)))
                 : "";
    }

  private:
    Stmt& Check(int rc)
    {
        if (rc != SQLITE_OK)
        {
            Fail(m_db, "binding a value");
        }
        return *this;
    }
    sqlite3* m_db;
    sqlite3_stmt* m_stmt = nullptr;
};

} // namespace teepsim::results
