// The draft's Appendix E SUIT examples and older third-party envelopes, checked against the
// parser, the authentication check and the interpreter.
#include "teepsim/codec/cbor.h"
#include "teepsim/codec/crypto.h"
#include "teepsim/codec/suit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/support/test_names.h"

namespace teepsim::suit
{
namespace
{

const std::string kVectors = TEEPSIM_VECTORS_DIR;
const std::string kDraft = kVectors + "/ietf-teep-protocol-draft26-pr420/";

Bytes ReadFile(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    EXPECT_TRUE(f.good()) << "cannot open " << path;
    return Bytes(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

Bytes Hex(std::string_view hex)
{
    Bytes out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
    {
        out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    }
    return out;
}

Bytes Str(std::string_view s)
{
    return Bytes(s.begin(), s.end());
}

crypto::Key SigningKey()
{
    return crypto::Key::FromFile(kDraft + "keys/appendixE_suit_signing_key_pub.pem");
}

// The device of the draft's examples: vendor and class ids from the shared sequence.
Device DraftDevice()
{
    Device d;
    d.vendorId = Hex("C0DDD5F15243566087DB4F5B0AA26C2F");
    d.classId = Hex("DB42F7093D8C55BAA8C5265FC5820F4E");
    return d;
}

// Appendix E example 3's KEK (the device's private key), from
// keys/appendixE_personalization_KEK.txt.
crypto::Key PersonalizationKek()
{
    cbor::Value k = cbor::Value::MakeMap();
    k.set(1, cbor::Value::Uint(2));
    k.set(-1, cbor::Value::Uint(1));
    k.set(-2, cbor::Value::Bstr(
                  Hex("5886CD61DD875862E5AAA820E7A15274C968A9BC96048DDCACE32F50C3651BA3")));
    k.set(-3, cbor::Value::Bstr(
                  Hex("9EED8125E932CD60C0EAD3650D0A485CF726D378D1B016ED4298B2961E258F1B")));
    k.set(-4, cbor::Value::Bstr(
                  Hex("60FE6DD6D85D5740A5349B6F91267EEAC5BA81B8CB53EE249E4B4EB102C476B3")));
    return crypto::Key::FromCoseKey(k);
}

const ComponentId kTcId{Str("TEEP-Device"), Str("SecureFS"),
                        Hex("8D82573A926D4754935332DC29997F74"), Str("ta")};

class DraftExample : public ::testing::TestWithParam<const char*>
{
};

// Each Appendix E example parses, its wrapper digest covers the manifest and its COSE_Sign1
// verifies with the published signing key.
TEST_P(DraftExample, ParsesAndVerifiesWithAppendixEKey)
{
    Bytes bytes = ReadFile(kDraft + GetParam());
    auto env = ParseEnvelope(bytes);
    ASSERT_TRUE(env) << env.error().ToString();
    EXPECT_FALSE(env->tagged);
    EXPECT_EQ(env->manifest.version, 1u);
    EXPECT_EQ(env->manifest.sequenceNumber, 3u);
    EXPECT_EQ(env->authBlocks.size(), 1u);
    EXPECT_TRUE(CheckManifestDigest(*env).ok());
    auto v = VerifyEnvelope(*env, {SigningKey()});
    EXPECT_TRUE(v.ok()) << v.reason;
    EXPECT_EQ(v.keyIndex, 0);
}

// Flipping one byte inside the manifest breaks the digest (and therefore the envelope).
TEST_P(DraftExample, TamperedManifestByteFails)
{
    Bytes bytes = ReadFile(kDraft + GetParam());
    auto env = ParseEnvelope(bytes);
    ASSERT_TRUE(env);
    // Find the manifest bytes inside the envelope and flip the sequence number's value byte
    // (manifest = {1: 1, 2: 3, ...}: offset 4 is the value 3), keeping the CBOR well-formed.
    const Bytes& m = env->manifest.bytes;
    auto at = std::search(bytes.begin(), bytes.end(), m.begin(), m.end());
    ASSERT_NE(at, bytes.end());
    ASSERT_EQ(m[3], 0x02);
    at[4] ^= 0x01;
    auto tampered = ParseEnvelope(bytes);
    ASSERT_TRUE(tampered) << tampered.error().ToString();
    auto v = VerifyEnvelope(*tampered, {SigningKey()});
    EXPECT_EQ(v.status, Status::DigestMismatch);
    auto out = ProcessUpdate(bytes, {SigningKey()}, DraftDevice(), {});
    EXPECT_EQ(out.status, Status::DigestMismatch);
}

// A different key must not verify the signature.
TEST_P(DraftExample, WrongTrustAnchorFails)
{
    auto env = ParseEnvelope(ReadFile(kDraft + GetParam()));
    ASSERT_TRUE(env);
    auto other = crypto::Key::GenerateP256(Bytes(32, 7));
    auto v = VerifyEnvelope(*env, {other});
    EXPECT_FALSE(v.ok());
    EXPECT_TRUE(v.status == Status::BadSignature || v.status == Status::NoMatchingKey)
        << ToString(v.status);
}

INSTANTIATE_TEST_SUITE_P(AppendixE, DraftExample,
                         ::testing::Values("suit_uri.cbor", "suit_integrated.cbor",
                                           "suit_personalization.cbor"),
                         teepsim::test::NameBy(&teepsim::test::FileGtestName));

// Example 1 fetches the TC by URI; the Agent gets the .ta file from its callback and the
// image-match (SHA-256 8cf71ac8…68ece8, size 20) passes.
TEST(SuitDraftExamples, UriExampleInstallsFetchedImage)
{
    Bytes ta = ReadFile(kDraft + "8d82573a-926d-4754-9353-32dc29997f74.ta");
    std::string asked;
    Callbacks cb;
    cb.fetch = [&](std::string_view uri) -> std::optional<Bytes>
    {
        asked = std::string(uri);
        return ta;
    };
    auto out = ProcessUpdate(ReadFile(kDraft + "suit_uri.cbor"), {SigningKey()}, DraftDevice(), cb);
    ASSERT_TRUE(out.ok()) << out.reason;
    EXPECT_EQ(asked, "https://example.org/8d82573a-926d-4754-9353-32dc29997f74.ta");
    ASSERT_EQ(out.written.size(), 1u);
    EXPECT_EQ(out.written[0].first, kTcId);
    EXPECT_EQ(out.written[0].second, ta);
}

// A corrupted download fails condition-image-match.
TEST(SuitDraftExamples, UriExampleRejectsCorruptDownload)
{
    Callbacks cb;
    cb.fetch = [](std::string_view) -> std::optional<Bytes> { return Str("Hello, Secure World?"); };
    auto out = ProcessUpdate(ReadFile(kDraft + "suit_uri.cbor"), {SigningKey()}, DraftDevice(), cb);
    EXPECT_EQ(out.status, Status::ImageMismatch);
    EXPECT_NE(out.reason.find("install"), std::string::npos) << out.reason;
    cb.fetch = [](std::string_view) -> std::optional<Bytes> { return std::nullopt; };
    out = ProcessUpdate(ReadFile(kDraft + "suit_uri.cbor"), {SigningKey()}, DraftDevice(), cb);
    EXPECT_EQ(out.status, Status::FetchFailed);
}

// Example 2 carries the TC in the envelope under "#tc"; its image-match passes.
TEST(SuitDraftExamples, IntegratedExampleImageMatches)
{
    Bytes bytes = ReadFile(kDraft + "suit_integrated.cbor");
    auto env = ParseEnvelope(bytes);
    ASSERT_TRUE(env);
    const ImageBytes* tc = env->FindIntegrated("#tc");
    ASSERT_NE(tc, nullptr);
    EXPECT_EQ(*tc, Str("Hello, Secure World!"));
    EXPECT_EQ(crypto::Sha256(*tc),
              Hex("8CF71AC86AF31BE184EC7A05A411A8C3A14FD9B77A30D046397481469468ECE8"));
    auto out = ProcessUpdate(bytes, {SigningKey()}, DraftDevice(), {});
    ASSERT_TRUE(out.ok()) << out.reason;
    ASSERT_EQ(out.written.size(), 1u);
    EXPECT_EQ(out.written[0].second.size(), 20u);
    EXPECT_EQ(env->manifest.manifestComponentId,
              ComponentId({Str("TEEP-Device"), Str("SecureFS"),
                           Hex("8D82573A926D4754935332DC29997F74"), Str("suit")}));
    EXPECT_EQ(*env->manifest.manifestComponentId, ManifestComponentIdFor(kTcId));
}

// The shared sequence's vendor/class conditions reject a device of another vendor or class.
TEST(SuitDraftExamples, OtherVendorOrClassIsRejected)
{
    Bytes bytes = ReadFile(kDraft + "suit_integrated.cbor");
    Device d = DraftDevice();
    d.vendorId[0] ^= 1;
    EXPECT_EQ(ProcessUpdate(bytes, {SigningKey()}, d, {}).status, Status::VendorMismatch);
    d = DraftDevice();
    d.classId[15] ^= 1;
    auto out = ProcessUpdate(bytes, {SigningKey()}, d, {});
    EXPECT_EQ(out.status, Status::ClassMismatch);
    EXPECT_NE(out.reason.find("shared-sequence"), std::string::npos) << out.reason;
}

// Example 3: directive-write decrypts parameter-content with the KEK to the documented JSON,
// and the validate section's digest (8273468f…26f116, 61 bytes) matches it.
TEST(SuitDraftExamples, PersonalizationDecryptsToDocumentedJson)
{
    Bytes bytes = ReadFile(kDraft + "suit_personalization.cbor");
    auto env = ParseEnvelope(bytes);
    ASSERT_TRUE(env);
    ASSERT_EQ(env->manifest.dependencies.size(), 1u);
    EXPECT_EQ(env->manifest.dependencies[0].componentIndex, 1u);
    EXPECT_EQ(env->manifest.dependencies[0].prefix, ManifestComponentIdFor(kTcId));
    ASSERT_TRUE(env->manifest.validate.has_value());

    Device d = DraftDevice();
    d.kek = PersonalizationKek();
    auto out = ProcessUpdate(bytes, {SigningKey()}, d, {});
    ASSERT_TRUE(out.ok()) << out.reason;
    ASSERT_EQ(out.written.size(), 1u);
    EXPECT_EQ(out.written[0].first,
              ComponentId({Str("TEEP-Device"), Str("SecureFS"), Str("config.json")}));
    EXPECT_EQ(out.written[0].second,
              Str(R"({"name":"FOO Bar","secret":"0123456789abfcdef0123456789abcd"})"));
    EXPECT_EQ(crypto::Sha256(out.written[0].second),
              Hex("8273468FB64BD84BB04825F8371744D952B751C73A60F455AF681E167726F116"));
}

// Without the KEK (or with another key) the personalization data cannot be opened.
TEST(SuitDraftExamples, PersonalizationNeedsTheDeviceKey)
{
    Bytes bytes = ReadFile(kDraft + "suit_personalization.cbor");
    auto out = ProcessUpdate(bytes, {SigningKey()}, DraftDevice(), {});
    EXPECT_EQ(out.status, Status::DecryptFailed);
    Device d = DraftDevice();
    d.kek = crypto::Key::GenerateP256(Bytes(32, 9));
    out = ProcessUpdate(bytes, {SigningKey()}, d, {});
    EXPECT_EQ(out.status, Status::DecryptFailed) << out.reason;
}

// The dependency (the TC's manifest) must be present when the Agent says which are.
TEST(SuitDraftExamples, PersonalizationChecksDependency)
{
    Bytes bytes = ReadFile(kDraft + "suit_personalization.cbor");
    Device d = DraftDevice();
    d.kek = PersonalizationKek();
    Callbacks cb;
    ComponentId seen;
    cb.dependencyPresent = [&](const ComponentId& prefix)
    {
        seen = prefix;
        return false;
    };
    auto out = ProcessUpdate(bytes, {SigningKey()}, d, cb);
    EXPECT_EQ(out.status, Status::FetchFailed);
    EXPECT_EQ(seen, ManifestComponentIdFor(kTcId));
}

// Uninstall sections: example 1 unlinks the TC; example 3 unlinks config.json.
TEST(SuitDraftExamples, UninstallUnlinksComponents)
{
    auto uri = ParseEnvelope(ReadFile(kDraft + "suit_uri.cbor"));
    ASSERT_TRUE(uri);
    auto out = RunUninstall(*uri, DraftDevice());
    ASSERT_TRUE(out.ok()) << out.reason;
    ASSERT_EQ(out.unlinked.size(), 1u);
    EXPECT_EQ(out.unlinked[0], kTcId);

    auto perso = ParseEnvelope(ReadFile(kDraft + "suit_personalization.cbor"));
    ASSERT_TRUE(perso);
    out = RunUninstall(*perso, DraftDevice());
    ASSERT_TRUE(out.ok()) << out.reason;
    ASSERT_EQ(out.unlinked.size(), 1u);
    EXPECT_EQ(out.unlinked[0].back(), Str("config.json"));
}

// The Update example embeds a manifest with the stale key 9 for install (and ES256): it parses,
// verifies with the Appendix E key, but has no install section in the current numbering.
TEST(SuitDraftExamples, UpdateExampleManifestUsesStaleInstallKey)
{
    auto update = cbor::Decode(ReadFile(kDraft + "update.cbor"));
    ASSERT_TRUE(update);
    const cbor::Value* list = update->array()[1].find(9); // manifest-list (draft-26 label 9)
    ASSERT_NE(list, nullptr);
    ASSERT_TRUE(list->isArray());
    const Bytes& envBytes = list->array()[0].bytes();
    auto env = ParseEnvelope(envBytes);
    ASSERT_TRUE(env) << env.error().ToString();
    EXPECT_FALSE(env->manifest.install.has_value());
    EXPECT_TRUE(env->manifest.invoke.has_value()); // key 9
    EXPECT_TRUE(VerifyEnvelope(*env, {SigningKey()}).ok());
    auto out = RunInstall(*env, DraftDevice(), {});
    EXPECT_EQ(out.status, Status::NoSection);
}

// The libcsuit copies of the examples are byte-identical and verify with its trust anchor.
TEST(SuitLegacyEnvelopes, LibcsuitTeepExamplesVerify)
{
    auto anchor = crypto::Key::FromFile(kVectors +
                                        "/libcsuit-kentakayama/key/trust_anchor_secp256r1_pub.pem");
    for (const char* name :
         {"suit_manifest_expU.suit", "suit_manifest_expI.suit", "suit_manifest_expD.suit",
          "suit_manifest_exp0.suit", "suit_manifest_exp1.suit"})
    {
        auto env = ParseEnvelope(ReadFile(kVectors + "/libcsuit-kentakayama/" + name));
        ASSERT_TRUE(env) << name << ": " << env.error().ToString();
        auto v = VerifyEnvelope(*env, {anchor});
        EXPECT_TRUE(v.ok()) << name << ": " << v.reason;
    }
}

// libcsuit exp0/exp1 are tagged (107) SUIT manifest examples for another device class; the
// interpreter rejects them on the vendor condition, not by crashing.
TEST(SuitLegacyEnvelopes, LibcsuitExp0Exp1AreTaggedAndForeign)
{
    for (const char* name : {"suit_manifest_exp0.suit", "suit_manifest_exp1.suit"})
    {
        auto env = ParseEnvelope(ReadFile(kVectors + "/libcsuit-kentakayama/" + name));
        ASSERT_TRUE(env) << name;
        EXPECT_TRUE(env->tagged);
        Device d;
        d.vendorId = Hex("fa6b4a53d5ad5fdfbe9de663e4d41ffe");
        d.classId = Hex("1492af1425695e48bf429b2d51f2ab45");
        auto out = RunInstall(*env, DraftDevice(), {});
        if (env->manifest.install)
        {
            EXPECT_EQ(out.status, Status::VendorMismatch) << name << ": " << out.reason;
            // exp1 fetches http://example.com/file.bin; a device that gets no payload fails
            // cleanly.
            out = RunInstall(*env, d, {});
            EXPECT_EQ(out.status, Status::FetchFailed) << name << ": " << out.reason;
        }
        else
        {
            EXPECT_EQ(out.status, Status::NoSection) << name;
        }
    }
}

// dthaler's suit-tool envelopes: tagged, digest-only wrapper, 2022-2024 numbering (17 = install).
TEST(SuitLegacyEnvelopes, DthalerDigestOnlyEnvelopes)
{
    for (const char* name :
         {"/dthaler-teep/manifests/required/f1a2c3bb-7c62-4b19-a030-5d9f1758f10a.cbor",
          "/dthaler-teep/manifests/optional/38b08738-227d-4f6a-b1f0-b208bc02a781.cbor"})
    {
        auto env = ParseEnvelope(ReadFile(kVectors + name));
        ASSERT_TRUE(env) << name << ": " << env.error().ToString();
        EXPECT_TRUE(env->tagged);
        EXPECT_TRUE(env->authBlocks.empty());
        EXPECT_TRUE(CheckManifestDigest(*env).ok());
        EXPECT_EQ(VerifyEnvelope(*env, {SigningKey()}).status, Status::Unauthenticated);
        auto out = RunInstall(*env, DraftDevice(), {});
        EXPECT_EQ(out.status, Status::NoSection);
        EXPECT_NE(out.reason.find("17"), std::string::npos) << out.reason;
    }
}

// tamproto: the integrated-payload envelope (ES256, install = 9) verifies with the Appendix E
// key; the pre-2021 encodings are rejected with a reason; tc2.suit is truncated CBOR.
TEST(SuitLegacyEnvelopes, TamprotoFiles)
{
    const std::string dir = kVectors + "/tamproto-ko-isobe/TAs/";
    auto integrated = ParseEnvelope(ReadFile(dir + "integrated-payload-manifest.cbor"));
    ASSERT_TRUE(integrated) << integrated.error().ToString();
    EXPECT_TRUE(integrated->tagged);
    EXPECT_NE(integrated->FindIntegrated("#tc"), nullptr);
    EXPECT_TRUE(VerifyEnvelope(*integrated, {SigningKey()}).ok());

    // expX: digest algorithm 2 (pre-IANA SHA-256 id).
    auto expX = ParseEnvelope(ReadFile(dir + "suit_manifest_expX.cbor"));
    ASSERT_TRUE(expX) << expX.error().ToString();
    auto v = VerifyEnvelope(*expX, {SigningKey()});
    EXPECT_EQ(v.status, Status::UnsupportedAlgorithm);
    EXPECT_NE(v.reason.find("digest algorithm 2"), std::string::npos) << v.reason;

    // exp1: the wrapper holds only a COSE_Sign1, no SUIT_Digest.
    auto exp1 = ParseEnvelope(ReadFile(dir + "suit_manifest_exp1.cbor"));
    ASSERT_FALSE(exp1);
    EXPECT_NE(exp1.error().message.find("authentication-wrapper[0]"), std::string::npos)
        << exp1.error().message;

    Status why = Status::Ok;
    Bytes tc2 = ReadFile(dir + "tc2.suit");
    auto truncated = ParseEnvelope(tc2, &why);
    ASSERT_FALSE(truncated);
    EXPECT_EQ(why, Status::Malformed);
    EXPECT_NE(truncated.error().message.find("envelope"), std::string::npos);
    EXPECT_EQ(ProcessUpdate(tc2, {SigningKey()}, DraftDevice(), {}).status, Status::Malformed);
}

} // namespace
} // namespace teepsim::suit
