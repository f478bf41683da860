// `teepsim report` hands its checked options to analysis/report.py (found in the source tree of
// this build) and passes on its output and exit code. The report itself is tested end to end by
// tests/analysis/test_report.py, which goes through this command.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/run_teepsim.h"

namespace
{

using namespace teepsim::test;

class ReportCommand : public TeepsimProcessTest
{
};

TEST_F(ReportCommand, HelpListsEveryOptionWithItsDefault)
{
    const ProcessResult r = Teepsim("report --help");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("usage: teepsim report DB... -o DIR [options]", 0), 0u) << r.out;
    for (const char* part : {"-o, --out DIR", "--threshold DURATION", "--formats LIST",
                             "(default: 1h)", "(default: png)", "/usr/bin/python3"})
    {
        EXPECT_NE(r.out.find(part), std::string::npos) << part << "\n" << r.out;
    }
}

TEST_F(ReportCommand, MissingDatabaseOrDirectoryIsAUsageError)
{
    ProcessResult r = Teepsim("report -o out");
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.err, "teepsim report: missing DB (see teepsim report --help)\n");
    r = Teepsim("report some.db");
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.err, "teepsim report: missing -o DIR (see teepsim report --help)\n");
}

// The script runs: its own check of the database file comes back with its exit code, and
// nothing is created.
TEST_F(ReportCommand, PassesTheScriptsErrorAndExitCodeThrough)
{
    const ProcessResult r = Teepsim("report no-such.db -o pages");
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_EQ(r.err, "report: no-such.db: no such database\n");
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_FALSE(std::filesystem::exists(m_dir / "pages"));
    EXPECT_FALSE(std::filesystem::exists(m_dir / "no-such.db"));
}

TEST_F(ReportCommand, AFileThatIsNotADatabaseIsRefused)
{
    std::ofstream(m_dir / "junk.db") << "not sqlite";
    const ProcessResult r = Teepsim("report junk.db -o pages --formats png,pdf");
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("junk.db: not a teepsim database"), std::string::npos) << r.err;
}

} // namespace
