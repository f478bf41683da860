// The freshness keys (issue 13): defaults keep today's timestamp behaviour, every value is read
// into the typed scenario, and bad values or combinations get one FILE:LINE:COL diagnostic.
#include "teepsim/sim/scenario.h"

#include <gtest/gtest.h>

#include <string>

namespace teepsim::sim
{
namespace
{

constexpr std::int64_t kMin = 60'000'000'000;

std::string Dump(const LoadResult& r)
{
    std::string out;
    for (const Diagnostic& d : r.diagnostics)
    {
        out += d.ToString() + "\n";
    }
    return out;
}

TEST(FreshnessKeys, DefaultIsTimestampFreshness)
{
    const LoadResult r = LoadScenarioText("seed: 1\n", "f.yaml");
    ASSERT_TRUE(r.ok()) << Dump(r);
    EXPECT_EQ(r.scenario.verifier.freshness, Freshness::Timestamp);
    EXPECT_EQ(r.scenario.verifier.epoch.duration_ns, 60 * kMin);
    EXPECT_EQ(r.scenario.verifier.epoch.window, 1);
    EXPECT_EQ(r.scenario.verifier.epoch.delivery_delay_ns, 0);
    EXPECT_EQ(r.scenario.relying_party.check_interval_ns, 60 * kMin);
}

TEST(FreshnessKeys, EveryKeyIsRead)
{
    const char* text = R"(verifier:
  freshness: epoch
  epoch: {duration: 25m, window: 3, delivery_delay: 2m, delivery_law: exponential}
relying_party: {check_interval: 20m, check_law: exponential}
)";
    const LoadResult r = LoadScenarioText(text, "f.yaml");
    ASSERT_TRUE(r.ok()) << Dump(r);
    const Scenario& s = r.scenario;
    EXPECT_EQ(s.verifier.freshness, Freshness::Epoch);
    EXPECT_EQ(s.verifier.epoch.duration_ns, 25 * kMin);
    EXPECT_EQ(s.verifier.epoch.window, 3);
    EXPECT_EQ(s.verifier.epoch.delivery_delay_ns, 2 * kMin);
    EXPECT_EQ(s.verifier.epoch.delivery_law, DelayLaw::Exponential);
    EXPECT_EQ(s.relying_party.check_interval_ns, 20 * kMin);
    EXPECT_EQ(s.relying_party.check_law, PolicyCheckLaw::Exponential);
}

struct BadCase
{
    const char* text;
    const char* expected; // the only diagnostic
};

TEST(FreshnessKeys, BadValuesGetOneLocatedError)
{
    const BadCase cases[] = {
        {"verifier:\n  freshness: epochs\n",
         "f.yaml:2:14: error: verifier.freshness: unknown value 'epochs': expected timestamp, "
         "epoch or nonce (did you mean 'epoch'?)"},
        {"verifier:\n  freshness: epoch\n  epoch: {window: 0}\n",
         "f.yaml:3:19: error: verifier.epoch.window: must be at least 1, got 0"},
        {"verifier:\n  freshness: epoch\n  epoch: {duration: 0s}\n",
         "f.yaml:3:21: error: verifier.epoch.duration: must be greater than 0, got 0s"},
        {"verifier:\n  freshness: nonce\nrelying_party: {check_interval: 0s}\n",
         "f.yaml:3:33: error: relying_party.check_interval: must be greater than 0, got 0s"},
        {"verifier:\n  freshness: epoch\n  epoch: {delivery_law: normal}\n",
         "f.yaml:3:25: error: verifier.epoch.delivery_law: unknown value 'normal': expected "
         "fixed, uniform or exponential"},
        {"verifier:\n  model: passport\n  freshness: epoch\n",
         "f.yaml:3:14: error: verifier.freshness: epoch is modelled with verifier.model "
         "background-check only, not passport"},
    };
    for (const BadCase& c : cases)
    {
        const LoadResult r = LoadScenarioText(c.text, "f.yaml");
        EXPECT_FALSE(r.ok()) << c.text;
        ASSERT_EQ(r.diagnostics.size(), 1u) << c.text << Dump(r);
        EXPECT_EQ(r.diagnostics[0].ToString(), c.expected) << c.text;
    }
}

TEST(FreshnessKeys, KeysOfAnotherMechanismWarnThatTheyHaveNoEffect)
{
    const LoadResult r = LoadScenarioText(
        "verifier:\n  epoch: {window: 2}\nrelying_party: {check_interval: 5m}\n", "f.yaml");
    ASSERT_TRUE(r.ok()) << Dump(r);
    ASSERT_EQ(r.diagnostics.size(), 2u) << Dump(r);
    EXPECT_EQ(r.diagnostics[0].ToString(),
              "f.yaml:2:19: warning: verifier.epoch.window has no effect unless "
              "verifier.freshness is epoch");
    EXPECT_EQ(r.diagnostics[1].ToString(),
              "f.yaml:3:33: warning: relying_party.check_interval has no effect unless "
              "verifier.freshness is nonce");
}

TEST(FreshnessKeys, OverridesSetTheMechanism)
{
    const LoadResult r = LoadScenarioText(
        "seed: 1\n", "f.yaml", {"verifier.freshness=nonce", "relying_party.check_interval=7m"});
    ASSERT_TRUE(r.ok()) << Dump(r);
    EXPECT_EQ(r.scenario.verifier.freshness, Freshness::Nonce);
    EXPECT_EQ(r.scenario.relying_party.check_interval_ns, 7 * kMin);
}

} // namespace
} // namespace teepsim::sim
