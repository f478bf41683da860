// Freshness in the models (issue 13): the epoch feed's arithmetic, the Verifier writing the epoch
// ID current at appraisal into the signed EAR's eat_nonce (real CBOR the Agent verifies), and the
// nonce RelyingParty's challenges: one per interval per device, each answer verified and accepted
// until the next challenge, affirming until the Verifier learns and contraindicated after.
#include "teepsim/codec/eat.h"
#include "teepsim/freshness-policy.h"
#include "teepsim/relying-party.h"

#include "ns3/enum.h"

#include <gtest/gtest.h>

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

struct Answer
{
    uint32_t device;
    Time at;
    AttestationStatus status;
    Time until;
};

void Record(std::vector<Answer>* out, uint32_t device, AttestationStatus status, Time until)
{
    out->push_back({device, Simulator::Now(), status, until});
}

TEST(FreshnessModels, NonceRelyingPartyChallengesAtItsOwnRate)
{
    DeploymentOptions o;
    o.devices = 3;
    Deployment d(o);
    const Time t0 = Hours(2), dV = Minutes(30);
    d.DeclareMalicious("bad-ta", t0, Hours(10), dV); // the TAM never acts before the stop
    Ptr<RelyingParty> rp = CreateObject<RelyingParty>();
    rp->SetAttribute("CheckInterval", TimeValue(Minutes(20)));
    rp->SetVerifier(d.verifier);
    for (uint32_t i = 0; i < o.devices; ++i)
    {
        rp->AddDevice(d.Agent(i));
    }
    rp->AssignStreams(77);
    std::vector<Answer> answers;
    rp->TraceConnectWithoutContext("Answered", MakeBoundCallback(&Record, &answers));
    rp->Start();
    Simulator::Stop(Hours(4));
    Simulator::Run();
    // 4 h / 20 min = 12 challenges per device (the first after a uniform phase).
    EXPECT_EQ(rp->GetChallengeCount(), 12u * o.devices);
    EXPECT_EQ(rp->GetRejectedCount(), 0u);
    ASSERT_EQ(answers.size(), 12u * o.devices);
    for (const Answer& a : answers)
    {
        EXPECT_EQ(a.until - a.at, Minutes(20)) << "fixed law: accepted until the next challenge";
        const bool hasTa = d.Agent(a.device)->HasTa("bad-ta"); // never removed here
        ASSERT_TRUE(hasTa);
        if (a.at < t0 + dV)
        {
            // Installed at the device's first policy check; affirming until the Verifier knows.
            EXPECT_EQ(a.status, AttestationStatus::Affirming) << "at " << a.at;
        }
        else
        {
            EXPECT_EQ(a.status, AttestationStatus::Contraindicated) << "at " << a.at;
        }
    }
    rp->Dispose();
}

} // namespace
