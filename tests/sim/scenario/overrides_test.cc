// --set KEY=VALUE: dotted paths by index and by class name, validated like file values, errors
// naming the override.
#include "teepsim/sim/scenario.h"

#include <gtest/gtest.h>

#include <sstream>

namespace teepsim::sim
{
namespace
{

constexpr std::int64_t kH = 3'600'000'000'000;

const char* kTwoClasses = "fleet:\n"
                          "  - name: phones\n"
                          "    count: 10\n"
                          "  - name: meters\n"
                          "    count: 20\n";

std::vector<std::string> Messages(const LoadResult& r)
{
    std::vector<std::string> out;
    for (const Diagnostic& d : r.diagnostics)
    {
        out.push_back(d.ToString());
    }
    return out;
}

TEST(Overrides, SetAScalarKey)
{
    LoadResult r = LoadScenarioText(kTwoClasses, "o.yaml", {"verifier.validity=4h"});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.scenario.verifier.validity_ns, 4 * kH);
    EXPECT_EQ(r.scenario.source.overrides, std::vector<std::string>{"verifier.validity=4h"});
}

TEST(Overrides, AddressAListEntryByIndexOrByName)
{
    LoadResult r =
        LoadScenarioText(kTwoClasses, "o.yaml", {"fleet.0.count=50", "fleet.meters.count=70"});
    ASSERT_TRUE(r.ok()) << testing::PrintToString(Messages(r));
    EXPECT_EQ(r.scenario.fleet[0].count, 50);
    EXPECT_EQ(r.scenario.fleet[1].count, 70);
}

TEST(Overrides, LaterOverridesWinAndOverrideTheFile)
{
    LoadResult r = LoadScenarioText("verifier: {validity: 1h}\n", "o.yaml",
                                    {"verifier.validity=2h", "verifier.validity=6h"});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.scenario.verifier.validity_ns, 6 * kH);
}

TEST(Overrides, UnknownKeyNamesTheOverrideAndSuggests)
{
    LoadResult r = LoadScenarioText(kTwoClasses, "o.yaml", {"verifier.validty=4h"});
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(
        Messages(r),
        std::vector<std::string>{
            "--set verifier.validty=4h: error: unknown key 'validty' (did you mean 'validity'?)"});
}

TEST(Overrides, BadValueIsCheckedLikeAFileValue)
{
    LoadResult r =
        LoadScenarioText(kTwoClasses, "o.yaml", {"verifier.validity=4", "fleet.0.link.loss=120%"});
    EXPECT_EQ(Messages(r),
              (std::vector<std::string>{
                  "--set verifier.validity=4: error: verifier.validity: duration '4' has no "
                  "unit: write e.g. 90s (units: ns, us, ms, s, m, h or d)",
                  "--set fleet.0.link.loss=120%: error: fleet.0.link.loss: probability '120%' "
                  "is outside [0, 1] (0% to 100%)"}));
}

TEST(Overrides, UnknownClassNameAndIndexOutOfRange)
{
    LoadResult r =
        LoadScenarioText(kTwoClasses, "o.yaml", {"fleet.phnes.count=5", "fleet.7.count=5"});
    EXPECT_EQ(
        Messages(r),
        (std::vector<std::string>{
            "--set fleet.phnes.count=5: error: no entry named 'phnes' in 'fleet' (did you mean "
            "'phones'?)",
            "--set fleet.7.count=5: error: index 7 is out of range: 'fleet' has 2 entries"}));
}

TEST(Overrides, MalformedOverridesAreErrors)
{
    LoadResult r = LoadScenarioText("seed: 1\n", "o.yaml",
                                    {"horizon", "=3d", "verifier=4h", "horizon.x=1", "a..b=1"});
    EXPECT_EQ(Messages(r),
              (std::vector<std::string>{
                  "--set horizon: error: expected KEY=VALUE, e.g. verifier.validity=4h",
                  "--set =3d: error: missing key before '=' (expected KEY=VALUE, e.g. "
                  "verifier.validity=4h)",
                  "--set verifier=4h: error: 'verifier' is a section, not a single value: set one "
                  "of its keys, e.g. "
                  "'verifier.validity'",
                  "--set horizon.x=1: error: 'horizon' is a single value and has no key 'x'",
                  "--set a..b=1: error: malformed key 'a..b': empty part between dots"}));
}

