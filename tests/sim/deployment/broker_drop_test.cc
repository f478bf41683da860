// Compromised Brokers that drop (THEORY.md §2.3, §3.2, §3.4): from t0 on, a Broker dropping each
// session with probability d acts like per-attempt loss p' = d, so for a fixed interval
//   E[R] = P(1+d)/(2(1-d)) + δ = P/2 + P·d/(1-d) + δ,
// while T_trust is unaffected ("the Broker cannot stop the Verifier's policy change"; it was
// honest until t0): E[T_trust] = V - P/2. A Broker dropping everything leaves R = ∞ (censored)
// and W_danger = T_trust <= V + d_V. 2000 devices on the message transport.
#include "teepsim/sim/analytic.h"
#include "teepsim/sim/deployment.h"

#include <gtest/gtest.h>

#include "theory_helpers.h"

namespace teepsim::sim
{
namespace
{

using theory::RunResult;

constexpr double kDrop = 0.3;

std::optional<Scenario> DropScenario()
{
    return theory::LoadFixture(
        {"horizon=14h", "fleet.0.broker.drop=1", "fleet.0.broker.drop_probability=0.3"});
}

const RunResult& DropRun()
{
    static const RunResult run = []
    {
        const std::optional<Scenario> s = DropScenario();
        EXPECT_TRUE(s.has_value());
        return s ? theory::Run(*s, "broker drop d=0.3") : RunResult{};
    }();
    return run;
}

// DropFraction d = 0.3 (horizon: P(R censored) = d^10 < 1e-5): mean R within 3 SE of
// P(1+d)/(2(1-d)) + δ and of analytic::Predict; mean T_trust within 3 SE of V - P/2 (unchanged by
// the Broker).
TEST(BrokerDrop, DropFractionActsAsPerAttemptLossFromT0)
{
    const std::optional<Scenario> s = DropScenario();
    ASSERT_TRUE(s);
    ASSERT_DOUBLE_EQ(s->fleet.front().broker.drop_probability, kDrop);
    const analytic::Inputs in = AnalyticInputsFor(*s, nullptr);
    const double P = in.interval;
    const analytic::Prediction p = analytic::Predict(in);
    ASSERT_TRUE(p.meanR.has_value());

    const RunResult& run = DropRun();
    ASSERT_EQ(run.exposures.size(), static_cast<size_t>(s->TotalDevices()));
    for (const recorder::DeviceInfo& d : run.devices)
    {
        EXPECT_EQ(d.broker, "drop");
    }
    const recorder::Summary r = theory::SampleOf(run.exposures, &recorder::Exposure::r);
    const recorder::Summary t = theory::SampleOf(run.exposures, &recorder::Exposure::tTrust);
    theory::ExpectWithinThreeSe("drop R vs P(1+d)/(2(1-d)) + delta", r,
                                P * (1 + kDrop) / (2 * (1 - kDrop)) + in.sessionDelay);
    theory::ExpectWithinThreeSe("drop R vs analytic::Predict", r, *p.meanR);
    theory::ExpectWithinThreeSe("drop T_trust vs V - P/2", t, in.validity - P / 2);
}

// Brokers turn bad at t0 (deployment; THEORY §2.3): the AR held at t0 comes from honest
// sessions, so the analytic E[T_trust] must not apply the drop probability to it (V - P/2).
TEST(BrokerDrop, AnalyticStaleTrustMatchesSimulationUnderDropFraction)
{
    const std::optional<Scenario> s = DropScenario();
    ASSERT_TRUE(s);
    const analytic::Prediction p = analytic::Predict(AnalyticInputsFor(*s, nullptr));
    ASSERT_TRUE(p.meanTtrust.has_value());
    const recorder::Summary t = theory::SampleOf(DropRun().exposures, &recorder::Exposure::tTrust);
    theory::ExpectWithinThreeSe("drop T_trust vs analytic::Predict", t, *p.meanTtrust);
}

// Half the fleet behind drop-all Brokers: each of those devices keeps the TA (R censored) and
// W_danger = T_trust <= V + d_V, with mean T_trust V - P/2 within 3 SE like the honest half;
// every honest device is removed with mean R = P/2 + δ within 3 SE.
TEST(BrokerDrop, DropAllLeavesOnlyTheStaleTrustWindow)
{
    const std::optional<Scenario> s =
        theory::LoadFixture({"horizon=9h", "fleet.0.broker.drop_all=0.5"});
    ASSERT_TRUE(s);
    const analytic::Inputs in = AnalyticInputsFor(*s, nullptr);
    const double P = in.interval;
    const RunResult run = theory::Run(*s, "broker drop-all half");
    ASSERT_EQ(run.exposures.size(), static_cast<size_t>(s->TotalDevices()));
    auto behind = [&](const std::string& broker)
    {
        return [&run, broker](const recorder::Exposure& e)
        { return run.devices.at(e.device).broker == broker; };
    };

    size_t dropAll = 0, honest = 0;
    const int64_t bound = s->verifier.validity_ns + s->verifier.policy_delay_ns;
    for (const recorder::Exposure& e : run.exposures)
    {
        const std::string& broker = run.devices.at(e.device).broker;
        ASSERT_FALSE(e.tTrustCensored) << "device " << e.device;
        ASSERT_TRUE(e.tTrust.has_value());
        if (broker == "drop-all")
        {
            ++dropAll;
            EXPECT_TRUE(e.rCensored) << "device " << e.device << " cleaned through drop-all";
            EXPECT_FALSE(e.removed.has_value());
            ASSERT_TRUE(e.wDanger.has_value());
            EXPECT_EQ(*e.wDanger, *e.tTrust) << "device " << e.device;
            EXPECT_LE(*e.tTrust, bound) << "device " << e.device;
        }
        else
        {
            ASSERT_EQ(broker, "honest");
            ++honest;
            EXPECT_TRUE(e.r.has_value()) << "honest device " << e.device << " not cleaned";
        }
    }
    EXPECT_EQ(dropAll, 1000u);
    EXPECT_EQ(honest, 1000u);
    theory::ExpectWithinThreeSe(
        "drop-all T_trust vs V - P/2",
        theory::SampleOf(run.exposures, &recorder::Exposure::tTrust, behind("drop-all")),
        in.validity - P / 2);
    theory::ExpectWithinThreeSe(
        "honest T_trust vs V - P/2",
        theory::SampleOf(run.exposures, &recorder::Exposure::tTrust, behind("honest")),
        in.validity - P / 2);
    theory::ExpectWithinThreeSe(
        "honest R vs P/2 + delta",
        theory::SampleOf(run.exposures, &recorder::Exposure::r, behind("honest")),
        P / 2 + in.sessionDelay);
}

} // namespace
} // namespace teepsim::sim
