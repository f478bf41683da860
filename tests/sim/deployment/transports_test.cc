// Both transports (issue "MessageTransport"): one setup run with the full ns-3 TCP/HTTP transport
// and with the message-level transport gives the same removal-time distribution (two-sample
// Kolmogorov-Smirnov test, p > 0.01), and the message transport needs >= 20x fewer ns-3 events
// per TEEP session.
#include "teepsim/sim/deployment.h"
#include "teepsim/sim/scenario.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "tests/support/ks_test.h"

namespace teepsim::sim
{
namespace
{

using test::KsPValue;
using test::KsStatistic;

TEST(KolmogorovSmirnov, StatisticAndPValueMatchKnownValues)
{
    // Identical samples: D = 0, p = 1. Disjoint samples: D = 1, p ~ 0.
    EXPECT_EQ(KsStatistic({1, 2, 3}, {1, 2, 3}), 0.0);
    EXPECT_EQ(KsStatistic({1, 2, 3}, {4, 5, 6}), 1.0);
    EXPECT_DOUBLE_EQ(KsPValue(0, 50, 50), 1.0);
    EXPECT_LT(KsPValue(1, 50, 50), 1e-10);
    // Q(λ = 1.36) ≈ 0.049 (the classic 5% critical value).
    const double ne = 10000.0;
    const double d = 1.36 / (std::sqrt(ne) + 0.12 + 0.11 / std::sqrt(ne));
    EXPECT_NEAR(KsPValue(d, 20000, 20000), 0.0494, 0.001);
}

struct TransportOutcome
{
    std::vector<double> removal; // R in seconds
    uint64_t events = 0;
    int64_t sessions = 0;
};

TransportOutcome Simulate(Scenario s, Transport t)
{
    s.transport = t;
    Deployment d(s);
    d.Build();
    d.Run();
    TransportOutcome out;
    for (const recorder::Exposure& e : d.GetRecorder().Exposures())
    {
        EXPECT_TRUE(e.r.has_value()) << "device " << e.device << " not cleaned";
        if (e.r)
        {
            out.removal.push_back(*e.r / 1e9);
        }
    }
    out.events = d.GetEventCount();
    for (const auto& [name, value] : d.GetRecorder().Counters())
    {
        if (name == "sessions")
        {
            out.sessions = value;
        }
    }
    return out;
}

TEST(Transports, FullAndMessageTransportGiveTheSameRemovalDistribution)
{
    const LoadResult loaded =
        LoadScenario(std::string(TEEPSIM_SOURCE_DIR) + "/tests/sim/fixtures/e2e_small.yaml",
                     {"fleet.0.count=200", "horizon=5h"});
    for (const Diagnostic& d : loaded.diagnostics)
    {
        ADD_FAILURE() << d.ToString();
    }
    ASSERT_TRUE(loaded.ok());

    const TransportOutcome full = Simulate(loaded.scenario, Transport::Full);
    const TransportOutcome message = Simulate(loaded.scenario, Transport::Message);
    ASSERT_EQ(full.removal.size(), 200u);
    ASSERT_EQ(message.removal.size(), 200u);
    ASSERT_GT(full.sessions, 0);
    ASSERT_GT(message.sessions, 0);

    const double d = KsStatistic(full.removal, message.removal);
    const double p = KsPValue(d, full.removal.size(), message.removal.size());
    const double fullPerSession = static_cast<double>(full.events) / full.sessions;
    const double messagePerSession = static_cast<double>(message.events) / message.sessions;
    std::printf("[transports] KS D = %.4f, p = %.4f; events/session: full %.1f (%llu events, %lld "
                "sessions), message %.1f (%llu events, %lld sessions), ratio %.1f\n",
                d, p, fullPerSession, static_cast<unsigned long long>(full.events),
                static_cast<long long>(full.sessions), messagePerSession,
                static_cast<unsigned long long>(message.events),
                static_cast<long long>(message.sessions), fullPerSession / messagePerSession);
    EXPECT_GT(p, 0.01) << "removal-time distributions differ between transports (D = " << d << ")";
    EXPECT_GE(fullPerSession, 20 * messagePerSession)
        << "message transport must need >= 20x fewer events per session";
}

} // namespace
} // namespace teepsim::sim
