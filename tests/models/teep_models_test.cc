// ns-3-level tests of the TEEP models (Agent, Broker, TAM, Verifier) on small deployments over
// the zero-delay message transport, where expected times are exact: a session completes at the
// instant its policy check fires (THEORY.md §3.1, δ = 0).
#include "teepsim/codec/eat.h"
#include "teepsim/codec/suit.h"
#include "teepsim/codec/teep_signed.h"
#include "teepsim/policy-check.h"

#include "ns3/enum.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "teep_deployment_fixture.h"

namespace
{
using namespace ns3;
using namespace teepsim_test;
namespace teep = teepsim::teep;

/// First time in `v` at or after `t` (Time::Max() if none).
Time FirstAtOrAfter(const std::vector<Time>& v, Time t)
{
    for (Time x : v)
    {
        if (x >= t)
        {
            return x;
        }
    }
    return Time::Max();
}

Time FloorSeconds(Time t)
{
    return Seconds(std::floor(t.GetSeconds()));
}

// ---- RequestPolicyCheck law (THEORY.md §3.1 table) ----

struct LawCase
{
    PolicyCheckLaw law;
    double jitter;
    double expectedMeanResidual; // in units of P
};

TEST(PolicyCheckSchedule, EquilibriumResidualMeanMatchesRenewalTheory)
{
    // E[R] = m2 / (2m): P/2 fixed, P(1 + j^2/3)/2 uniform, P exponential. 3 standard errors.
    const LawCase cases[] = {{POLICY_CHECK_FIXED, 0, 0.5},
                             {POLICY_CHECK_UNIFORM, 0.5, 0.5 * (1 + 0.25 / 3)},
                             {POLICY_CHECK_EXPONENTIAL, 0, 1.0}};
    for (const LawCase& c : cases)
    {
        PolicyCheckSchedule s(c.law, Hours(1), c.jitter);
        Ptr<UniformRandomVariable> u = CreateObject<UniformRandomVariable>();
        u->SetStream(42);
        const int n = 200000;
        double sum = 0, sum2 = 0;
        for (int i = 0; i < n; ++i)
        {
            const double r = s.EquilibriumResidual(u).GetHours();
            ASSERT_GE(r, 0.0);
            sum += r;
            sum2 += r * r;
        }
        const double mean = sum / n;
        const double se = std::sqrt((sum2 / n - mean * mean) / n);
        EXPECT_NEAR(mean, c.expectedMeanResidual, 3 * se) << "law " << c.law;
    }
}

TEST(PolicyCheckSchedule, IntervalsHaveMeanPAndStayInTheirSupport)
{
    PolicyCheckSchedule s(POLICY_CHECK_UNIFORM, Hours(1), 0.5);
    Ptr<UniformRandomVariable> u = CreateObject<UniformRandomVariable>();
    u->SetStream(7);
    double sum = 0;
    const int n = 100000;
    for (int i = 0; i < n; ++i)
    {
        const double x = s.NextInterval(u).GetHours();
        ASSERT_GE(x, 0.5);
        ASSERT_LE(x, 1.5);
        sum += x;
    }
    // sd of U[0.5, 1.5] is 1/sqrt(12); 3 standard errors.
    EXPECT_NEAR(sum / n, 1.0, 3 / std::sqrt(12.0 * n));
    PolicyCheckSchedule f(POLICY_CHECK_FIXED, Minutes(30), 0);
    EXPECT_EQ(f.NextInterval(u), Minutes(30));
}

// ---- Removal and install times ----

TEST(TeepModels, InstallAtFirstCheckThenRemovalAtFirstCheckAfterTamLearns)
{
    DeploymentOptions o;
    o.devices = 5;
    Deployment d(o);
    const Time t0 = Hours(5), dT = Minutes(10);
    d.DeclareMalicious("bad-ta", t0, dT, Seconds(0));
    Simulator::Stop(Hours(8));
    Simulator::Run();
    for (uint32_t i = 0; i < o.devices; ++i)
    {
        const auto& checks = d.timeline.policyChecks[i];
        ASSERT_FALSE(checks.empty());
        EXPECT_LT(checks[0], o.interval) << "equilibrium first fire is within one interval";
        ASSERT_EQ(d.timeline.installed[i].size(), 1u) << "device " << i;
        EXPECT_EQ(d.timeline.installed[i][0], checks[0]) << "installed at the first check";
        ASSERT_EQ(d.timeline.removed[i].size(), 1u) << "device " << i;
        const Time expected = FirstAtOrAfter(checks, t0 + dT);
        EXPECT_EQ(d.timeline.removed[i][0], expected) << "device " << i;
        EXPECT_LE(d.timeline.removed[i][0] - (t0 + dT), o.interval);
        EXPECT_FALSE(d.Agent(i)->HasTa("bad-ta"));
        EXPECT_TRUE(d.Agent(i)->HasTa("good-ta"));
    }
    EXPECT_EQ(d.tam->GetRejectedCount(), 0u);
}

TEST(TeepModels, FirstChecksOfAFleetAreSpreadNotSynchronized)
{
    DeploymentOptions o;
    o.devices = 8;
    Deployment d(o);
    Simulator::Stop(Hours(1));
    Simulator::Run();
    std::set<int64_t> firsts;
    for (uint32_t i = 0; i < o.devices; ++i)
    {
        ASSERT_EQ(d.timeline.policyChecks[i].size(), 1u);
        firsts.insert(d.timeline.policyChecks[i][0].GetNanoSeconds());
    }
    EXPECT_EQ(firsts.size(), o.devices) << "every device has its own phase";
}

TEST(TeepModels, SynchronizedStartFiresEveryDeviceAtTheOffset)
{
    DeploymentOptions o;
    o.devices = 4;
    o.brokerAttributes = {{"Start", "Synchronized"}, {"SynchronizedOffset", "600s"}};
    Deployment d(o);
    Simulator::Stop(Hours(2));
    Simulator::Run();
    for (uint32_t i = 0; i < o.devices; ++i)
    {
        const std::vector<Time> expected = {Minutes(10), Minutes(70)};
        EXPECT_EQ(d.timeline.policyChecks[i], expected);
    }
}

// ---- Attestation results and Verifier policy time ----

TEST(TeepModels, ArBeforeVerifierLearnsKeepsExpiryAndContraindicatedResultsFollow)
{
    DeploymentOptions o;
    o.devices = 4;
    o.arValidity = Hours(3);
    Deployment d(o);
    const Time t0 = Hours(5), dT = Hours(2), dV = Minutes(10);
    d.DeclareMalicious("bad-ta", t0, dT, dV);
    Simulator::Stop(Hours(11));
    Simulator::Run();
    for (uint32_t i = 0; i < o.devices; ++i)
    {
        const auto& issued = d.timeline.issued[i];
        ASSERT_FALSE(issued.empty());
        const Time removal = d.timeline.removed[i].at(0);
        const Timeline::Ar* lastGood = nullptr;
        for (const auto& ar : issued)
        {
            // exp = iat + V on the wire; iat is the issue time in whole seconds.
            EXPECT_EQ(ar.iat, FloorSeconds(ar.at));
            EXPECT_EQ(ar.exp, ar.iat + o.arValidity);
            if (ar.at < t0 + dV)
            {
                EXPECT_EQ(ar.status, AttestationStatus::Affirming);
                lastGood = &ar;
            }
            else if (ar.at <= removal)
            {
                // The evidence still lists the TA: the Verifier, now knowing, contraindicates.
                EXPECT_EQ(ar.status, AttestationStatus::Contraindicated) << "at " << ar.at;
            }
            else
            {
                EXPECT_EQ(ar.status, AttestationStatus::Affirming) << "TA gone at " << ar.at;
            }
        }
        ASSERT_NE(lastGood, nullptr);
        // The last good AR keeps its original expiry: T_trust = iat + V - t0 (THEORY.md §3.4),
        // and with fixed P and δ = 0: T_trust - R = V + dV - P... here R is measured from t0 to
        // the first check after t0 + dT, so check the coupling via A instead.
        const Time A = (t0 + dV) - lastGood->at;
        EXPECT_LE(A, o.interval);
        const Time tTrust = lastGood->exp - t0;
        EXPECT_LE(std::abs((tTrust - (o.arValidity + dV - A)).GetSeconds()), 1.0);
        // The Agent got every AR passed back, the contraindicated ones included.
        EXPECT_EQ(d.timeline.received[i].size(), issued.size());
        EXPECT_EQ(d.timeline.received[i].back().exp, issued.back().exp);
        ASSERT_TRUE(d.Agent(i)->GetAttestationResult().has_value());
        EXPECT_EQ(d.Agent(i)->GetAttestationResult()->status, AttestationStatus::Affirming);
    }
}

TEST(TeepModels, CouplingIdentityTtrustMinusRHoldsForEveryDevice)
{
    // THEORY.md §3.4: fixed P, attest on every poll, no loss, d_T = d_V = 0:
    // T_trust - R = V - P (δ = 0), up to the whole-second iat on the wire.
    DeploymentOptions o;
    o.devices = 6;
    o.arValidity = Hours(2);
    Deployment d(o);
    const Time t0 = Hours(4);
    d.DeclareMalicious("bad-ta", t0, Seconds(0), Seconds(0));
    Simulator::Stop(Hours(9));
    Simulator::Run();
    for (uint32_t i = 0; i < o.devices; ++i)
    {
        const Time R = d.timeline.removed[i].at(0) - t0;
        Time lastGoodExp;
        for (const auto& ar : d.timeline.issued[i])
        {
            if (ar.at < t0 && ar.status == AttestationStatus::Affirming)
            {
                lastGoodExp = ar.exp;
            }
        }
        const Time tTrust = lastGoodExp - t0;
        EXPECT_NEAR((tTrust - R).GetSeconds(), (o.arValidity - o.interval).GetSeconds(), 1.0)
            << "device " << i;
    }
}

// ---- Compromised REE ----

TEST(TeepModels, DeviceWhoseBrokerForwardsNothingIsNeverCleaned)
{
    DeploymentOptions o;
    o.devices = 3;
    o.arValidity = Hours(3);
    Deployment d(o);
    const Time t0 = Hours(5);
    d.DeclareMalicious("bad-ta", t0, Seconds(0), Seconds(0));
    Simulator::Schedule(t0, [&d]()
                        { d.Broker(0)->SetAttribute("Behaviour", EnumValue(BROKER_DROP_ALL)); });
    Simulator::Stop(t0 + Hours(48));
    Simulator::Run();
    EXPECT_TRUE(d.Agent(0)->HasTa("bad-ta"));
    EXPECT_TRUE(d.timeline.removed[0].empty());
    EXPECT_GE(d.timeline.dropped, 48u);
    // Its last AR predates t0: it expires within V of t0 and is never refreshed (W = T_trust).
    ASSERT_TRUE(d.Agent(0)->GetAttestationResult().has_value());
    EXPECT_LE(d.Agent(0)->GetAttestationResult()->exp, t0 + o.arValidity);
    EXPECT_GT(d.Agent(0)->GetAttestationResult()->exp, t0 + o.arValidity - o.interval - Seconds(1));
    for (uint32_t i = 1; i < o.devices; ++i)
    {
        EXPECT_FALSE(d.Agent(i)->HasTa("bad-ta")) << "honest device " << i;
    }
}

TEST(TeepModels, TamperedMessagesAreRejectedAndCounted)
{
    DeploymentOptions o;
    o.devices = 3;
    o.brokerAttributes = {{"Behaviour", "Tamper"}, {"TamperTarget", "Both"}};
    Deployment d(o);
    Simulator::Stop(Hours(4));
    Simulator::Run();
    // Every tampered message was detected exactly once, by the Agent or by the TAM.
    EXPECT_GT(d.timeline.tampered, 0u);
    EXPECT_EQ(d.timeline.tampered, d.timeline.agentRejects.size() + d.timeline.tamRejects.size());
    EXPECT_EQ(d.tam->GetRejectedCount(), d.timeline.tamRejects.size());
    uint64_t agentRejected = 0;
    for (uint32_t i = 0; i < o.devices; ++i)
    {
        EXPECT_TRUE(d.Agent(i)->GetInventory().empty()) << "nothing acted on";
        EXPECT_FALSE(d.Agent(i)->GetAttestationResult().has_value());
        agentRejected += d.Agent(i)->GetRejectedCount();
        for (SessionOutcome out : d.timeline.brokerOutcomes[i])
        {
            EXPECT_NE(out, SessionOutcome::Success);
        }
    }
    EXPECT_EQ(agentRejected, d.timeline.agentRejects.size());
}

TEST(TeepModels, EveryFlippedByteOfQueryRequestAndUpdateIsRejected)
{
    DeploymentOptions o;
    o.devices = 1;
    o.recordTraffic = true;
    o.brokerAttributes = {{"Start", "Synchronized"}, {"SynchronizedOffset", "60s"}};
    Deployment d(o);
    Simulator::Stop(Minutes(2));
    Simulator::Run();
    ASSERT_GE(Captured().size(), 3u);
    const std::vector<uint8_t> queryRequest = Captured()[0].response;
    const std::vector<uint8_t> update = Captured()[1].response;
    Ptr<TeepAgent> agent = d.Agent(0);
    const size_t installed = agent->GetInventory().size();
    ASSERT_EQ(installed, 2u);
    for (const std::vector<uint8_t>* msg : {&queryRequest, &update})
    {
        for (size_t pos = 0; pos < msg->size(); ++pos)
        {
            for (uint8_t mask : {uint8_t(0x01), uint8_t(0x80)})
            {
                std::vector<uint8_t> bad = *msg;
                bad[pos] ^= mask;
                const uint64_t before = agent->GetRejectedCount();
                auto out = agent->ProcessTeepMessage(bad);
                ASSERT_EQ(agent->GetRejectedCount(), before + 1) << "byte " << pos;
                ASSERT_EQ(out.verdict, AgentVerdict::Rejected) << "byte " << pos;
                ASSERT_TRUE(out.reply.has_value());
                auto err =
                    teep::DecodeVerified(*out.reply, teep::Profile::Draft26(), {agent->GetKey()});
                ASSERT_TRUE(err.ok());
                EXPECT_EQ(teep::TypeOf(err->message), teep::MessageType::Error);
            }
        }
    }
    EXPECT_EQ(agent->GetInventory().size(), installed) << "no altered message was acted on";
}

// ---- Tokens ----

TEST(TeepModels, ReplayedUpdateAndMismatchedTokensAreRejected)
{
    DeploymentOptions o;
    o.devices = 1;
    o.recordTraffic = true;
    o.brokerAttributes = {{"Start", "Synchronized"}, {"SynchronizedOffset", "60s"}};
    Deployment d(o);
    Simulator::Stop(Minutes(2));
    Simulator::Run();
    ASSERT_GE(Captured().size(), 3u);
    Ptr<TeepAgent> agent = d.Agent(0);

    // Agent: the Update's token was consumed; the same (validly signed) Update again is a replay.
    const uint64_t before = agent->GetRejectedCount();
    auto out = agent->ProcessTeepMessage(Captured()[1].response);
    EXPECT_EQ(out.verdict, AgentVerdict::Rejected);
    EXPECT_EQ(agent->GetRejectedCount(), before + 1);
    ASSERT_FALSE(d.timeline.agentRejects.empty());
    EXPECT_EQ(d.timeline.agentRejects.back().second, RejectReason::Replay);

    // TAM: a QueryResponse whose token the TAM never issued, and a replayed QueryResponse whose
    // token already expired, are both dropped with 400 and traced as TokenMismatch.
    teep::QueryRequest forged;
    forged.token = std::vector<uint8_t>(8, 0x5a);
    forged.challenge = std::vector<uint8_t>(16, 0x11);
    forged.supportedCipherSuites = {teep::Sign1Suite(d.tam->GetAlg())};
    forged.supportedSuitCoseProfiles = {{-16, -19, -29, -65534}};
    forged.dataItemRequested = teep::kDataAttestation | teep::kDataTrustedComponents;
    const auto forgedBytes = teep::EncodeSigned(forged, teep::Profile::Draft26(),
                                                {{d.tam->GetAlg(), d.tam->GetKey(), true}});
    const std::optional<std::vector<uint8_t>> strayResponse =
        agent->ProcessTeepMessage(forgedBytes).reply;
    ASSERT_TRUE(strayResponse.has_value());
    const std::vector<uint8_t> replayed =
        Captured()[0].request.empty() ? Captured()[1].request : Captured()[0].request;
    ASSERT_FALSE(replayed.empty());

    Ptr<MessageClientTransport> client = CreateObject<MessageClientTransport>();
    client->SetNode(d.devices.Get(0));
    client->SetOneWayDelay(Seconds(0));
    client->SetBandwidth(0);
    std::vector<uint16_t> statuses;
    auto post = [&](const std::vector<uint8_t>& body)
    {
        TeepHttpRequest req;
        req.body = body;
        client->Post(InetSocketAddress(Ipv4Address::GetAny(), 8080), req,
                     TeepClientTransport::ResponseCallback([&statuses](const TeepHttpResponse& r)
                                                           { statuses.push_back(r.status); }));
    };
    Simulator::Schedule(Seconds(1), [&]() { post(*strayResponse); });
    Simulator::Schedule(Seconds(2), [&]() { post(replayed); });
    Simulator::Stop(Seconds(5));
    Simulator::Run();
    EXPECT_EQ(statuses, (std::vector<uint16_t>{400, 400}));
    ASSERT_EQ(d.timeline.tamRejects.size(), 2u);
    EXPECT_EQ(d.timeline.tamRejects[0].second, RejectReason::TokenMismatch);
    EXPECT_EQ(d.timeline.tamRejects[1].second, RejectReason::TokenMismatch);
    EXPECT_EQ(d.timeline.tamRejects[0].first, 0u) << "the device is known by its key";
}

// ---- Captured messages and exported keys ----

TEST(TeepModels, CapturedMessagesDecodeAndVerifyWithExportedKeys)
{
    DeploymentOptions o;
    o.devices = 2;
    o.recordTraffic = true;
    Deployment d(o);
    d.DeclareMalicious("bad-ta", Hours(1), Seconds(0), Seconds(0));
    Simulator::Stop(Hours(2));
    Simulator::Run();

    const std::string dir = std::string(TEEPSIM_BINARY_DIR) + "/test-keys-models";
    std::filesystem::remove_all(dir);
    EXPECT_EQ(WriteTeepPublicKeys(dir, d.tam, d.verifier, d.catalog, d.devices), 5u);
    const auto tamKey = teepsim::crypto::Key::FromFile(dir + "/tam.pem");
    const auto verifierKey = teepsim::crypto::Key::FromFile(dir + "/verifier.pem");
    const auto signerKey = teepsim::crypto::Key::FromFile(dir + "/ta-signer.pem");
    std::vector<teepsim::crypto::Key> agentKeys = {
        teepsim::crypto::Key::FromFile(dir + "/agent-0.pem"),
        teepsim::crypto::Key::FromFile(dir + "/agent-1.pem")};

    std::map<teep::MessageType, int> seen;
    int manifests = 0, results = 0, evidence = 0;
    for (const CapturedExchange& x : Captured())
    {
        if (!x.request.empty())
        {
            auto m = teep::DecodeVerified(x.request, teep::Profile::Draft26(), agentKeys);
            ASSERT_TRUE(m.ok()) << m.failure().ToString();
            ++seen[teep::TypeOf(m->message)];
            if (const auto* q = std::get_if<teep::QueryResponse>(&m->message))
            {
                ASSERT_TRUE(q->attestationPayload.has_value());
                auto ev = teepsim::eat::VerifyEvidence(*q->attestationPayload,
                                                       {agentKeys[m->keyIndex]}, std::nullopt);
                EXPECT_TRUE(ev.ok());
                ++evidence;
            }
        }
        if (!x.response.empty())
        {
            auto m = teep::DecodeVerified(x.response, teep::Profile::Draft26(), {tamKey});
            ASSERT_TRUE(m.ok()) << m.failure().ToString();
            ++seen[teep::TypeOf(m->message)];
            if (const auto* u = std::get_if<teep::Update>(&m->message))
            {
                ASSERT_TRUE(u->attestationPayload.has_value());
                EXPECT_TRUE(
                    teepsim::eat::VerifyAttestationResult(*u->attestationPayload, {verifierKey})
                        .ok());
                ++results;
                for (const auto& env :
                     u->manifestList.value_or(std::vector<std::vector<uint8_t>>{}))
                {
                    auto parsed = teepsim::suit::ParseEnvelope(env);
                    ASSERT_TRUE(parsed.ok());
                    EXPECT_TRUE(teepsim::suit::VerifyEnvelope(*parsed, {signerKey}).ok());
                    ++manifests;
                }
            }
        }
    }
    // Two devices, two sessions each in two hours: QR, QResp, Update, Success per session.
    EXPECT_EQ(seen[teep::MessageType::QueryRequest], 4);
    EXPECT_EQ(seen[teep::MessageType::QueryResponse], 4);
    EXPECT_EQ(seen[teep::MessageType::Update], 4);
    EXPECT_EQ(seen[teep::MessageType::Success], 4);
    EXPECT_EQ(manifests, 4) << "two TAs installed on each device";
    EXPECT_EQ(results, 4);
    EXPECT_EQ(evidence, 4);
}

// ---- Retries and determinism ----

TEST(TeepModels, RetriesAfterAFailedSessionThenTheRegularSchedule)
{
    DeploymentOptions o;
    o.devices = 1;
    o.brokerAttributes = {{"Start", "Synchronized"}, {"SynchronizedOffset", "600s"},
                          {"RetryCount", "2"},       {"RetrySpacing", "60s"},
                          {"Behaviour", "Tamper"},   {"TamperTarget", "ToTam"}};
    Deployment d(o);
    Simulator::Stop(Minutes(80));
    Simulator::Run();
    const std::vector<Time> expected = {Minutes(10), Minutes(11), Minutes(12),
                                        Minutes(70), Minutes(71), Minutes(72)};
    EXPECT_EQ(d.timeline.policyChecks[0], expected);
    EXPECT_EQ(d.Agent(0)->GetProcessErrorCount(), 6u) << "each failed session called ProcessError";
    for (SessionOutcome out : d.timeline.brokerOutcomes[0])
    {
        EXPECT_EQ(out, SessionOutcome::TamperedRejected);
    }
}

std::vector<int64_t> RunAndFlatten()
{
    DeploymentOptions o;
    o.devices = 4;
    o.brokerAttributes = {{"Law", "Exponential"}};
    Deployment d(o);
    d.DeclareMalicious("bad-ta", Hours(3), Minutes(5), Minutes(20));
    Simulator::Stop(Hours(12));
    Simulator::Run();
    std::vector<int64_t> flat;
    for (uint32_t i = 0; i < o.devices; ++i)
    {
        for (Time t : d.timeline.policyChecks[i])
            flat.push_back(t.GetNanoSeconds());
        for (Time t : d.timeline.removed[i])
            flat.push_back(t.GetNanoSeconds());
        for (const auto& ar : d.timeline.issued[i])
            flat.push_back(ar.exp.GetNanoSeconds() * 100 + static_cast<int>(ar.status));
    }
    return flat;
}

TEST(TeepModels, SameSeedGivesIdenticalTimelines)
{
    const auto a = RunAndFlatten();
    const auto b = RunAndFlatten();
    EXPECT_FALSE(a.empty());
    EXPECT_EQ(a, b);
}

} // namespace
