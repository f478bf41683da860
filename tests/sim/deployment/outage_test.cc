// TAM outage windows and fixed on/off device availability change removal times exactly as the
// schedule says. Each test pairs two runs of the same seed (message transport, fixed checks, no
// loss, so the policy-check phases are identical in both) and checks the difference per device:
// a behaviour that is not wired leaves the two runs identical and fails.
#include "teepsim/sim/deployment.h"
#include "teepsim/sim/scenario.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <string>

namespace teepsim::sim
{
namespace
{

constexpr double kNs = 1e9;
constexpr int64_t kMinute = 60'000'000'000LL;
constexpr int64_t kHour = 60 * kMinute;

Scenario SmallFleet(int64_t devices)
{
    const LoadResult r =
        LoadScenario(std::string(TEEPSIM_SOURCE_DIR) + "/tests/sim/fixtures/e2e_small.yaml");
    EXPECT_TRUE(r.ok());
    Scenario s = r.scenario;
    s.fleet.at(0).count = devices;
    s.outputs.database.clear();
    return s;
}

/// Removal time R (seconds after t0) per device; every device must have been cleaned.
std::map<uint32_t, double> RemovalTimes(const Scenario& s)
{
    Deployment d(s);
    d.Build();
    d.Run();
    std::map<uint32_t, double> r;
    for (const recorder::Exposure& e : d.GetRecorder().Exposures())
    {
        EXPECT_FALSE(e.rCensored) << "device " << e.device << " never removed the TA";
        if (e.r)
        {
            r[e.device] = static_cast<double>(*e.r) / kNs;
        }
    }
    EXPECT_EQ(r.size(), static_cast<size_t>(s.TotalDevices()));
    return r;
}

// A TAM outage [t0, t0 + 30 min) fails every check that falls inside it; those devices remove
// the TA one interval later, the others exactly when they would have without the outage.
TEST(DeploymentOutages, ChecksDuringATamOutageRemoveOneIntervalLater)
{
    Scenario base = SmallFleet(40);
    const double P = static_cast<double>(base.policy_check.interval_ns) / kNs;
    const int64_t outage = 30 * kMinute;
    Scenario withOutage = base;
    withOutage.tam.outages.push_back({base.malicious.t0_ns, outage});

    const std::map<uint32_t, double> before = RemovalTimes(base);
    const std::map<uint32_t, double> after = RemovalTimes(withOutage);
    ASSERT_EQ(before.size(), after.size());
    int delayed = 0;
    for (const auto& [device, r] : before)
    {
        // A check at t0 + r - δ lies inside the outage iff r < 30 min (δ is milliseconds).
        const bool hitOutage = r < static_cast<double>(outage) / kNs;
        const double expected = hitOutage ? r + P : r;
        EXPECT_NEAR(after.at(device), expected, 1.0)
            << "device " << device << ": R without outage " << r << " s";
        delayed += hitOutage ? 1 : 0;
    }
    std::printf("[outage] %zu devices, %d checked during the outage and removed %.0f s later\n",
                before.size(), delayed, P);
    EXPECT_GT(delayed, 0) << "the fixture must put some first checks inside the outage";
    EXPECT_LT(delayed, static_cast<int>(before.size()));
}

// Fixed availability (on 3 h, off 1 h, stationary phase): a check while off fails, and the
// next one (P = 1 h later) always finds the device on, so E[R] = P/2 + P * off/(on + off).
// With check_on_reconnect the device also checks when it comes back, so no device removes
// later than it does without, and devices that were off at their first check remove earlier.
TEST(DeploymentAvailability, FixedOnOffPeriodsDelayRemovalAndReconnectChecksShortenIt)
{
    Scenario s = SmallFleet(400);
    const double P = static_cast<double>(s.policy_check.interval_ns) / kNs;
    ASSERT_EQ(s.policy_check.interval_ns, kHour) << "the formula below assumes off = P";
    Availability& av = s.fleet.at(0).availability;
    av.model = AvailabilityModel::Fixed;
    av.on_ns = 3 * kHour;
    av.off_ns = kHour;
    av.check_on_reconnect = false;
    Scenario reconnect = s;
    reconnect.fleet.at(0).availability.check_on_reconnect = true;

    const std::map<uint32_t, double> plain = RemovalTimes(s);
    const std::map<uint32_t, double> withReconnect = RemovalTimes(reconnect);

    double sum = 0, sumSq = 0;
    int earlier = 0;
    for (const auto& [device, r] : plain)
    {
        sum += r;
        sumSq += r * r;
        EXPECT_LE(r, 2 * P + 1.0) << "device " << device << ": at most one failed check";
        EXPECT_LE(withReconnect.at(device), r + 1.0) << "device " << device;
        earlier += withReconnect.at(device) < r - 1.0 ? 1 : 0;
    }
    const double n = static_cast<double>(plain.size());
    const double mean = sum / n;
    const double se = std::sqrt((sumSq / n - mean * mean) / (n - 1));
    const double expected = P / 2 + P * 1.0 / 4.0;
    std::printf("[availability] fixed 3h/1h: mean R %.1f s (se %.1f) vs %.1f s; %d of %.0f "
                "devices removed earlier with reconnect checks\n",
                mean, se, expected, earlier, n);
    EXPECT_LT(std::abs(mean - expected) / se, 3.0);
    // About a quarter of the devices are off at their first check; each of them reconnects
    // before its next check, so they all remove earlier with reconnect checks.
    EXPECT_GT(earlier, static_cast<int>(n / 8));
}

} // namespace
} // namespace teepsim::sim
