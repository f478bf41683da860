// DeriveTeepKey: deterministic per (suite, role, id, seed); modelled signing keys while
// signatures are modelled, real keys otherwise and always for key agreement.
#include "teepsim/codec/crypto.h"
#include "teepsim/teep-keys.h"

#include <gtest/gtest.h>

namespace
{
using namespace ns3;
namespace crypto = teepsim::crypto;

/// Restores real signatures whatever a test did (other tests expect them).
class TeepKeys : public ::testing::Test
{
  protected:
    void TearDown() override { crypto::SetSignatureMode(crypto::SignatureMode::Real); }
};

// Real mode: the same inputs give the same real key, another id or role another key.
TEST_F(TeepKeys, RealKeysAreDeterministicPerRoleAndId)
{
    const crypto::Key a = DeriveTeepKey(TEEP_SUITE_ESP256, "agent", 7, 1);
    EXPECT_FALSE(a.modelled());
    EXPECT_EQ(a, DeriveTeepKey(TEEP_SUITE_ESP256, "agent", 7, 1));
    EXPECT_FALSE(a == DeriveTeepKey(TEEP_SUITE_ESP256, "agent", 8, 1));
    EXPECT_FALSE(a == DeriveTeepKey(TEEP_SUITE_ESP256, "tam", 7, 1));
    EXPECT_EQ(DeriveTeepKey(TEEP_SUITE_ED25519, "agent", 7, 1).type(), crypto::KeyType::Ed25519);
}

// Modelled mode: signing keys are modelled (deterministic, distinct per device, the real
// sizes); key-agreement keys stay real because ECDH needs a curve point.
TEST_F(TeepKeys, ModelledModeMakesModelledSigningKeysOnly)
{
    const crypto::Key real = DeriveTeepKey(TEEP_SUITE_ESP256, "agent", 7, 1);
    crypto::SetSignatureMode(crypto::SignatureMode::Modelled);
    for (TeepSignatureSuite suite : {TEEP_SUITE_ESP256, TEEP_SUITE_ED25519})
    {
        const crypto::Key m = DeriveTeepKey(suite, "agent", 7, 1);
        EXPECT_TRUE(m.modelled());
        EXPECT_EQ(m, DeriveTeepKey(suite, "agent", 7, 1));
        EXPECT_FALSE(m == DeriveTeepKey(suite, "agent", 8, 1));
        EXPECT_EQ(m.Thumbprint().size(), 32u);
        EXPECT_EQ(m.RawPublic().size(), suite == TEEP_SUITE_ESP256 ? 64u : 32u);
    }
    EXPECT_EQ(DeriveTeepKey(TEEP_SUITE_ESP256, "agent", 7, 1).RawPublic().size(),
              real.RawPublic().size());
    const crypto::Key kek =
        DeriveTeepKey(TEEP_SUITE_ESP256, "agent-kek", 7, 1, TeepKeyUse::KeyAgreement);
    EXPECT_FALSE(kek.modelled());
    EXPECT_NE(kek.get(), nullptr);
}

} // namespace
