// Modelled keys (Key::Modelled) and keys generated from a seed (lazy OpenSSL form): what they
// hold, what they refuse, and that they keep the sizes and verdicts of real keys.
#include "teepsim/codec/cose.h"
#include "teepsim/codec/crypto.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace teepsim::cose::test
{
namespace
{

using crypto::Alg;
using crypto::Key;
using crypto::KeyType;
using crypto::SignatureMode;

/// Modelled keys are used in modelled mode; the fixture restores real mode for other tests.
class ModelledKeys : public ::testing::Test
{
  protected:
    void SetUp() override { crypto::SetSignatureMode(SignatureMode::Modelled); }
    void TearDown() override { crypto::SetSignatureMode(SignatureMode::Real); }

    const cbor::Bytes seed = cbor::Bytes(32, 0x42);
    const cbor::Bytes msg = Str("a TEEP Sig_structure stands here");
};

// The same (type, seed) gives the same key; another seed or the other type another one.
TEST_F(ModelledKeys, DeterministicFromSeed)
{
    const Key a = Key::Modelled(KeyType::P256, seed);
    const Key b = Key::Modelled(KeyType::P256, seed);
    EXPECT_TRUE(a.modelled());
    EXPECT_TRUE(a.hasPrivate());
    EXPECT_EQ(a, b);
    EXPECT_EQ(a.Thumbprint(), b.Thumbprint());
    EXPECT_EQ(a.RawPublic(), b.RawPublic());
    EXPECT_EQ(crypto::Sign(Alg::ESP256, a, msg), crypto::Sign(Alg::ESP256, b, msg));

    cbor::Bytes other = seed;
    other[31] ^= 1;
    const Key c = Key::Modelled(KeyType::P256, other);
    EXPECT_NE(a.Thumbprint(), c.Thumbprint());
    EXPECT_NE(a.RawPublic(), c.RawPublic());
    EXPECT_FALSE(a == c);
    const Key ed = Key::Modelled(KeyType::Ed25519, seed);
    EXPECT_NE(a.Thumbprint(), ed.Thumbprint());
    EXPECT_THROW(Key::Modelled(KeyType::P256, cbor::Bytes(31, 1)), std::invalid_argument);
}

// Kids, raw public keys, COSE_Keys and signed messages have exactly the real keys' sizes.
TEST_F(ModelledKeys, SameSizesAsRealKeys)
{
    for (KeyType type : {KeyType::P256, KeyType::Ed25519})
    {
        const Key modelled = Key::Modelled(type, seed);
        const Key real =
            type == KeyType::P256 ? Key::GenerateP256(seed) : Key::GenerateEd25519(seed);
        const Alg alg = type == KeyType::P256 ? Alg::ESP256 : Alg::Ed25519;
        EXPECT_EQ(modelled.type(), type);
        EXPECT_EQ(modelled.Thumbprint().size(), real.Thumbprint().size());
        EXPECT_EQ(modelled.RawPublic().size(), real.RawPublic().size());
        EXPECT_EQ(cbor::Encode(modelled.PublicCoseKey()).size(),
                  cbor::Encode(real.PublicCoseKey()).size());
        const cbor::Bytes cose = Sign1({alg, modelled}, msg);
        EXPECT_EQ(cose.size(), Sign1({alg, real}, msg).size());
        EXPECT_TRUE(VerifyBytes(cose, {modelled}).ok());
        EXPECT_FALSE(modelled == real);
    }
}

// A modelled key has no OpenSSL object, PEM or private COSE_Key, and the error says so.
TEST_F(ModelledKeys, HasNoOpenSslForm)
{
    const Key k = Key::Modelled(KeyType::P256, seed);
    EXPECT_THROW(k.get(), std::logic_error);
    EXPECT_THROW(k.PublicPem(), std::runtime_error);
    EXPECT_THROW(k.PrivatePem(), std::runtime_error);
    EXPECT_THROW(k.PrivateCoseKey(), std::logic_error);
    EXPECT_THROW(crypto::Ecdh(k, Key::GenerateP256(seed)), std::logic_error);
}

// In real mode a modelled key cannot sign and verifies nothing: no silent fallback.
TEST_F(ModelledKeys, RealModeRefusesModelledKeys)
{
    const Key k = Key::Modelled(KeyType::P256, seed);
    const cbor::Bytes tag = crypto::Sign(Alg::ESP256, k, msg);
    crypto::SetSignatureMode(SignatureMode::Real);
    EXPECT_THROW(crypto::Sign(Alg::ESP256, k, msg), std::invalid_argument);
    EXPECT_FALSE(crypto::Verify(Alg::ESP256, k, msg, tag));
    const cbor::Bytes real = crypto::Sign(Alg::ESP256, Key::GenerateP256(seed), msg);
    EXPECT_FALSE(crypto::Verify(Alg::ESP256, k, msg, real));
}

// A P-256 key generated from a seed builds its EVP_PKEY only when asked; it is the same key
// as the one OpenSSL builds eagerly from the same scalar (same public key, PEM, signatures,
// ECDH secret), in both directions of verification.
TEST(LazyRealKey, EqualsEagerlyBuiltKey)
{
    const cbor::Bytes seed(32, 0x17);
    const Key lazy = Key::GenerateP256(seed);
    const Key eager = Key::FromCoseKey(lazy.PrivateCoseKey()); // EVP_PKEY_fromdata now
    EXPECT_FALSE(lazy.modelled());
    EXPECT_EQ(lazy, eager);
    EXPECT_EQ(lazy.RawPublic(), eager.RawPublic());
    EXPECT_EQ(lazy.Thumbprint(), eager.Thumbprint());
    EXPECT_EQ(crypto::Sha256(cbor::Encode(lazy.PublicCoseKey())), lazy.Thumbprint());
    crypto::SetSignatureMemo(false);
    const cbor::Bytes msg = Str("lazy and eager keys sign alike");
    const cbor::Bytes s1 = crypto::Sign(Alg::ESP256, lazy, msg);
    const cbor::Bytes s2 = crypto::Sign(Alg::ESP256, eager, msg);
    EXPECT_EQ(s1, s2); // RFC 6979: same key and message, same signature
    EXPECT_TRUE(crypto::Verify(Alg::ESP256, eager, msg, s1));
    EXPECT_TRUE(crypto::Verify(Alg::ESP256, lazy, msg, s2));
    crypto::SetSignatureMemo(true);
    EXPECT_NE(lazy.get(), nullptr);
    EXPECT_EQ(lazy.PrivatePem(), eager.PrivatePem());
    EXPECT_EQ(lazy.PublicPem(), eager.PublicPem());
    const Key peer = Key::GenerateP256(cbor::Bytes(32, 0x18));
    EXPECT_EQ(crypto::Ecdh(lazy, peer), crypto::Ecdh(eager, peer));
    EXPECT_EQ(crypto::Ecdh(peer, Key::FromPem(lazy.PublicPem())), crypto::Ecdh(lazy, peer));
}

} // namespace
} // namespace teepsim::cose::test
