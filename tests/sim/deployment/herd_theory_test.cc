// A synchronized fleet at one TAM worker (THEORY-EXTENSIONS §5): every device polls at 0, P,
// 2P, ..., so with t0 = 4 h 30 min the first herd after t0 comes P/2 later, the phase the
// analytic mean assumes. The herd's empty POSTs (service s each) queue together, each
// QueryResponse (s_r, a removal) arrives a round trip after its POST's answer, and its answer
// is the Update. The simulated mean R must lie within 3 SE of analytic::Predict, which
// includes remediation_service_time. 1000 devices on the message transport.
#include "teepsim/sim/analytic.h"
#include "teepsim/sim/deployment.h"

#include <gtest/gtest.h>

#include <string>

#include "theory_helpers.h"

namespace teepsim::sim
{
namespace
{

std::optional<Scenario> HerdScenario(const std::string& service, const std::string& remediation)
{
    return theory::LoadFixture({"fleet.0.count=1000", "horizon=330m", "malicious.t0=270m",
                                "policy_check.start=synchronized", "tam.workers=1",
                                "tam.queue_limit=0", "tam.service_time=" + service,
                                "tam.remediation_service_time=" + remediation});
}

void ExpectHerdMatches(const std::string& service, const std::string& remediation)
{
    const std::optional<Scenario> s = HerdScenario(service, remediation);
    ASSERT_TRUE(s);
    const analytic::Inputs in = AnalyticInputsFor(*s, nullptr);
    const analytic::Prediction p = analytic::Predict(in);
    ASSERT_TRUE(p.meanR.has_value()) << "a lossless synchronized herd at one worker is modelled";
    const double N = static_cast<double>(s->TotalDevices());
    const double sr = theory::Seconds(s->tam.remediation_service_time_ns);
    // The remediation service alone adds at least (N+1) s_r / 2 to the herd-free P/2 + δ.
    EXPECT_GE(*p.meanR, in.interval / 2 + in.sessionDelay + (N + 1) * sr / 2 - 1e-9);

    const theory::RunResult run = theory::Run(*s, "herd s=" + service + " s_r=" + remediation);
    ASSERT_EQ(run.exposures.size(), static_cast<size_t>(s->TotalDevices()));
    EXPECT_EQ(run.Counter("tam_overload_503"), 0);
    const recorder::Summary r = theory::SampleOf(run.exposures, &recorder::Exposure::r);
    theory::ExpectWithinThreeSe(
        "herd R vs analytic::Predict (s=" + service + ", s_r=" + remediation + ")", r, *p.meanR);
}

// service_time 0, remediation 25 ms: every QueryResponse arrives at once and they leave one
// s_r apart, E[R] = P/2 + δ + (N+1) s_r / 2 (12.5 s above the remediation-blind P/2 + δ).
TEST(SynchronizedHerd, RemediationServiceTimeDelaysTheHerd)
{
    ExpectHerdMatches("0s", "25ms");
}

// service_time 5 ms: the 1000 POSTs (5 s of work) are still queued when the first
// QueryResponse arrives, so every QueryResponse waits for all of them: + N s.
TEST(SynchronizedHerd, QueryResponsesQueueBehindTheWholeHerdOfPosts)
{
    ExpectHerdMatches("5ms", "25ms");
}

} // namespace
} // namespace teepsim::sim
