// Helpers for end-to-end tests that run the built `teepsim` binary: a fixture with a fresh
// directory per test, running the binary with captured output, and reading result databases.
// Needs the TEEPSIM_SOURCE_DIR and TEEPSIM_BINARY_DIR macros (set by teepsim_add_tests).
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace teepsim::test
{

namespace fs = std::filesystem;

inline const std::string kTeepsim = TEEPSIM_BINARY_DIR "/teepsim";
inline const std::string kFixtures = TEEPSIM_SOURCE_DIR "/tests/sim/fixtures/";

/// What one run of the binary did.
struct ProcessResult
{
    int code = -1; // exit code; -1 when killed by a signal
    std::string out, err;
};

inline std::string ReadFile(const fs::path& p)
{
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

/// Runs `teepsim ARGS` (ARGS go through the shell) in `dir`, capturing stdout, stderr and the
/// exit code; the captured output is kept in dir/stdout.txt and dir/stderr.txt.
inline ProcessResult RunTeepsim(const fs::path& dir, const std::string& args)
{
    const fs::path out = dir / "stdout.txt", err = dir / "stderr.txt";
    const std::string cmd = "cd '" + dir.string() + "' && '" + kTeepsim + "' " + args + " >'" +
                            out.string() + "' 2>'" + err.string() + "'";
    const int status = std::system(cmd.c_str());
    ProcessResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = ReadFile(out);
    r.err = ReadFile(err);
    return r;
}

/// The rows of one query, or why there are none.
struct SqlRows
{
    std::vector<std::string> rows; // "a|b|" per row; NULL as "NULL", REAL in %a (bit-exact)
    std::string error;             // empty when the query ran
};

/// Runs `sql` on the database at `dbPath`, read-only, waiting up to 10 s for a writer's lock.
inline SqlRows QueryRows(const std::string& dbPath, const std::string& sql)
{
    SqlRows result;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(dbPath.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    {
        result.error = "cannot open " + dbPath;
        sqlite3_close(db);
        return result;
    }
    sqlite3_busy_timeout(db, 10000);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
    {
        result.error = sql + ": " + sqlite3_errmsg(db);
    }
    while (st != nullptr && sqlite3_step(st) == SQLITE_ROW)
    {
        std::string row;
        for (int c = 0; c < sqlite3_column_count(st); ++c)
        {
            char buf[64];
            switch (sqlite3_column_type(st, c))
            {
                case SQLITE_NULL:
                    row += "NULL";
                    break;
                case SQLITE_INTEGER:
                    row += std::to_string(sqlite3_column_int64(st, c));
                    break;
                case SQLITE_FLOAT:
                    std::snprintf(buf, sizeof buf, "%a", sqlite3_column_double(st, c));
                    row += buf;
                    break;
                default:
                    row += reinterpret_cast<const char*>(sqlite3_column_text(st, c));
            }
            row += "|";
        }
        result.rows.push_back(row);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return result;
}

/// A fresh, empty directory per test (named after the suite, the test and the process, so two
/// checkouts running the same tests at once do not share it), removed afterwards;
/// fails the test at once when the binary is not built.
class TeepsimProcessTest : public testing::Test
{
  protected:
    void SetUp() override
    {
        const auto* info = testing::UnitTest::GetInstance()->current_test_info();
        m_dir = fs::path(testing::TempDir()) / (std::string(info->test_suite_name()) + "_" +
                                                info->name() + "_" + std::to_string(getpid()));
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
        ASSERT_TRUE(fs::exists(kTeepsim)) << kTeepsim << " not built";
    }
    void TearDown() override { fs::remove_all(m_dir); }

    /// Runs `teepsim ARGS` in the test directory.
    ProcessResult Teepsim(const std::string& args) const { return RunTeepsim(m_dir, args); }

    fs::path m_dir;
};

} // namespace teepsim::test
