// Herds at a per-session TAM (THEORY-EXTENSIONS §6), small fleet: 200 devices polling every
// 100 s, one worker, S = 0.3 s per session (3 x 100 ms), t0 = 3.5 P (or 3.3 P). Three cases, as in
// scenarios/herd.yaml at 10,000 devices:
//   synchronized: every device polls at 0, P, 2P, ..., so the herd comes φ after t0;
//     R_i = ((φ + i S + 3ℓ) mod P) + ℓ, deterministic (the herd before t0 cleans the devices
//     that decide after t0);
//   random phases: R = U(0, P) + one latency to the next decision (the Verifier's answer to
//     the device's QueryResponse), whatever the queue;
//   push at t0 (every device reached, latency 1 s): a herd behind the stationary workload.
// The simulated mean R must lie within 3 SE of analytic::Predict (for random phases and push
// over independent runs: the phases are drawn per run).
#include "teepsim/sim/analytic.h"
#include "teepsim/sim/deployment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "theory_helpers.h"

namespace teepsim::sim
{
namespace
{

std::optional<Scenario> HerdScenario(std::vector<std::string> extra)
{
    std::vector<std::string> o = {
        "fleet.0.count=200",          "horizon=700s",           "warmup=0s",

        "policy_check.interval=100s", "tam.workers=1",          "tam.queue_limit=0",
        "tam.service=per-session",    "tam.service_time=100ms", "tam.remediation_service_time=0s"};
    o.insert(o.end(), extra.begin(), extra.end());
    return theory::LoadFixture(o);
}

struct RunR
{
    double mean = 0, last = 0;
};

RunR RunOnce(const Scenario& s, const std::string& label)
{
    const theory::RunResult run = theory::Run(s, label);
    EXPECT_EQ(run.exposures.size(), static_cast<size_t>(s.TotalDevices()));
    const recorder::Summary r = theory::SampleOf(run.exposures, &recorder::Exposure::r);
    EXPECT_EQ(r.nCensored, 0u) << label;
    RunR out;
    out.mean = r.mean.value_or(0);
    for (const recorder::Exposure& e : run.exposures)
    {
        out.last = std::max(out.last, theory::Seconds(e.r.value_or(0)));
    }
    return out;
}

/// Mean R and last removal over `runs` replications (ns-3 run numbers: seeds 1, 2, ... give
/// related MRG32k3a streams, not independent phase draws), compared with the prediction (mean:
/// within 3 SE of the run means; the last removal is printed beside its prediction).
void ExpectOverRuns(const std::string& label, std::vector<std::string> extra, int runs)
{
    std::vector<double> means, lasts;
    analytic::Prediction p;
    extra.push_back("malicious.t0=350s");
    for (int run = 1; run <= runs; ++run)
    {
        std::vector<std::string> o = extra;
        o.push_back("run=" + std::to_string(run));
        const std::optional<Scenario> s = HerdScenario(o);
        ASSERT_TRUE(s);
        p = analytic::Predict(AnalyticInputsFor(*s, nullptr));
        ASSERT_TRUE(p.meanR.has_value()) << label << " is modelled";
        ASSERT_TRUE(p.fleetMaxR.has_value()) << label << ": the last removal is modelled";
        const RunR r = RunOnce(*s, label + " run " + std::to_string(run));
        means.push_back(r.mean);
        lasts.push_back(r.last);
    }
    auto meanSe = [](const std::vector<double>& v)
    {
        double m = 0;
        for (double x : v)
        {
            m += x;
        }
        m /= static_cast<double>(v.size());
        double ss = 0;
        for (double x : v)
        {
            ss += (x - m) * (x - m);
        }
        return std::pair{
            m, std::sqrt(ss / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()))};
    };
    const auto [m, se] = meanSe(means);
    const auto [l, lse] = meanSe(lasts);
    const double z = (m - *p.meanR) / se;
    std::printf("[theory] %s: %d runs, mean R sim %.3f s se %.3f s predicted %.3f s z=%+.2f; "
                "last removal sim %.3f s se %.3f s predicted %.3f s z=%+.2f\n",
                label.c_str(), runs, m, se, *p.meanR, z, l, lse, *p.fleetMaxR,
                (l - *p.fleetMaxR) / lse);
    EXPECT_LT(std::abs(z), 3.0) << label;
}

/// Synchronized: one run says it all (R is deterministic given φ, the time from t0 to the
/// fleet's next poll). The mean is within 3 SE (sd/sqrt(N) of the herd's spread) and the last
/// removal within 0.1 s (the neglected Verifier round trip and transfer times).
void ExpectSynchronized(const std::string& t0, double phi)
{
    const std::optional<Scenario> s =
        HerdScenario({"policy_check.start=synchronized", "malicious.t0=" + t0});
    ASSERT_TRUE(s);
    const analytic::Inputs in = AnalyticInputsFor(*s, nullptr);
    EXPECT_NEAR(in.herdPhase, phi, 1e-9);
    const analytic::Prediction p = analytic::Predict(in);
    ASSERT_TRUE(p.meanR && p.fleetMaxR);
    const theory::RunResult run = theory::Run(*s, "per-session herd synchronized t0=" + t0);
    const recorder::Summary r = theory::SampleOf(run.exposures, &recorder::Exposure::r);
    theory::ExpectWithinThreeSe("per-session synchronized herd R, t0=" + t0, r, *p.meanR);
    ASSERT_TRUE(r.max);
    std::printf("[theory] per-session synchronized herd t0=%s: mean sim %.4f s predicted %.4f s, "
                "last removal sim %.4f s predicted %.4f s\n",
                t0.c_str(), *r.mean, *p.meanR, *r.max, *p.fleetMaxR);
    EXPECT_NEAR(*r.mean, *p.meanR, 0.1);
    EXPECT_NEAR(*r.max, *p.fleetMaxR, 0.1);
}

// t0 = 370 s: the herd at 300 s (N S = 60 s of work) has decided by t0; the next one, φ = 30 s
// later, removes every TA: R_i = φ + δ + i S.
TEST(PerSessionHerd, SynchronizedHerdAfterT0RemovesEveryTa)
{
    ExpectSynchronized("370s", 30);
    const std::optional<Scenario> s =
        HerdScenario({"policy_check.start=synchronized", "malicious.t0=370s"});
    ASSERT_TRUE(s);
    const analytic::Prediction p = analytic::Predict(AnalyticInputsFor(*s, nullptr));
    ASSERT_TRUE(p.meanR && p.fleetMaxR);
    const double delta = 4 * theory::Seconds(s->fleet[0].link.latency_ns);
    EXPECT_NEAR(*p.meanR, 30 + delta + 201 * 0.3 / 2, 1e-9);
    EXPECT_NEAR(*p.fleetMaxR, 30 + delta + 200 * 0.3, 1e-9);
}

// t0 = 350 s, inside the herd at 300 s (it decides until 360 s): its last sixth is cleaned by
// it, the rest by the herd at 400 s.
TEST(PerSessionHerd, SynchronizedHerdInFlightAtT0CleansItsLateDevices)
{
    ExpectSynchronized("350s", 50);
}

// Random phases (rho = 0.6): the mean is P/2 + one latency; 12 phase draws.
TEST(PerSessionHerd, RandomPhasesRemoveAtTheNextDecision)
{
    ExpectOverRuns("per-session random phases", {}, 12);
}

// Push at t0 to every device: a herd of about N sessions behind the stationary workload,
// shortened by the devices already in a session (N D / P) and those cleaned by their own poll
// in the push latency (N L / P); 12 phase draws.
TEST(PerSessionHerd, PushAtT0MakesAHerdBehindTheWorkload)
{
    ExpectOverRuns("per-session push at t0", {"tam.push.enabled=true", "tam.push.latency=1s"}, 12);
}

} // namespace
} // namespace teepsim::sim
