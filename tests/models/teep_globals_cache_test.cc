// Wire() and CryptoCharge() read a cached copy of the "TeepWireProfile", "TeepCryptoMode" and
// "TeepCryptoOpTime" GlobalValues (models/teep/teep-globals.cc): every way of setting them must
// reach the cache before the next read, refused values must leave it alone, and values restored
// behind the checkers' back (Config::Reset) are picked up by RefreshCodecGlobals.
#include "teepsim/codec/crypto.h"

#include "ns3/config.h"
#include "ns3/enum.h"
#include "ns3/global-value.h"
#include "ns3/nstime.h"
#include "ns3/string.h"

#include <gtest/gtest.h>

#include "models/teep/teep-wire.h"

namespace
{

using namespace ns3;
namespace crypto = teepsim::crypto;
namespace teep = teepsim::teep;

/// Every test leaves the GlobalValues and the codec's signature mode at their defaults (the
/// other tests of this binary expect draft26 and real signatures).
class TeepGlobalsCache : public ::testing::Test
{
  protected:
    void SetUp() override { teepwire::ResetCodecGlobals(); }
    void TearDown() override { teepwire::ResetCodecGlobals(); }
};

// Each read after a Bind, a BindFailSafe, a Config::SetGlobal and a Bind from a string sees
// the value just set, alternating so that a stale cache would show.
TEST_F(TeepGlobalsCache, WireFollowsEverySetPath)
{
    EXPECT_EQ(teepwire::Wire().id(), teep::ProfileId::Draft26);
    GlobalValue::Bind("TeepWireProfile", EnumValue(teepwire::WIRE_LEGACY));
    EXPECT_EQ(teepwire::Wire().id(), teep::ProfileId::Legacy);
    ASSERT_TRUE(GlobalValue::BindFailSafe("TeepWireProfile", StringValue("Draft26")));
    EXPECT_EQ(teepwire::Wire().id(), teep::ProfileId::Draft26);
    Config::SetGlobal("TeepWireProfile", StringValue("Legacy"));
    EXPECT_EQ(teepwire::Wire().id(), teep::ProfileId::Legacy);
    GlobalValue::Bind("TeepWireProfile", StringValue("Draft26"));
    EXPECT_EQ(teepwire::Wire().id(), teep::ProfileId::Draft26);
    for (int i = 0; i < 5; ++i) // repeated reads of an unchanged value agree
    {
        EXPECT_EQ(&teepwire::Wire(), &teep::Profile::Draft26());
    }
}

// A refused value (unknown spelling, negative time) changes neither the GlobalValue nor what
// the cache reports.
TEST_F(TeepGlobalsCache, RefusedValuesLeaveTheCache)
{
    GlobalValue::Bind("TeepWireProfile", StringValue("Legacy"));
    GlobalValue::Bind("TeepCryptoMode", StringValue("Modelled"));
    GlobalValue::Bind("TeepCryptoOpTime", TimeValue(MicroSeconds(7)));
    ASSERT_EQ(teepwire::CryptoCharge(2), MicroSeconds(14));
    EXPECT_FALSE(GlobalValue::BindFailSafe("TeepWireProfile", StringValue("draft99")));
    EXPECT_FALSE(GlobalValue::BindFailSafe("TeepCryptoMode", StringValue("Fake")));
    EXPECT_FALSE(GlobalValue::BindFailSafe("TeepCryptoOpTime", TimeValue(MicroSeconds(-1))));
    EXPECT_EQ(teepwire::Wire().id(), teep::ProfileId::Legacy);
    EXPECT_EQ(teepwire::CryptoCharge(2), MicroSeconds(14));
    EXPECT_EQ(crypto::GetSignatureMode(), crypto::SignatureMode::Modelled);
    TimeValue t;
    GlobalValue::GetValueByName("TeepCryptoOpTime", t);
    EXPECT_EQ(t.Get(), MicroSeconds(7));
}

// CryptoCharge follows changes of the op time and of the mode between calls, as a sweep that
// runs several scenarios in one process sets them.
TEST_F(TeepGlobalsCache, CryptoChargeFollowsOpTimeAndMode)
{
    GlobalValue::Bind("TeepCryptoMode", StringValue("Modelled"));
    for (int us : {1, 100, 0, 250})
    {
        GlobalValue::Bind("TeepCryptoOpTime", TimeValue(MicroSeconds(us)));
        EXPECT_EQ(teepwire::CryptoCharge(3), MicroSeconds(3 * us)) << us << " us per op";
    }
    GlobalValue::Bind("TeepCryptoMode", StringValue("Real"));
    EXPECT_EQ(teepwire::CryptoCharge(3), Time(0)) << "real signatures cost no simulated time";
    EXPECT_EQ(crypto::GetSignatureMode(), crypto::SignatureMode::Real);
}

// The codec's own mode set directly (not through the GlobalValue) is brought back to the
// GlobalValue's by the next CryptoCharge, as before the cache.
TEST_F(TeepGlobalsCache, CodecModeDriftIsRepaired)
{
    GlobalValue::Bind("TeepCryptoMode", StringValue("Modelled"));
    GlobalValue::Bind("TeepCryptoOpTime", TimeValue(MicroSeconds(10)));
    EXPECT_EQ(teepwire::CryptoCharge(1), MicroSeconds(10));
    crypto::SetSignatureMode(crypto::SignatureMode::Real);
    EXPECT_EQ(teepwire::CryptoCharge(1), MicroSeconds(10));
    EXPECT_EQ(crypto::GetSignatureMode(), crypto::SignatureMode::Modelled);
}

// Config::Reset restores the initial values without calling the checkers; RefreshCodecGlobals
// makes the cache and the codec follow.
TEST_F(TeepGlobalsCache, RefreshAfterConfigReset)
{
    GlobalValue::Bind("TeepWireProfile", StringValue("Legacy"));
    GlobalValue::Bind("TeepCryptoMode", StringValue("Modelled"));
    GlobalValue::Bind("TeepCryptoOpTime", TimeValue(MicroSeconds(5)));
    ASSERT_EQ(teepwire::Wire().id(), teep::ProfileId::Legacy);
    Config::Reset();
    teepwire::RefreshCodecGlobals();
    EXPECT_EQ(teepwire::Wire().id(), teep::ProfileId::Draft26);
    EXPECT_EQ(crypto::GetSignatureMode(), crypto::SignatureMode::Real);
    EXPECT_EQ(teepwire::CryptoCharge(4), Time(0));
}

} // namespace
