// One bad file per validation error class: the exact FILE:LINE:COL diagnostic, nothing else, and
// `teepsim validate` exits 2 with one short clean line per problem, writes nothing, and stays
// within 1 GiB of address space and a time limit.
#include "teepsim/sim/scenario.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace teepsim::sim
{
namespace
{

std::string BadFile(const std::string& name)
{
    return std::string(TEEPSIM_SOURCE_DIR) + "/tests/sim/scenario/bad/" + name;
}

struct BadCase
{
    const char* file;
    const char* expected; // the diagnostic after "PATH:"
};

// Each file has exactly one problem; the diagnostic must be exactly this (line:col 1-based).
const BadCase kCases[] = {
    {"yaml_syntax.yaml", "3:29: error: YAML syntax: illegal flow end"},
    {"root_not_map.yaml",
     "1:1: error: a scenario must be a map of keys (e.g. 'horizon: 3d'), got a list"},
    {"unknown_key.yaml",
     "3:3: error: unknown key 'validty' in 'verifier' (did you mean 'validity'?)"},
    {"unknown_key_no_suggestion.yaml", "2:1: error: unknown key 'colour' in the top level"},
    {"duplicate_key.yaml",
     "4:3: error: duplicate key 'validity' in 'verifier' (first given at line 3)"},
    {"map_for_value.yaml",
     "2:13: error: 'verifier.validity' expects a duration (e.g. 90s), got a map"},
    {"value_for_section.yaml", "1:11: error: 'verifier' must be a map of keys, got a single value"},
    {"fleet_not_list.yaml",
     "2:3: error: 'fleet' must be a list (entries start with '- '), got a map"},
    {"missing_value.yaml", "1:1: error: 'horizon' expects a duration (e.g. 90s), got nothing"},
    {"bare_duration.yaml",
     "2:13: error: policy_check.interval: duration '3600' has no unit: write e.g. 90s "
     "(units: ns, us, ms, s, m, h or d)"},
    {"unknown_unit.yaml",
     "3:17: error: catalogue.0.image_size: unknown size unit 'KB' in '64KB' (use B, kB, MB, "
     "GB, KiB, MiB or GiB)"},
    {"bandwidth_zero.yaml",
     "3:38: error: fleet.0.link.bandwidth: must be greater than 0, got 0bps"},
    {"probability_range.yaml",
     "4:13: error: fleet.0.link.loss: probability '1.5' is outside [0, 1] (0% to 100%)"},
    {"seed_zero.yaml", "1:7: error: seed: must be at least 1, got 0"},
    {"jitter_range.yaml", "3:11: error: policy_check.jitter: must be in [0, 1), got 1"},
    {"bad_choice.yaml",
     "2:8: error: policy_check.law: unknown value 'exponentail': expected fixed, uniform-jitter "
     "or exponential (did you mean 'exponential'?)"},
    {"bad_bool.yaml", "3:10: error: fleet.0.ree: expected true or false, got 'yes'"},
    {"bad_name.yaml",
     "2:11: error: fleet.0.name: invalid name 'phones.eu': use letters, digits, '_' and '-'"},
    {"broker_mix_over_one.yaml",
     "4:13: error: class 'phones': broker fractions sum to 1.1, more than 1 (drop 0.6, "
     "drop_all 0.5, delay 0, suppress_timers 0, tamper 0)"},
    {"broker_honest_sum.yaml",
     "4:15: error: class 'phones': broker fractions sum to 0.7 (honest 0.5 + others 0.2), "
     "not 1"},
    {"no_ree_broker.yaml",
     "3:10: error: class 'sensors' has no REE (ree: false), so it has no Broker: its broker "
     "fractions must all be 0"},
    {"warmup_after_horizon.yaml", "2:9: error: warmup (1d) must end before the horizon (1d)"},
    {"t0_after_horizon.yaml", "3:7: error: malicious.t0 (1d) must be before the horizon (12h)"},
    {"t0_in_warmup.yaml",
     "4:7: error: malicious.t0 (6h) falls inside the warmup (12h); statistics would miss the "
     "event"},
    {"malicious_ta_missing.yaml",
     "5:7: error: malicious.ta 'walet' is not in the catalogue (wallet, payments); did "
     "you mean 'wallet'?"},
    {"retries_exceed_interval.yaml",
     "5:14: error: retries take 4 x 15m = 1h, not less than the policy-check "
     "interval (1h)"},
    {"duplicate_class.yaml", "3:11: error: duplicate device class name 'phones'"},
    {"empty_fleet.yaml", "1:1: error: the fleet needs at least one device class"},
    {"outage_overlap.yaml",
     "4:15: error: tam.outages.1 starts at 25h, before tam.outages.0 ends (26h): list outages "
     "in time order without overlap"},
    {"outage_after_horizon.yaml",
     "4:14: error: tam.outages.0 starts at 3d, not before the horizon (2d)"},
    {"sweep_unknown_key.yaml",
     "3:5: error: sweep.grid: unknown key 'validty' (did you mean 'validity'?)"},
    {"sweep_bad_value.yaml",
     "3:29: error: sweep.grid.verifier.validity: duration '4' has no unit: write e.g. 90s "
     "(units: ns, us, ms, s, m, h or d)"},
    {"sweep_zip_unequal.yaml",
     "2:8: error: sweep.zip needs lists of equal length: verifier.validity has 3 values, "
     "policy_check.interval has 2"},
    {"sweep_point_inconsistent.yaml",
     "5:29: error: sweep point policy_check.interval=30m: retries take 3 x 15m = "
     "45m, not less than the policy-check interval (30m)"},
};

class BadScenarioFile : public testing::TestWithParam<BadCase>
{
};

TEST_P(BadScenarioFile, GivesExactlyTheExpectedDiagnostic)
{
    const BadCase& c = GetParam();
    LoadResult r = LoadScenario(BadFile(c.file));
    EXPECT_FALSE(r.ok());
    std::string all;
    for (const Diagnostic& d : r.diagnostics)
    {
        all += d.ToString() + "\n";
    }
    ASSERT_EQ(r.diagnostics.size(), 1u) << all;
    EXPECT_EQ(r.diagnostics[0].ToString(), BadFile(c.file) + ":" + c.expected);
}

TEST_P(BadScenarioFile, ValidateExitsTwoAndPrintsTheDiagnosticOnStderr)
{
    const BadCase& c = GetParam();
    std::ostringstream out, err;
    EXPECT_EQ(ValidateCommand({BadFile(c.file)}, out, err), 2);
    EXPECT_EQ(out.str(), "");
    EXPECT_NE(err.str().find(BadFile(c.file) + ":" + c.expected + "\n"), std::string::npos)
        << err.str();
}

// What `teepsim validate FILE` did in a child process with limited resources.
struct LimitedRun
{
    bool exited = false;
    int code = -1;
    int signal = 0;
    std::string out, err;
    std::vector<std::string> written; // files the child created in its working directory
};

constexpr rlim_t kAddressSpaceLimit = rlim_t{1} << 30; // 1 GiB
constexpr unsigned kCpuSeconds = 20;                   // a hang guard, not a speed goal
constexpr unsigned kWallSeconds = 60;

// Runs ValidateCommand in a forked child under RLIMIT_AS = 1 GiB and a CPU and wall-clock limit,
// in an empty working directory (so that any database or other file it wrote is seen).
LimitedRun ValidateWithLimits(const std::string& file, const std::string& tag)
{
    namespace fs = std::filesystem;
    const fs::path root = fs::path(testing::TempDir()) / ("teepsim_bad_" + tag);
    const fs::path work = root / "work";
    fs::remove_all(root);
    fs::create_directories(work);
    const fs::path out_path = root / "out.txt", err_path = root / "err.txt";
    std::cout.flush();
    const pid_t pid = fork();
    if (pid == 0)
    {
        rlimit as{.rlim_cur = kAddressSpaceLimit, .rlim_max = kAddressSpaceLimit};
        rlimit cpu{.rlim_cur = kCpuSeconds, .rlim_max = kCpuSeconds};
        if (setrlimit(RLIMIT_AS, &as) != 0 || setrlimit(RLIMIT_CPU, &cpu) != 0 ||
            chdir(work.c_str()) != 0)
        {
            _exit(100);
        }
        alarm(kWallSeconds);
        std::ostringstream out, err;
        const int code = ValidateCommand({file}, out, err);
        std::ofstream(out_path, std::ios::binary) << out.str();
        std::ofstream(err_path, std::ios::binary) << err.str();
        _exit(code); // no gtest teardown in the child
    }
    LimitedRun r;
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
    {
        return r;
    }
    r.exited = WIFEXITED(status);
    r.code = r.exited ? WEXITSTATUS(status) : -1;
    r.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    auto slurp = [](const fs::path& p)
    {
        std::ifstream in(p, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    };
    r.out = slurp(out_path);
    r.err = slurp(err_path);
    for (const auto& entry : fs::recursive_directory_iterator(work))
    {
        r.written.push_back(entry.path().filename().string());
    }
    fs::remove_all(root);
    return r;
}

std::string Stem(const std::string& file)
{
    return file.substr(0, file.find('.'));
}

TEST_P(BadScenarioFile, ValidateStaysWithinLimitsAndPrintsShortCleanLines)
{
    const BadCase& c = GetParam();
    LimitedRun r = ValidateWithLimits(BadFile(c.file), Stem(c.file));
    ASSERT_TRUE(r.exited) << "killed by signal " << r.signal << " (" << strsignal(r.signal)
                          << "): over 1 GiB, " << kCpuSeconds << " s of CPU or " << kWallSeconds
                          << " s";
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_TRUE(r.written.empty()) << "validate wrote " << r.written.front();
    // The expected diagnostic (FILE:LINE:COL where there is a line) is the first line.
    EXPECT_TRUE(r.err.starts_with(BadFile(c.file) + ":" + c.expected + "\n")) << r.err;
    std::istringstream lines(r.err);
    std::string line;
    while (std::getline(lines, line))
    {
        EXPECT_LT(line.size(), 300u) << line;
        for (unsigned char ch : line)
        {
            ASSERT_TRUE(ch >= 0x20 && ch != 0x7F) << "control byte " << int(ch) << " in: " << line;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(ErrorClasses, BadScenarioFile, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<BadCase>& info)
                         {
                             std::string name = info.param.file;
                             name = name.substr(0, name.find('.'));
                             return name;
                         });

TEST(BadScenarioFiles, EveryFixtureIsCovered)
{
    // A fixture without a case above would be an untested error class.
    std::size_t fixtures = 0;
    for (const auto& entry : std::filesystem::directory_iterator(BadFile("")))
    {
        fixtures += entry.path().extension() == ".yaml";
    }
    EXPECT_EQ(fixtures, std::size(kCases));
}

TEST(BadScenarioFiles, AllErrorsAreCollectedNotOnlyTheFirst)
{
    const char* text = "horizon: 3\n"
                       "verifier:\n"
                       "  validty: 4h\n"
                       "fleet:\n"
                       "  - name: phones\n"
                       "    count: -1\n"
                       "    link: {bandwidth: 0bps}\n";
    LoadResult r = LoadScenarioText(text, "multi.yaml");
    ASSERT_EQ(r.diagnostics.size(), 4u);
    EXPECT_EQ(r.diagnostics[0].ToString(),
              "multi.yaml:1:10: error: horizon: duration '3' has no unit: write e.g. "
              "90s (units: ns, us, ms, s, m, h or d)");
    EXPECT_EQ(
        r.diagnostics[1].ToString(),
        "multi.yaml:3:3: error: unknown key 'validty' in 'verifier' (did you mean 'validity'?)");
    EXPECT_EQ(r.diagnostics[2].ToString(),
              "multi.yaml:6:12: error: fleet.0.count: must be at least 1, got -1");
    EXPECT_EQ(r.diagnostics[3].ToString(),
              "multi.yaml:7:23: error: fleet.0.link.bandwidth: must be greater than 0, got 0bps");
}

TEST(BadScenarioFiles, MissingFileIsAnErrorNotACrash)
{
    LoadResult r = LoadScenario("/nonexistent/teepsim.yaml");
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(r.diagnostics[0].ToString(),
              "/nonexistent/teepsim.yaml: error: cannot read the scenario file");
    std::ostringstream out, err;
    EXPECT_EQ(ValidateCommand({"/nonexistent/teepsim.yaml"}, out, err), 2);
}

} // namespace
} // namespace teepsim::sim
