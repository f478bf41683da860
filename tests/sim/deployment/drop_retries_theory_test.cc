// Compromised Brokers that drop sessions, with immediate retries (THEORY-EXTENSIONS §4): a
// dropped session is never started, so the Broker sees no failure and does not retry; only a
// session that took place and failed (a lost message) starts the next attempt of the burst.
// So from t0 an attempt removes with (1 - d)(1 - p), retries with (1 - d)p and ends the burst
// with d. 1000 devices on the message transport; the simulated mean R must lie within 3 SE of
// analytic::Predict, and (with no loss) of P(1+d)/(2(1-d)) + δ: retries change nothing then.
#include "teepsim/sim/analytic.h"
#include "teepsim/sim/deployment.h"

#include <gtest/gtest.h>

#include <string>

#include "theory_helpers.h"

namespace teepsim::sim
{
namespace
{

constexpr double kDrop = 0.2;

/// P = 1 h, drop 0.2, 3 retries 1 min apart (the example), per-message loss `loss`.
std::optional<Scenario> DropRetryScenario(const std::string& loss)
{
    // Horizon: 10 P after t0; a round ends without removal with probability < 0.35 here, so
    // P(R censored) < 0.35^10 < 3e-5.
    return theory::LoadFixture({"fleet.0.count=1000", "horizon=14h", "fleet.0.link.loss=" + loss,
                                "fleet.0.broker.drop=1", "fleet.0.broker.drop_probability=0.2",
                                "policy_check.retries.count=3", "policy_check.retries.spacing=1m"});
}

// No loss: no session that takes place fails, so the retries never run and a dropped check
// waits for the next one: E[R] = P(1+d)/(2(1-d)) + δ (0.75 h), not the 0.5 h of a retried drop.
TEST(BrokerDropRetries, DroppedSessionsAreNotRetried)
{
    const std::optional<Scenario> s = DropRetryScenario("0");
    ASSERT_TRUE(s);
    const analytic::Inputs in = AnalyticInputsFor(*s, nullptr);
    ASSERT_DOUBLE_EQ(in.brokerDrop, kDrop);
    ASSERT_EQ(in.retries, 3);
    const analytic::Prediction p = analytic::Predict(in);
    ASSERT_TRUE(p.meanR.has_value());
    const double P = in.interval;
    EXPECT_NEAR(*p.meanR, P * (1 + kDrop) / (2 * (1 - kDrop)) + in.sessionDelay, 1e-6 * P);

    const theory::RunResult run = theory::Run(*s, "drop 0.2, 3 retries, no loss");
    ASSERT_EQ(run.exposures.size(), static_cast<size_t>(s->TotalDevices()));
    const recorder::Summary r = theory::SampleOf(run.exposures, &recorder::Exposure::r);
    theory::ExpectWithinThreeSe("drop+retries R vs analytic::Predict", r, *p.meanR);
    // The retried-drop formula (drops as loss in THEORY §3.2's retry integral) is far off.
    const double retried =
        analytic::FixedIntervalRetryMean(P, kDrop, in.retries, in.retrySpacing) + in.sessionDelay;
    ASSERT_TRUE(r.mean && r.se);
    EXPECT_GT(std::abs(*r.mean - retried), 5 * *r.se)
        << "the simulation retries dropped sessions (" << *r.mean << " s vs " << retried << ")";
}

// Loss 3 % per message: failed sessions are retried, dropped ones are not; the burst that t0
// interrupts was started by an honest Broker (any lost message of 6 fails a session).
TEST(BrokerDropRetries, OnlyLossTriggeredFailuresAreRetried)
{
    const std::optional<Scenario> s = DropRetryScenario("0.03");
    ASSERT_TRUE(s);
    const analytic::Inputs in = AnalyticInputsFor(*s, nullptr);
    const analytic::Prediction p = analytic::Predict(in);
    ASSERT_TRUE(p.meanR.has_value());
    const theory::RunResult run = theory::Run(*s, "drop 0.2, 3 retries, loss 3 %");
    ASSERT_EQ(run.exposures.size(), static_cast<size_t>(s->TotalDevices()));
    EXPECT_GT(run.Counter("sessions_failed"), 0) << "3 % message loss must fail sessions";
    const recorder::Summary r = theory::SampleOf(run.exposures, &recorder::Exposure::r);
    theory::ExpectWithinThreeSe("drop+loss+retries R vs analytic::Predict", r, *p.meanR);
}

} // namespace
} // namespace teepsim::sim
