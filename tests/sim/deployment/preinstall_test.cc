// Factory provisioning (catalogue.*.preinstalled): with exponential checks and t0 shortly after
// the start, many devices have not polled yet at t0. Without pre-installation they never held
// the TA and are not affected; with it every device is affected from t = 0, and the mean
// removal time is the unconditional renewal residual of THEORY §3.1 (P for exponential
// intervals) within 3 standard errors.
#include "teepsim/sim/deployment.h"
#include "teepsim/sim/scenario.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

namespace teepsim::sim
{
namespace
{

constexpr double kNs = 1e9;

Scenario EarlyT0(bool preinstalled)
{
    const LoadResult r =
        LoadScenario(std::string(TEEPSIM_SOURCE_DIR) + "/tests/sim/fixtures/e2e_small.yaml",
                     {"fleet.0.count=400", "policy_check.law=exponential", "warmup=0s",
                      "malicious.t0=30m", "horizon=12h"});
    for (const Diagnostic& d : r.diagnostics)
    {
        ADD_FAILURE() << d.ToString();
    }
    Scenario s = r.scenario;
    for (TrustedApp& ta : s.catalogue)
    {
        ta.preinstalled = preinstalled;
    }
    s.outputs.database.clear();
    return s;
}

TEST(DeploymentPreinstall, EveryDeviceIsAffectedAndMeanRemovalIsTheUnconditionalResidual)
{
    size_t affectedLate = 0;
    {
        // One deployment at a time: ns-3's simulator is a process-wide singleton.
        Deployment withoutPreinstall(EarlyT0(false));
        withoutPreinstall.Build();
        withoutPreinstall.Run();
        affectedLate = withoutPreinstall.GetRecorder().Exposures().size();
    }

    const Scenario s = EarlyT0(true);
    Deployment d(s);
    d.Build();
    d.Run();
    const auto& exposures = d.GetRecorder().Exposures();
    ASSERT_EQ(exposures.size(), static_cast<size_t>(s.TotalDevices()))
        << "every device holds the pre-installed TA at t0";
    // P(no poll in the first 30 min) = exp(-0.5) for exponential checks with P = 1 h.
    EXPECT_LT(affectedLate, exposures.size() * 8 / 10)
        << "without pre-installation, devices that never polled before t0 are not affected";

    double sum = 0, sumSq = 0;
    for (const recorder::Exposure& e : exposures)
    {
        ASSERT_TRUE(e.r.has_value()) << "device " << e.device << " never removed the TA";
        const double r = static_cast<double>(*e.r) / kNs;
        sum += r;
        sumSq += r * r;
    }
    const double n = static_cast<double>(exposures.size());
    const double mean = sum / n;
    const double se = std::sqrt((sumSq / n - mean * mean) / (n - 1));
    const double expected = static_cast<double>(s.policy_check.interval_ns) / kNs;
    std::printf("[preinstall] affected %zu of %.0f (without: %zu); mean R %.1f s (se %.1f) vs "
                "P = %.1f s\n",
                exposures.size(), n, affectedLate, mean, se, expected);
    EXPECT_LT(std::abs(mean - expected) / se, 3.0);
}

} // namespace
} // namespace teepsim::sim
