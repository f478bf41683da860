// tam.service per-request at load 0.8 and 0.9 (THEORY-EXTENSIONS §3.1) against the simulation:
// queue_theory.yaml's 500 devices, one worker, 3 requests of 10 ms per session, five device
// classes 60-100 ms one way (round trips 120-200 ms, 12-20 service times, spread). The stored
// prediction (Prediction::meanQueueWait) is M/D/1 (Poisson polls, at the rate of the polls that
// find their device idle) or N*D/D/1 over the 1500 request streams (fixed interval, mean over
// phase draws), plus the follow-up requests' excess: a follow-up arrives a round trip after its
// predecessor left the worker and meets the workload an M/D/1 departure leaves, relaxed over
// that round trip. It must lie within 3 SE of the simulated mean wait per request, the SE from
// independent replications (run numbers, not seeds: THEORY-EXTENSIONS §6.1 "Replications").
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

constexpr double kS = 0.010; // service per request
constexpr int kK = 3;        // requests per session
constexpr double kDevices = 500;

/// queue_theory.yaml with latencies 60-100 ms and the interval for nominal load `rho`.
std::optional<Scenario> HighLoadScenario(double rho, std::vector<std::string> overrides)
{
    const double interval = kDevices * kK * kS / rho;
    overrides.insert(overrides.begin(), {"policy_check.interval=" + std::to_string(interval) + "s",
                                         "fleet.0.link.latency=60ms", "fleet.1.link.latency=70ms",
                                         "fleet.2.link.latency=80ms", "fleet.3.link.latency=90ms",
                                         "fleet.4.link.latency=100ms"});
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

/// Mean wait of the requests a worker took in [from, to) seconds of one run, and their number.
std::pair<double, size_t> MeanWait(const Scenario& s, double from, double to)
{
    double sum = 0;
    size_t n = 0;
    Deployment d(s);
    d.Build();
    ns3::Config::ConnectWithoutContext(
        "/NodeList/*/ApplicationList/*/$ns3::teepsim::TamServer/QueueDelay",
        ns3::Callback<void, uint32_t, ns3::Time>(
            [&](uint32_t, ns3::Time wait)
            {
                const double t = ns3::Simulator::Now().GetSeconds();
                if (t >= from && t < to)
                {
                    sum += wait.GetSeconds();
                    ++n;
                }
            }));
    d.Run();
    return {n > 0 ? sum / static_cast<double>(n) : 0.0, n};
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

struct Case
{
    double rho;
    bool fixed;
    int runs;
};

/// Runs `c.runs` replications and compares their mean wait with the stored prediction.
void CheckAgainstSimulation(const Case& c)
{
    std::vector<double> means;
    std::optional<double> predicted;
    double plain = 0; // M/D/1 at N k s / P, or N*D/D/1 without the follow-ups' excess
    for (int run = 1; run <= c.runs; ++run)
    {
        // Fixed P: the pattern repeats every P, so a run is its phase draw: one interval to
        // fill the queue, three measured (the horizon must pass t0 = 60 s). Poisson: 10 s to fill
        // it, 140 s measured (the run's own session count moves its mean at this load:
        // replications, not batches).
        const double P = kDevices * kK * kS / c.rho;
        const double from = c.fixed ? P : 10;
        const double to = c.fixed ? 4 * P : 150;
        std::vector<std::string> overrides{"run=" + std::to_string(run),
                                           "horizon=" + std::to_string(to) + "s"};
        if (c.fixed)
        {
            overrides.push_back("policy_check.law=fixed");
        }
        const std::optional<Scenario> s = HighLoadScenario(c.rho, overrides);
        ASSERT_TRUE(s);
        std::vector<std::string> notes;
        const analytic::Prediction p = analytic::Predict(AnalyticInputsFor(*s, &notes));
        ASSERT_TRUE(p.utilisation && p.meanQueueWait)
            << "the per-request wait has a value at rho = " << c.rho;
        EXPECT_NEAR(*p.utilisation, c.rho, 1e-6); // P is given to the microsecond
        EXPECT_TRUE(p.nullCauses.empty());
        predicted = p.meanQueueWait;
        plain = c.fixed ? analytic::NDD1Wait(kK * 500, P, kS) : analytic::MD1Wait(c.rho, kS);
        const auto [mean, n] = MeanWait(*s, from, to);
        // 1500 requests per interval (fixed), about 80 % of 80-90 per second (Poisson).
        ASSERT_GT(n, c.fixed ? 4000u : 9000u) << "the run must reach the load it is meant to test";
        means.push_back(mean);
    }
    const MeanSe m = OfValues(means);
    const double z = (m.mean - *predicted) / m.se;
    std::printf("[theory] per-request queue wait %s rho=%.2f: %zu runs, sim %.2f ms se %.2f ms, "
                "stored %.2f ms (z=%+.2f), %s %.2f ms (z=%+.2f)\n",
                c.fixed ? "fixed" : "Poisson", c.rho, means.size(), 1e3 * m.mean, 1e3 * m.se,
                1e3 * *predicted, z, c.fixed ? "plain N*D/D/1" : "M/D/1 at N k s/P", 1e3 * plain,
                (m.mean - plain) / m.se);
    EXPECT_LT(std::abs(z), 3.0);
}

TEST(PerRequestQueueTheory, PoissonAtLoad08)
{
    CheckAgainstSimulation({0.8, false, 8});
}

TEST(PerRequestQueueTheory, PoissonAtLoad09)
{
    CheckAgainstSimulation({0.9, false, 8});
}

TEST(PerRequestQueueTheory, FixedIntervalAtLoad08OverPhaseDraws)
{
    CheckAgainstSimulation({0.8, true, 12});
}

TEST(PerRequestQueueTheory, FixedIntervalAtLoad09OverPhaseDraws)
{
    CheckAgainstSimulation({0.9, true, 12});
}

} // namespace
} // namespace teepsim::sim
