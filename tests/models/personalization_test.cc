// Personalization (RFC 9397 §4.4): a TA whose catalog entry has personalization data is sent
// to each device in its own SUIT envelope, the data encrypted to that device's P-256 key; the
// Agent decrypts it during the SUIT install procedure. The Broker (REE) never sees plaintext.
#include "teepsim/codec/suit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "teep_deployment_fixture.h"

namespace
{
using namespace ns3;
using namespace teepsim_test;
using teepsim::cbor::Bytes;

bool Contains(const std::vector<uint8_t>& haystack, const Bytes& needle)
{
    return !needle.empty() && std::search(haystack.begin(), haystack.end(), needle.begin(),
                                          needle.end()) != haystack.end();
}

DeploymentOptions TwoDevices()
{
    DeploymentOptions o;
    o.devices = 2;
    o.recordTraffic = true; // every HTTP body a Broker sends or receives
    o.brokerAttributes = {{"Start", "Synchronized"}, {"SynchronizedOffset", "60s"}};
    return o;
}
} // namespace

// The data is a deterministic function of (catalog seed, TA, device): the same for the same
// device, different across devices, empty for a TA without personalization.
TEST(Personalization, DataIsDeterministicPerDevice)
{
    Ptr<TaCatalog> a = CreateObject<TaCatalog>();
    Ptr<TaCatalog> b = CreateObject<TaCatalog>();
    for (Ptr<TaCatalog> c : {a, b})
    {
        c->Add("ta", 128);
        c->Add("plain", 128);
        c->SetPersonalization("ta", 48);
    }
    EXPECT_EQ(a->PersonalizationFor("ta", 7).size(), 48u);
    EXPECT_EQ(a->PersonalizationFor("ta", 7), b->PersonalizationFor("ta", 7));
    EXPECT_NE(a->PersonalizationFor("ta", 7), a->PersonalizationFor("ta", 8));
    EXPECT_TRUE(a->PersonalizationFor("plain", 7).empty());
    Simulator::Destroy();
}

// Two devices install a personalized TA: each Agent holds exactly its own plaintext, the
// plaintext of neither device appears in any HTTP body the Brokers carried, the two devices
// got different envelopes, and the following session (whose evidence reports the installed
// TA) still succeeds.
TEST(Personalization, AgentDecryptsItsOwnDataAndTheBrokerNeverSeesIt)
{
    DeploymentOptions o = TwoDevices();
    Deployment d(o);
    d.catalog->SetPersonalization("good-ta", 64);
    for (uint32_t i = 0; i < 2; ++i)
    {
        d.tam->SetDeviceEncryptionKey(d.Agent(i)->GetDeviceId(), d.Agent(i)->GetEncryptionKey());
    }
    Simulator::Stop(Seconds(60) + Hours(1) + Minutes(2));
    Simulator::Run();

    std::vector<Bytes> plaintexts;
    for (uint32_t i = 0; i < 2; ++i)
    {
        Ptr<TeepAgent> agent = d.Agent(i);
        ASSERT_TRUE(agent->HasTa("good-ta")) << "device " << i;
        const Bytes* data = agent->GetPersonalization("good-ta");
        ASSERT_NE(data, nullptr);
        EXPECT_EQ(*data, d.catalog->PersonalizationFor("good-ta", agent->GetDeviceId()));
        EXPECT_EQ(data->size(), 64u);
        ASSERT_NE(agent->GetPersonalization("bad-ta"), nullptr);
        EXPECT_TRUE(agent->GetPersonalization("bad-ta")->empty()) << "bad-ta is not personalized";
        plaintexts.push_back(*data);
        EXPECT_EQ(d.timeline.brokerOutcomes[i],
                  (std::vector<SessionOutcome>{SessionOutcome::Success, SessionOutcome::Success}))
            << "device " << i;
    }
    EXPECT_NE(plaintexts[0], plaintexts[1]);
    EXPECT_TRUE(d.timeline.agentRejects.empty());

    ASSERT_FALSE(Captured().empty());
    std::vector<Bytes> updates;
    for (const CapturedExchange& x : Captured())
    {
        for (const Bytes& p : plaintexts)
        {
            EXPECT_FALSE(Contains(x.request, p)) << "plaintext in a request to the TAM";
            EXPECT_FALSE(Contains(x.response, p)) << "plaintext in a response to the Broker";
        }
        if (x.response.size() > 1000) // the Updates carrying two envelopes
        {
            updates.push_back(x.response);
        }
    }
    ASSERT_EQ(updates.size(), 2u) << "one installing Update per device";
    EXPECT_NE(updates[0], updates[1]);
}

// The envelope is really encrypted to the registered key: when the TAM holds the wrong
// device key, the Agent cannot decrypt, rejects the Update and installs nothing.
TEST(Personalization, WrongDeviceKeyFailsTheInstall)
{
    DeploymentOptions o = TwoDevices();
    Deployment d(o);
    d.catalog->SetPersonalization("good-ta", 64);
    d.tam->SetDeviceEncryptionKey(d.Agent(0)->GetDeviceId(), d.Agent(0)->GetEncryptionKey());
    d.tam->SetDeviceEncryptionKey(d.Agent(1)->GetDeviceId(), d.Agent(0)->GetEncryptionKey());
    Simulator::Stop(Seconds(60) + Minutes(2));
    Simulator::Run();

    EXPECT_TRUE(d.Agent(0)->HasTa("good-ta"));
    EXPECT_FALSE(d.Agent(1)->HasTa("good-ta"));
    EXPECT_FALSE(d.Agent(1)->HasTa("bad-ta")) << "a failed Update installs nothing";
    ASSERT_EQ(d.timeline.agentRejects.size(), 1u);
    EXPECT_EQ(d.timeline.agentRejects[0],
              std::make_pair(d.Agent(1)->GetDeviceId(), RejectReason::BadManifest));
}
