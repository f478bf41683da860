// `analytic-null` warnings (sim/deployment/analytic-warnings.cc): a metric the run simulated
// whose analytic value is NULL gets one warning naming the metric and the cause, so the results
// database says why the value is missing; a metric with a value gets none.
#include "teepsim/sim/analytic.h"
#include "teepsim/sim/analytic_warnings.h"
#include "teepsim/sim/deployment.h"
#include "teepsim/sim/scenario.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace teepsim::sim
{
namespace
{

/// The analytic-null warnings of a short run of queue_theory.yaml (per-request TAM, Poisson).
std::vector<recorder::Warning> WarningsOf(std::vector<std::string> overrides)
{
    overrides.push_back("horizon=70s");
    const LoadResult loaded = LoadScenario(
        std::string(TEEPSIM_SOURCE_DIR) + "/tests/sim/deployment/queue_theory.yaml", overrides);
    for (const Diagnostic& d : loaded.diagnostics)
    {
        ADD_FAILURE() << d.ToString();
    }
    if (!loaded.ok())
    {
        return {};
    }
    Deployment d(loaded.scenario);
    d.Build();
    d.Run();
    const analytic::Prediction p = analytic::Predict(AnalyticInputsFor(loaded.scenario, nullptr));
    return AnalyticWarnings(p, d.GetRecorder());
}

const recorder::Warning* QueueWarning(const std::vector<recorder::Warning>& warnings)
{
    for (const recorder::Warning& w : warnings)
    {
        EXPECT_EQ(w.code, "analytic-null");
        EXPECT_EQ(w.scope, "all");
        if (w.text.rfind("tam_queue_delay:", 0) == 0)
        {
            return &w;
        }
    }
    return nullptr;
}

// Every device at the same 60 ms latency: the follow-up requests replay the worker's
// departures, the per-request wait is NULL, and the warning carries that reason.
TEST(AnalyticWarnings, NullQueueWaitIsWarnedWithItsCause)
{
    const std::vector<recorder::Warning> w =
        WarningsOf({"fleet.1.link.latency=60ms", "fleet.2.link.latency=60ms",
                    "fleet.3.link.latency=60ms", "fleet.4.link.latency=60ms"});
    const recorder::Warning* q = QueueWarning(w);
    ASSERT_NE(q, nullptr) << "no analytic-null warning for tam_queue_delay";
    EXPECT_NE(q->text.find("one fixed round trip"), std::string::npos) << q->text;
}

// Spread round trips at load 0.5: the wait has a value, so no warning names it.
TEST(AnalyticWarnings, QueueWaitWithAValueIsNotWarned)
{
    EXPECT_EQ(QueueWarning(WarningsOf({})), nullptr);
}

} // namespace
} // namespace teepsim::sim
