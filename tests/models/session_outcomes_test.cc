// Session outcomes: one cause per session from the documented list; the Agent's kid check;
// the TAM taking a token-less Agent Error with 204; tampered messages counted by verdict; a
// Broker that turns to drop-all while a session is in flight drops the rest of it.
#include "teepsim/codec/teep_signed.h"
#include "teepsim/teep-trace.h"

#include "ns3/enum.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "models/teep/teep-wire.h"
#include "teep_deployment_fixture.h"

using namespace teepsim_test;
namespace teep = teepsim::teep;

// The code table: kebab-case names, unique, each with a meaning; failure flags as documented.
TEST(SessionOutcomes, OneTableOfKebabCaseCauses)
{
    std::set<std::string> names;
    for (SessionOutcome o : kAllSessionOutcomes)
    {
        const std::string n = ToString(o);
        EXPECT_EQ(n.find_first_not_of("abcdefghijklmnopqrstuvwxyz-"), std::string::npos) << n;
        EXPECT_TRUE(names.insert(n).second) << "duplicate " << n;
        EXPECT_GT(std::string(Meaning(o)).size(), 10u) << n;
    }
    for (const char* required :
         {"success", "dropped-by-broker", "tampered-rejected", "tampered-accepted",
          "client-timeout", "transport-failed", "tam-busy", "tam-error", "rejected-signature",
          "rejected-token", "rejected-malformed", "agent-error", "attestation-failed",
          "tam-session-timeout"})
    {
        EXPECT_EQ(names.count(required), 1u) << required;
    }
    EXPECT_FALSE(IsFailure(SessionOutcome::Success));
    EXPECT_FALSE(IsFailure(SessionOutcome::TamperedAccepted));
    EXPECT_TRUE(IsFailure(SessionOutcome::TamperedRejected));
    EXPECT_TRUE(IsFailure(SessionOutcome::DroppedByBroker));
    EXPECT_EQ(OutcomeOf(RejectReason::BadSignature), SessionOutcome::RejectedSignature);
    EXPECT_EQ(OutcomeOf(RejectReason::Replay), SessionOutcome::RejectedToken);
    EXPECT_EQ(OutcomeOf(RejectReason::BadManifest), SessionOutcome::AgentError);
}

// A TAM message whose unprotected header lost its kid (what a flipped kid label does) still
// carries a valid signature; the Agent must not skip its kid check then: rejected, with the
// reason that makes the session rejected-signature, and nothing acted on.
TEST(SessionOutcomes, AgentRejectsATamMessageWithoutKid)
{
    DeploymentOptions o;
    o.devices = 1;
    Deployment d(o);
    teep::QueryRequest q;
    q.token = std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7, 8};
    q.supportedCipherSuites = {teep::Sign1Suite(d.Agent(0)->GetAlg())};
    q.supportedSuitCoseProfiles = {{-16, static_cast<int64_t>(d.tam->GetAlg()), -29, -65534}};
    q.dataItemRequested = teep::kDataTrustedComponents;
    const std::vector<teepsim::cose::Signer> noKid = {
        {d.tam->GetAlg(), d.tam->GetKey(), /*includeKid=*/false}};
    const std::vector<teepsim::cose::Signer> withKid = {
        {d.tam->GetAlg(), d.tam->GetKey(), /*includeKid=*/true}};

    const AgentReply bad =
        d.Agent(0)->ProcessTeepMessage(teep::EncodeSigned(q, ns3::teepwire::Wire(), noKid));
    EXPECT_EQ(bad.verdict, AgentVerdict::Rejected);
    ASSERT_TRUE(bad.rejectReason.has_value());
    EXPECT_EQ(OutcomeOf(*bad.rejectReason), SessionOutcome::RejectedSignature);

    const AgentReply good =
        d.Agent(0)->ProcessTeepMessage(teep::EncodeSigned(q, ns3::teepwire::Wire(), withKid));
    EXPECT_EQ(good.verdict, AgentVerdict::Accepted) << "the same message with its kid is fine";
}

