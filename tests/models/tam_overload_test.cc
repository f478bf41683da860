// An overloaded TAM (QueueLimit) answers with HTTP 503 or with a TAM-signed TEEP Error
// ERR_TEMPORARY_ERROR (OverloadResponse). The device's session driver learns from the Agent's
// verdict how the session ended (TamBusy, never Success) and retries per its policy; the Agent
// takes a TAM Error only for the message it last answered. Zero-delay transport: exact times.
#include "teepsim/codec/teep_signed.h"

#include "ns3/enum.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <vector>

#include "teep_deployment_fixture.h"

namespace
{
using namespace ns3;
using namespace teepsim_test;
namespace teep = teepsim::teep;

const Time kT0 = Seconds(10);           // every device's first policy check
const Time kRetrySpacing = Seconds(30); // retry after a failed session

/// Three devices polling at t0 into one worker (1 s per message) with room for one waiting
/// request: the third POST is turned away.
DeploymentOptions Herd(bool ree)
{
    DeploymentOptions o;
    o.devices = 3;
    o.ree = ree;
    o.recordTraffic = true;
    o.brokerAttributes = {{"Start", "Synchronized"},
                          {"SynchronizedOffset", "10s"},
                          {"RetryCount", "1"},
                          {"RetrySpacing", "30s"}};
    return o;
}

void Overload(Deployment& d, const char* response)
{
    d.tam->SetAttribute("Workers", UintegerValue(1));
    d.tam->SetAttribute("ServiceTime", TimeValue(Seconds(1)));
    d.tam->SetAttribute("QueueLimit", UintegerValue(1));
    d.tam->SetAttribute("OverloadResponse", StringValue(response));
}

/// (time, outcome) of each device's SessionEnd events.
using Ends = std::map<uint32_t, std::vector<std::pair<Time, SessionOutcome>>>;
std::unique_ptr<Ends> RecordEnds(Deployment& d)
{
    auto ends = std::make_unique<Ends>();
    Ends* e = ends.get();
    for (uint32_t i = 0; i < d.devices.GetN(); ++i)
    {
        d.Driver(i)->TraceConnectWithoutContext(
            "SessionEnd", Cb(std::function<void(uint32_t, SessionOutcome)>(
                              [e](uint32_t dev, SessionOutcome o)
                              { (*e)[dev].emplace_back(Simulator::Now(), o); })));
    }
    return ends;
}

/// The one device whose first session failed; the others must have one successful session.
uint32_t TheTurnedAwayDevice(const Ends& ends)
{
    uint32_t found = 0, count = 0;
    for (const auto& [dev, list] : ends)
    {
        if (!list.empty() && list[0].second != SessionOutcome::Success)
        {
            found = dev;
            ++count;
        }
    }
    EXPECT_EQ(count, 1u) << "exactly one POST is turned away";
    return found;
}

/// The success that follows the retry: POST, QueryResponse and Success, 1 s each.
const Time kRetryEnd = kT0 + kRetrySpacing + Seconds(3);
} // namespace

// OverloadResponse TeepError: the turned-away device gets a TAM-signed Error with
// ERR_TEMPORARY_ERROR (no token: the request was the session-opening POST); the Agent verifies
// it, the session ends as TamBusy (not Success), and the retry comes exactly RetrySpacing later
// and succeeds. The same with and without an REE.
TEST(TamOverload, TeepErrorEndsTheSessionAsTamBusyAndTheDeviceRetries)
{
    for (bool ree : {true, false})
    {
        Deployment d(Herd(ree));
        Overload(d, "TeepError");
        std::unique_ptr<Ends> ends = RecordEnds(d);
        Simulator::Stop(Minutes(5));
        Simulator::Run();

        const uint32_t busy = TheTurnedAwayDevice(*ends);
        using E = std::pair<Time, SessionOutcome>;
        EXPECT_EQ((*ends)[busy], (std::vector<E>{{kT0, SessionOutcome::TamBusy},
                                                 {kRetryEnd, SessionOutcome::Success}}))
            << "ree " << ree;
        EXPECT_EQ(d.timeline.policyChecks[busy], (std::vector<Time>{kT0, kT0 + kRetrySpacing}));
        EXPECT_EQ(d.Agent(busy)->GetTamErrorCount(), 1u);
        EXPECT_EQ(d.Agent(busy)->GetProcessErrorCount(), 0u) << "HTTP itself did not fail";
        EXPECT_EQ(d.Agent(busy)->GetRejectedCount(), 0u) << "the TAM's Error verified";
        EXPECT_TRUE(d.Agent(busy)->HasTa("good-ta")) << "installed by the retry";
        EXPECT_EQ(d.tam->GetOverloadCount(), 1u);
        EXPECT_EQ(d.Driver(busy)->GetSessionsFailed(), 1u);

        int errors = 0;
        for (const CapturedExchange& x : Captured())
        {
            if (x.status != 200 || x.response.empty())
            {
                continue;
            }
            auto m = teep::DecodeVerified(x.response, teep::Profile::Draft26(), {d.tam->GetKey()});
            ASSERT_TRUE(m.ok()) << m.failure().ToString();
            if (const auto* e = std::get_if<teep::Error>(&m->message))
            {
                ++errors;
                EXPECT_EQ(e->errCode, teep::ErrorCode::TemporaryError);
                EXPECT_FALSE(e->token.has_value()) << "an empty POST has no token";
                EXPECT_TRUE(x.request.empty());
            }
        }
        EXPECT_EQ(errors, 1) << "ree " << ree;
    }
}

