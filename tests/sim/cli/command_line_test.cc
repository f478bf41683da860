// The shared command line of the `teepsim` binary: --version, no arguments, GNU option
// spellings, complete --help, one-line usage errors with exit 2 worded alike in every
// subcommand, and the plain progress lines of --progress always.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/run_teepsim.h"

namespace
{

using namespace teepsim::test;

class TeepsimCommandLine : public TeepsimProcessTest
{
  protected:
    std::string Db(const std::string& name) const { return (m_dir / name).string(); }
};

int Lines(const std::string& s)
{
    return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

TEST_F(TeepsimCommandLine, VersionPrintsTheVersionAndTheGitCommit)
{
    const ProcessResult r = Teepsim("--version");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(
        std::regex_match(r.out, std::regex(std::string("teepsim ") + TEEPSIM_VERSION +
                                           R"( \(commit ([0-9a-f]{7,40}(-dirty)?|unknown)\)\n)")))
        << r.out;
    EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST_F(TeepsimCommandLine, NoArgumentsPrintsTheTopLevelHelpAndExitsTwo)
{
    const ProcessResult r = Teepsim("");
    EXPECT_EQ(r.code, 2);
    for (const char* part : {"usage: teepsim <command>", "run", "sweep", "validate", "analytic",
                             "decode", "--version", "--help"})
    {
        EXPECT_NE(r.err.find(part), std::string::npos) << part << "\n" << r.err;
    }
    const ProcessResult help = Teepsim("--help");
    EXPECT_EQ(help.code, 0);
    EXPECT_EQ(help.out, r.err) << "`teepsim` alone prints the same help as `teepsim --help`";
}

// `--opt=value` and `--opt value` are the same: both runs store seed 7, run 3 and the override.
TEST_F(TeepsimCommandLine, RunTakesOptionValuesWithAndWithoutEquals)
{
    const std::string file = kFixtures + "e2e_small.yaml";
    const ProcessResult joined = Teepsim("run " + file + " --out=" + Db("eq.db") +
                                         " --seed=7 --run=3 --set=verifier.validity=2h --quiet");
    ASSERT_EQ(joined.code, 0) << joined.err;
    const ProcessResult spaced = Teepsim("run --out " + Db("sp.db") +
                                         " --seed 7 --run 3 --set verifier.validity=2h -q " + file);
    ASSERT_EQ(spaced.code, 0) << spaced.err;
    EXPECT_TRUE(joined.out.empty() && spaced.out.empty()) << "--quiet prints no summary";
    const char* kSql = "SELECT seed, run, (SELECT value FROM run_params WHERE key = "
                       "'verifier.validity') FROM runs";
    const SqlRows a = QueryRows(Db("eq.db"), kSql), b = QueryRows(Db("sp.db"), kSql);
    ASSERT_TRUE(a.error.empty() && b.error.empty()) << a.error << b.error;
    EXPECT_EQ(a.rows, std::vector<std::string>{"7|3|2h|"});
    EXPECT_EQ(a.rows, b.rows);
}

TEST_F(TeepsimCommandLine, HelpOfEveryCommandListsEachOptionWithItsMeaning)
{
    const std::vector<std::pair<std::string, std::vector<std::string>>> kOptions = {
        {"run",
         {"-q, --quiet", "--out DB", "--seed N", "--run N", "--set KEY=VALUE", "--force",
          "--progress auto|always|never", "--progress-interval SECONDS", "-h, --help"}},
        {"sweep",
         {"--out DB", "--jobs N", "--dry-run", "--set KEY=VALUE", "--force",
          "--progress auto|always|never", "--progress-interval SECONDS", "-h, --help"}},
        {"validate", {"--set KEY=VALUE", "-h, --help"}},
        {"analytic", {"--set KEY=VALUE", "-h, --help"}},
        {"decode", {"--profile draft26|legacy", "--key PATH", "--kek PATH", "--hex", "-h, --help"}},
    };
    for (const auto& [cmd, options] : kOptions)
    {
        SCOPED_TRACE(cmd);
        const ProcessResult r = Teepsim(cmd + " --help");
        EXPECT_EQ(r.code, 0) << r.err;
        EXPECT_EQ(r.out.rfind("usage: teepsim " + cmd + " ", 0), 0u) << r.out;
        for (const std::string& o : options)
        {
            // The option at the start of its line, then its meaning (on the next line when the
            // option is long).
            const std::string escaped = std::regex_replace(o, std::regex(R"([|])"), R"(\|)");
            EXPECT_TRUE(
                std::regex_search(r.out, std::regex("\n  " + escaped + R"([ \n]+[a-zA-Z(])")))
                << o << " missing or without meaning in\n"
                << r.out;
        }
    }
    // Defaults are stated.
    const ProcessResult sweep = Teepsim("sweep --help");
    EXPECT_NE(sweep.out.find("(default: 1)"), std::string::npos) << sweep.out;
    EXPECT_NE(sweep.out.find("(default: 30)"), std::string::npos) << sweep.out;
    EXPECT_NE(sweep.out.find("(default: auto)"), std::string::npos) << sweep.out;
}

struct UsageCase
{
    std::string name, args, reason; // reason: the text after "teepsim CMD: "
};

void PrintTo(const UsageCase& c, std::ostream* os)
{
    *os << "teepsim " << c.args;
}

class TeepsimUsageError : public TeepsimCommandLine, public testing::WithParamInterface<UsageCase>
{
};

// Exit 2, nothing on stdout, ONE line on stderr: "teepsim CMD: REASON (see teepsim CMD --help)".
TEST_P(TeepsimUsageError, ExitsTwoWithOneLine)
{
    const UsageCase& c = GetParam();
    const ProcessResult r = Teepsim(c.args);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(Lines(r.err), 1) << r.err;
    const std::string cmd = c.args.substr(0, c.args.find(' '));
    EXPECT_EQ(r.err, "teepsim " + cmd + ": " + c.reason + " (see teepsim " + cmd + " --help)\n");
}

const std::string kFile = TEEPSIM_SOURCE_DIR "/tests/sim/fixtures/e2e_small.yaml";

INSTANTIATE_TEST_SUITE_P(
    Cli, TeepsimUsageError,
    testing::Values(
        // --set without '=': the same words in every command that takes --set.
        UsageCase{"RunSetWithoutEquals", "run " + kFile + " --set verifier.validity",
                  "--set needs KEY=VALUE, got 'verifier.validity'"},
        UsageCase{"ValidateSetWithoutEquals", "validate " + kFile + " --set verifier.validity",
                  "--set needs KEY=VALUE, got 'verifier.validity'"},
        UsageCase{"SweepSetWithoutEquals", "sweep " + kFile + " --dry-run --set verifier.validity",
                  "--set needs KEY=VALUE, got 'verifier.validity'"},
        UsageCase{"AnalyticSetWithoutEquals", "analytic " + kFile + " --set=verifier.validity",
                  "--set needs KEY=VALUE, got 'verifier.validity'"},
        UsageCase{"RunSetWithoutValue", "run " + kFile + " --set", "--set needs a value"},
        UsageCase{"AnalyticSetWithoutValue", "analytic " + kFile + " --set", "--set needs a value"},
        UsageCase{"RunOutWithoutValue", "run " + kFile + " --out", "--out needs a value"},
        UsageCase{"RunUnknownOption", "run " + kFile + " --frobnicate",
                  "unknown option '--frobnicate'"},
        UsageCase{"SweepUnknownOption", "sweep " + kFile + " --frobnicate",
                  "unknown option '--frobnicate'"},
        UsageCase{"ValidateUnknownOption", "validate " + kFile + " --frobnicate",
                  "unknown option '--frobnicate'"},
        UsageCase{"DecodeUnknownOption", "decode --frobnicate x", "unknown option '--frobnicate'"},
        UsageCase{"RunBadSeed", "run " + kFile + " --seed abc",
                  "--seed needs an integer from 1 to 4294967295, got 'abc'"},
        UsageCase{"RunZeroSeed", "run " + kFile + " --seed=0",
                  "--seed needs an integer from 1 to 4294967295, got '0'"},
        UsageCase{"SweepZeroJobs", "sweep " + kFile + " --jobs 0 --dry-run",
                  "--jobs needs an integer from 1 to 1024, got '0'"},
        UsageCase{"RunBadProgress", "run " + kFile + " --progress sometimes",
                  "--progress needs auto, always or never, got 'sometimes'"},
        UsageCase{"RunNegativeInterval", "run " + kFile + " --progress-interval=-1",
                  "--progress-interval needs a number of seconds >= 0, got '-1'"},
        UsageCase{"RunMissingFile", "run --quiet", "missing scenario FILE"},
        UsageCase{"RunTwoFiles", "run a.yaml b.yaml",
                  "more than one FILE given ('a.yaml', 'b.yaml')"},
        UsageCase{"SweepWithoutOut", "sweep " + kFile,
                  "--out DB is required (or --list, or --dry-run)"}),
    [](const testing::TestParamInfo<UsageCase>& i) { return i.param.name; });

TEST_F(TeepsimCommandLine, UnknownCommandOrTopLevelOptionExitsTwoWithOneLine)
{
    const ProcessResult cmd = Teepsim("frobnicate");
    EXPECT_EQ(cmd.code, 2);
    EXPECT_EQ(cmd.err, "teepsim: unknown command 'frobnicate' (see teepsim --help)\n");
    const ProcessResult opt = Teepsim("--frobnicate");
    EXPECT_EQ(opt.code, 2);
    EXPECT_EQ(opt.err, "teepsim: unknown option '--frobnicate' (see teepsim --help)\n");
}

// --progress always with interval 0 writes a timestamped line for each progress report (about
// one per wall second) and one at the end to stderr even though it is a file; never writes none.
TEST_F(TeepsimCommandLine, ProgressAlwaysWritesTimestampedLinesToAFile)
{
    // e2e_small over two days: a second or two of wall time. Not --quiet, which silences
    // progress too; the summary goes to stdout.
    const std::string run = "run " + kFixtures + "e2e_small.yaml --set horizon=2d ";
    const ProcessResult r =
        Teepsim(run + "--out " + Db("p.db") + " --progress always --progress-interval 0");
    ASSERT_EQ(r.code, 0) << r.err;
    const std::regex stamp(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ )");
    const std::regex line(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ teepsim run: sim \S+ / \S+ )"
                          R"(\((\d+)%\), \d+k events/s, ETA (\d+ s|\d+ min|\d+h \d\dm|\?))");
    std::istringstream lines(r.err);
    std::string l;
    int progressLines = 0;
    std::string lastPercent;
    while (std::getline(lines, l))
    {
        if (std::regex_search(l, stamp)) // other stderr lines: theory warnings
        {
            std::smatch m;
            EXPECT_TRUE(std::regex_match(l, m, line)) << "not a progress line: " << l;
            lastPercent = m.empty() ? "" : m[1].str();
            ++progressLines;
        }
    }
    EXPECT_GE(progressLines, 1) << r.err;
    EXPECT_EQ(lastPercent, "100") << "the last line is the end of the run\n" << r.err;
    EXPECT_EQ(r.err.find('\r'), std::string::npos) << "plain lines are never redrawn";

    const ProcessResult never =
        Teepsim(run + "--out " + Db("n.db") + " --progress never --progress-interval 0");
    ASSERT_EQ(never.code, 0) << never.err;
    EXPECT_FALSE(std::regex_search(never.err, std::regex(R"(teepsim run: sim )"))) << never.err;
}

} // namespace
