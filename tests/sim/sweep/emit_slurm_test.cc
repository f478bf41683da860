// The pieces of `teepsim sweep --emit slurm` that do not need a scheduler: option checks (what
// Slurm would reject is refused here with one line), array specs, shell quoting of paths and
// overrides (checked by bash itself), the script's array line, task count and variables. The
// script's modes run against a fake sbatch in tests/slurm/emit_script_test.sh and on a real
// Slurm in tests/slurm/slurm_cluster_sweep.sh.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "sim/sweep/emit_slurm.h"

namespace
{

using namespace teepsim::cli;

SlurmOptions Emit()
{
    SlurmOptions o;
    o.emit = "slurm";
    return o;
}

SlurmSweep Sweep(size_t runs)
{
    SlurmSweep s;
    s.teepsim = "/opt/teepsim/bin/teepsim";
    s.scenarioFile = "/project/a/sweep.yaml";
    s.outDb = "/scratch/a/out.db";
    s.scenarioName = "sweep";
    s.runs = runs;
    return s;
}

/// What bash prints for `printf '%s\n' WORD...` with `words` pasted in as shell text.
std::string BashPrintf(const std::string& words)
{
    const std::string cmd = "bash -c " + ShellQuote("printf '%s|' " + words);
    std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
    std::string out;
    std::array<char, 256> buf{};
    size_t n = 0;
    while (p && (n = fread(buf.data(), 1, buf.size(), p.get())) > 0)
    {
        out.append(buf.data(), n);
    }
    return out;
}

TEST(EmitSlurm, ShellQuoteKeepsEveryByteOfOneWord)
{
    for (const std::string s : {"plain", "with space", "it's", "$HOME", "`id`", "a\\b", "\"q\"",
                                "two\nlines", "*", "", "'"})
    {
        EXPECT_EQ(BashPrintf(ShellQuote(s)), s + "|") << "input: " << s;
    }
    EXPECT_EQ(BashPrintf(ShellQuote("a b") + " " + ShellQuote("c")), "a b|c|");
}

TEST(EmitSlurm, ArraySpecCollapsesConsecutiveTasksIntoRanges)
{
    EXPECT_EQ(SlurmArraySpec({}), "");
    EXPECT_EQ(SlurmArraySpec({5}), "5");
    EXPECT_EQ(SlurmArraySpec({0, 1, 2, 3, 7, 9, 10}), "0-3,7,9-10");
    EXPECT_EQ(SlurmArraySpec({3, 17}), "3,17");
}

TEST(EmitSlurm, TaskCountRoundsUp)
{
    EXPECT_EQ(SlurmTaskCount(200, 1), 200u);
    EXPECT_EQ(SlurmTaskCount(200, 8), 25u);
    EXPECT_EQ(SlurmTaskCount(201, 8), 26u);
    EXPECT_EQ(SlurmTaskCount(3, 10), 1u);
}

TEST(EmitSlurm, AcceptsTheTimeMemoryAndPartitionFormsSlurmTakes)
{
    for (const char* t : {"30", "30:00", "2:00:00", "1-0", "1-12:00", "1-12:00:00", "UNLIMITED"})
    {
        SlurmOptions o = Emit();
        o.time = t;
        EXPECT_EQ(CheckSlurmOptions(o, "out.db"), std::nullopt) << t;
    }
    for (const char* m : {"0", "512", "500M", "2G", "1T", "64K"})
    {
        SlurmOptions o = Emit();
        o.mem = m;
        EXPECT_EQ(CheckSlurmOptions(o, "out.db"), std::nullopt) << m;
    }
    SlurmOptions o = Emit();
    o.partition = "short,long.q";
    EXPECT_EQ(CheckSlurmOptions(o, "out.db"), std::nullopt);
}

TEST(EmitSlurm, RefusesValuesSlurmWouldRejectNamingTheOption)
{
    struct Case
    {
        std::string SlurmOptions::*field;
        std::string value, option;
    };
    for (const Case& c :
         {Case{&SlurmOptions::time, "1 day", "--time"}, Case{&SlurmOptions::time, "2h", "--time"},
          Case{&SlurmOptions::mem, "2GB", "--mem"}, Case{&SlurmOptions::mem, "-1", "--mem"},
          Case{&SlurmOptions::partition, "a;rm -rf", "--partition"},
          Case{&SlurmOptions::partition, "a b", "--partition"}})
    {
        SlurmOptions o = Emit();
        o.*c.field = c.value;
        const auto bad = CheckSlurmOptions(o, "out.db");
        ASSERT_TRUE(bad.has_value()) << c.value;
        EXPECT_EQ(bad->rfind(c.option + " '" + c.value + "'", 0), 0u) << *bad;
    }
}

TEST(EmitSlurm, SlurmOptionsWithoutEmitAndEmitWithoutOutAreUsageErrors)
{
    SlurmOptions o;
    o.partition = "short";
    EXPECT_EQ(CheckSlurmOptions(o, "out.db"), std::string("--partition needs --emit slurm"));
    SlurmOptions r;
    r.runsPerTask = 4;
    EXPECT_TRUE(CheckSlurmOptions(r, "").has_value());
    r.resubmit = "merged.db";
    EXPECT_EQ(CheckSlurmOptions(r, ""), std::nullopt) << "--resubmit takes --runs-per-task";
    EXPECT_EQ(CheckSlurmOptions(Emit(), ""),
              std::string("--emit slurm needs --out DB (the merged database)"));
    EXPECT_EQ(CheckSlurmOptions(SlurmOptions{}, ""), std::nullopt);
}

TEST(EmitSlurm, ScriptArrayCoversEveryTaskWithTheThrottle)
{
    SlurmOptions o = Emit();
    o.runsPerTask = 8;
    o.maxParallel = 4;
    o.partition = "short";
    o.time = "0:10:00";
    o.mem = "1G";
    const std::string s = SlurmScript(Sweep(201), o);
    EXPECT_NE(s.find("\n#SBATCH --array=0-25%4\n"), std::string::npos);
    EXPECT_NE(s.find("\n#SBATCH --partition=short\n#SBATCH --time=0:10:00\n#SBATCH --mem=1G\n"),
              std::string::npos);
    EXPECT_NE(s.find("\nRUNS=201\nRUNS_PER_TASK=8\nTASKS=26\n"), std::string::npos);
    // The merge job (sbatch --wrap, which reads no #SBATCH line) gets the same options.
    EXPECT_NE(s.find("SBATCH_OPTIONS=(--ntasks=1 --cpus-per-task=1 '--partition=short' "
                     "'--time=0:10:00' '--mem=1G')"),
              std::string::npos);
    EXPECT_NE(s.find("SHARD_DIR='/scratch/a/out.db.shards'"), std::string::npos);
    // Every #SBATCH line comes before the first command, or sbatch ignores it.
    EXPECT_LT(s.rfind("\n#SBATCH "), s.find("\nset -uo pipefail"));
}

TEST(EmitSlurm, ResubmissionScriptListsOnlyTheGivenTasks)
{
    SlurmOptions o = Emit();
    o.maxParallel = 2;
    const std::string s = SlurmScript(Sweep(20), o, {3, 17, 18, 19});
    EXPECT_NE(s.find("\n#SBATCH --array=3,17-19%2\n"), std::string::npos);
    EXPECT_NE(s.find("\nARRAY='3,17-19'"), std::string::npos);
}

TEST(EmitSlurm, QuotesPathsAndOverridesAsSingleWords)
{
    SlurmSweep sw = Sweep(2);
    sw.scenarioFile = "/project/o'neil/my sweeps/$x.yaml";
    sw.overrides = {"fleet.count=10", "name=it's"};
    const std::string s = SlurmScript(sw, Emit());
    EXPECT_NE(s.find("\nSCENARIO='/project/o'\\''neil/my sweeps/$x.yaml'\n"), std::string::npos);
    EXPECT_NE(s.find("\nSETS=(--set 'fleet.count=10' --set 'name=it'\\''s')\n"), std::string::npos);
}

TEST(EmitSlurm, RefusesShardDirectoriesSbatchWouldExpandOrSplit)
{
    SlurmOptions o = Emit();
    o.shardDir = "/scratch/run%j";
    EXPECT_THROW(SlurmScript(Sweep(2), o), std::invalid_argument);
    o.shardDir = "/scratch/two\nlines";
    EXPECT_THROW(SlurmScript(Sweep(2), o), std::invalid_argument);
}

TEST(EmitSlurm, CompletedRunsOfAMissingDatabaseIsEmptyAndOfANonDatabaseAnError)
{
    EXPECT_TRUE(CompletedRuns("/nonexistent/dir/merged.db").empty());
    const std::string notDb = testing::TempDir() + "emit_slurm_not_a_db.txt";
    {
        std::unique_ptr<FILE, int (*)(FILE*)> f(fopen(notDb.c_str(), "w"), fclose);
        ASSERT_TRUE(f);
        fputs("this is not SQLite, only some text long enough to be read as a header......\n"
              "more text\n",
              f.get());
    }
    EXPECT_THROW(CompletedRuns(notDb), std::runtime_error);
    std::remove(notDb.c_str());
}

} // namespace
