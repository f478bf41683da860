// The scenario library and its reference: every file in scenarios/ validates without a warning,
// the quick start is what the README promises, and scenarios/README.md carries the generated key
// table (one table drives parsing, --help and docs).
#include "teepsim/sim/scenario.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/scenario/knobs.h"

namespace teepsim::sim
{
namespace
{

namespace fs = std::filesystem;

const fs::path kScenarios = fs::path(TEEPSIM_SOURCE_DIR) / "scenarios";
constexpr std::string_view kBegin =
    "<!-- knob-reference:begin (generated from the knob table; see below) -->\n";
constexpr std::string_view kEnd = "<!-- knob-reference:end -->\n";

std::string ReadFile(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(ScenarioLibrary, EveryScenarioFileValidatesWithoutWarnings)
{
    std::size_t files = 0;
    for (const auto& entry : fs::directory_iterator(kScenarios))
    {
        if (entry.path().extension() != ".yaml")
        {
            continue;
        }
        ++files;
        LoadResult r = LoadScenario(entry.path().string());
        for (const Diagnostic& d : r.diagnostics)
        {
            ADD_FAILURE() << d.ToString();
        }
        EXPECT_TRUE(r.ok()) << entry.path();
        SweepExpansion e = ExpandSweep(r.scenario);
        EXPECT_TRUE(e.ok()) << entry.path();
        EXPECT_GE(e.runs.size(), 1u);
    }
    EXPECT_GE(files, 6u); // quickstart + one per seed question (#148, #146, #150, #132, #158)
}

TEST(ScenarioLibrary, QuickstartIsTheSmallFleetTheReadmePromises)
{
    LoadResult r = LoadScenario((kScenarios / "quickstart.yaml").string());
    ASSERT_TRUE(r.ok());
    const Scenario& s = r.scenario;
    constexpr std::int64_t kH = 3'600'000'000'000;
    EXPECT_EQ(s.TotalDevices(), 300);
    EXPECT_EQ(s.horizon_ns, 48 * kH);
    EXPECT_EQ(s.policy_check.interval_ns, kH);
    EXPECT_EQ(s.verifier.validity_ns, 4 * kH);
    EXPECT_EQ(s.malicious.t0_ns, 24 * kH);
    EXPECT_TRUE(s.sweep.empty());
}

TEST(ScenarioLibrary, SeedQuestionScenariosExerciseTheirLevers)
{
    auto load = [](const char* name)
    { return LoadScenario((kScenarios / name).string()).scenario; };
    Scenario grid = load("validity_vs_interval.yaml");
    ASSERT_EQ(grid.sweep.grid.size(), 2u);
    EXPECT_EQ(ExpandSweep(grid).runs.size(), 45u); // 3 V x 3 P x 5 replications
    Scenario dos = load("broker_dos.yaml");
    EXPECT_GT(dos.fleet[0].broker.drop, 0);
    EXPECT_GT(dos.fleet[0].broker.drop_all, 0);
    Scenario mcu = load("microcontrollers.yaml");
    EXPECT_FALSE(mcu.fleet[0].ree);
    EXPECT_GE(mcu.FindTa("sensor-fw")->image_size, 1 << 20);
    Scenario pers = load("personalization.yaml");
    EXPECT_TRUE(pers.FindTa("banking")->personalization);
    Scenario tamper = load("tampering_ree.yaml");
    EXPECT_GT(tamper.fleet[0].broker.tamper, 0);
}

TEST(KnobTable, EveryDefaultParsesAndEveryRowIsDocumented)
{
    for (const detail::Knob& k : detail::Knobs())
    {
        EXPECT_FALSE(k.meaning.empty()) << k.key;
        if (k.IsScalar() && !k.derived_default)
        {
            auto v = detail::ParseKnobValue(k, detail::DefaultValueText(k));
            EXPECT_TRUE(v.ok()) << k.key << ": " << v.error();
            if (v)
            {
                // The canonical text of a default reads back to the same value.
                auto again = detail::ParseKnobValue(k, detail::FormatKnobValue(k, v.value()));
                EXPECT_TRUE(again.ok() && again.value() == v.value()) << k.key;
            }
        }
    }
}

TEST(KnobTable, HelpListsEveryKey)
{
    std::string help = FormatKnobHelp();
    for (const KnobDoc& d : KnobReference())
    {
        EXPECT_NE(help.find(d.key), std::string::npos) << d.key;
    }
}

// To regenerate after changing the table: TEEPSIM_UPDATE_DOCS=1 sim_scenario_tests
//   --gtest_filter=ScenarioReadme.*
TEST(ScenarioReadme, CarriesTheGeneratedKeyReference)
{
    const fs::path readme = kScenarios / "README.md";
    std::string text = ReadFile(readme);
    std::size_t begin = text.find(kBegin);
    std::size_t end = text.find(kEnd);
    ASSERT_NE(begin, std::string::npos) << "missing marker in " << readme;
    ASSERT_NE(end, std::string::npos) << "missing marker in " << readme;
    begin += kBegin.size();
    std::string expected = FormatKnobReferenceMarkdown();
    if (const char* update = std::getenv("TEEPSIM_UPDATE_DOCS");
        update != nullptr && std::string(update) == "1")
    {
        text.replace(begin, end - begin, expected);
        std::ofstream(readme, std::ios::binary) << text;
        GTEST_SKIP() << "rewrote " << readme;
    }
    EXPECT_EQ(text.substr(begin, end - begin), expected)
        << "scenarios/README.md is out of date: rerun with TEEPSIM_UPDATE_DOCS=1";
    for (const KnobDoc& d : KnobReference())
    {
        EXPECT_NE(text.find("`" + d.key + "`"), std::string::npos) << d.key;
    }
}

TEST(ScenarioReadme, DescribesEveryScenarioFile)
{
    std::string text = ReadFile(kScenarios / "README.md");
    for (const auto& entry : fs::directory_iterator(kScenarios))
    {
        if (entry.path().extension() == ".yaml")
        {
            EXPECT_NE(text.find(entry.path().filename().string()), std::string::npos)
                << entry.path();
        }
    }
}

} // namespace
} // namespace teepsim::sim
