// crypto::Sign / crypto::Verify against a textbook ECDSA written with plain BIGNUM arithmetic
// and against OpenSSL's EVP verification: the fast paths must give the same bytes and verdicts.
#include "teepsim/codec/crypto.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include <memory>

#include "test_util.h"

namespace teepsim::cose::test
{
namespace
{

using crypto::Alg;
using crypto::Key;

template<typename T, void (*F)(T*)> struct Deleter
{
    void operator()(T* p) const { F(p); }
};
using Bn = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using BnCtx = std::unique_ptr<BN_CTX, Deleter<BN_CTX, BN_CTX_free>>;
using Group = std::unique_ptr<EC_GROUP, Deleter<EC_GROUP, EC_GROUP_free>>;
using Point = std::unique_ptr<EC_POINT, Deleter<EC_POINT, EC_POINT_free>>;

Bn FromBytes(cbor::ByteView b)
{
    return Bn(BN_bin2bn(b.data(), static_cast<int>(b.size()), nullptr));
}

/// r||s = (x(kG) mod n, k^-1 (h + r d) mod n) with k from RFC 6979, the slow obvious way.
cbor::Bytes TextbookEcdsa(const Key& key, cbor::ByteView message)
{
    const cbor::Bytes d = key.PrivateCoseKey().find(-4)->bytes();
    const cbor::Bytes h = crypto::Sha256(message);
    const cbor::Bytes k = crypto::Rfc6979NonceP256(d, h);
    Group group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
    BnCtx ctx(BN_CTX_new());
    const BIGNUM* n = EC_GROUP_get0_order(group.get());
    Point R(EC_POINT_new(group.get()));
    Bn kb = FromBytes(k), db = FromBytes(d), hb = FromBytes(h);
    Bn x(BN_new()), r(BN_new()), s(BN_new()), kinv(BN_new()), t(BN_new());
    EXPECT_EQ(EC_POINT_mul(group.get(), R.get(), kb.get(), nullptr, nullptr, ctx.get()), 1);
    EXPECT_EQ(EC_POINT_get_affine_coordinates(group.get(), R.get(), x.get(), nullptr, ctx.get()),
              1);
    BN_nnmod(r.get(), x.get(), n, ctx.get());
    BN_nnmod(hb.get(), hb.get(), n, ctx.get());
    BN_mod_inverse(kinv.get(), kb.get(), n, ctx.get());
    BN_mod_mul(t.get(), r.get(), db.get(), n, ctx.get());
    BN_mod_add(t.get(), t.get(), hb.get(), n, ctx.get());
    BN_mod_mul(s.get(), kinv.get(), t.get(), n, ctx.get());
    cbor::Bytes out(64);
    BN_bn2binpad(r.get(), out.data(), 32);
    BN_bn2binpad(s.get(), out.data() + 32, 32);
    return out;
}

/// OpenSSL's own verification of r||s (converted to DER) through EVP.
bool EvpVerify(const Key& key, Alg alg, cbor::ByteView message, cbor::ByteView sig)
{
    std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>> ctx(EVP_MD_CTX_new());
    cbor::Bytes der(sig.begin(), sig.end());
    const EVP_MD* md = nullptr;
    if (alg == Alg::ESP256)
    {
        ECDSA_SIG* es = ECDSA_SIG_new();
        ECDSA_SIG_set0(es, BN_bin2bn(sig.data(), 32, nullptr),
                       BN_bin2bn(sig.data() + 32, 32, nullptr));
        unsigned char* p = nullptr;
        const int len = i2d_ECDSA_SIG(es, &p);
        der.assign(p, p + len);
        OPENSSL_free(p);
        ECDSA_SIG_free(es);
        md = EVP_sha256();
    }
    return EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key.get()) == 1 &&
           EVP_DigestVerify(ctx.get(), der.data(), der.size(), message.data(), message.size()) == 1;
}

class SignReference : public ::testing::Test
{
  protected:
    void SetUp() override { crypto::SetSignatureMemo(false); } // compute every time
    void TearDown() override { crypto::SetSignatureMemo(true); }
};

// For many keys and message lengths, ESP256 signatures equal textbook ECDSA with the RFC 6979
// nonce byte for byte, and OpenSSL's EVP accepts them.
TEST_F(SignReference, EcdsaMatchesTextbookAndEvp)
{
    for (uint8_t i = 0; i < 48; ++i)
    {
        const Key key = Key::GenerateP256(crypto::Sha256(cbor::Bytes{i}));
        const cbor::Bytes msg = crypto::DeterministicBytes(cbor::Bytes{i, 1}, 0, 7u * i);
        const cbor::Bytes sig = crypto::Sign(Alg::ESP256, key, msg);
        ASSERT_EQ(sig, TextbookEcdsa(key, msg)) << "key " << int(i);
        EXPECT_TRUE(EvpVerify(key, Alg::ESP256, msg, sig)) << "key " << int(i);
        EXPECT_TRUE(crypto::Verify(Alg::ESP256, key, msg, sig));
        // The same key, loaded from its public half only, verifies too (no private parts used).
        EXPECT_TRUE(crypto::Verify(Alg::ES256, Key::FromPem(key.PublicPem()), msg, sig));
    }
}

// Verification agrees with OpenSSL's EVP on valid, altered and out-of-range signatures.
TEST_F(SignReference, EcdsaVerifyAgreesWithEvpOnBadSignatures)
{
    const Key key = Key::GenerateP256(cbor::Bytes(32, 3));
    const Key other = Key::GenerateP256(cbor::Bytes(32, 4));
    const cbor::Bytes msg = Str("verify me");
    const cbor::Bytes sig = crypto::Sign(Alg::ESP256, key, msg);
    std::vector<cbor::Bytes> cases{sig, cbor::Bytes(64, 0), cbor::Bytes(64, 0xff)};
    for (size_t byte : {0u, 17u, 31u, 32u, 50u, 63u})
    {
        cbor::Bytes b = sig;
        b[byte] ^= 0x80;
        cases.push_back(b);
    }
    cbor::Bytes rOnly = sig; // s = 0
    std::fill(rOnly.begin() + 32, rOnly.end(), 0);
    cases.push_back(rOnly);
    for (size_t c = 0; c < cases.size(); ++c)
    {
        EXPECT_EQ(crypto::Verify(Alg::ESP256, key, msg, cases[c]),
                  EvpVerify(key, Alg::ESP256, msg, cases[c]))
            << "case " << c;
        EXPECT_FALSE(crypto::Verify(Alg::ESP256, other, msg, cases[c])) << "case " << c;
    }
    EXPECT_TRUE(crypto::Verify(Alg::ESP256, key, msg, sig));
}

// A key verified often enough gets a precomputed table (p256_verify.cc, after 1024 uses on a
// thread); verdicts stay those of EVP for valid and altered signatures on both sides of that.
TEST_F(SignReference, HotKeyVerificationKeepsVerdicts)
{
    const Key key = Key::GenerateP256(cbor::Bytes(32, 5));
    const Key other = Key::GenerateP256(cbor::Bytes(32, 6));
    std::vector<cbor::Bytes> msgs, sigs;
    for (uint8_t i = 0; i < 4; ++i)
    {
        msgs.push_back(cbor::Bytes{i, 'm'});
        sigs.push_back(crypto::Sign(Alg::ESP256, key, msgs.back()));
    }
    for (int round = 0; round < 1100; ++round)
    {
        const size_t i = round % 4;
        cbor::Bytes bad = sigs[i];
        bad[round % 64] ^= 1;
        ASSERT_TRUE(crypto::Verify(Alg::ESP256, key, msgs[i], sigs[i])) << "round " << round;
        ASSERT_FALSE(crypto::Verify(Alg::ESP256, key, msgs[(i + 1) % 4], sigs[i]))
            << "round " << round;
        ASSERT_FALSE(crypto::Verify(Alg::ESP256, key, msgs[i], bad)) << "round " << round;
    }
    EXPECT_FALSE(crypto::Verify(Alg::ESP256, other, msgs[0], sigs[0]));
    EXPECT_TRUE(EvpVerify(key, Alg::ESP256, msgs[0], sigs[0]));
}

// Ed25519 signatures equal OpenSSL's one-shot EVP signature and verify with EVP and with a key
// rebuilt from the public bytes.
TEST_F(SignReference, Ed25519MatchesEvp)
{
    for (uint8_t i = 0; i < 16; ++i)
    {
        const Key key = Key::GenerateEd25519(crypto::Sha256(cbor::Bytes{i, 2}));
        const cbor::Bytes msg = crypto::DeterministicBytes(cbor::Bytes{i, 3}, 0, 11u * i);
        const cbor::Bytes sig = crypto::Sign(Alg::Ed25519, key, msg);
        std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>> ctx(EVP_MD_CTX_new());
        cbor::Bytes evp(64);
        size_t len = 64;
        ASSERT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()), 1);
        ASSERT_EQ(EVP_DigestSign(ctx.get(), evp.data(), &len, msg.data(), msg.size()), 1);
        EXPECT_EQ(sig, evp);
        EXPECT_TRUE(EvpVerify(key, Alg::Ed25519, msg, sig));
        EXPECT_TRUE(crypto::Verify(Alg::EdDSA, Key::FromPem(key.PublicPem()), msg, sig));
        cbor::Bytes bad = sig;
        bad[i * 3 % 64] ^= 4;
        EXPECT_FALSE(crypto::Verify(Alg::Ed25519, key, msg, bad));
    }
}

} // namespace
} // namespace teepsim::cose::test
