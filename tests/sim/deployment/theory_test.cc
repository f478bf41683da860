// Simulation against theory (THEORY.md §3.1-3.4): for each policy-check law, per-message loss,
// exponential on/off availability and AR validity, 2000 devices on the message transport; the
// simulated mean R and T_trust must lie within 3 standard errors (the recorder's se) of
// analytic::Predict(AnalyticInputsFor(scenario)). The compared numbers are printed.
#include "teepsim/sim/analytic.h"
#include "teepsim/sim/deployment.h"
#include "teepsim/sim/scenario.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/test_names.h"

namespace teepsim::sim
{
namespace
{

struct TheoryCase
{
    std::string name;
    std::vector<std::string> overrides; // applied to tests/sim/fixtures/e2e_theory.yaml
    bool expectTtrust;                  // theory has E[T_trust] for this case
};

std::ostream& operator<<(std::ostream& os, const TheoryCase& c)
{
    return os << c.name;
}

const recorder::Summary* FindSim(const recorder::Recorder& rec, const std::string& metric)
{
    for (const recorder::MetricSummary& m : rec.Summaries())
    {
        if (m.metric == metric && m.scope == "all")
        {
            return &m.summary;
        }
    }
    return nullptr;
}

class TheoryComparison : public testing::TestWithParam<TheoryCase>
{
};

// Compares one metric; returns false when either side is missing. Asserts |z| < 3 if `check`.
bool Compare(const std::string& caseName, const std::string& metric, const recorder::Recorder& rec,
             const std::optional<double>& predicted, bool check)
{
    const recorder::Summary* sim = FindSim(rec, metric);
    if (sim == nullptr || !sim->mean || !sim->se || !predicted)
    {
        std::printf("[theory] %-12s %-8s sim %s, analytic %s\n", caseName.c_str(), metric.c_str(),
                    sim && sim->mean ? "present" : "missing", predicted ? "present" : "missing");
        return false;
    }
    const double z = (*sim->mean - *predicted) / *sim->se;
    std::printf(
        "[theory] %-12s %-8s n=%llu censored=%llu sim mean=%.1f s se=%.1f s analytic=%.1f s "
        "z=%+.2f\n",
        caseName.c_str(), metric.c_str(), static_cast<unsigned long long>(sim->n),
        static_cast<unsigned long long>(sim->nCensored), *sim->mean, *sim->se, *predicted, z);
    if (check)
    {
        EXPECT_EQ(sim->nCensored, 0u) << metric << ": censored values bias the mean low";
        EXPECT_LT(std::abs(z), 3.0)
            << caseName << " " << metric << ": simulated mean " << *sim->mean << " s (se "
            << *sim->se << " s) vs analytic " << *predicted << " s";
    }
    return true;
}

TEST_P(TheoryComparison, SimulatedMeansWithinThreeStandardErrorsOfTheory)
{
    const TheoryCase& c = GetParam();
    const LoadResult loaded = LoadScenario(
        std::string(TEEPSIM_SOURCE_DIR) + "/tests/sim/fixtures/e2e_theory.yaml", c.overrides);
    for (const Diagnostic& d : loaded.diagnostics)
    {
        ADD_FAILURE() << d.ToString();
    }
    ASSERT_TRUE(loaded.ok());
    const Scenario& s = loaded.scenario;

    std::vector<std::string> notes;
    const analytic::Prediction p = analytic::Predict(AnalyticInputsFor(s, &notes));
    for (const std::string& n : p.notes)
    {
        notes.push_back(n);
    }
    std::string allNotes;
    for (const std::string& n : notes)
    {
        allNotes += "  note: " + n + "\n";
    }
    ASSERT_TRUE(p.meanR.has_value()) << "theory must predict E[R] for " << c.name << "\n"
                                     << allNotes;
    if (c.expectTtrust)
    {
        ASSERT_TRUE(p.meanTtrust.has_value()) << "theory must predict E[T_trust]\n" << allNotes;
    }

    Deployment d(s);
    d.Build();
    d.Run();
    const recorder::Recorder& rec = d.GetRecorder();
    // Devices get the TA through their first successful session, so a device without one
    // before t0 (no poll in [0, t0) under exponential laws, loss or outages) is not affected.
    std::printf("[theory] %-12s affected devices %zu of %lld\n", c.name.c_str(),
                rec.Exposures().size(), static_cast<long long>(s.TotalDevices()));
    EXPECT_GE(rec.Exposures().size(), static_cast<size_t>(0.95 * s.TotalDevices()));

    EXPECT_TRUE(Compare(c.name, "R", rec, p.meanR, true));
    if (c.expectTtrust)
    {
        EXPECT_TRUE(Compare(c.name, "T_trust", rec, p.meanTtrust, true));
    }
    // Printed for the note, not asserted (they are functions of R and T_trust).
    Compare(c.name, "W_danger", rec, p.meanWdanger, false);
    Compare(c.name, "W_clean", rec, p.meanWclean, false);
    std::printf("[theory] %-12s events=%llu\n%s", c.name.c_str(),
                static_cast<unsigned long long>(d.GetEventCount()), allNotes.c_str());
}

INSTANTIATE_TEST_SUITE_P(
    EndToEnd, TheoryComparison,
    testing::Values(
        // E[R] = P/2 + δ; E[T_trust] = V - P/2 (V >= P).
        TheoryCase{"fixed", {"horizon=10h"}, true},
        // E[R] = P(1 + j²/3)/2 (THEORY §3.1).
        TheoryCase{"jitter",
                   {"horizon=10h", "policy_check.law=uniform-jitter", "policy_check.jitter=0.5"},
                   true},
        // E[R] = P; E[T_trust] = V - P(1 - e^{-V/P}).
        TheoryCase{"exponential", {"policy_check.law=exponential"}, true},
        // q = 5% per message: session loss p = 1 - (1-q)^6, E[R] = P(1+p)/(2(1-p)) (§3.2).
        TheoryCase{"loss", {"fleet.0.link.loss=0.05"}, true},
        // Exponential on/off (mean on 3h, off 1h), fixed P, no catch-up (§3.3).
        TheoryCase{"availability",
                   {"fleet.0.availability.model=exponential", "fleet.0.availability.on=3h",
                    "fleet.0.availability.off=1h"},
                   false},
        // V < P: E[T_trust] = V²/(2P), most devices hold no valid AR at t0 (§3.4).
        TheoryCase{"validity", {"horizon=10h", "verifier.validity=30m"}, true}),
    teepsim::test::NameBy(&TheoryCase::name));

} // namespace
} // namespace teepsim::sim
