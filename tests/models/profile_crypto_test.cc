// The codec GlobalValues honoured by the models (models/teep/teep-wire.h): the legacy wire
// profile end to end, modelled signatures that keep times and sizes, and CryptoCharge.
#include "teepsim/codec/crypto.h"
#include "teepsim/codec/teep_signed.h"

#include "ns3/global-value.h"
#include "ns3/string.h"

#include <gtest/gtest.h>

#include <variant>

#include "models/teep/teep-wire.h"
#include "teep_deployment_fixture.h"

namespace teepsim_test
{
namespace
{

namespace crypto = teepsim::crypto;
namespace teep = teepsim::teep;

/// Every test leaves the GlobalValues (and so the codec's signature mode) at their defaults:
/// the other tests of this binary expect draft26 and real signatures.
class ProfileCrypto : public ::testing::Test
{
  protected:
    void TearDown() override { teepwire::ResetCodecGlobals(); }
};

struct RunResult
{
    std::map<uint32_t, std::vector<Time>> installed;
    std::map<uint32_t, std::vector<Time>> removed;
    std::vector<CapturedExchange> exchanges;
    uint64_t rejects = 0;
    crypto::Key tamKey;
    std::vector<crypto::Key> agentKeys;
};

/// Three devices polling hourly from t = 60 s; the TA turns bad at 2 h (TAM learns 10 min
/// later), so every device installs it at its first check and removes it at 3 h.
RunResult RunSmallFleet()
{
    DeploymentOptions o;
    o.devices = 3;
    o.recordTraffic = true;
    o.brokerAttributes = {{"Start", "Synchronized"}, {"SynchronizedOffset", "60s"}};
    Deployment d(o);
    d.DeclareMalicious("bad-ta", Hours(2), Minutes(10), Seconds(0));
    Simulator::Stop(Hours(4));
    Simulator::Run();
    RunResult r;
    r.installed = d.timeline.installed;
    r.removed = d.timeline.removed;
    r.exchanges = Captured();
    r.rejects = d.timeline.agentRejects.size() + d.tam->GetRejectedCount();
    r.tamKey = d.tam->GetKey();
    for (uint32_t i = 0; i < o.devices; ++i)
    {
        r.agentKeys.push_back(d.Agent(i)->GetKey());
    }
    return r;
}

void ExpectInstalledThenRemoved(const RunResult& r)
{
    for (uint32_t i = 0; i < 3; ++i)
    {
        ASSERT_EQ(r.installed.count(i), 1u) << "device " << i;
        ASSERT_EQ(r.installed.at(i).size(), 1u) << "device " << i;
        ASSERT_EQ(r.removed.count(i), 1u) << "device " << i;
        ASSERT_EQ(r.removed.at(i).size(), 1u) << "device " << i;
    }
    EXPECT_EQ(r.rejects, 0u);
}

/// What a TEEP message says about TAs: the manifests (install) and unneeded components (remove)
/// of an Update; the requested data of a QueryRequest. Empty when the reading found none.
size_t Content(const teep::Message& m)
{
    if (const auto* u = std::get_if<teep::Update>(&m))
    {
        return (u->manifestList ? u->manifestList->size() : 0) +
               (u->unneededManifestList ? u->unneededManifestList->size() : 0);
    }
    return 0;
}

// With TeepWireProfile=Legacy a fleet completes install and removal sessions, and every TAM
// message on the wire is read under the legacy profile; read as draft26 a QueryRequest fails
// and an Update loses its manifests and removals (its labels mean nothing there).
TEST_F(ProfileCrypto, LegacyProfileRunsEndToEndAndSpeaksLegacyOnTheWire)
{
    GlobalValue::Bind("TeepWireProfile", StringValue("Legacy"));
    ASSERT_EQ(teepwire::Wire().id(), teep::ProfileId::Legacy);
    const RunResult r = RunSmallFleet();
    ExpectInstalledThenRemoved(r);
    size_t tamMessages = 0, updates = 0;
    for (const CapturedExchange& e : r.exchanges)
    {
        if (e.response.empty())
        {
            continue; // 204: nothing more for the Broker
        }
        ++tamMessages;
        auto legacy = teep::DecodeVerified(e.response, teep::Profile::Legacy(), {r.tamKey});
        ASSERT_TRUE(legacy.ok()) << "TAM message " << tamMessages;
        auto asDraft26 = teep::DecodeVerified(e.response, teep::Profile::Draft26(), {r.tamKey});
        if (teep::TypeOf(legacy->message) == teep::MessageType::Update)
        {
            if (Content(legacy->message) == 0)
            {
                continue; // an Update with nothing to install or remove (AR refresh)
            }
            ++updates;
            EXPECT_TRUE(!asDraft26.ok() || Content(asDraft26->message) == 0)
                << "TAM message " << tamMessages << ": draft26 reads the legacy Update's TAs";
        }
        else
        {
            EXPECT_FALSE(asDraft26.ok())
                << "TAM message " << tamMessages << " ("
                << teep::ToString(teep::TypeOf(legacy->message)) << ") also parses as draft26";
        }
    }
    EXPECT_GE(updates, 6u) << "an install and a removal Update for each of three devices";
    EXPECT_GE(tamMessages, 12u) << "each with its QueryRequest";
}

// Modelled signatures change no time and no size: the same run gives the same install and
// removal instants and byte-for-byte equal message lengths, while the signature bytes differ
// and verify only as modelled tags.
TEST_F(ProfileCrypto, ModelledCryptoKeepsTimesAndWireSizes)
{
    const RunResult real = RunSmallFleet();
    GlobalValue::Bind("TeepCryptoMode", StringValue("Modelled"));
    ASSERT_EQ(crypto::GetSignatureMode(), crypto::SignatureMode::Modelled);
    const RunResult modelled = RunSmallFleet();
    ExpectInstalledThenRemoved(real);
    ExpectInstalledThenRemoved(modelled);
    EXPECT_EQ(modelled.installed, real.installed);
    EXPECT_EQ(modelled.removed, real.removed);
    ASSERT_EQ(modelled.exchanges.size(), real.exchanges.size());
    size_t differing = 0;
    for (size_t i = 0; i < real.exchanges.size(); ++i)
    {
        const CapturedExchange& a = real.exchanges[i];
        const CapturedExchange& b = modelled.exchanges[i];
        EXPECT_EQ(b.request.size(), a.request.size()) << "exchange " << i;
        EXPECT_EQ(b.response.size(), a.response.size()) << "exchange " << i;
        EXPECT_EQ(b.status, a.status) << "exchange " << i;
        differing += (a.response != b.response) + (a.request != b.request);
        if (!b.response.empty())
        {
            EXPECT_TRUE(
                teep::DecodeVerified(b.response, teep::Profile::Draft26(), {modelled.tamKey}).ok())
                << "exchange " << i;
        }
    }
    EXPECT_GT(differing, 0u) << "modelled tags are not the real signatures";
}

// CryptoCharge is ops x TeepCryptoOpTime in modelled mode and zero in real mode; binding the
// mode reaches the codec, and the reset restores real signatures.
TEST_F(ProfileCrypto, CryptoChargeFollowsModeAndOpTime)
{
    GlobalValue::Bind("TeepCryptoOpTime", TimeValue(MicroSeconds(100)));
    EXPECT_EQ(teepwire::CryptoCharge(5), Time(0)) << "real signatures cost no simulated time";
    GlobalValue::Bind("TeepCryptoMode", StringValue("Modelled"));
    EXPECT_EQ(crypto::GetSignatureMode(), crypto::SignatureMode::Modelled);
    EXPECT_EQ(teepwire::CryptoCharge(5), MicroSeconds(500));
    EXPECT_EQ(teepwire::CryptoCharge(0), Time(0));
    teepwire::ResetCodecGlobals();
    EXPECT_EQ(crypto::GetSignatureMode(), crypto::SignatureMode::Real);
    EXPECT_EQ(teepwire::CryptoCharge(5), Time(0));
    EXPECT_EQ(teepwire::Wire().id(), teep::ProfileId::Draft26);
}

// Unknown spellings are refused (BindFailSafe returns false) and leave the settings alone.
TEST_F(ProfileCrypto, UnknownValuesAreRejected)
{
    EXPECT_FALSE(GlobalValue::BindFailSafe("TeepWireProfile", StringValue("draft99")));
    EXPECT_FALSE(GlobalValue::BindFailSafe("TeepCryptoMode", StringValue("Fake")));
    EXPECT_EQ(teepwire::Wire().id(), teep::ProfileId::Draft26);
    EXPECT_EQ(crypto::GetSignatureMode(), crypto::SignatureMode::Real);
}

} // namespace
} // namespace teepsim_test
