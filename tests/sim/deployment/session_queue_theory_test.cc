// tam.service per-session (THEORY-EXTENSIONS §6) against the simulation at load 0.8 and more:
// a session's opening request queues for the whole session's service S = 3 x service_time and
// its later requests are not queued, so the TAM is one queue of sessions: M/D/1 for Poisson
// policy checks (at the rate of the polls that find their device idle), N*D/D/1 (Roberts & Virtamo)
// for a fixed interval with random phases. The stored prediction (Prediction::meanQueueWait) must
// lie within 3 SE of the simulated mean wait. queue_theory.yaml's 500 devices, one worker, 10 ms
// per message (S = 30 ms).
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

constexpr double kS = 0.030; // the session's service: 3 messages x 10 ms
constexpr double kDevices = 500;

/// queue_theory.yaml per session (no remediation service time: it cannot apply), with the
/// interval for load `rho`; every diagnostic is a test failure.
std::optional<Scenario> SessionQueueScenario(double rho, std::vector<std::string> overrides)
{
    const double interval = kDevices * kS / rho;
    overrides.insert(overrides.begin(),
                     {"tam.service=per-session", "tam.remediation_service_time=0s",
                      "policy_check.interval=" + std::to_string(interval) + "s"});
    const LoadResult loaded = LoadScenario(
        std::string(TEEPSIM_SOURCE_DIR) + "/tests/sim/deployment/queue_theory.yaml", overrides);
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

/// (time a worker took the request, its wait) of every queued request of one run.
std::vector<std::pair<double, double>> RunWaits(const Scenario& s)
{
    std::vector<std::pair<double, double>> waits;
    Deployment d(s);
    d.Build();
    ns3::Config::ConnectWithoutContext(
        "/NodeList/*/ApplicationList/*/$ns3::teepsim::TamServer/WorkerQueue/QueueDelay",
        ns3::Callback<void, uint32_t, ns3::Time>(
            [&waits](uint32_t, ns3::Time wait)
            { waits.emplace_back(ns3::Simulator::Now().GetSeconds(), wait.GetSeconds()); }));
    d.Run();
    return waits;
}

struct MeanSe
{
    double mean = 0, se = 0;
};

MeanSe OfValues(const std::vector<double>& v)
{
    MeanSe out;
    for (double x : v)
    {
        out.mean += x;
    }
    out.mean /= static_cast<double>(v.size());
    double ss = 0;
    for (double x : v)
    {
        ss += (x - out.mean) * (x - out.mean);
    }
    out.se = std::sqrt(ss / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()));
    return out;
}

