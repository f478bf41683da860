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

#include "tests/support/test_names.h"

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
    {"status_validity_differs.yaml",
     "5:59: error: execution-time classes share one status service: tee.status_validity must "
     "equal fleet.0.tee.status_validity's"},
    {"empty_fleet.yaml", "1:1: error: the fleet needs at least one device class"},
    {"per_session_remediation.yaml",
     "3:29: error: tam.remediation_service_time needs tam.service: per-request (a per-session "
     "TAM charges 3 x tam.service_time at a session's opening request, before it knows the "
     "session removes a TA); remove it or set it to 0s"},
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
    // Files yaml-cpp reads silently or explains badly, limits, and more type/range errors.
    {"alias_bomb.yaml", "7:31: error: aliases expand the document to more than 1000000 values (an "
                        "alias bomb?): *e alone stands for 111111"},
    {"alias_error_site.yaml", "4:11: error: fleet.0.link.bandwidth: must be greater than 0, got "
                              "0bps (in *slow, the value anchored as &slow at line 1)"},
    {"alias_list_item_site.yaml",
     "4:5: error: fleet.1.name: invalid name 'bad.name': use letters, digits, '_' and '-' (in *c, "
     "the value anchored as &c at line 1)"},
    {"alias_merge_error_site.yaml", "6:9: error: unknown key 'lnik' in 'fleet.0' (did you mean "
                                    "'link'?) (in *phone, the value anchored as &phone at line 1)"},
    {"alias_recursive.yaml",
     "1:13: error: alias *a is used inside the node it names (a recursive structure)"},
    {"alias_scalar_error_site.yaml",
     "3:10: error: horizon: duration '3' has no unit: write e.g. 90s (units: ns, us, ms, s, m, h "
     "or d) (in *h, the value anchored as &h at line 1)"},
    {"alias_undefined.yaml", "1:10: error: YAML syntax: the referenced anchor is not defined"},
    {"bad_transport.yaml", "1:12: error: transport: unknown value 'tcp': expected full or message"},
    {"binary_junk.yaml", "1:1: error: byte 0x89 is not valid UTF-8: scenario files must be UTF-8 "
                         "text (save the file as UTF-8)"},
    {"bom_mid_file.yaml", "2:1: error: byte order mark (U+FEFF) inside the file: it may only be "
                          "the very first character of a file"},
    {"bom_then_error.yaml", "1:10: error: horizon: duration '3' has no unit: write e.g. 90s "
                            "(units: ns, us, ms, s, m, h or d)"},
    {"bool_as_number.yaml", "3:10: error: fleet.0.ree: expected true or false, got '1'"},
    {"c1_control.yaml", "1:33: error: control character U+009B is not allowed in a scenario file "
                        "(only tab, line feed and carriage return are)"},
    {"comments_only.yaml", " error: the file holds only comments or blank lines: a scenario needs "
                           "at least one key (e.g. 'horizon: 3d')"},
    {"control_char.yaml", "1:19: error: control character U+0007 is not allowed in a scenario file "
                          "(only tab, line feed and carriage return are)"},
    {"count_zero.yaml", "3:12: error: fleet.0.count: must be at least 1, got 0"},
    {"crlf_error.yaml", "4:13: error: policy_check.interval: duration '60' has no unit: write e.g. "
                        "90s (units: ns, us, ms, s, m, h or d)"},
    {"deep_block_nesting.yaml", "33:33: error: nesting is deeper than 32 levels here (a scenario "
                                "needs at most 5: e.g. fleet, a class, broker, a key)"},
    {"deep_flow_nesting.yaml", "1:42: error: nesting is deeper than 32 levels here (a scenario "
                               "needs at most 5: e.g. fleet, a class, broker, a key)"},
    {"document_marker_only.yaml",
     "2:1: error: the document is empty: a scenario needs at least one key (e.g. 'horizon: 3d')"},
    {"duplicate_nested_key.yaml",
     "5:7: error: duplicate key 'latency' in 'fleet.0.link' (first given at line 4)"},
    {"duplicate_section.yaml",
     "3:1: error: duplicate key 'verifier' in the top level (first given at line 1)"},
    {"empty.yaml",
     " error: the file is empty (0 bytes): a scenario needs at least one key (e.g. 'horizon: 3d')"},
    {"empty_catalogue.yaml", "1:1: error: the catalogue needs at least one TA"},
    {"empty_name.yaml",
     "2:11: error: fleet.0.name: invalid name '': a name must not be empty or all digits"},
    {"flow_unclosed.yaml", "2:1: error: YAML syntax: end of sequence flow not found"},
    {"huge_duration.yaml", "1:10: error: horizon: duration '999999999999d' is too large"},
    {"huge_integer.yaml",
     "3:12: error: fleet.0.count: integer '99999999999999999999999' is too large"},
    {"inf_duration.yaml", "1:10: error: horizon: '.inf' is not a duration: it must start with a "
                          "number (expected e.g. 90s)"},
    {"json_style.yaml", "1:13: error: horizon: duration '3' has no unit: write e.g. 90s (units: "
                        "ns, us, ms, s, m, h or d)"},
    {"key_not_scalar.yaml", "1:3: error: keys must be plain names, got a list"},
    {"list_entry_scalar.yaml", "1:9: error: 'fleet.0' must be a map of keys, got a single value"},
    {"list_for_scalar.yaml", "1:7: error: 'seed' expects an integer (e.g. 10), got a list"},
    {"long_key_500.yaml",
     "2:3: error: unknown key 'validtyvalidtyvalidtyvalidtyvalidtyva...' in 'verifier'"},
    {"long_line_value.yaml",
     "2:8: error: policy_check.law: unknown value 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...': "
     "expected fixed, uniform-jitter or exponential"},
    {"long_quoted_value_control.yaml",
     "1:10: error: horizon: unknown duration unit '\\x07999999999999999999999999999999999999...' "
     "in '3\\x0799999999999999999999999999999999999...' (use ns, us, ms, s, m, h or d)"},
    {"long_unknown_key.yaml",
     "2:5003: error: YAML syntax: a key longer than 1024 characters (illegal map value)"},
    {"merge_not_map.yaml",
     "2:3: error: '<<' merges maps only (e.g. <<: *defaults), got a single value"},
    {"nan_jitter.yaml", "1:45: error: policy_check.jitter: 'nan' is not a number"},
    {"nan_probability.yaml", "3:18: error: fleet.0.link.loss: '.nan' is not a probability: write a "
                             "number in [0, 1] such as 0.05, or 5%"},
    {"negative_duration.yaml", "1:10: error: horizon: must be greater than 0, got -3d"},
    {"negative_seed.yaml", "1:7: error: seed: must be at least 1, got -1"},
    {"not_utf8_latin1.yaml", "2:17: error: byte 0xE9 is not valid UTF-8: scenario files must be "
                             "UTF-8 text (save the file as UTF-8)"},
    {"nul_byte.yaml", "2:8: error: control character U+0000 is not allowed in a scenario file "
                      "(only tab, line feed and carriage return are)"},
    {"outage_negative_duration.yaml",
     "3:29: error: tam.outages.0.duration: must be greater than 0, got -1h"},
    {"overlong_utf8.yaml", "1:8: error: byte 0xC0 is not valid UTF-8: scenario files must be UTF-8 "
                           "text (save the file as UTF-8)"},
    {"percent_over.yaml",
     "3:18: error: fleet.0.link.loss: probability '150%' is outside [0, 1] (0% to 100%)"},
    {"queue_limit_negative.yaml", "2:16: error: tam.queue_limit: must be at least 0, got -1"},
    {"rate_unit_case.yaml", "3:23: error: fleet.0.link.bandwidth: unknown rate unit 'MBps' in "
                            "'10MBps' (use bps, kbps, Mbps or Gbps)"},
    {"scalar_for_list.yaml",
     "1:12: error: 'catalogue' must be a list (entries start with '- '), got a single value"},
    {"second_document.yaml", "2:1: error: a second YAML document starts here: a scenario file "
                             "holds exactly one (remove the '---' line or split the file)"},
    {"second_document_after_end.yaml",
     "3:1: error: a second YAML document starts here: a scenario file holds exactly one (remove "
     "the '---' line or split the file)"},
    {"size_fraction.yaml",
     "3:17: error: catalogue.0.image_size: size '0.5B' is not a whole number of bytes"},
    {"surrogate_utf8.yaml", "1:14: error: byte 0xED is not valid UTF-8: scenario files must be "
                            "UTF-8 text (save the file as UTF-8)"},
    {"sweep_empty_values.yaml", "3:24: error: sweep.grid.verifier.validity must be a non-empty "
                                "list of values such as [1h, 4h]"},
    {"sweep_nested_value.yaml",
     "3:12: error: sweep.grid.seed: each value must be a single value, got a list"},
    {"sweep_replications_zero.yaml", "2:17: error: sweep.replications: must be at least 1, got 0"},
    {"sweep_too_many_runs.yaml", "2:3: error: the sweep expands to more than 100000 runs (points x "
                                 "replications): split it into several files"},
    {"sweep_value_not_list.yaml",
     "3:11: error: sweep.grid.seed must be a non-empty list of values such as [1h, 4h]"},
    {"tab_indent.yaml", "2:10: error: YAML syntax: a tab character indents line 2: YAML indents "
                        "with spaces only (illegal map value)"},
    {"total_devices.yaml", "3:22: error: the fleet has 12000000 devices in 2 classes, more than "
                           "the 10000000 a scenario may have in total"},
    {"unterminated_double_quote.yaml",
     "2:7: error: unterminated quoted value: the double quote opened here is never closed, so the "
     "rest of the file would be read as one value"},
    {"unterminated_single_quote.yaml",
     "2:14: error: unterminated quoted value: the single quote opened here is never closed, so the "
     "rest of the file would be read as one value"},
    {"utf16_bom.yaml", "1:1: error: the file starts with a UTF-16 byte order mark: scenario files "
                       "must be UTF-8 text (save it as UTF-8)"},
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

INSTANTIATE_TEST_SUITE_P(
    ErrorClasses, BadScenarioFile, testing::ValuesIn(kCases),
    teepsim::test::UniqueNamesBy(kCases, [](const BadCase& c)
                                 { return teepsim::test::FileGtestName(c.file); }));

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
