// Removal happens (THEORY.md §3.4): a small fleet with fixed hourly checks, no loss, and a
// warm-up longer than P. Every device is exposed once, R lies in (0, P + δ], nothing is censored,
// and the coupling identity T_trust - R = V + d_V - P - δ holds for every device.
#include "teepsim/sim/deployment.h"
#include "teepsim/sim/scenario.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace teepsim::sim
{
namespace
{

Scenario LoadFixture(const std::string& file)
{
    const LoadResult r =
        LoadScenario(std::string(TEEPSIM_SOURCE_DIR) + "/tests/sim/fixtures/" + file);
    std::string diagnostics;
    for (const Diagnostic& d : r.diagnostics)
    {
        diagnostics += d.ToString() + "\n";
    }
    EXPECT_TRUE(r.ok()) << diagnostics;
    return r.scenario;
}

constexpr double kNs = 1e9;

TEST(DeploymentRemoval, EveryDeviceIsCleanedWithinOneIntervalAndTheCouplingIdentityHolds)
{
    const Scenario s = LoadFixture("e2e_small.yaml");
    ASSERT_EQ(s.policy_check.law, PolicyCheckLaw::Fixed);
    ASSERT_GT(s.warmup_ns, s.policy_check.interval_ns);
    Deployment d(s);
    d.Build();
    d.Run();
    const recorder::Recorder& rec = d.GetRecorder();

    const double P = s.policy_check.interval_ns / kNs;
    const double V = s.verifier.validity_ns / kNs;
    const double dV = s.verifier.policy_delay_ns / kNs;
    const double delta = AnalyticInputsFor(s, nullptr).sessionDelay; // 4 one-way latencies
    // δ in the identity is the time from the AR's issue to the removal within a session; the
    // mapping's δ (two round trips) bounds it. 1 s is far below P and far above any jitter.
    constexpr double kTolerance = 1.0;

    ASSERT_EQ(rec.Exposures().size(), static_cast<size_t>(s.TotalDevices()))
        << "every device had the malicious TA at t0, so each needs one exposure row";
    std::set<recorder::DeviceId> devices;
    double minGap = 1e300, maxGap = -1e300;
    for (const recorder::Exposure& e : rec.Exposures())
    {
        devices.insert(e.device);
        EXPECT_EQ(e.t0, s.malicious.t0_ns);
        ASSERT_FALSE(e.rCensored) << "device " << e.device;
        ASSERT_FALSE(e.tTrustCensored) << "device " << e.device;
        ASSERT_TRUE(e.r && e.tTrust && e.wDanger && e.wClean) << "device " << e.device;
        const double r = *e.r / kNs;
        const double tTrust = *e.tTrust / kNs;
        EXPECT_GT(r, 0) << "device " << e.device;
        EXPECT_LE(r, P + delta + kTolerance) << "device " << e.device;
        const double gap = tTrust - r;
        EXPECT_NEAR(gap, V + dV - P - delta, kTolerance)
            << "device " << e.device << ": R = " << r << " s, T_trust = " << tTrust << " s";
        minGap = std::min(minGap, gap);
        maxGap = std::max(maxGap, gap);
        // V > P + δ - d_V: the danger window is R and the clean window T_trust.
        EXPECT_EQ(*e.wDanger, *e.r);
        EXPECT_EQ(*e.wClean, *e.tTrust);
    }
    EXPECT_EQ(devices.size(), rec.Exposures().size()) << "one exposure per device";
    // Per-device spread of the gap (session timing differs slightly between devices).
    std::printf("[removal] %zu devices, T_trust - R in [%.4f, %.4f] s, V + d_V - P - delta = "
                "%.4f s\n",
                rec.Exposures().size(), minGap, maxGap, V + dV - P - delta);
}

} // namespace
} // namespace teepsim::sim
