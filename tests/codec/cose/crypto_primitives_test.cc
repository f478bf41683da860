// Crypto primitives against published test vectors (RFC 6979, 4231, 5869, 3394, 8032).
#include "teepsim/codec/crypto.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace teepsim::cose::test
{
namespace
{

using crypto::Alg;
using crypto::Key;

// RFC 6979 appendix A.2.5: P-256 private key.
const char* kRfc6979X = "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721";

Key Rfc6979Key()
{
    cbor::Value m = cbor::Value::MakeMap();
    m.set(1, cbor::Value::Int(2))
        .set(-1, cbor::Value::Int(1))
        .set(-4, cbor::Value::Bstr(Hex(kRfc6979X)));
    return Key::FromCoseKey(m);
}

// The nonce k and the signature (r, s) match RFC 6979 A.2.5 for "sample" and "test".
TEST(Rfc6979, AppendixA25NonceAndSignature)
{
    const Key key = Rfc6979Key();
    EXPECT_EQ(crypto::ToHex(key.RawPublic()),
              "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
              "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299");
    struct Case
    {
        const char* msg;
        const char* k;
        const char* rs;
    } cases[] = {
        {"sample", "A6E3C57DD01ABE90086538398355DD4C3B17AA873382B0F24D6129493D8AAD60",
         "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716"
         "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8"},
        {"test", "D16B6AE827F17175E040871A1C7EC3500192C4C92677336EC2537ACAEE0008E0",
         "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367"
         "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083"},
    };
    for (const auto& c : cases)
    {
        const cbor::Bytes h = crypto::Sha256(Str(c.msg));
        EXPECT_EQ(crypto::Rfc6979NonceP256(Hex(kRfc6979X), h), Hex(c.k)) << c.msg;
        const cbor::Bytes sig = crypto::Sign(Alg::ESP256, key, Str(c.msg));
        EXPECT_EQ(sig, Hex(c.rs)) << c.msg;
        EXPECT_TRUE(crypto::Verify(Alg::ES256, key, Str(c.msg), sig));
    }
}

// ECDSA verification rejects a changed message, a changed signature and a wrong length.
TEST(Ecdsa, VerifyRejectsAlteredInputs)
{
    const Key key = Rfc6979Key();
    const cbor::Bytes msg = Str("sample");
    cbor::Bytes sig = crypto::Sign(Alg::ESP256, key, msg);
    EXPECT_FALSE(crypto::Verify(Alg::ESP256, key, Str("samplf"), sig));
    cbor::Bytes bad = sig;
    bad[40] ^= 1;
    EXPECT_FALSE(crypto::Verify(Alg::ESP256, key, msg, bad));
    EXPECT_FALSE(crypto::Verify(Alg::ESP256, key, msg, cbor::ByteView(sig).first(63)));
    EXPECT_FALSE(crypto::Verify(Alg::ESP256, key, msg, cbor::Bytes(64, 0)));
    EXPECT_FALSE(crypto::Verify(Alg::Ed25519, key, msg, sig)); // alg/key type mismatch
}

// RFC 8032 section 7.1 test 1: Ed25519 signature of the empty message; its RFC 9679 kid.
TEST(Ed25519, Rfc8032TestVector1)
{
    const Key key = Key::GenerateEd25519(
        Hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
    EXPECT_EQ(crypto::ToHex(key.RawPublic()),
              "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    const cbor::Bytes sig = crypto::Sign(Alg::Ed25519, key, {});
    EXPECT_EQ(crypto::ToHex(sig),
              "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e"
              "39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    EXPECT_TRUE(crypto::Verify(Alg::EdDSA, key, {}, sig));
    EXPECT_FALSE(crypto::Verify(Alg::Ed25519, key, Str("x"), sig));
    EXPECT_EQ(crypto::ToHex(key.Thumbprint()).substr(0, 8), "866eefbd");
    EXPECT_EQ(crypto::ToHex(key.Thumbprint()).substr(58), "415743");
}

// RFC 4231 test cases 1 and 6 (short key; key longer than the block).
TEST(Hmac, Rfc4231)
{
    EXPECT_EQ(crypto::ToHex(crypto::HmacSha256(cbor::Bytes(20, 0x0b), Str("Hi There"))),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    EXPECT_EQ(
        crypto::ToHex(crypto::HmacSha256(
            cbor::Bytes(131, 0xaa), Str("Test Using Larger Than Block-Size Key - Hash Key First"))),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

// RFC 5869 test cases 1 and 3 (with and without salt/info).
TEST(Hkdf, Rfc5869)
{
    EXPECT_EQ(
        crypto::ToHex(crypto::HkdfSha256(Hex("000102030405060708090a0b0c"), cbor::Bytes(22, 0x0b),
                                         Hex("f0f1f2f3f4f5f6f7f8f9"), 42)),
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    EXPECT_EQ(
        crypto::ToHex(crypto::HkdfSha256({}, cbor::Bytes(22, 0x0b), {}, 42)),
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

// RFC 3394 section 4.1 (128-bit KEK, 128-bit key); a flipped bit fails the integrity check.
TEST(AesKeyWrap, Rfc3394)
{
    const cbor::Bytes kek = Hex("000102030405060708090A0B0C0D0E0F");
    const cbor::Bytes key = Hex("00112233445566778899AABBCCDDEEFF");
    const cbor::Bytes wrapped = crypto::AesKeyWrap(kek, key);
    EXPECT_EQ(crypto::ToHex(wrapped), "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5");
    EXPECT_EQ(crypto::AesKeyUnwrap(kek, wrapped), key);
    cbor::Bytes bad = wrapped;
    bad[5] ^= 0x10;
    EXPECT_FALSE(crypto::AesKeyUnwrap(kek, bad).has_value());
    EXPECT_FALSE(crypto::AesKeyUnwrap(kek, cbor::ByteView(wrapped).first(20)).has_value());
}

// NIST SP 800-38A F.5.1 (CTR-AES128.Encrypt, first block) and CTR self-inverse.
TEST(AesCtr, Sp80038aBlock1)
{
    const cbor::Bytes key = Hex("2b7e151628aed2a6abf7158809cf4f3c");
    const cbor::Bytes iv = Hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    const cbor::Bytes pt = Hex("6bc1bee22e409f96e93d7e117393172a");
    const cbor::Bytes ct = crypto::AesCtr(key, iv, pt);
    EXPECT_EQ(crypto::ToHex(ct), "874d6191b620e3261bef6864990db6ce");
    EXPECT_EQ(crypto::AesCtr(key, iv, ct), pt);
}

// GCM round trip; any change to ciphertext, tag, AAD or IV is detected.
TEST(AesGcm, RoundTripAndTamper)
{
    const cbor::Bytes key = crypto::DeterministicBytes(Str("k"), 0, 16);
    const cbor::Bytes iv = crypto::DeterministicBytes(Str("iv"), 0, 12);
    const cbor::Bytes aad = Str("header");
    const cbor::Bytes pt = Str("personalization data");
    const cbor::Bytes ct = crypto::AesGcmSeal(key, iv, aad, pt);
    ASSERT_EQ(ct.size(), pt.size() + 16);
    EXPECT_EQ(crypto::AesGcmOpen(key, iv, aad, ct), pt);
    for (size_t i : {size_t(0), pt.size() - 1, pt.size(), ct.size() - 1})
    {
        cbor::Bytes bad = ct;
        bad[i] ^= 0x01;
        EXPECT_FALSE(crypto::AesGcmOpen(key, iv, aad, bad).has_value()) << "byte " << i;
    }
    EXPECT_FALSE(crypto::AesGcmOpen(key, iv, Str("headeR"), ct).has_value());
    cbor::Bytes iv2 = iv;
    iv2[0] ^= 1;
    EXPECT_FALSE(crypto::AesGcmOpen(key, iv2, aad, ct).has_value());
    EXPECT_FALSE(crypto::AesGcmOpen(key, iv, aad, cbor::ByteView(ct).first(15)).has_value());
}

// ECDH is symmetric: both sides derive the same 32-byte x coordinate.
TEST(Ecdh, BothSidesAgree)
{
    const Key a = Key::GenerateP256(cbor::Bytes(32, 1));
    const Key b = Key::GenerateP256(cbor::Bytes(32, 2));
    const cbor::Bytes ab = crypto::Ecdh(a, Key::FromPem(b.PublicPem()));
    EXPECT_EQ(ab.size(), 32u);
    EXPECT_EQ(ab, crypto::Ecdh(b, Key::FromPem(a.PublicPem())));
    EXPECT_THROW(crypto::Ecdh(Key::FromPem(a.PublicPem()), b), std::invalid_argument);
}

// DeterministicBytes is a pure function of (seed, counter, length); prefixes agree.
TEST(DeterministicBytes, ReproducibleAndDistinct)
{
    const cbor::Bytes a = crypto::DeterministicBytes(Str("seed"), 7, 100);
    EXPECT_EQ(a.size(), 100u);
    EXPECT_EQ(a, crypto::DeterministicBytes(Str("seed"), 7, 100));
    EXPECT_NE(a, crypto::DeterministicBytes(Str("seed"), 8, 100));
    EXPECT_NE(a, crypto::DeterministicBytes(Str("seeD"), 7, 100));
    const cbor::Bytes prefix = crypto::DeterministicBytes(Str("seed"), 7, 16);
    EXPECT_TRUE(std::equal(prefix.begin(), prefix.end(), a.begin()));
}

TEST(Hex, RoundTripAndRejects)
{
    EXPECT_EQ(crypto::ToHex(Hex("00 Ff\n7a")), "00ff7a");
    EXPECT_FALSE(crypto::FromHex("abc").has_value());
    EXPECT_FALSE(crypto::FromHex("zz").has_value());
}

} // namespace
} // namespace teepsim::cose::test