// Poisson policy checks at the nominal rho = N S / P = 0.8, latencies 5 ms. A device ignores a
// poll that fires during its own session (D = W + S + 6 latencies, about 0.12 s), so its
// sessions start at rate 1/(P + D) and the stored value is M/D/1 at N S / (P + D), a fixed
// point in W (58.2 ms against 60.0 ms at N S / P). At this load one run's mean wait moves with
// its number of sessions (dW/drho = S/(2(1 - rho)^2)), so the SE comes from 10 independent
// replications of 300 s, each after 10 s of warm-up. Replications differ by ns-3's run number,
// not by the seed: MRG32k3a states of seeds 1, 2, ... are multiples of one another, so seeds
// 1-10 gave about 1.3 % fewer polls than N/P together (the same draws, rescaled), which is
// what made an earlier version of this test miss M/D/1 by 4.7 SE (THEORY-EXTENSIONS §6.1).
TEST(SessionQueueTheory, MD1OfSessionsHoldsAtLoad08)
{
    std::vector<double> means;
    std::optional<double> predicted;
    size_t total = 0;
    for (int run = 1; run <= 10; ++run)
    {
        const std::optional<Scenario> s = SessionQueueScenario(
            0.8, {"horizon=300s", "run=" + std::to_string(run), "fleet.0.link.latency=5ms",
                  "fleet.1.link.latency=5ms", "fleet.2.link.latency=5ms",
                  "fleet.3.link.latency=5ms", "fleet.4.link.latency=5ms"});
        ASSERT_TRUE(s);
        const analytic::Inputs in = AnalyticInputsFor(*s, nullptr);
        const analytic::Prediction p = analytic::Predict(in);
        ASSERT_TRUE(p.utilisation && p.meanQueueWait) << "M/D/1 of sessions applies";
        EXPECT_NEAR(*p.utilisation, 0.8, 1e-9);
        // The stored value is M/D/1 at the load of the polls that find the device idle.
        const double dead = *p.meanQueueWait + kS + 1.5 * in.sessionDelay;
        EXPECT_NEAR(*p.meanQueueWait, analytic::MD1Wait(kDevices * kS / (in.interval + dead), kS),
                    1e-9);
        EXPECT_LT(*p.meanQueueWait, analytic::MD1Wait(0.8, kS));
        predicted = p.meanQueueWait;
        double sum = 0;
        size_t n = 0;
        for (const auto& [t, w] : RunWaits(*s))
        {
            if (t >= 10)
            {
                sum += w;
                ++n;
            }
        }
        ASSERT_GT(n, 5000u) << "the run must reach the load it is meant to test";
        total += n;
        means.push_back(sum / static_cast<double>(n));
    }
    const MeanSe m = OfValues(means);
    const double z = (m.mean - *predicted) / m.se;
    std::printf("[theory] per-session queue wait Poisson rho=0.8: %zu runs, n=%zu (%.2f%% of "
                "N/P), sim %.2f ms se %.2f ms, M/D/1 at N/(P+D) %.2f ms (z=%+.2f), at N/P "
                "%.2f ms (z=%+.2f)\n",
                means.size(), total, 100.0 * static_cast<double>(total) * kS / 0.8 / (10 * 290.0),
                1e3 * m.mean, 1e3 * m.se, 1e3 * *predicted, z, 1e3 * analytic::MD1Wait(0.8, kS),
                (m.mean - analytic::MD1Wait(0.8, kS)) / m.se);
    EXPECT_LT(std::abs(z), 3.0);
}

// Fixed interval at rho = 0.85: N*D/D/1 over the 500 devices. The arrival pattern repeats
// every P, so a run's mean wait is its phase draw's; the SE comes from 10 independent
// replications (run numbers: see above why not seeds). No poll is skipped while D < P.
TEST(SessionQueueTheory, NDD1OfSessionsHoldsAtLoad085OverPhaseDraws)
{
    std::vector<double> means;
    std::optional<double> predicted;
    double interval = 0;
    for (int run = 1; run <= 10; ++run)
    {
        const std::optional<Scenario> s = SessionQueueScenario(
            0.85, {"policy_check.law=fixed", "horizon=100s", "run=" + std::to_string(run)});
        ASSERT_TRUE(s);
        const analytic::Prediction p = analytic::Predict(AnalyticInputsFor(*s, nullptr));
        ASSERT_TRUE(p.meanQueueWait.has_value()) << "N*D/D/1 of sessions applies";
        predicted = p.meanQueueWait;
        // After the first interval (the queue starts empty), whole intervals only.
        const double P = static_cast<double>(s->policy_check.interval_ns) / 1e9;
        interval = P;
        const double from = P;
        const double to = from + 4 * P;
        double sum = 0;
        size_t n = 0;
        for (const auto& [t, w] : RunWaits(*s))
        {
            if (t >= from && t < to)
            {
                sum += w;
                ++n;
            }
        }
        ASSERT_GT(n, 1000u);
        means.push_back(sum / static_cast<double>(n));
    }
    ASSERT_TRUE(predicted);
    EXPECT_NEAR(*predicted, analytic::NDD1Wait(500, interval, kS), 1e-12);
    const MeanSe m = OfValues(means);
    const double z = (m.mean - *predicted) / m.se;
    std::printf("[theory] per-session queue wait fixed rho=0.85: %zu runs, sim %.2f ms se %.2f "
                "ms, N*D/D/1 %.2f ms, z=%+.2f\n",
                means.size(), 1e3 * m.mean, 1e3 * m.se, 1e3 * *predicted, z);
    EXPECT_LT(std::abs(z), 3.0);
}

} // namespace
} // namespace teepsim::sim
