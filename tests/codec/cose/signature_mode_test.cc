// Modelled signatures (crypto::SetSignatureMode) and the per-thread operation counter.
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
using crypto::SignatureMode;

/// Puts the process back into real mode whatever the test did (other tests expect it).
class ModelledSignatures : public ::testing::Test
{
  protected:
    void SetUp() override { crypto::SetSignatureMode(SignatureMode::Modelled); }
    void TearDown() override { crypto::SetSignatureMode(SignatureMode::Real); }

    const Key p256 = Key::GenerateP256(cbor::Bytes(32, 7));
    const Key ed = Key::GenerateEd25519(cbor::Bytes(32, 8));
    const cbor::Bytes msg = Str("a TEEP Sig_structure stands here");
};

// A modelled signature verifies under the signer's key for every algorithm, and the mode is
// reported back.
TEST_F(ModelledSignatures, RoundTrip)
{
    EXPECT_EQ(crypto::GetSignatureMode(), SignatureMode::Modelled);
    for (auto [alg, key] : {std::pair{Alg::ESP256, p256}, std::pair{Alg::ES256, p256},
                            std::pair{Alg::Ed25519, ed}, std::pair{Alg::EdDSA, ed}})
    {
        const cbor::Bytes sig = crypto::Sign(alg, key, msg);
        EXPECT_TRUE(crypto::Verify(alg, key, msg, sig)) << static_cast<int>(alg);
    }
}

// Another key of the same type, or the other key type, does not verify the tag.
TEST_F(ModelledSignatures, WrongKeyFails)
{
    const Key otherP256 = Key::GenerateP256(cbor::Bytes(32, 9));
    const cbor::Bytes sig = crypto::Sign(Alg::ESP256, p256, msg);
    EXPECT_FALSE(crypto::Verify(Alg::ESP256, otherP256, msg, sig));
    EXPECT_FALSE(crypto::Verify(Alg::Ed25519, ed, msg, sig));
    // The public half verifies what the private half signed (the tag uses only public facts).
    const Key pubOnly = Key::FromPem(p256.PublicPem());
    EXPECT_TRUE(crypto::Verify(Alg::ESP256, pubOnly, msg, sig));
}

// Flipping any single bit of the message or of the tag makes verification fail.
TEST_F(ModelledSignatures, AnyFlippedBitFails)
{
    const cbor::Bytes sig = crypto::Sign(Alg::Ed25519, ed, msg);
    for (size_t i = 0; i < msg.size() * 8; ++i)
    {
        cbor::Bytes m = msg;
        m[i / 8] ^= static_cast<uint8_t>(1u << (i % 8));
        EXPECT_FALSE(crypto::Verify(Alg::Ed25519, ed, m, sig)) << "message bit " << i;
    }
    for (size_t i = 0; i < sig.size() * 8; ++i)
    {
        cbor::Bytes s = sig;
        s[i / 8] ^= static_cast<uint8_t>(1u << (i % 8));
        EXPECT_FALSE(crypto::Verify(Alg::Ed25519, ed, msg, s)) << "signature bit " << i;
    }
    EXPECT_FALSE(crypto::Verify(Alg::Ed25519, ed, msg, cbor::ByteView(sig).first(63)));
}

