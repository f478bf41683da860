// RunParameters: the number and canonical SI unit of every knob kind (taken from the knob table,
// not from the text), the same keys and texts as ResolvedParameters, and the swept flag.
#include "teepsim/sim/run_params.h"
#include "teepsim/sim/scenario.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "sim/scenario/knobs.h"

namespace teepsim::sim
{
namespace
{

std::map<std::string, results::RunParam> ByKey(const results::RunParams& params)
{
    std::map<std::string, results::RunParam> out;
    for (const auto& p : params)
    {
        out[p.key] = p;
    }
    return out;
}

Scenario Load(const std::string& text, const std::vector<std::string>& overrides = {})
{
    LoadResult r = LoadScenarioText(text, "p.yaml", overrides);
    EXPECT_TRUE(r.ok());
    for (const Diagnostic& d : r.diagnostics)
    {
        ADD_FAILURE() << d.ToString();
    }
    return r.scenario;
}

// One key of each kind, written in a non-canonical unit, comes back in the canonical SI unit.
TEST(RunParameters, ConvertEveryKindToItsCanonicalUnit)
{
    const auto p = ByKey(RunParameters(Load(R"(horizon: 90h
fleet:
  - name: phones
    count: 12
    ree: false
    link: {bandwidth: 2.5Mbps, loss: 5%}
catalogue:
  - {name: game, image_size: 64KiB}
policy_check: {law: uniform-jitter, jitter: 0.25}
)")));
    struct Expect
    {
        const char* key;
        const char* value;
        std::optional<double> num;
        const char* unit;
    };
    for (const Expect& e : {
             Expect{"horizon", "90h", 324000.0, "s"},                        // duration
             Expect{"response_timeout", "auto", std::nullopt, "s"},          // duration, auto
             Expect{"catalogue.0.image_size", "64KiB", 65536.0, "B"},        // size
             Expect{"fleet.0.link.bandwidth", "2500kbps", 2.5e6, "bit/s"},   // rate
             Expect{"fleet.0.link.loss", "0.05", 0.05, "1"},                 // probability
             Expect{"policy_check.jitter", "0.25", 0.25, "1"},               // real
             Expect{"fleet.0.count", "12", 12.0, "count"},                   // integer
             Expect{"fleet.0.ree", "false", 0.0, "bool"},                    // bool
             Expect{"policy_check.law", "uniform-jitter", std::nullopt, ""}, // choice
             Expect{"fleet.0.name", "phones", std::nullopt, ""},             // name
             Expect{"outputs.database", "teepsim.db", std::nullopt, ""},     // string
         })
    {
        SCOPED_TRACE(e.key);
        ASSERT_TRUE(p.count(e.key));
        const results::RunParam& got = p.at(e.key);
        EXPECT_EQ(got.value, e.value);
        EXPECT_EQ(got.num, e.num);
        EXPECT_EQ(got.unit, e.unit);
        EXPECT_FALSE(got.swept);
    }
}

// Every scalar knob of the table gets the unit of its kind (so a new kind cannot slip through
// without one), and the keys and texts are exactly those of ResolvedParameters.
TEST(RunParameters, EveryKnobHasTheUnitOfItsKindAndTheTextsOfResolvedParameters)
{
    const Scenario s =
        Load("fleet:\n  - {name: a}\n  - {name: b}\ntam:\n  outages: [{start: 1h}]\n");
    const results::RunParams params = RunParameters(s);
    const auto texts = ResolvedParameters(s);
    ASSERT_EQ(params.size(), texts.size());
    for (std::size_t i = 0; i < params.size(); ++i)
    {
        EXPECT_EQ(params[i].key, texts[i].first);
        EXPECT_EQ(params[i].value, texts[i].second);
    }
    const std::map<detail::KnobKind, std::string> unitOf{
        {detail::KnobKind::Duration, "s"}, {detail::KnobKind::Size, "B"},
        {detail::KnobKind::Rate, "bit/s"}, {detail::KnobKind::Probability, "1"},
        {detail::KnobKind::Real, "1"},     {detail::KnobKind::Integer, "count"},
        {detail::KnobKind::Bool, "bool"},  {detail::KnobKind::String, ""},
        {detail::KnobKind::Name, ""},      {detail::KnobKind::Choice, ""}};
    std::set<detail::KnobKind> seen;
    for (const results::RunParam& p : params)
    {
        std::string pattern;
        for (std::size_t i = 0; i < p.key.size(); ++i)
        {
            // "fleet.1.count" -> "fleet.*.count": the knob table's pattern.
            if (std::isdigit(static_cast<unsigned char>(p.key[i])) && i > 0 && p.key[i - 1] == '.')
            {
                pattern += '*';
                while (i + 1 < p.key.size() &&
                       std::isdigit(static_cast<unsigned char>(p.key[i + 1])))
                {
                    ++i;
                }
                continue;
            }
            pattern += p.key[i];
        }
        const detail::Knob* k = detail::FindKnob(pattern);
        ASSERT_NE(k, nullptr) << p.key;
        ASSERT_TRUE(unitOf.count(k->kind)) << p.key << ": a knob kind without a unit rule";
        seen.insert(k->kind);
        EXPECT_EQ(p.unit, unitOf.at(k->kind)) << p.key;
        EXPECT_EQ(p.num.has_value(), !p.unit.empty() && p.value != "auto") << p.key;
    }
    EXPECT_EQ(seen.size(), unitOf.size()) << "the defaults cover every scalar kind";
}

constexpr const char* kSweep = R"(fleet:
  - {name: phones, count: 3}
sweep:
  grid:
    verifier.validity: [1h, 4h]
    fleet.phones.count: [2, 5]
)";

// The runs of a sweep mark its axes (by concrete key, also when the axis names a class), and
// only them; the same file run on its own sweeps nothing.
TEST(RunParameters, SweepPointsMarkTheirAxesAndAPlainRunNone)
{
    const Scenario base = Load(kSweep);
    for (const results::RunParam& p : RunParameters(base))
    {
        EXPECT_FALSE(p.swept) << p.key;
    }
    const SweepExpansion e = ExpandSweep(base);
    ASSERT_TRUE(e.ok());
    ASSERT_EQ(e.runs.size(), 4u);
    for (const SweepRun& run : e.runs)
    {
        std::set<std::string> swept;
        for (const results::RunParam& p : RunParameters(run.scenario))
        {
            if (p.swept)
            {
                swept.insert(p.key);
            }
        }
        EXPECT_EQ(swept, (std::set<std::string>{"fleet.0.count", "verifier.validity"})) << run.key;
    }
    // A sweep child is `teepsim run FILE --set <axis>=<value>...`: the same flags.
    const auto child =
        ByKey(RunParameters(Load(kSweep, {"verifier.validity=4h", "fleet.phones.count=5"})));
    EXPECT_TRUE(child.at("verifier.validity").swept);
    EXPECT_TRUE(child.at("fleet.0.count").swept);
    EXPECT_FALSE(child.at("horizon").swept);
    // An override of a key that is no axis marks nothing.
    EXPECT_FALSE(ByKey(RunParameters(Load(kSweep, {"horizon=2d"}))).at("horizon").swept);
}

} // namespace
} // namespace teepsim::sim
