// Push notifications (issue "Push"): when the TAM learns at t0 + d_T, each reachable device gets
// a "check now" with probability r after latency L; the others learn at their next policy check.
// For a fixed interval P the next poll after t0 + d_T is U(0, P), so
//   R = d_T + δ + min(L, U)   for a reached device,   R = d_T + δ + U   otherwise,
//   E[R] = d_T + δ + r (L - L²/(2P)) + (1 - r) P/2   (L <= P),
// and the Broker cannot change T_trust: E[T_trust] = V - P/2 (d_V = 0).
#include "teepsim/sim/analytic.h"
#include "teepsim/sim/deployment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "theory_helpers.h"

namespace teepsim::sim
{
namespace
{

using theory::RunResult;
using theory::Seconds;

std::vector<std::string> PushOverrides(const std::string& count, const std::string& reach,
                                       const std::string& latency)
{
    // Everything ends by t0 + V (T_trust) < 9 h. Every notified device reaches the TAM at the
    // same instant (fixed latency): with the default queue limit (1000) a herd of more than
    // 64 workers + 1000 sessions gets 503s even at zero service time and those devices fall
    // back to polling (a capacity effect, THEORY §3.6; at r = 0.6: 147 of 1211 notified devices
    // not removed by the push). Here the TAM admits the whole herd.
    return {"fleet.0.count=" + count,     "horizon=9h",
            "malicious.tam_delay=10m",    "tam.queue_limit=100000",
            "tam.push.enabled=true",      "tam.push.reach_probability=" + reach,
            "tam.push.latency=" + latency};
}

/// E[R] of the header's formula (seconds).
double PushMeanR(double dT, double delta, double reach, double L, double P)
{
    const double reached = L <= P ? L - L * L / (2 * P) : P / 2; // E[min(L, U)], U ~ U(0, P)
    return dT + delta + reach * reached + (1 - reach) * P / 2;
}

// Push with r = 0.6, L = 5 min, d_T = 10 min on 2000 devices: mean R within 3 SE of the
// formula above, T_trust within 3 SE of V - P/2, and about r·N notifications sent.
TEST(Push, PartialReachMatchesTheFormulaWithinThreeStandardErrors)
{
    const std::optional<Scenario> s = theory::LoadFixture(PushOverrides("2000", "0.6", "5m"));
    ASSERT_TRUE(s);
    const analytic::Inputs in = AnalyticInputsFor(*s, nullptr);
    const double P = in.interval;
    const double dT = Seconds(s->malicious.tam_delay_ns);
    const double L = Seconds(s->tam.push.latency_ns);
    const double reach = s->tam.push.reach_probability;
    ASSERT_EQ(s->policy_check.law, PolicyCheckLaw::Fixed);
    ASSERT_DOUBLE_EQ(dT, 600);
    ASSERT_DOUBLE_EQ(L, 300);

    const RunResult run = theory::Run(*s, "push r=0.6");
    const size_t n = static_cast<size_t>(s->TotalDevices());
    ASSERT_EQ(run.exposures.size(), n) << "every device had the TA at t0";
    // Binomial(N, r) notifications: within 4 standard deviations.
    const double sent = static_cast<double>(run.Counter("push_sent"));
    size_t atPush = 0; // removed one session (< 1 s) after the notification
    for (const recorder::Exposure& e : run.exposures)
    {
        atPush += e.r && Seconds(*e.r) >= dT + L && Seconds(*e.r) < dT + L + 1 ? 1 : 0;
    }
    std::printf("[push] r=%.2f: %.0f notifications, %zu devices removed at d_T + L + session "
                "(expected %.1f), %lld TAM 503s\n",
                reach, sent, atPush, sent * (1 - L / P),
                static_cast<long long>(run.Counter("tam_overload_503")));
    EXPECT_EQ(run.Counter("tam_overload_503"), 0) << "the TAM must admit the push herd";
    EXPECT_NEAR(sent, reach * n, 4 * std::sqrt(n * reach * (1 - reach)));
    const recorder::Summary r = theory::SampleOf(run.exposures, &recorder::Exposure::r);
    const recorder::Summary t = theory::SampleOf(run.exposures, &recorder::Exposure::tTrust);
    theory::ExpectWithinThreeSe("push R vs formula", r,
                                PushMeanR(dT, in.sessionDelay, reach, L, P));
    theory::ExpectWithinThreeSe("push T_trust vs V - P/2", t, in.validity - P / 2);
    // Without push the mean would be d_T + δ + P/2: the run must be far below it.
    ASSERT_TRUE(r.mean && r.se);
    EXPECT_LT(*r.mean, dT + in.sessionDelay + P / 2 - 10 * *r.se) << "push had no effect";
}

// Reach probability 0 is no push at all: with the same seed every device's removal and trust
// end are identical to a run with push disabled, and no notification is sent.
TEST(Push, ZeroReachIsExactlyNoPush)
{
    const std::optional<Scenario> pushed = theory::LoadFixture(PushOverrides("300", "0", "5m"));
    const std::optional<Scenario> plain = theory::LoadFixture(
        {"fleet.0.count=300", "horizon=9h", "malicious.tam_delay=10m", "tam.queue_limit=100000"});
    ASSERT_TRUE(pushed && plain);
    ASSERT_FALSE(plain->tam.push.enabled);
    const RunResult a = theory::Run(*pushed, "push r=0");
    const RunResult b = theory::Run(*plain, "no push");
    EXPECT_EQ(a.Counter("push_sent"), 0);
    ASSERT_EQ(a.exposures.size(), b.exposures.size());
    ASSERT_EQ(a.exposures.size(), 300u);
    for (const recorder::Exposure& e : a.exposures)
    {
        const recorder::Exposure* o = b.Find(e.device);
        ASSERT_NE(o, nullptr) << "device " << e.device;
        EXPECT_EQ(e.removed, o->removed) << "device " << e.device;
        EXPECT_EQ(e.trustEnd, o->trustEnd) << "device " << e.device;
    }
}

// Reach probability 1 with L = 10 s: every device is notified and removed by d_T + L + δ; all
// but the few whose regular poll fell in [t0 + d_T, t0 + d_T + L) (expected N·L/P) are removed
// exactly one session after the notification, R = d_T + L + δ for each of them.
TEST(Push, FullReachRemovesEveryDeviceOneSessionAfterTheNotification)
{
    const std::optional<Scenario> s = theory::LoadFixture(PushOverrides("500", "1", "10s"));
    ASSERT_TRUE(s);
    const double P = Seconds(s->policy_check.interval_ns);
    const double dT = Seconds(s->malicious.tam_delay_ns);
    const double L = Seconds(s->tam.push.latency_ns);
    const RunResult run = theory::Run(*s, "push r=1");
    const size_t n = static_cast<size_t>(s->TotalDevices());
    ASSERT_EQ(run.exposures.size(), n);
    EXPECT_EQ(run.Counter("push_sent"), static_cast<int64_t>(n));
    // A session (two round trips, the Verifier call) takes well under a second.
    constexpr double kSession = 1.0;
    size_t viaPush = 0;
    double minSession = 1e300, maxSession = 0;
    for (const recorder::Exposure& e : run.exposures)
    {
        ASSERT_TRUE(e.r.has_value()) << "device " << e.device << " not removed";
        const double r = Seconds(*e.r);
        EXPECT_GT(r, dT) << "device " << e.device << ": removed before the TAM knew";
        EXPECT_LE(r, dT + L + kSession) << "device " << e.device << ": push did not remove it";
        if (r >= dT + L)
        {
            ++viaPush;
            minSession = std::min(minSession, r - dT - L);
            maxSession = std::max(maxSession, r - dT - L);
        }
    }
    const double early = n * L / P; // regular poll before the notification arrived
    std::printf("[push] r=1: %zu of %zu removed by the push, session %.4f..%.4f s after it "
                "(expected %.1f earlier by their own poll)\n",
                viaPush, n, minSession, maxSession, early);
    EXPECT_GE(static_cast<double>(viaPush), n - (early + 4 * std::sqrt(early) + 1));
    EXPECT_LT(maxSession - minSession, 0.01) << "every pushed session takes the same time";
}

} // namespace
} // namespace teepsim::sim
