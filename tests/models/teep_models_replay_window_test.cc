// The Agent's replay window (ReplayWindow attribute): a consumed TAM token is refused again
// while it is among the last ReplayWindow tokens consumed, and forgotten after.
#include "ns3/uinteger.h"

#include <gtest/gtest.h>

#include "teep_deployment_fixture.h"

namespace
{
using namespace ns3;
using namespace teepsim_test;

/// Three synchronized sessions of one device (QueryRequest and Update tokens: 6 consumed),
/// its Agent remembering `window` tokens. Returns the deployment after the run.
std::unique_ptr<Deployment> ThreeSessions(uint32_t window)
{
    DeploymentOptions o;
    o.devices = 1;
    o.recordTraffic = true;
    o.brokerAttributes = {{"Start", "Synchronized"}, {"SynchronizedOffset", "60s"}};
    auto d = std::make_unique<Deployment>(o);
    d->Agent(0)->SetAttribute("ReplayWindow", UintegerValue(window));
    Simulator::Stop(Hours(2) + Minutes(2));
    Simulator::Run();
    return d;
}

/// Whether the Agent refuses `msg` as a replay.
bool RefusedAsReplay(Deployment& d, const std::vector<uint8_t>& msg)
{
    const size_t rejects = d.timeline.agentRejects.size();
    const AgentReply out = d.Agent(0)->ProcessTeepMessage(msg);
    return out.verdict == AgentVerdict::Rejected && d.timeline.agentRejects.size() == rejects + 1 &&
           d.timeline.agentRejects.back().second == RejectReason::Replay;
}

TEST(TeepAgentReplayWindow, TokensWithinTheWindowAreReplays)
{
    auto d = ThreeSessions(64);
    // Per session: empty POST -> QueryRequest, QueryResponse -> Update, Success -> 204.
    ASSERT_EQ(Captured().size(), 9u);
    EXPECT_TRUE(RefusedAsReplay(*d, Captured()[1].response)); // first session's Update
    EXPECT_TRUE(RefusedAsReplay(*d, Captured()[0].response)); // first session's QueryRequest
    EXPECT_TRUE(RefusedAsReplay(*d, Captured()[7].response)); // last session's Update
    d.reset();
    Simulator::Destroy();
}

TEST(TeepAgentReplayWindow, TokensOlderThanTheWindowAreForgotten)
{
    auto d = ThreeSessions(2);
    ASSERT_EQ(Captured().size(), 9u);
    // The last two tokens consumed (last session's QueryRequest and Update) are remembered...
    EXPECT_TRUE(RefusedAsReplay(*d, Captured()[7].response));
    EXPECT_TRUE(RefusedAsReplay(*d, Captured()[6].response));
    // ...the first session's were pushed out: its Update is taken as a new message (and its
    // token now fills the window, pushing out the last QueryRequest's).
    EXPECT_FALSE(RefusedAsReplay(*d, Captured()[1].response));
    EXPECT_TRUE(RefusedAsReplay(*d, Captured()[1].response));
    EXPECT_TRUE(RefusedAsReplay(*d, Captured()[7].response));
    EXPECT_FALSE(RefusedAsReplay(*d, Captured()[6].response));
    d.reset();
    Simulator::Destroy();
}

} // namespace