// OverloadResponse Http503 (the default): the turned-away session is tam-busy (ProcessError
// called), and the retry comes exactly RetrySpacing later. Same without an REE.
TEST(TamOverload, Http503EndsTheSessionAsTamBusyAndTheDeviceRetries)
{
    for (bool ree : {true, false})
    {
        Deployment d(Herd(ree));
        Overload(d, "Http503");
        std::unique_ptr<Ends> ends = RecordEnds(d);
        Simulator::Stop(Minutes(5));
        Simulator::Run();

        const uint32_t busy = TheTurnedAwayDevice(*ends);
        using E = std::pair<Time, SessionOutcome>;
        EXPECT_EQ((*ends)[busy], (std::vector<E>{{kT0, SessionOutcome::TamBusy},
                                                 {kRetryEnd, SessionOutcome::Success}}))
            << "ree " << ree;
        EXPECT_EQ(d.timeline.policyChecks[busy], (std::vector<Time>{kT0, kT0 + kRetrySpacing}));
        EXPECT_EQ(d.Agent(busy)->GetProcessErrorCount(), 1u);
        EXPECT_EQ(d.Agent(busy)->GetTamErrorCount(), 0u);
        size_t with503 = 0;
        for (const CapturedExchange& x : Captured())
        {
            with503 += x.status == 503;
        }
        EXPECT_EQ(with503, 1u);
    }
}

// A request turned away mid-session carries a token: the TAM's Error echoes it (read without
// a signature check), and the Overload trace names the device by its key.
TEST(TamOverload, TeepErrorEchoesTheTokenOfTheTurnedAwayRequest)
{
    DeploymentOptions o;
    o.devices = 1;
    o.brokerAttributes = {{"Start", "Synchronized"}, {"SynchronizedOffset", "1000h"}};
    Deployment d(o);
    d.tam->SetAttribute("Workers", UintegerValue(1));
    d.tam->SetAttribute("ServiceTime", TimeValue(Seconds(10)));
    d.tam->SetAttribute("QueueLimit", UintegerValue(1));
    d.tam->SetAttribute("OverloadResponse", StringValue("TeepError"));
    std::vector<uint32_t> overloaded;
    d.tam->TraceConnectWithoutContext(
        "Overload", Cb(std::function<void(uint32_t)>([&overloaded](uint32_t dev)
                                                     { overloaded.push_back(dev); })));

    Ptr<TeepAgent> agent = d.Agent(0);
    teep::Success s;
    s.token = std::vector<uint8_t>(8, 0x42);
    const std::vector<uint8_t> signedSuccess =
        teep::EncodeSigned(s, teep::Profile::Draft26(), {{agent->GetAlg(), agent->GetKey(), true}});

    Ptr<MessageClientTransport> client = CreateObject<MessageClientTransport>();
    client->SetNode(d.devices.Get(0));
    client->SetOneWayDelay(Seconds(0));
    client->SetBandwidth(0);
    std::vector<TeepHttpResponse> answers;
    auto post = [&](const std::vector<uint8_t>& body)
    {
        TeepHttpRequest req;
        req.body = body;
        client->Post(InetSocketAddress(Ipv4Address::GetAny(), 8080), req,
                     TeepClientTransport::ResponseCallback([&answers](const TeepHttpResponse& r)
                                                           { answers.push_back(r); }));
    };
    // Two empty POSTs fill the worker and the queue; the third request is turned away.
    Simulator::Schedule(Seconds(1), [&]() { post({}); });
    Simulator::Schedule(Seconds(1), [&]() { post({}); });
    Simulator::Schedule(Seconds(2), [&]() { post(signedSuccess); });
    Simulator::Stop(Seconds(5));
    Simulator::Run();

    ASSERT_EQ(answers.size(), 1u) << "only the turned-away request is answered by t = 5 s";
    EXPECT_EQ(answers[0].status, 200);
    auto m = teep::DecodeVerified(answers[0].body, teep::Profile::Draft26(), {d.tam->GetKey()});
    ASSERT_TRUE(m.ok()) << m.failure().ToString();
    const auto* e = std::get_if<teep::Error>(&m->message);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->errCode, teep::ErrorCode::TemporaryError);
    EXPECT_EQ(e->token, s.token);
    EXPECT_EQ(overloaded, std::vector<uint32_t>{0u});
}