TEST(Overrides, IndexEqualToTheListSizeAppendsAnEntryWithDefaults)
{
    LoadResult r = LoadScenarioText("seed: 1\n", "o.yaml",
                                    {"tam.outages.0.start=1d", "tam.outages.1.start=2d"});
    ASSERT_TRUE(r.ok()) << testing::PrintToString(Messages(r));
    ASSERT_EQ(r.scenario.tam.outages.size(), 2u);
    EXPECT_EQ(r.scenario.tam.outages[1].start_ns, 48 * kH);
    EXPECT_EQ(r.scenario.tam.outages[1].duration_ns, kH); // the entry default
}

TEST(Overrides, AnOverrideThatBreaksConsistencyIsBlamed)
{
    // The file alone is valid; --set horizon makes t0 fall after it.
    LoadResult r = LoadScenarioText("malicious:\n  t0: 1d\n", "o.yaml", {"horizon=12h"});
    EXPECT_EQ(Messages(r),
              std::vector<std::string>{
                  "--set horizon=12h: error: malicious.t0 (1d) must be before the horizon (12h)"});
}

TEST(Overrides, RecomputeDerivedHonestFraction)
{
    LoadResult r = LoadScenarioText(kTwoClasses, "o.yaml", {"fleet.phones.broker.drop=0.25"});
    ASSERT_TRUE(r.ok());
    EXPECT_DOUBLE_EQ(r.scenario.fleet[0].broker.honest, 0.75);
}

TEST(Overrides, ValidateCommandAcceptsSetInBothSpellings)
{
    std::string path = std::string(TEEPSIM_SOURCE_DIR) + "/scenarios/quickstart.yaml";
    std::ostringstream out, err;
    EXPECT_EQ(ValidateCommand({path, "--set", "verifier.validity=6h", "--set=seed=9"}, out, err), 0)
        << err.str();
    EXPECT_NE(out.str().find("valid"), std::string::npos);
    std::ostringstream out2, err2;
    EXPECT_EQ(ValidateCommand({path, "--set", "verifier.validty=4h"}, out2, err2), 2);
    EXPECT_NE(
        err2.str().find(
            "--set verifier.validty=4h: error: unknown key 'validty' (did you mean 'validity'?)"),
        std::string::npos)
        << err2.str();
}

TEST(Overrides, ValidateCommandRejectsBadUsage)
{
    std::ostringstream out, err;
    EXPECT_EQ(ValidateCommand({}, out, err), 2);
    EXPECT_EQ(ValidateCommand({"a.yaml", "b.yaml"}, out, err), 2);
    EXPECT_EQ(ValidateCommand({"a.yaml", "--set"}, out, err), 2);
    EXPECT_EQ(ValidateCommand({"a.yaml", "--frobnicate"}, out, err), 2);
    std::ostringstream help;
    EXPECT_EQ(ValidateCommand({"--help"}, help, err), 0);
    EXPECT_NE(help.str().find("usage: teepsim validate"), std::string::npos);
}

} // namespace
} // namespace teepsim::sim

namespace teepsim::sim
{
namespace
{

TEST(ValidateCommand, WarningsArePrintedButTheFileIsValid)
{
    std::string path = std::string(TEEPSIM_SOURCE_DIR) + "/scenarios/quickstart.yaml";
    std::ostringstream out, err;
    EXPECT_EQ(ValidateCommand({path, "--set", "crypto.op_time=1ms"}, out, err), 0);
    EXPECT_EQ(
        err.str(),
        "--set crypto.op_time=1ms: warning: crypto.op_time has no effect unless crypto.mode is "
        "modelled\n");
    EXPECT_TRUE(out.str().starts_with(
        path + ": valid: 'quickstart', 300 devices in 1 class, horizon 2d, transport full\n" +
        path + ": memory per run: about "))
        << out.str();
}

} // namespace
} // namespace teepsim::sim