// With a modelled key too, and for every message length around the 8-byte word boundaries
// (the last word is zero-padded): every single flipped message bit and every appended zero byte
// changes the tag.
TEST_F(ModelledSignatures, ModelledKeyTagCoversEveryByteAndTheLength)
{
    const Key key = Key::Modelled(crypto::KeyType::P256, cbor::Bytes(32, 3));
    for (size_t len = 0; len <= 41; ++len)
    {
        cbor::Bytes m(len);
        for (size_t i = 0; i < len; ++i)
        {
            m[i] = static_cast<uint8_t>(i * 37 + 1);
        }
        const cbor::Bytes sig = crypto::Sign(Alg::ESP256, key, m);
        ASSERT_EQ(sig.size(), 64u);
        ASSERT_TRUE(crypto::Verify(Alg::ESP256, key, m, sig)) << "length " << len;
        for (size_t bit = 0; bit < len * 8; ++bit)
        {
            cbor::Bytes f = m;
            f[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
            EXPECT_FALSE(crypto::Verify(Alg::ESP256, key, f, sig)) << len << " bit " << bit;
        }
        cbor::Bytes longer = m;
        longer.push_back(0);
        EXPECT_FALSE(crypto::Verify(Alg::ESP256, key, longer, sig)) << "length " << len;
    }
}

// A tag made with one key verifies under no other key: modelled or real, same seed and other
// type, or the same key type from another seed.
TEST_F(ModelledSignatures, TagIsBoundToTheKey)
{
    const Key key = Key::Modelled(crypto::KeyType::P256, cbor::Bytes(32, 7));
    const cbor::Bytes sig = crypto::Sign(Alg::ESP256, key, msg);
    EXPECT_FALSE(crypto::Verify(
        Alg::ESP256, Key::Modelled(crypto::KeyType::P256, cbor::Bytes(32, 8)), msg, sig));
    EXPECT_FALSE(crypto::Verify(
        Alg::Ed25519, Key::Modelled(crypto::KeyType::Ed25519, cbor::Bytes(32, 7)), msg, sig));
    EXPECT_FALSE(crypto::Verify(Alg::ESP256, p256, msg, sig)); // the real key from that seed
    EXPECT_FALSE(crypto::Verify(Alg::ESP256, p256, msg, crypto::Sign(Alg::ESP256, key, msg)));
    EXPECT_FALSE(crypto::Verify(Alg::ESP256, key, msg, crypto::Sign(Alg::ESP256, p256, msg)));
}

// Modelled signatures have the real signatures' length, so COSE structures keep their size;
// a signer without a private key is refused as in real mode.
TEST_F(ModelledSignatures, SameLengthAndStructureAsReal)
{
    const cbor::Bytes modelledSig = crypto::Sign(Alg::ESP256, p256, msg);
    const cbor::Bytes modelledCose = Sign1({Alg::ESP256, p256}, msg);
    crypto::SetSignatureMode(SignatureMode::Real);
    const cbor::Bytes realSig = crypto::Sign(Alg::ESP256, p256, msg);
    const cbor::Bytes realCose = Sign1({Alg::ESP256, p256}, msg);
    EXPECT_EQ(modelledSig.size(), realSig.size());
    EXPECT_EQ(modelledCose.size(), realCose.size());
    EXPECT_NE(modelledSig, realSig);
    // Everything but the 64 signature bytes at the end is identical (kid included).
    ASSERT_GT(realCose.size(), 64u);
    EXPECT_TRUE(std::equal(realCose.begin(), realCose.end() - 64, modelledCose.begin()));
    crypto::SetSignatureMode(SignatureMode::Modelled);
    EXPECT_TRUE(VerifyBytes(modelledCose, {p256}).ok());
    EXPECT_FALSE(VerifyBytes(realCose, {p256}).ok()); // real bytes do not pass as a tag
    EXPECT_THROW(crypto::Sign(Alg::ESP256, Key::FromPem(p256.PublicPem()), msg),
                 std::invalid_argument);
}

// Switching back to Real gives real, RFC 6979 deterministic signatures that a modelled tag no
// longer satisfies.
TEST_F(ModelledSignatures, SwitchBackToRealRestoresRealSignatures)
{
    const cbor::Bytes tag = crypto::Sign(Alg::ESP256, p256, msg);
    crypto::SetSignatureMode(SignatureMode::Real);
    crypto::SetSignatureMemo(false); // a real computation, not a remembered answer
    const cbor::Bytes real = crypto::Sign(Alg::ESP256, p256, msg);
    crypto::SetSignatureMemo(true);
    EXPECT_NE(real, tag);
    EXPECT_EQ(real, crypto::SignP256Digest(p256, crypto::Sha256(msg)));
    EXPECT_TRUE(crypto::Verify(Alg::ESP256, p256, msg, real));
    EXPECT_FALSE(crypto::Verify(Alg::ESP256, p256, msg, tag));
}

// The counter rises by one per Sign and per Verify that reaches the algorithm, in both modes
// and whether or not the memo answers; argument errors are not counted.
TEST_F(ModelledSignatures, OperationCountCountsSignAndVerify)
{
    uint64_t before = crypto::OperationCount();
    const cbor::Bytes tag = crypto::Sign(Alg::Ed25519, ed, msg);
    crypto::Verify(Alg::Ed25519, ed, msg, tag);
    crypto::Verify(Alg::Ed25519, ed, Str("other"), tag);
    EXPECT_EQ(crypto::OperationCount() - before, 3u);

    crypto::SetSignatureMode(SignatureMode::Real);
    before = crypto::OperationCount();
    const cbor::Bytes sig = crypto::Sign(Alg::ESP256, p256, msg);
    crypto::Sign(Alg::ESP256, p256, msg); // memo hit: a device would still pay it
    crypto::Verify(Alg::ESP256, p256, msg, sig);
    crypto::Verify(Alg::ESP256, p256, msg, sig); // memo hit
    EXPECT_EQ(crypto::OperationCount() - before, 4u);

    before = crypto::OperationCount();
    EXPECT_FALSE(crypto::Verify(Alg::Ed25519, p256, msg, sig)); // wrong key type
    EXPECT_THROW(crypto::Sign(Alg::ESP256, ed, msg), std::invalid_argument);
    EXPECT_EQ(crypto::OperationCount() - before, 0u);
}

} // namespace
} // namespace teepsim::cose::test
