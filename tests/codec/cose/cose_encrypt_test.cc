// COSE_Encrypt built here: CTR and GCM round trips, attached and detached ciphertext,
// determinism from the seed, tamper detection (GCM), wrong keys and malformed structures.
#include "teepsim/codec/cose.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace teepsim::cose::test
{
namespace
{

const Key kRecipient = Key::GenerateP256(cbor::Bytes(32, 0x42));
const cbor::Bytes kPlain = Str(R"({"name":"FOO Bar","secret":"0123456789abfcdef0123456789abcd"})");

EncryptParams Params(Alg content)
{
    EncryptParams p;
    p.contentAlg = content;
    p.recipientPublic = Key::FromPem(kRecipient.PublicPem());
    p.ephemeralSeed = crypto::Sha256(Str("ephemeral"));
    return p;
}

// CTR and GCM, attached and detached: decrypting with the recipient key gives the plaintext;
// the same parameters give the same bytes.
TEST(CoseEncrypt, RoundTrips)
{
    for (Alg alg : {Alg::A128CTR, Alg::A128GCM})
    {
        for (bool detached : {false, true})
        {
            SCOPED_TRACE(std::to_string(static_cast<int>(alg)) + (detached ? " detached" : ""));
            EncryptParams p = Params(alg);
            p.detachedCiphertext = detached;
            p.kidOfRecipient = kRecipient.Thumbprint();
            cbor::Bytes ct;
            const cbor::Bytes enc = Encrypt(p, kPlain, &ct);
            EXPECT_EQ(enc[0], 0xd8);
            EXPECT_EQ(enc[1], 96);
            EXPECT_EQ(ct.empty(), !detached);
            const DecryptResult r =
                detached ? Decrypt(enc, kRecipient, cbor::ByteView(ct)) : Decrypt(enc, kRecipient);
            ASSERT_EQ(r.status, CoseStatus::Ok) << ToString(r.status);
            EXPECT_EQ(r.plaintext, kPlain);
            cbor::Bytes ct2;
            EXPECT_EQ(Encrypt(p, kPlain, &ct2), enc);
            EXPECT_EQ(ct2, ct);
        }
    }
}

// The structure matches the SUIT shape: CTR alg/IV unprotected, GCM alg protected, and one
// ECDH-ES+A128KW recipient carrying the ephemeral public COSE_Key.
TEST(CoseEncrypt, StructureShape)
{
    for (Alg alg : {Alg::A128CTR, Alg::A128GCM})
    {
        const cbor::Bytes enc = Encrypt(Params(alg), kPlain);
        auto v = cbor::Decode(enc);
        ASSERT_TRUE(v.ok());
        const cbor::Array& a = v->tagged().array();
        ASSERT_EQ(a.size(), 4u);
        if (alg == Alg::A128CTR)
        {
            EXPECT_TRUE(a[0].bytes().empty());
            EXPECT_EQ(a[1].find(kHdrAlg)->asInt64(), -65534);
            EXPECT_EQ(a[1].find(kHdrIv)->bytes().size(), 16u);
            EXPECT_EQ(a[2].bytes().size(), kPlain.size());
        }
        else
        {
            EXPECT_EQ(a[0].bytes(), Hex("A10101"));
            EXPECT_EQ(a[1].find(kHdrIv)->bytes().size(), 12u);
            EXPECT_EQ(a[2].bytes().size(), kPlain.size() + 16);
        }
        const cbor::Array& rec = a[3].array()[0].array();
        EXPECT_EQ(rec[0].bytes(), Hex("A101381C"));
        const Key epk = Key::FromCoseKey(*rec[1].find(kHdrEphemeralKey));
        EXPECT_FALSE(epk.hasPrivate());
        EXPECT_EQ(rec[2].bytes().size(), 24u); // wrapped 16-byte CEK
    }
}

// GCM detects any change to the ciphertext, tag or protected header; a wrong recipient key or
// a changed wrapped key fails the unwrap.
TEST(CoseEncrypt, TamperDetection)
{
    const cbor::Bytes enc = Encrypt(Params(Alg::A128GCM), kPlain);
    auto v = cbor::Decode(enc);
    ASSERT_TRUE(v.ok());
    auto rebuild = [&](auto mutate)
    {
        cbor::Value copy = v.value();
        cbor::Value body = copy.tagged();
        mutate(body.array());
        return cbor::Encode(cbor::Value::Tag(kTagEncrypt, body));
    };
    for (size_t i : {size_t(0), kPlain.size() - 1, kPlain.size() + 15})
    {
        const cbor::Bytes bad = rebuild(
            [&](cbor::Array& a)
            {
                cbor::Bytes c = a[2].bytes();
                c[i] ^= 1;
                a[2] = cbor::Value::Bstr(c);
            });
        EXPECT_EQ(Decrypt(bad, kRecipient).status, CoseStatus::DecryptFailed) << i;
    }
    // alg moved to the unprotected bucket: the Enc_structure changes, the tag check fails.
    const cbor::Bytes moved = rebuild(
        [&](cbor::Array& a)
        {
            a[0] = cbor::Value::Bstr(cbor::Bytes{});
            a[1].set(kHdrAlg, cbor::Value::Int(1));
        });
    EXPECT_EQ(Decrypt(moved, kRecipient).status, CoseStatus::DecryptFailed);
    const cbor::Bytes badWrap = rebuild(
        [&](cbor::Array& a)
        {
            cbor::Value& rec = a[3].array()[0];
            cbor::Bytes w = rec.array()[2].bytes();
            w[3] ^= 1;
            rec.array()[2] = cbor::Value::Bstr(w);
        });
    EXPECT_EQ(Decrypt(badWrap, kRecipient).status, CoseStatus::DecryptFailed);
    EXPECT_EQ(Decrypt(enc, Key::GenerateP256(cbor::Bytes(32, 0x43))).status,
              CoseStatus::DecryptFailed);
    EXPECT_EQ(Decrypt(enc, Key::GenerateEd25519(cbor::Bytes(32, 0x43))).status,
              CoseStatus::NoMatchingKey);
}

// Structures that are not COSE_Encrypt, or carry algorithms we lack, are reported as such.
TEST(CoseEncrypt, MalformedAndUnsupported)
{
    EXPECT_EQ(Decrypt(Hex(""), kRecipient).status, CoseStatus::Malformed);
    EXPECT_EQ(Decrypt(Hex("d8608340a0f6"), kRecipient).status, CoseStatus::Malformed);
    EXPECT_EQ(Decrypt(Hex("d2844040a0f680"), kRecipient).status, CoseStatus::Malformed);
    // Content alg A256GCM (3) is not implemented.
    EXPECT_EQ(
        Decrypt(Hex("d8608440a20103054c000000000000000000000000f6818340a040"), kRecipient).status,
        CoseStatus::UnsupportedAlg);
    // Recipient alg A128KW (-3, no ECDH) is not implemented.
    EXPECT_EQ(Decrypt(Hex("d8608440a20101054c000000000000000000000000f6818343a10122a040"),
                      kRecipient, cbor::ByteView(cbor::Bytes(16)))
                  .status,
              CoseStatus::UnsupportedAlg);
    // Ephemeral key not on the curve.
    cbor::Bytes enc = Encrypt(Params(Alg::A128CTR), kPlain);
    auto v = cbor::Decode(enc);
    cbor::Value body = v->tagged();
    cbor::Value& epk = body.array()[3].array()[0].array()[1].map()[0].second;
    epk.map()[3].second = cbor::Value::Bstr(cbor::Bytes(32, 1));
    EXPECT_EQ(Decrypt(cbor::Encode(body), kRecipient).status, CoseStatus::Malformed);
    EXPECT_THROW(Encrypt(Params(Alg::ES256), kPlain), std::invalid_argument);
}

} // namespace
} // namespace teepsim::cose::test
