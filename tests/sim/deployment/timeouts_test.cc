// Issue 16: `response_timeout` and `tam.session_timeout` default to `auto`, which scales them with
// the TAM's queue, the access link and (message transport) the largest message, so that slow
// links carrying big TA images and synchronized herds are not censored by the old fixed 30 s
// client and 10 min TAM timeouts; explicit values are used as given.
#include "teepsim/sim/deployment.h"
#include "teepsim/sim/scenario.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "sim/deployment/timeouts.h"

namespace teepsim::sim
{
namespace
{

constexpr int64_t kS = 1'000'000'000;

Scenario Load(const std::string& path, const std::vector<std::string>& overrides)
{
    const LoadResult loaded = LoadScenario(path, overrides);
    for (const Diagnostic& d : loaded.diagnostics)
    {
        ADD_FAILURE() << d.ToString();
    }
    EXPECT_TRUE(loaded.ok());
    return loaded.scenario;
}

Scenario LoadText(const std::string& text, const std::vector<std::string>& overrides)
{
    const LoadResult loaded = LoadScenarioText(text, "<herd>", overrides);
    for (const Diagnostic& d : loaded.diagnostics)
    {
        ADD_FAILURE() << d.ToString();
    }
    EXPECT_TRUE(loaded.ok());
    return loaded.scenario;
}

struct Counts
{
    size_t exposures = 0;
    size_t removed = 0;
};

Counts RunAndCount(const Scenario& s, const std::string& deviceClass)
{
    Deployment d(s);
    d.Build();
    d.Run();
    const recorder::Recorder& rec = d.GetRecorder();
    Counts c;
    for (const recorder::Exposure& e : rec.Exposures())
    {
        if (rec.Devices().at(e.device).deviceClass != deviceClass)
        {
            continue;
        }
        ++c.exposures;
        c.removed += e.removed.has_value() ? 1 : 0;
    }
    return c;
}

// The keys read `auto` by default and accept explicit durations, which are then used as given.
TEST(Timeouts, ExplicitValuesAreUsedAsGivenAndAutoIsTheDefault)
{
    const Scenario def = DefaultScenario();
    EXPECT_EQ(def.response_timeout_ns, kAutoDuration);
    EXPECT_EQ(def.tam.session_timeout_ns, kAutoDuration);
    const Scenario set =
        LoadText("fleet: [{count: 3}]\n", {"response_timeout=45s", "tam.session_timeout=20m"});
    EXPECT_EQ(ResponseTimeoutNs(set, set.fleet[0]), 45 * kS);
    EXPECT_EQ(SessionTimeoutNs(set), 1200 * kS);
    const LoadResult bad = LoadScenarioText("response_timeout: 0s\n", "<bad>", {});
    EXPECT_FALSE(bad.ok()) << "a zero timeout is refused";
}

// auto on the message transport: 30 s + the TAM queue bound + twice the largest message over the
// access link + 4 latencies; the session timeout covers three such exchanges, and never drops
// below the former 10 min.
TEST(Timeouts, AutoFollowsQueueLinkAndLargestMessage)
{
    const Scenario s = LoadText("transport: message\n"
                                "fleet: [{count: 8, link: {latency: 300ms, bandwidth: 50kbps}}]\n"
                                "tam: {workers: 4, service_time: 100ms, "
                                "remediation_service_time: 50ms, queue_limit: 1000}\n"
                                "catalogue: [{image_size: 1MiB}, {image_size: 32KiB}]\n",
                                {});
    EXPECT_EQ(LargestMessageBytes(s), 1048576 + 32768 + 4096);
    EXPECT_EQ(QueueWaitBoundNs(s), (8 / 4 + 1) * kS / 10) << "min(queue_limit, devices) ahead";
    const int64_t transfer = (1048576 + 32768 + 4096) * 8 * kS / 50'000;
    const int64_t r = ResponseTimeoutNs(s, s.fleet[0]);
    EXPECT_NEAR(static_cast<double>(r),
                static_cast<double>(30 * kS + 3 * kS / 10 + 2 * transfer + 4 * 3 * kS / 10), 2);
    EXPECT_EQ(SessionTimeoutNs(s), 3 * r);
    const Scenario fast = LoadText("transport: message\nfleet: [{count: 8}]\n", {});
    EXPECT_EQ(SessionTimeoutNs(fast), 600 * kS);
}

// scenarios/microcontrollers.yaml on the message transport (10 sensors at 50 kbps, 1 MiB image):
// with auto every sensor installs the TA, is exposed at t0 and has it removed; with the former
// fixed 30 s the 1 MiB transfers cannot finish, so sensors never hold the TA and go uncounted.
TEST(Timeouts, MicrocontrollersOnTheMessageTransportCountEverySensor)
{
    const std::string path = std::string(TEEPSIM_SOURCE_DIR) + "/scenarios/microcontrollers.yaml";
    const std::vector<std::string> base = {"transport=message", "fleet.sensors.count=10",
                                           "fleet.gateways.count=2"};
    const Counts autoRun = RunAndCount(Load(path, base), "sensors");
    std::vector<std::string> fixed = base;
    fixed.push_back("response_timeout=30s");
    fixed.push_back("tam.session_timeout=10m");
    const Counts fixedRun = RunAndCount(Load(path, fixed), "sensors");
    std::printf("[timeouts] sensors removed: auto %zu of %zu, fixed 30 s %zu of %zu\n",
                autoRun.removed, autoRun.exposures, fixedRun.removed, fixedRun.exposures);
    EXPECT_EQ(autoRun.exposures, 10u);
    EXPECT_EQ(autoRun.removed, autoRun.exposures) << "auto counts every sensor";
    EXPECT_LT(fixedRun.exposures, 10u)
        << "the fixed 30 s fails every 1 MiB transfer at 50 kbps: sensors never get the TA, "
           "so they are not counted";
}

// A synchronized herd of 2,000 devices, 0.3 s of TAM service per session (3 messages of 100 ms,
// 4 workers, an unbounded queue): the last session waits about 150 s. The former fixed timeouts
// censor devices; auto lets every session complete.
TEST(Timeouts, SynchronizedHerdCompletesUnderAuto)
{
    const std::string herd = "transport: message\n"
                             "horizon: 2h\n"
                             "fleet: [{name: herd, count: 2000}]\n"
                             "tam: {workers: 4, service_time: 100ms, "
                             "remediation_service_time: 100ms, queue_limit: 1000000}\n"
                             "catalogue: [{name: app, image_size: 4KiB, preinstalled: true}]\n"
                             "malicious: {ta: app, t0: 0s}\n"
                             "policy_check: {interval: 1d, start: synchronized}\n"
                             "crypto: {mode: modelled, op_time: 0s}\n";
    const Counts autoRun = RunAndCount(LoadText(herd, {}), "herd");
    const Counts fixedRun =
        RunAndCount(LoadText(herd, {"response_timeout=30s", "tam.session_timeout=10m"}), "herd");
    std::printf("[timeouts] herd removed: auto %zu of %zu, fixed %zu of %zu\n", autoRun.removed,
                autoRun.exposures, fixedRun.removed, fixedRun.exposures);
    EXPECT_EQ(autoRun.exposures, 2000u);
    EXPECT_EQ(autoRun.removed, autoRun.exposures) << "auto: no device censored";
    EXPECT_LT(fixedRun.removed, fixedRun.exposures) << "fixed timeouts censor part of the herd";
}

} // namespace
} // namespace teepsim::sim