// Every message to the Agent tampered: the Agent answers what it cannot trust with a token-less
// TEEP Error, which the TAM takes with 204 (TEEP over HTTP), not HTTP 400: no transport failure
// (ProcessError) and no TAM rejection; each session is tampered-rejected or, when only unsigned
// bytes changed, tampered-accepted; each tampered message has exactly one verdict.
TEST(SessionOutcomes, TamperedMessagesHaveOneVerdictAndTheTamTakesTheAgentError)
{
    DeploymentOptions o;
    o.devices = 20;
    o.interval = Minutes(10);
    o.brokerAttributes = {{"Behaviour", "Tamper"}, {"TamperTarget", "ToAgent"}};
    Deployment d(o);
    std::map<TamperVerdict, uint64_t> verdicts;
    uint64_t tamErrors = 0;
    for (uint32_t i = 0; i < o.devices; ++i)
    {
        d.Driver(i)->TraceConnectWithoutContext(
            "TamperVerdict",
            Cb(std::function<void(uint32_t, TamperDirection, TamperVerdict)>(
                [&verdicts](uint32_t, TamperDirection, TamperVerdict v) { ++verdicts[v]; })));
    }
    d.tam->TraceConnectWithoutContext("ErrorReceived",
                                      Cb(std::function<void(uint32_t, uint32_t)>(
                                          [&tamErrors](uint32_t, uint32_t) { ++tamErrors; })));
    Simulator::Stop(Hours(2));
    Simulator::Run();

    ASSERT_GT(d.timeline.tampered, 0u);
    EXPECT_EQ(verdicts[TamperVerdict::Rejected] + verdicts[TamperVerdict::Accepted] +
                  verdicts[TamperVerdict::Undelivered],
              d.timeline.tampered);
    EXPECT_EQ(verdicts[TamperVerdict::Rejected], d.timeline.agentRejects.size());
    EXPECT_TRUE(d.timeline.tamRejects.empty()) << "the Agent's Errors are not bad messages";
    EXPECT_EQ(tamErrors, d.timeline.agentRejects.size()) << "every Error reached the TAM";
    uint64_t sessions = 0;
    for (uint32_t i = 0; i < o.devices; ++i)
    {
        EXPECT_EQ(d.Agent(i)->GetProcessErrorCount(), 0u) << "no HTTP failure: 204";
        for (SessionOutcome out : d.timeline.brokerOutcomes[i])
        {
            ++sessions;
            EXPECT_TRUE(out == SessionOutcome::TamperedRejected ||
                        out == SessionOutcome::TamperedAccepted)
                << ToString(out);
        }
    }
    EXPECT_EQ(sessions, o.devices * 12u);
}

// A Broker that turns to drop-all while a session is in flight drops the session's remaining
// messages: the session ends as dropped-by-broker at the next message it would have relayed,
// and nothing of it reaches the Agent. The same session completes when the Broker stays as it
// was (the control).
TEST(SessionOutcomes, DropAllAppliesToASessionInFlight)
{
    for (bool turn : {false, true})
    {
        DeploymentOptions o;
        o.devices = 1;
        o.brokerAttributes = {{"Start", "Synchronized"},
                              {"SynchronizedOffset", "10s"},
                              {"Behaviour", "Delay"},
                              {"Delay", "1s"}};
        Deployment d(o);
        if (turn)
        {
            // The empty POST left at 11 s; the QueryRequest would reach the Agent at 12 s.
            Ptr<TeepBroker> b = d.Broker(0);
            Simulator::Schedule(MilliSeconds(11500),
                                [b] { b->SetAttribute("Behaviour", EnumValue(BROKER_DROP_ALL)); });
        }
        Simulator::Stop(Minutes(30));
        Simulator::Run();
        ASSERT_EQ(d.timeline.brokerOutcomes[0].size(), 1u) << "turn " << turn;
        if (turn)
        {
            EXPECT_EQ(d.timeline.brokerOutcomes[0][0], SessionOutcome::DroppedByBroker);
            EXPECT_EQ(d.timeline.dropped, 1u);
            EXPECT_TRUE(d.Agent(0)->GetInventory().empty()) << "nothing reached the Agent";
        }
        else
        {
            EXPECT_EQ(d.timeline.brokerOutcomes[0][0], SessionOutcome::Success);
            EXPECT_FALSE(d.Agent(0)->GetInventory().empty());
        }
    }
}
