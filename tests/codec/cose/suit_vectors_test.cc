// The draft's Appendix E SUIT examples: their detached COSE_Sign1 (over the bstr-wrapped
// SUIT_Digest) verifies and re-signs byte for byte (RFC 6979), and Example 3's encrypted
// personalization data decrypts with the published KEK to the documented JSON.
#include "teepsim/codec/cose.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace teepsim::cose::test
{
namespace
{

const std::string kDir = "ietf-teep-protocol-draft26-pr420/";

cbor::Value DecodeOrFail(cbor::ByteView b, const char* what)
{
    auto v = cbor::Decode(b);
    if (!v)
    {
        throw std::runtime_error(std::string(what) + ": " + v.error().ToString());
    }
    return v.value();
}

const cbor::Value& Member(const cbor::Value& m, int64_t key, const char* what)
{
    const cbor::Value* v = m.find(key);
    if (v == nullptr)
    {
        throw std::runtime_error(std::string("missing ") + what);
    }
    return *v;
}

struct AuthBlock
{
    cbor::Bytes digestBstrContent; // encoded SUIT_Digest (element 0 of the wrapper)
    cbor::Bytes coseSign1;         // encoded COSE_Sign1_Tagged (element 1)
};

AuthBlock AuthOf(const cbor::Value& envelope)
{
    const cbor::Value wrapper =
        DecodeOrFail(Member(envelope, 2, "auth wrapper").bytes(), "wrapper");
    if (!wrapper.isArray() || wrapper.array().size() != 2)
    {
        throw std::runtime_error("auth wrapper is not [digest, one COSE block]");
    }
    return {wrapper.array()[0].bytes(), wrapper.array()[1].bytes()};
}

// Each example's COSE_Sign1 is detached, ESP256, verifies with the Appendix E public key over
// the SUIT_Digest, and the digest is SHA-256 of the bstr-wrapped manifest.
TEST(SuitVectors, DetachedSign1VerifiesAndResignsByteForByte)
{
    const Key pub = Key::FromFile(Vec(kDir + "keys/appendixE_suit_signing_key_pub.pem"));
    const Key priv = Key::FromFile(Vec(kDir + "keys/appendixE_suit_signing_key_priv.pem"));
    const Key other = Key::GenerateP256(cbor::Bytes(32, 9));
    for (const char* f : {"suit_uri.cbor", "suit_integrated.cbor", "suit_personalization.cbor"})
    {
        SCOPED_TRACE(f);
        const cbor::Value env = DecodeOrFail(ReadFile(Vec(kDir + f)), f);
        const AuthBlock auth = AuthOf(env);
        // SUIT_Digest covers the bstr-wrapped manifest (head included).
        const cbor::Value digest = DecodeOrFail(auth.digestBstrContent, "digest");
        cbor::Bytes wrappedManifest = cbor::Encode(Member(env, 3, "manifest"));
        EXPECT_EQ(digest.array()[1].bytes(), crypto::Sha256(wrappedManifest));

        auto msg = ParseSigned(auth.coseSign1);
        ASSERT_TRUE(msg.ok()) << msg.error().ToString();
        EXPECT_FALSE(msg->payload.has_value());
        EXPECT_EQ(msg->signatures[0].alg(), Alg::ESP256);
        EXPECT_EQ(msg->signatures[0].protectedBytes, Hex("A10128"));
        const VerifyResult r = Verify(*msg, {other, pub}, cbor::ByteView(auth.digestBstrContent));
        EXPECT_EQ(r.status, CoseStatus::Ok);
        EXPECT_EQ(r.keyIndex, 1);
        EXPECT_EQ(Verify(*msg, {pub}).status, CoseStatus::Malformed); // payload not supplied
        cbor::Bytes wrongDigest = auth.digestBstrContent;
        wrongDigest.back() ^= 1;
        EXPECT_EQ(Verify(*msg, {pub}, cbor::ByteView(wrongDigest)).status,
                  CoseStatus::BadSignature);

        const cbor::Bytes resigned = Sign1WithHeaders(
            {Alg::ESP256, priv, false}, cbor::Value::MakeMap().set(kHdrAlg, cbor::Value::Int(-9)),
            cbor::Value::MakeMap(), auth.digestBstrContent, true, true);
        EXPECT_EQ(resigned, auth.coseSign1);
    }
}

// The published KEK as a COSE_Key (keys/appendixE_personalization_KEK.txt: x, y, d in hex).
Key PersonalizationKek()
{
    const std::string text = ReadText(Vec(kDir + "keys/appendixE_personalization_KEK.txt"));
    auto field = [&](const std::string& name)
    {
        const auto at = text.find("  " + name + ": ");
        if (at == std::string::npos)
        {
            throw std::runtime_error("KEK file lacks " + name);
        }
        const auto start = at + name.size() + 4;
        return Hex(text.substr(start, text.find('\n', start) - start));
    };
    cbor::Value k = cbor::Value::MakeMap();
    k.set(1, cbor::Value::Int(2))
        .set(-1, cbor::Value::Int(1))
        .set(-2, cbor::Value::Bstr(field("x")))
        .set(-3, cbor::Value::Bstr(field("y")))
        .set(-4, cbor::Value::Bstr(field("d")));
    return Key::FromCoseKey(k);
}

// Example 3: manifest -> install sequence -> override-parameters {18: ciphertext,
// 19: COSE_Encrypt with nil payload}. Decrypting gives the 61-byte JSON whose SHA-256 is the
// validate section's image digest.
TEST(SuitVectors, PersonalizationDataDecryptsToDocumentedJson)
{
    const cbor::Value env = DecodeOrFail(ReadFile(Vec(kDir + "suit_personalization.cbor")), "env");
    const cbor::Value manifest = DecodeOrFail(Member(env, 3, "manifest").bytes(), "manifest");
    const cbor::Value install = DecodeOrFail(Member(manifest, 20, "install").bytes(), "install");
    const cbor::Bytes* ciphertext = nullptr;
    const cbor::Bytes* encryptionInfo = nullptr;
    const cbor::Array& cmds = install.array();
    for (size_t i = 0; i + 1 < cmds.size(); i += 2)
    {
        if (cmds[i].asInt64() == 20 && cmds[i + 1].isMap()) // directive-override-parameters
        {
            if (const cbor::Value* c = cmds[i + 1].find(18)) // parameter-content
            {
                ciphertext = &c->bytes();
            }
            if (const cbor::Value* e = cmds[i + 1].find(19)) // parameter-encryption-info
            {
                encryptionInfo = &e->bytes();
            }
        }
    }
    ASSERT_NE(ciphertext, nullptr);
    ASSERT_NE(encryptionInfo, nullptr);
    const Key kek = PersonalizationKek();

    const DecryptResult r = Decrypt(*encryptionInfo, kek, cbor::ByteView(*ciphertext));
    ASSERT_EQ(r.status, CoseStatus::Ok) << ToString(r.status);
    const std::string json(r.plaintext.begin(), r.plaintext.end());
    EXPECT_EQ(json, R"({"name":"FOO Bar","secret":"0123456789abfcdef0123456789abcd"})");
    EXPECT_EQ(r.plaintext.size(), 61u);
    EXPECT_EQ(crypto::ToHex(crypto::Sha256(r.plaintext)),
              "8273468fb64bd84bb04825f8371744d952b751c73a60f455af681e167726f116");

    // The KDF context's "other" must be the bstr 'SUIT Payload Encryption': another string
    // derives another KEK, and the key unwrap fails.
    EXPECT_EQ(
        Decrypt(*encryptionInfo, kek, cbor::ByteView(*ciphertext), "SUIT Report Encryption").status,
        CoseStatus::DecryptFailed);
    // A different recipient key cannot unwrap the CEK.
    EXPECT_EQ(
        Decrypt(*encryptionInfo, Key::GenerateP256(cbor::Bytes(32, 3)), cbor::ByteView(*ciphertext))
            .status,
        CoseStatus::DecryptFailed);
    // Public-only key: no private half to run ECDH with.
    EXPECT_EQ(
        Decrypt(*encryptionInfo, Key::FromPem(kek.PublicPem()), cbor::ByteView(*ciphertext)).status,
        CoseStatus::NoMatchingKey);
    // Payload nil and no detached ciphertext given.
    EXPECT_EQ(Decrypt(*encryptionInfo, kek).status, CoseStatus::Malformed);
}

// The KDF context for the example is the documented structure, byte for byte.
TEST(SuitVectors, KdfContextEncoding)
{
    const cbor::Bytes ctx = KdfContextA128KW(Hex("A101381C"), kKdfOtherSuitPayload);
    // [-3, [nil,nil,nil], [nil,nil,nil], [128, h'A101381C', 'SUIT Payload Encryption' as bstr]]
    EXPECT_EQ(crypto::ToHex(ctx), "8422"
                                  "83f6f6f6"
                                  "83f6f6f6"
                                  "83"
                                  "1880"
                                  "44a101381c"
                                  "57" +
                                      crypto::ToHex(Str("SUIT Payload Encryption")));
}

} // namespace
} // namespace teepsim::cose::test
