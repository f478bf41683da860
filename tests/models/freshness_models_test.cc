// Freshness in the models (issue 13): the epoch feed's arithmetic, the Verifier writing the epoch
// ID current at appraisal into the signed EAR's eat_nonce (real CBOR the Agent verifies), and the
// nonce RelyingParty's challenges: one per interval per device, crossing the device's access link
// and the Verifier's path (lost, refused offline, dropped or delayed by a Broker), each answer
// verified and accepted until the next challenge resolves, affirming until the Verifier learns
// and contraindicated after.
#include "teepsim/codec/eat.h"
#include "teepsim/freshness-policy.h"
#include "teepsim/relying-party.h"

#include "ns3/enum.h"
#include "ns3/inet-socket-address.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "teep_deployment_fixture.h"

namespace
{

using namespace ns3;
using namespace teepsim_test;
namespace eat = teepsim::eat;

TEST(EpochFeed, EpochsAndAcceptanceFollowTheGrid)
{
    const EpochFeed feed(Minutes(25), 3);
    EXPECT_EQ(feed.EpochAt(Seconds(0)), 0u);
    EXPECT_EQ(feed.EpochAt(Minutes(25) - NanoSeconds(1)), 0u);
    EXPECT_EQ(feed.EpochAt(Minutes(25)), 1u);
    EXPECT_EQ(feed.EpochAt(Hours(4)), 9u); // 240 min = 9 x 25 + 15
    // Accepted while the relying party's epoch is at most epoch + w - 1.
    EXPECT_EQ(feed.AcceptedUntil(9, Minutes(2)), Minutes(12 * 25 + 2));
    const teepsim::cbor::Bytes id = EpochFeed::Encode(0x0102030405060708ull);
    EXPECT_EQ(id, (teepsim::cbor::Bytes{1, 2, 3, 4, 5, 6, 7, 8}));
    EXPECT_EQ(EpochFeed::Decode(id), 0x0102030405060708ull);
    EXPECT_FALSE(EpochFeed::Decode({1, 2, 3}));
}

void RecordEpoch(std::vector<std::pair<Time, uint64_t>>* out, uint32_t, AttestationStatus,
                 uint64_t epoch)
{
    out->emplace_back(Simulator::Now(), epoch);
}

TEST(FreshnessModels, EpochResultsCarryTheEpochOfTheirAppraisal)
{
    DeploymentOptions o;
    o.devices = 3;
    Deployment d(o);
    d.verifier->SetAttribute("EpochDuration", TimeValue(Minutes(25)));
    std::vector<std::pair<Time, uint64_t>> epochs;
    d.verifier->TraceConnectWithoutContext("ArEpoch", MakeBoundCallback(&RecordEpoch, &epochs));
    Simulator::Stop(Hours(3));
    Simulator::Run();
    ASSERT_GE(epochs.size(), 3u * 2);
    for (const auto& [at, epoch] : epochs)
    {
        EXPECT_EQ(epoch, static_cast<uint64_t>(at.GetNanoSeconds() / Minutes(25).GetNanoSeconds()));
    }
    // The AR each Agent holds is the signed EAR with the epoch ID as its eat_nonce.
    for (uint32_t i = 0; i < o.devices; ++i)
    {
        const auto& held = d.Agent(i)->GetAttestationResult();
        ASSERT_TRUE(held.has_value());
        auto ar =
            eat::VerifyAttestationResult(held->raw, {d.verifier->GetKey()}, d.Agent(i)->GetKid());
        ASSERT_TRUE(ar.ok()) << ar.failure().ToString();
        ASSERT_TRUE(ar->result.nonce.has_value());
        const auto epoch = EpochFeed::Decode(*ar->result.nonce);
        ASSERT_TRUE(epoch.has_value());
        // iat is whole seconds; the epoch is that of the appraisal instant.
        EXPECT_EQ(*epoch, static_cast<uint64_t>(ar->result.iat / (25 * 60)));
    }
}

// The nonce relying party's network: access links of 20 ms each way, a Verifier path of 5 ms
// each way, no rate limit, so a round trip is exactly 50 ms and the evidence is signed 20 ms
// after the challenge.
const Time kAccess = MilliSeconds(20);
const Time kVerifierLeg = MilliSeconds(5);
const Time kRoundTrip = 2 * kAccess + 2 * kVerifierLeg;

LinkProfile AccessLink(double loss = 0)
{
    LinkProfile l;
    l.oneWayDelay = kAccess;
    l.bandwidthBps = 0;
    l.lossProbability = loss;
    return l;
}

// A relying party on the TAM's node reaching the fixture's Verifier as the TAM does.
Ptr<RelyingParty> MakeRelyingParty(const Deployment& d, Time interval)
{
    Ptr<RelyingParty> rp = CreateObject<RelyingParty>();
    rp->SetAttribute("CheckInterval", TimeValue(interval));
    rp->SetVerifier(d.verifier);
    ObjectFactory client("ns3::teepsim::MessageClientTransport");
    client.Set("OneWayDelay", TimeValue(kVerifierLeg));
    client.Set("Bandwidth", UintegerValue(0));
    rp->SetVerifierPath(client, d.tamNode, InetSocketAddress(Ipv4Address::GetAny(), 8081));
    return rp;
}

// What the relying party reported, in time order.
struct RpEvent
{
    enum Kind
    {
        kAnswered,
        kUnanswered,
        kHeld
    } kind;
    uint32_t device;
    Time at;
    AttestationStatus status = AttestationStatus::None;
    Time a, b; // Answered: round trip; Held: signed at, accepted until
    RpNoAnswerCause cause = RpNoAnswerCause::Timeout;
};

void OnAnswered(std::vector<RpEvent>* out, uint32_t dev, AttestationStatus st, Time rtt)
{
    out->push_back({RpEvent::kAnswered, dev, Simulator::Now(), st, rtt, Time(0)});
}

void OnUnanswered(std::vector<RpEvent>* out, uint32_t dev, RpNoAnswerCause cause)
{
    RpEvent e{RpEvent::kUnanswered, dev, Simulator::Now()};
    e.cause = cause;
    out->push_back(e);
}

void OnHeld(std::vector<RpEvent>* out, uint32_t dev, AttestationStatus st, Time signedAt,
            Time until)
{
    out->push_back({RpEvent::kHeld, dev, Simulator::Now(), st, signedAt, until});
}

void Connect(Ptr<RelyingParty> rp, std::vector<RpEvent>* events)
{
    rp->TraceConnectWithoutContext("Answered", MakeBoundCallback(&OnAnswered, events));
    rp->TraceConnectWithoutContext("Unanswered", MakeBoundCallback(&OnUnanswered, events));
    rp->TraceConnectWithoutContext("Held", MakeBoundCallback(&OnHeld, events));
}

TEST(FreshnessModels, NonceChallengesCrossTheNetworkAndAreHeldUntilTheNextAnswer)
{
    DeploymentOptions o;
    o.devices = 3;
    Deployment d(o);
    const Time t0 = Hours(2), dV = Minutes(30), C = Minutes(20);
    d.DeclareMalicious("bad-ta", t0, Hours(10), dV); // the TAM never acts before the stop
    Ptr<RelyingParty> rp = MakeRelyingParty(d, C);
    for (uint32_t i = 0; i < o.devices; ++i)
    {
        rp->AddDevice(d.Agent(i), AccessLink(), d.Broker(i));
    }
    rp->AssignStreams(77);
    std::vector<RpEvent> events;
    Connect(rp, &events);
    rp->Start();
    Simulator::Stop(Hours(4));
    Simulator::Run();
    rp->Flush();
    // 4 h / 20 min = 12 challenges per device (the first after a uniform phase), each answered
    // one round trip later (the last may still be on its way at the stop).
    EXPECT_EQ(rp->GetChallengeCount(), 12u * o.devices);
    EXPECT_EQ(rp->GetRejectedCount(), 0u);
    EXPECT_EQ(rp->GetUnansweredCount(), 0u);
    EXPECT_GE(rp->GetAnsweredCount(), 12u * o.devices - o.devices);
    size_t affirmingHeld = 0;
    for (const RpEvent& e : events)
    {
        ASSERT_NE(e.kind, RpEvent::kUnanswered);
        if (e.kind == RpEvent::kAnswered)
        {
            EXPECT_EQ(e.a, kRoundTrip) << "20 ms down, 5 ms to the Verifier and back, 20 ms up";
            // Appraised 45 ms after the challenge: affirming until the Verifier knows.
            const Time appraised = e.at - kVerifierLeg;
            EXPECT_EQ(e.status, appraised < t0 + dV ? AttestationStatus::Affirming
                                                    : AttestationStatus::Contraindicated)
                << "at " << e.at;
            continue;
        }
        if (e.status != AttestationStatus::Affirming)
        {
            EXPECT_EQ(e.b, e.at) << "a contraindicated answer vouches for nothing";
            continue;
        }
        ++affirmingHeld;
        if (e.b != Time::Max())
        {
            // Signed 20 ms after its challenge, accepted until the next answer: C + 30 ms.
            EXPECT_EQ(e.b - e.a, C + kRoundTrip - kAccess) << "at " << e.at;
            EXPECT_EQ(e.b, e.at);
        }
        EXPECT_LT(e.a, t0 + dV);
    }
    EXPECT_GT(affirmingHeld, 0u);
    // Trusted from each affirming answer to the first contraindicated one: about t0 + dV.
    EXPECT_GT(rp->GetTrustedTime(), o.devices * (t0 + dV - Hours(1)));
    EXPECT_LT(rp->GetTrustedTime(), o.devices * (t0 + dV + C));
    rp->Dispose();
}

TEST(FreshnessModels, NonceChallengeLostOnTheLinkEndsTrustAtTheTimeout)
{
    DeploymentOptions o;
    o.devices = 2;
    Deployment d(o);
    Ptr<RelyingParty> rp = MakeRelyingParty(d, Minutes(2));
    rp->SetAttribute("Timeout", TimeValue(Seconds(10)));
    for (uint32_t i = 0; i < o.devices; ++i)
    {
        rp->AddDevice(d.Agent(i), AccessLink(0.3), d.Broker(i));
    }
    rp->AssignStreams(5);
    std::vector<RpEvent> events;
    Connect(rp, &events);
    rp->Start();
    Simulator::Stop(Hours(5));
    Simulator::Run();
    const uint64_t challenges = rp->GetChallengeCount();
    ASSERT_EQ(challenges, 2u * 150);
    // Every challenge resolved once, but the last of a device may still be waiting.
    const uint64_t resolved = rp->GetAnsweredCount() + rp->GetUnansweredCount();
    EXPECT_LE(resolved, challenges);
    EXPECT_GE(resolved, challenges - o.devices);
    EXPECT_EQ(rp->GetRejectedCount(), 0u);
    EXPECT_EQ(rp->GetUnansweredCount(RpNoAnswerCause::Lost), rp->GetUnansweredCount());
    // Each of the two messages survives with probability 0.7: 49 % answered (±4 SE).
    const double answered = static_cast<double>(rp->GetAnsweredCount()) / resolved;
    EXPECT_NEAR(answered, 0.49, 4 * std::sqrt(0.49 * 0.51 / resolved));
    // A challenge resolves 50 ms after it was sent when answered, 10 s after when not, and a
    // held affirming answer ends exactly at the next resolution, whichever it is.
    const int64_t period = Minutes(2).GetNanoSeconds();
    std::vector<Time> lastResolution(o.devices, Time(-1));
    std::vector<int64_t> phase(o.devices, -1);
    size_t timedOutHolds = 0;
    for (const RpEvent& e : events)
    {
        if (e.kind == RpEvent::kHeld)
        {
            EXPECT_EQ(e.b, lastResolution[e.device]) << "held until the resolution at " << e.at;
            continue;
        }
        lastResolution[e.device] = e.at;
        const Time sent = e.at - (e.kind == RpEvent::kAnswered ? kRoundTrip : Seconds(10));
        const int64_t p = sent.GetNanoSeconds() % period;
        if (phase[e.device] < 0)
        {
            phase[e.device] = p;
        }
        EXPECT_EQ(p, phase[e.device]) << "resolved at " << e.at;
        timedOutHolds += e.kind == RpEvent::kUnanswered;
    }
    EXPECT_GT(timedOutHolds, 0u);
    rp->Dispose();
}

TEST(FreshnessModels, NonceChallengeRefusedOfflineDroppedOrDelayedByTheBroker)
{
    DeploymentOptions o;
    o.devices = 4;
    Deployment d(o);
    Ptr<RelyingParty> rp = MakeRelyingParty(d, Minutes(10));
    for (uint32_t i = 0; i < o.devices; ++i)
    {
        rp->AddDevice(d.Agent(i), AccessLink(), d.Broker(i));
    }
    rp->SetDeviceUpCallback(Callback<bool, uint32_t>([](uint32_t dev) { return dev != 0; }));
    d.Broker(1)->SetAttribute("Behaviour", EnumValue(BROKER_DROP_ALL));
    d.Broker(2)->SetAttribute("Behaviour", EnumValue(BROKER_DELAY));
    d.Broker(2)->SetAttribute("Delay", TimeValue(Seconds(2)));
    rp->AssignStreams(9);
    std::vector<RpEvent> events;
    Connect(rp, &events);
    rp->Start();
    Simulator::Stop(Hours(1) + Minutes(1));
    Simulator::Run();
    std::vector<std::vector<RpEvent>> byDevice(o.devices);
    for (const RpEvent& e : events)
    {
        if (e.kind != RpEvent::kHeld)
        {
            byDevice[e.device].push_back(e);
        }
    }
    for (uint32_t i = 0; i < o.devices; ++i)
    {
        // One resolution per 10 min (a seventh if the phase puts a challenge in the first
        // minute).
        ASSERT_GE(byDevice[i].size(), 6u) << "device " << i;
        for (const RpEvent& e : byDevice[i])
        {
            if (i == 0)
            {
                EXPECT_EQ(e.kind, RpEvent::kUnanswered);
                EXPECT_EQ(e.cause, RpNoAnswerCause::Offline) << "the device was off";
            }
            else if (i == 1)
            {
                EXPECT_EQ(e.kind, RpEvent::kUnanswered);
                EXPECT_EQ(e.cause, RpNoAnswerCause::BrokerDropped);
            }
            else
            {
                ASSERT_EQ(e.kind, RpEvent::kAnswered);
                EXPECT_EQ(e.status, AttestationStatus::Affirming);
                // The delaying Broker holds the challenge and the answer 2 s each.
                EXPECT_EQ(e.a, kRoundTrip + (i == 2 ? Seconds(4) : Time(0)));
            }
        }
    }
    rp->Dispose();
}

TEST(FreshnessModels, NonceChallengeReachesADeviceWithoutReeOverItsOwnLink)
{
    DeploymentOptions o;
    o.devices = 2;
    o.ree = false;
    Deployment d(o);
    Ptr<RelyingParty> rp = MakeRelyingParty(d, Minutes(10));
    for (uint32_t i = 0; i < o.devices; ++i)
    {
        ASSERT_FALSE(d.Broker(i)) << "no REE, no Broker";
        rp->AddDevice(d.Agent(i), AccessLink(), nullptr);
    }
    rp->AssignStreams(11);
    std::vector<RpEvent> events;
    Connect(rp, &events);
    rp->Start();
    Simulator::Stop(Hours(1) + Minutes(1));
    Simulator::Run();
    EXPECT_GE(rp->GetAnsweredCount(), 12u);
    EXPECT_EQ(rp->GetAnsweredCount(), rp->GetChallengeCount());
    for (const RpEvent& e : events)
    {
        if (e.kind == RpEvent::kAnswered)
        {
            EXPECT_EQ(e.status, AttestationStatus::Affirming);
            EXPECT_EQ(e.a, kRoundTrip);
        }
    }
    rp->Dispose();
}

} // namespace
