// Envelopes built for the simulator: build -> parse -> verify -> install -> uninstall,
// anti-rollback, determinism, and confidentiality of personalization data.
#include "teepsim/codec/cbor.h"
#include "teepsim/codec/crypto.h"
#include "teepsim/codec/suit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace teepsim::suit
{
namespace
{

Bytes Str(std::string_view s)
{
    return Bytes(s.begin(), s.end());
}

Bytes Seed(uint8_t b)
{
    return Bytes(32, b);
}

struct Fixture
{
    crypto::Key tamSigner = crypto::Key::GenerateP256(Seed(1));
    crypto::Key edSigner = crypto::Key::GenerateEd25519(Seed(2));
    crypto::Key deviceKey = crypto::Key::GenerateP256(Seed(3));
    Device device;
    BuildParams params;

    Fixture()
    {
        device.vendorId = Bytes(16, 0xA1);
        device.classId = Bytes(16, 0xB2);
        device.kek = deviceKey;
        params.componentId = {Str("TEEP-Device"), Str("SecureFS"), Bytes(16, 0x42), Str("ta")};
        params.sequenceNumber = 5;
        params.vendorId = device.vendorId;
        params.classId = device.classId;
        params.integratedPayload = Str("trusted application image bytes");
        params.signer = tamSigner;
        params.signAlg = crypto::Alg::ESP256;
    }
    crypto::Key Public(const crypto::Key& k) const { return crypto::Key::FromPem(k.PublicPem()); }
};

// An integrated-payload envelope goes through the Agent's whole path and back out.
TEST(SuitBuilder, IntegratedRoundTrip)
{
    Fixture f;
    Bytes env = BuildEnvelope(f.params);
    auto parsed = ParseEnvelope(env);
    ASSERT_TRUE(parsed) << parsed.error().ToString();
    EXPECT_EQ(parsed->manifest.sequenceNumber, 5u);
    EXPECT_EQ(parsed->manifest.components.at(0), f.params.componentId);
    EXPECT_EQ(parsed->manifest.manifestComponentId, ManifestComponentIdFor(f.params.componentId));
    auto v = VerifyEnvelope(*parsed, {f.Public(f.tamSigner)});
    ASSERT_TRUE(v.ok()) << v.reason;

    auto out = ProcessUpdate(env, {f.Public(f.tamSigner)}, f.device, {});
    ASSERT_TRUE(out.ok()) << out.reason;
    ASSERT_EQ(out.written.size(), 1u);
    EXPECT_EQ(out.written[0].first, f.params.componentId);
    EXPECT_EQ(out.written[0].second, *f.params.integratedPayload);

    auto un = RunUninstall(*parsed, f.device);
    ASSERT_TRUE(un.ok()) << un.reason;
    ASSERT_EQ(un.unlinked.size(), 1u);
    EXPECT_EQ(un.unlinked[0], f.params.componentId);
}

// A URI envelope carries digest and size; the payload comes from the fetch callback.
TEST(SuitBuilder, UriRoundTripWithEd25519)
{
    Fixture f;
    Bytes image(1000, 0x5A);
    f.params.integratedPayload.reset();
    f.params.uri = "https://tam.example/ta/42.ta";
    f.params.imageDigest = Sha256Digest(image);
    f.params.imageSize = image.size();
    f.params.signer = f.edSigner;
    f.params.signAlg = crypto::Alg::Ed25519;
    Bytes env = BuildEnvelope(f.params);

    Callbacks cb;
    cb.fetch = [&](std::string_view uri) -> std::optional<Bytes>
    {
        if (uri == "https://tam.example/ta/42.ta")
        {
            return image;
        }
        return std::nullopt;
    };
    auto out = ProcessUpdate(env, {f.Public(f.edSigner)}, f.device, cb);
    ASSERT_TRUE(out.ok()) << out.reason;
    EXPECT_EQ(out.written.at(0).second, image);
    // The P-256 TAM key is not the signer.
    EXPECT_FALSE(ProcessUpdate(env, {f.Public(f.tamSigner)}, f.device, cb).ok());
}

// The sequence number must grow: equal or lower than the installed one is a rollback.
TEST(SuitBuilder, AntiRollback)
{
    Fixture f;
    Bytes env = BuildEnvelope(f.params); // sequence 5
    const std::vector<crypto::Key> anchors{f.Public(f.tamSigner)};
    EXPECT_TRUE(ProcessUpdate(env, anchors, f.device, {}, 4).ok());
    auto same = ProcessUpdate(env, anchors, f.device, {}, 5);
    EXPECT_EQ(same.status, Status::Rollback);
    EXPECT_NE(same.reason.find("5"), std::string::npos);
    EXPECT_EQ(ProcessUpdate(env, anchors, f.device, {}, 9).status, Status::Rollback);
    EXPECT_TRUE(ProcessUpdate(env, anchors, f.device, {}, std::nullopt).ok());
}

// Same parameters, same bytes (deterministic ECDSA, deterministic ephemeral key); a different
// sequence number changes them.
TEST(SuitBuilder, Deterministic)
{
    Fixture f;
    f.params.personalization =
        Personalization{{Str("TEEP-Device"), Str("SecureFS"), Str("config.json")},
                        Str("{\"k\":1}"),
                        f.Public(f.deviceKey),
                        Seed(4)};
    Bytes a = BuildEnvelope(f.params);
    Bytes b = BuildEnvelope(f.params);
    EXPECT_EQ(a, b);
    f.params.sequenceNumber = 6;
    EXPECT_NE(BuildEnvelope(f.params), a);
}

// Personalization data is encrypted to the device: the plaintext never appears in the
// envelope, the device decrypts it, and another device cannot.
TEST(SuitBuilder, PersonalizationIsConfidential)
{
    Fixture f;
    const std::string secret = R"({"name":"device-17","secret":"s3cr3t-per-device-value"})";
    const ComponentId configId{Str("TEEP-Device"), Str("SecureFS"), Str("config.json")};
    for (crypto::Alg alg : {crypto::Alg::A128CTR, crypto::Alg::A128GCM})
    {
        f.params.personalization =
            Personalization{configId, Str(secret), f.Public(f.deviceKey), Seed(4), alg};
        Bytes env = BuildEnvelope(f.params);
        Bytes needle = Str(secret);
        EXPECT_EQ(std::search(env.begin(), env.end(), needle.begin(), needle.end()), env.end());
        Bytes part = Str("s3cr3t");
        EXPECT_EQ(std::search(env.begin(), env.end(), part.begin(), part.end()), env.end());

        auto out = ProcessUpdate(env, {f.Public(f.tamSigner)}, f.device, {});
        ASSERT_TRUE(out.ok()) << out.reason;
        ASSERT_EQ(out.written.size(), 2u);
        EXPECT_EQ(out.written[0].first, f.params.componentId);
        EXPECT_EQ(out.written[1].first, configId);
        EXPECT_EQ(out.written[1].second, Str(secret));

        Device other = f.device;
        other.kek = crypto::Key::GenerateP256(Seed(8));
        EXPECT_EQ(ProcessUpdate(env, {f.Public(f.tamSigner)}, other, {}).status,
                  Status::DecryptFailed);

        auto parsed = ParseEnvelope(env);
        ASSERT_TRUE(parsed);
        auto un = RunUninstall(*parsed, f.device);
        ASSERT_TRUE(un.ok()) << un.reason;
        EXPECT_EQ(un.unlinked.size(), 2u);
    }
}

// Without an uninstall section, RunUninstall says so instead of pretending.
TEST(SuitBuilder, NoUninstallSection)
{
    Fixture f;
    f.params.includeUninstall = false;
    auto parsed = ParseEnvelope(BuildEnvelope(f.params));
    ASSERT_TRUE(parsed);
    EXPECT_FALSE(parsed->manifest.uninstall.has_value());
    EXPECT_EQ(RunUninstall(*parsed, f.device).status, Status::NoSection);
}

// Inconsistent parameters are refused at build time.
TEST(SuitBuilder, RejectsBadParams)
{
    Fixture f;
    BuildParams p = f.params;
    p.integratedPayload.reset();
    EXPECT_THROW(BuildEnvelope(p), std::invalid_argument); // neither payload nor URI
    p = f.params;
    p.signer = f.Public(f.tamSigner);
    EXPECT_THROW(BuildEnvelope(p), std::invalid_argument); // no private key
    p = f.params;
    p.signAlg = crypto::Alg::Ed25519;
    EXPECT_THROW(BuildEnvelope(p), std::invalid_argument); // alg/key mismatch
    p = f.params;
    p.componentId.clear();
    EXPECT_THROW(BuildEnvelope(p), std::invalid_argument);
}

// The manifest-component-id replaces the TC id's last element by 'suit'.
TEST(SuitBuilder, ManifestComponentId)
{
    ComponentId tc{Str("TEEP-Device"), Str("SecureFS"), Bytes{1, 2}, Str("ta")};
    ComponentId m = ManifestComponentIdFor(tc);
    EXPECT_EQ(m.size(), 4u);
    EXPECT_EQ(m[2], tc[2]);
    EXPECT_EQ(m[3], Str("suit"));
    EXPECT_EQ(ComponentIdToString(m), "['TEEP-Device','SecureFS',h'0102','suit']");
    EXPECT_EQ(ComponentIdFromCbor(ComponentIdToCbor(tc)), tc);
}

} // namespace
} // namespace teepsim::suit
