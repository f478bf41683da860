// Session outcomes at deployment level: sessions a Broker drops are counted (never "0 failed"
// with dropping Brokers), tampered sessions are tampered-*, not transport-failed, and a Broker
// that turns to drop-all at t0 also drops the sessions in flight at t0.
#include "teepsim/sim/deployment.h"
#include "teepsim/sim/scenario.h"

#include <gtest/gtest.h>

namespace teepsim::sim
{
namespace
{

std::optional<Scenario> Load(const std::string& file, const std::vector<std::string>& overrides)
{
    const LoadResult loaded =
        LoadScenario(std::string(TEEPSIM_SOURCE_DIR) + "/scenarios/" + file, overrides);
    for (const Diagnostic& d : loaded.diagnostics)
    {
        if (d.severity == Severity::Error)
        {
            ADD_FAILURE() << d.ToString();
        }
    }
    return loaded.ok() ? std::optional<Scenario>(loaded.scenario) : std::nullopt;
}

int64_t Counter(const recorder::Recorder& rec, const std::string& name)
{
    for (const auto& [n, v] : rec.Counters())
    {
        if (n == name)
        {
            return v;
        }
    }
    return 0;
}

uint64_t Sessions(const recorder::Recorder& rec, const std::string& group, const std::string& cause)
{
    for (const auto& a : rec.Sessions())
    {
        if (a.group == group && a.cause == cause)
        {
            return a.count;
        }
    }
    return 0;
}

const recorder::GroupAccount* Group(const recorder::Recorder& rec, const std::string& group)
{
    for (const auto& g : rec.Groups())
    {
        if (g.group == group)
        {
            return &g;
        }
    }
    return nullptr;
}

// broker_dos with 60 phones (42 dropping Brokers): every session a Broker drops is a session
// with cause dropped-by-broker, one per Dropped trace; they are failures of their groups; the
// honest Brokers fail none.
TEST(DeploymentOutcomes, BrokerDropsAreCountedPerBehaviour)
{
    const auto s = Load("broker_dos.yaml", {"fleet.0.count=60", "horizon=2d"});
    ASSERT_TRUE(s);
    Deployment d(*s);
    d.Build();
    d.Run();
    const recorder::Recorder& rec = d.GetRecorder();
    const int64_t dropped = Counter(rec, "broker_dropped");
    EXPECT_GT(dropped, 0);
    EXPECT_EQ(static_cast<int64_t>(Sessions(rec, "all", "dropped-by-broker")), dropped);
    EXPECT_GE(Counter(rec, "sessions_failed"), dropped);
    ASSERT_NE(Group(rec, "broker=drop-all"), nullptr);
    ASSERT_NE(Group(rec, "broker=drop"), nullptr);
    ASSERT_NE(Group(rec, "broker=honest"), nullptr);
    EXPECT_EQ(Group(rec, "broker=drop-all")->devices + Group(rec, "broker=drop")->devices, 42u);
    EXPECT_GT(Group(rec, "broker=drop-all")->failed, 0u);
    EXPECT_GT(Group(rec, "broker=drop")->failed, 0u);
    EXPECT_EQ(Group(rec, "broker=honest")->failed, 0u);
    EXPECT_EQ(Group(rec, "broker=drop-all")->censored, Group(rec, "broker=drop-all")->affected)
        << "a drop-all Broker never lets the removal through";
}

// tampering_ree with every Broker tampering: no session is reported as a transport failure;
// every session after t0 is tampered-rejected or tampered-accepted, and every tampered message
// has a verdict.
TEST(DeploymentOutcomes, TamperedSessionsAreNotTransportFailures)
{
    const auto s =
        Load("tampering_ree.yaml", {"fleet.0.count=30", "fleet.0.broker.tamper=1", "horizon=36h"});
    ASSERT_TRUE(s);
    Deployment d(*s);
    d.Build();
    d.Run();
    const recorder::Recorder& rec = d.GetRecorder();
    EXPECT_EQ(Sessions(rec, "all", "transport-failed"), 0u);
    EXPECT_EQ(Sessions(rec, "all", "rejected-malformed"), 0u);
    const uint64_t tamperedSessions =
        Sessions(rec, "all", "tampered-rejected") + Sessions(rec, "all", "tampered-accepted");
    EXPECT_GT(tamperedSessions, 0u);
    EXPECT_EQ(Counter(rec, "broker_tampered_rejected") + Counter(rec, "broker_tampered_accepted") +
                  Counter(rec, "broker_tampered_undelivered"),
              Counter(rec, "broker_tampered"));
}

// Broker behaviour applies to every message relayed from t0 on: every Broker turns drop-all at
// t0, which falls 50 ms into a round of synchronized sessions (every 10 s, ~0.2 s each), so every
// device has a session in flight at t0. None of them gets the removal the TAM (told at t0) would
// send; their TAM-side sessions are left to time out (10 min), which only sessions dropped in
// flight do (a session dropped before it starts never reaches the TAM).
TEST(DeploymentOutcomes, DropAllFromT0DropsSessionsInFlight)
{
    const auto s =
        Load("broker_dos.yaml", {"fleet.0.count=50", "fleet.0.broker.drop=0",
                                 "fleet.0.broker.drop_all=1", "policy_check.interval=10s",
                                 "policy_check.start=synchronized", "policy_check.retries.count=0",
                                 "warmup=0s", "malicious.t0=100050ms", "horizon=800s"});
    ASSERT_TRUE(s);
    Deployment d(*s);
    d.Build();
    d.Run();
    const recorder::Recorder& rec = d.GetRecorder();
    ASSERT_EQ(rec.Exposures().size(), 50u);
    for (const recorder::Exposure& x : rec.Exposures())
    {
        EXPECT_TRUE(x.rCensored) << "device " << x.device << " removed after t0";
    }
    EXPECT_EQ(Counter(rec, "tam_session_tam-session-timeout"), 50)
        << "each device's in-flight session was dropped by its Broker after t0";
    EXPECT_EQ(static_cast<int64_t>(Sessions(rec, "all", "dropped-by-broker")),
              Counter(rec, "broker_dropped"));
    EXPECT_EQ(Sessions(rec, "all", "open-at-horizon"), 0u);
}

} // namespace
} // namespace teepsim::sim
