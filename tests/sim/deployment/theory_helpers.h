// Shared helpers of the end-to-end behaviour tests (retries, push, Broker drop/delay): load the
// theory fixture with overrides, run one deployment and keep its exposures, per-group samples
// of R and T_trust in seconds, and the "within 3 standard errors" comparison with a printout.
#pragma once

#include "teepsim/sim/deployment.h"
#include "teepsim/sim/recorder.h"
#include "teepsim/sim/scenario.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace teepsim::sim::theory
{

constexpr double kNsPerS = 1e9;

inline double Seconds(int64_t ns)
{
    return static_cast<double>(ns) / kNsPerS;
}

/// tests/sim/fixtures/<file> with --set style overrides; every diagnostic is a test failure.
inline std::optional<Scenario> LoadFixture(const std::vector<std::string>& overrides,
                                           const std::string& file = "e2e_theory.yaml")
{
    const LoadResult loaded =
        LoadScenario(std::string(TEEPSIM_SOURCE_DIR) + "/tests/sim/fixtures/" + file, overrides);
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

/// What a test needs of one finished run (the Deployment itself is destroyed with ns-3's state).
struct RunResult
{
    std::vector<recorder::Exposure> exposures;
    std::vector<recorder::DeviceInfo> devices; // by device id
    std::vector<std::pair<std::string, int64_t>> counters;
    uint64_t events = 0;
    double wallSeconds = 0;
    double cpuSeconds = 0; // this process's CPU time for the run (wall time suffers from load)

    int64_t Counter(const std::string& name) const
    {
        for (const auto& [n, v] : counters)
        {
            if (n == name)
            {
                return v;
            }
        }
        return 0;
    }
    /// Exposure of `device`, nullptr if the device was not affected.
    const recorder::Exposure* Find(recorder::DeviceId device) const
    {
        for (const recorder::Exposure& e : exposures)
        {
            if (e.device == device)
            {
                return &e;
            }
        }
        return nullptr;
    }
};

inline RunResult Run(const Scenario& s, const std::string& label)
{
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpuStart = std::clock();
    Deployment d(s);
    d.Build();
    d.Run();
    RunResult out;
    out.exposures = d.GetRecorder().Exposures();
    out.devices = d.GetRecorder().Devices();
    out.counters = d.GetRecorder().Counters();
    out.events = d.GetEventCount();
    out.wallSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    out.cpuSeconds = static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC;
    std::printf("[%s] %lld devices, %zu affected, %llu events, %.1f s CPU, %.1f s wall\n",
                label.c_str(), static_cast<long long>(s.TotalDevices()), out.exposures.size(),
                static_cast<unsigned long long>(out.events), out.cpuSeconds, out.wallSeconds);
    return out;
}

/// R or T_trust (seconds) of the exposures accepted by `keep`, as a recorder summary (n counts
/// the known values, nCensored the censored ones).
inline recorder::Summary SampleOf(const std::vector<recorder::Exposure>& exposures,
                                  std::optional<int64_t> recorder::Exposure::*metric,
                                  const std::function<bool(const recorder::Exposure&)>& keep = {})
{
    std::vector<double> values;
    uint64_t censored = 0;
    for (const recorder::Exposure& e : exposures)
    {
        if (keep && !keep(e))
        {
            continue;
        }
        if (const std::optional<int64_t>& v = e.*metric)
        {
            values.push_back(Seconds(*v));
        }
        else
        {
            ++censored;
        }
    }
    return recorder::Summarize(values, censored);
}

/// z = (simulated mean - predicted) / se, printed; asserts |z| < 3 and no censoring (censored
/// values would bias the mean low).
inline void ExpectWithinThreeSe(const std::string& label, const recorder::Summary& sim,
                                double predicted)
{
    ASSERT_TRUE(sim.mean && sim.se) << label << ": no simulated values";
    ASSERT_GT(*sim.se, 0) << label;
    const double z = (*sim.mean - predicted) / *sim.se;
    std::printf("[theory] %-36s n=%llu sim mean=%.1f s se=%.1f s predicted=%.1f s z=%+.2f\n",
                label.c_str(), static_cast<unsigned long long>(sim.n), *sim.mean, *sim.se,
                predicted, z);
    EXPECT_EQ(sim.nCensored, 0u) << label << ": censored values bias the mean low";
    EXPECT_LT(std::abs(z), 3.0) << label << ": simulated mean " << *sim.mean << " s (se " << *sim.se
                                << " s) vs predicted " << predicted << " s";
}

} // namespace teepsim::sim::theory