// The codec accepts a TAM-signed Error in the Agent's decode path. The Agent takes it (verdict
// TamError, no answer) only when it carries no token or the token of the message the Agent
// last answered, and only once; an Error not signed by the TAM is rejected like any message.
TEST(TamOverload, AgentTakesATamErrorOnlyForTheMessageItAnswered)
{
    DeploymentOptions o;
    o.devices = 1;
    o.brokerAttributes = {{"Start", "Synchronized"}, {"SynchronizedOffset", "1000h"}};
    Deployment d(o);
    Ptr<TeepAgent> agent = d.Agent(0);
    const teepsim::cose::Signer tamSigner{d.tam->GetAlg(), d.tam->GetKey(), true};
    auto tamSigned = [&](const teep::Message& m)
    { return teep::EncodeSigned(m, teep::Profile::Draft26(), {tamSigner}); };
    auto tamError = [&](std::optional<std::vector<uint8_t>> token)
    {
        teep::Error e;
        e.token = std::move(token);
        e.errCode = teep::ErrorCode::TemporaryError;
        return tamSigned(e);
    };

    teep::QueryRequest q;
    q.token = std::vector<uint8_t>(8, 0x17);
    q.challenge = std::vector<uint8_t>(16, 0x11);
    q.supportedCipherSuites = {teep::Sign1Suite(d.tam->GetAlg())};
    q.supportedSuitCoseProfiles = {{-16, static_cast<int64_t>(d.tam->GetAlg()), -29, -65534}};
    q.dataItemRequested = teep::kDataAttestation | teep::kDataTrustedComponents;
    const AgentReply answered = agent->ProcessTeepMessage(tamSigned(q));
    ASSERT_EQ(answered.verdict, AgentVerdict::Accepted);
    ASSERT_TRUE(answered.reply.has_value()) << "a QueryResponse";

    const AgentReply other = agent->ProcessTeepMessage(tamError(std::vector<uint8_t>(8, 0x99)));
    EXPECT_EQ(other.verdict, AgentVerdict::Rejected) << "token of no message the Agent sent";
    ASSERT_FALSE(d.timeline.agentRejects.empty());
    EXPECT_EQ(d.timeline.agentRejects.back().second, RejectReason::TokenMismatch);

    const AgentReply taken = agent->ProcessTeepMessage(tamError(q.token));
    EXPECT_EQ(taken.verdict, AgentVerdict::TamError);
    EXPECT_EQ(taken.tamError, teep::ErrorCode::TemporaryError);
    EXPECT_FALSE(taken.reply.has_value()) << "an Error is not answered";
    EXPECT_EQ(agent->GetTamErrorCount(), 1u);

    EXPECT_EQ(agent->ProcessTeepMessage(tamError(q.token)).verdict, AgentVerdict::Rejected)
        << "the token was consumed by the first Error";
    EXPECT_EQ(agent->ProcessTeepMessage(tamError(std::nullopt)).verdict, AgentVerdict::TamError)
        << "a tokenless Error (turned-away empty POST) is always taken";

    teep::Error forged;
    forged.errCode = teep::ErrorCode::TemporaryError;
    const auto bySomeoneElse = teep::EncodeSigned(forged, teep::Profile::Draft26(),
                                                  {{agent->GetAlg(), agent->GetKey(), true}});
    EXPECT_EQ(agent->ProcessTeepMessage(bySomeoneElse).verdict, AgentVerdict::Rejected);
    EXPECT_EQ(agent->GetTamErrorCount(), 2u);
}
