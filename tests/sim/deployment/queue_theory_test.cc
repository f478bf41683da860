// The TAM's per-request queue wait (THEORY-EXTENSIONS §3) against the simulation: Poisson
// sessions of 500 devices, one worker, 3 requests of 10 ms per session, round trips spread over
// five classes (queue_theory.yaml). The stored prediction (Prediction::meanQueueWait) must lie
// within 3 SE of the simulated mean wait wherever it is not NULL; where M/D/1 does not apply
// (the queue remembers longer than a round trip, so a session's requests queue partly as a
// batch) it must be NULL. The SE comes from batch means over time, since successive waits are
// strongly correlated (the recorder's sd/sqrt(n) would be several times too small).
#include "teepsim/sim/analytic.h"
#include "teepsim/sim/deployment.h"
#include "teepsim/sim/scenario.h"

#include "ns3/callback.h"
#include "ns3/config.h"
#include "ns3/nstime.h"
#include "ns3/simulator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace teepsim::sim
{
namespace
{

struct Waits
{
    double mean = 0;
    double se = 0; // batch means
    size_t n = 0;
};

/// queue_theory.yaml with the policy-check interval set; every diagnostic is a test failure.
std::optional<Scenario> QueueScenario(const std::string& interval)
{
    const LoadResult loaded =
        LoadScenario(std::string(TEEPSIM_SOURCE_DIR) + "/tests/sim/deployment/queue_theory.yaml",
                     {"policy_check.interval=" + interval});
    for (const Diagnostic& d : loaded.diagnostics)
    {
        ADD_FAILURE() << d.ToString();
    }
    if (!loaded.ok())
    {
        return std::nullopt;
    }
    return loaded.scenario;
}

/// Runs the scenario and returns the mean wait of the requests that reach a worker after
/// `skip` seconds (the queue starts empty), with the SE of `batches` equal-time batch means.
Waits RunAndMeasure(const Scenario& s, double skip, int batches)
{
    std::vector<std::pair<double, double>> waits; // (service start, wait), seconds
    Deployment d(s);
    d.Build();
    ns3::Config::ConnectWithoutContext(
        "/NodeList/*/ApplicationList/*/$ns3::TamServer/QueueDelay",
        ns3::Callback<void, uint32_t, ns3::Time>(
            [&waits](uint32_t, ns3::Time wait)
            { waits.emplace_back(ns3::Simulator::Now().GetSeconds(), wait.GetSeconds()); }));
    d.Run();
    const double horizon = static_cast<double>(s.horizon_ns) / 1e9;
    const double width = (horizon - skip) / batches;
    std::vector<double> sum(batches, 0.0), count(batches, 0.0);
    Waits out;
    double total = 0;
    for (const auto& [t, w] : waits)
    {
        if (t < skip)
        {
            continue;
        }
        const int b = std::min(batches - 1, static_cast<int>((t - skip) / width));
        sum[b] += w;
        count[b] += 1;
        total += w;
        ++out.n;
    }
    out.mean = out.n > 0 ? total / static_cast<double>(out.n) : 0;
    double ss = 0;
    for (int b = 0; b < batches; ++b)
    {
        const double m = count[b] > 0 ? sum[b] / count[b] : 0;
        ss += (m - out.mean) * (m - out.mean);
    }
    out.se = std::sqrt(ss / (batches - 1) / batches);
    return out;
}

constexpr double kSkip = 10; // seconds of the run left out (empty queue at 0)
constexpr int kBatches = 20; // 7 s each: far longer than the queue's memory at these loads
constexpr double kS = 0.010; // service time per request
constexpr double kDevices = 500;

// rho = 0.5 (P = 30 s): relaxation time rho s/(1-rho)^2 = 20 ms, a sixth of the shortest round
// trip (120 ms): the stored value is M/D/1's rho s/(2(1-rho)) = 5 ms, within 3 SE.
TEST(QueueWaitTheory, MD1PerRequestHoldsAtHalfLoad)
{
    const std::optional<Scenario> s = QueueScenario("30s");
    ASSERT_TRUE(s);
    std::vector<std::string> notes;
    const analytic::Prediction p = analytic::Predict(AnalyticInputsFor(*s, &notes));
    ASSERT_TRUE(p.utilisation.has_value());
    EXPECT_NEAR(*p.utilisation, kDevices * 3 * kS / 30, 1e-12);
    ASSERT_TRUE(p.meanQueueWait.has_value()) << "M/D/1 applies at rho = 0.5";
    EXPECT_NEAR(*p.meanQueueWait, analytic::MD1Wait(0.5, kS), 1e-12);

    const Waits w = RunAndMeasure(*s, kSkip, kBatches);
    const double z = (w.mean - *p.meanQueueWait) / w.se;
    std::printf("[theory] queue wait rho=0.5: n=%zu sim %.3f ms se %.3f ms, M/D/1 %.3f ms, "
                "z=%+.2f\n",
                w.n, 1e3 * w.mean, 1e3 * w.se, 1e3 * *p.meanQueueWait, z);
    EXPECT_LT(std::abs(z), 3.0);
}

// rho = 0.83 (P = 18 s): relaxation time 0.29 s exceeds the round trips, the wait lies well
// above M/D/1 (and below the session-as-a-batch M/D/1 with 3 s service), and the stored value
// is NULL with the reason in the notes.
TEST(QueueWaitTheory, NullWhereTheQueueRemembersLongerThanARoundTrip)
{
    const std::optional<Scenario> s = QueueScenario("18s");
    ASSERT_TRUE(s);
    const analytic::Prediction p = analytic::Predict(AnalyticInputsFor(*s, nullptr));
    ASSERT_TRUE(p.utilisation.has_value());
    const double rho = *p.utilisation;
    EXPECT_NEAR(rho, kDevices * 3 * kS / 18, 1e-12);
    EXPECT_FALSE(p.meanQueueWait.has_value());
    bool explained = false;
    for (const std::string& n : p.notes)
    {
        explained = explained || n.find("relaxation time") != std::string::npos;
    }
    EXPECT_TRUE(explained) << "the NULL must say why";

    const Waits w = RunAndMeasure(*s, kSkip, kBatches);
    const double md1 = analytic::MD1Wait(rho, kS);
    const double batch = 3 * analytic::MD1Wait(rho, kS); // ρ (3s) / (2(1-ρ))
    std::printf("[theory] queue wait rho=%.3f: n=%zu sim %.3f ms se %.3f ms, M/D/1 %.3f ms "
                "(z=%+.2f), session batch %.3f ms\n",
                rho, w.n, 1e3 * w.mean, 1e3 * w.se, 1e3 * md1, (w.mean - md1) / w.se, 1e3 * batch);
    EXPECT_GT(w.mean - md1, 3 * w.se) << "M/D/1 would have been wrong here";
    EXPECT_LT(w.mean, batch);
}

} // namespace
} // namespace teepsim::sim
