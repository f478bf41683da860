// Shared by the results tests: fresh database paths under the build tree and plain queries on
// their own read-only connection (every value as text, NULL as "NULL").
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

namespace teepsim::results::test
{

using Rows = std::vector<std::vector<std::string>>;

inline std::string FreshPath(const std::string& name)
{
    const auto dir = std::filesystem::path(TEEPSIM_BINARY_DIR) / "results-test";
    std::filesystem::create_directories(dir);
    const auto p = dir / (name + ".sqlite");
    for (const char* suffix : {"", "-wal", "-shm"})
    {
        std::filesystem::remove(p.string() + suffix);
    }
    return p.string();
}

inline Rows Query(const std::string& path, const std::string& sql)
{
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db) << "\n"
        << sql;
    Rows rows;
    while (st && sqlite3_step(st) == SQLITE_ROW)
    {
        auto& row = rows.emplace_back();
        for (int c = 0; c < sqlite3_column_count(st); ++c)
        {
            const auto* t = sqlite3_column_text(st, c);
            row.emplace_back(t ? reinterpret_cast<const char*>(t) : "NULL");
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rows;
}

inline std::string One(const std::string& path, const std::string& sql)
{
    const auto rows = Query(path, sql);
    return rows.empty() || rows[0].empty() ? "<none>" : rows[0][0];
}

/// Runs statements that change the file (test set-up), failing the test on an error.
inline void Exec(const std::string& path, const std::string& sql)
{
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "") << "\n" << sql;
    sqlite3_free(err);
    sqlite3_close(db);
}

} // namespace teepsim::results::test
