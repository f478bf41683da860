// EAT evidence: claim-set round trip, the draft's Appendix D.2 example, signature + nonce +
// key-binding checks, and refusal of malformed claim sets.
#include "teepsim/codec/eat.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "tests/support/test_names.h"

namespace teepsim::eat
{
namespace
{

using crypto::Alg;
using crypto::Key;

Bytes Fill(size_t n, uint8_t v)
{
    return Bytes(n, v);
}

Evidence SampleEvidence(const Key& agent)
{
    Evidence e;
    e.nonce = Fill(16, 0x94);
    e.ueid = Fill(17, 0x01);
    e.oemid = {0x89, 0x48, 0x23};
    e.hwModel = Fill(16, 0x54);
    e.hwVersion = {"1.3.4", 1};
    e.manifests = {InstalledTc{{Bytes{'T', 'E', 'E', 'P'}, Fill(16, 0x8d)},
                               3,
                               Fill(32, 0xa7),
                               "https://example.org/ta.suit"},
                   InstalledTc{{Bytes{'x'}}, 1, Fill(32, 0x01), std::nullopt}};
    e.cnfKid = agent.Thumbprint();
    e.iat = 1700000000;
    return e;
}

TEST(Evidence, ClaimSetRoundTripsAndIsDeterministic)
{
    const Key agent = Key::GenerateP256(Fill(32, 1));
    const Evidence e = SampleEvidence(agent);
    const Bytes wire = EncodeEvidence(e);
    EXPECT_EQ(wire, EncodeEvidence(e));
    auto r = DecodeEvidence(wire);
    ASSERT_TRUE(r.ok()) << r.failure().ToString();
    EXPECT_EQ(*r, e);
    // Claims are written in ascending key order, manifests under RFC 9711's key 272.
    auto v = cbor::Decode(wire);
    ASSERT_TRUE(v.ok());
    EXPECT_NE(v->find(kClaimManifests), nullptr);
    EXPECT_EQ(v->find(kClaimManifestsDraftExample), nullptr);
    EXPECT_EQ(v->map().front().first.asInt64(), kClaimIat);
}

// The TEEP draft's Appendix D.2 example (manifests under 273, body as a bare map) decodes.
TEST(Evidence, DraftAppendixExampleDecodes)
{
    std::ifstream f(std::string(TEEPSIM_VECTORS_DIR) +
                    "/ietf-teep-protocol-draft26-pr420/eat_diagnostic.txt");
    ASSERT_TRUE(f);
    const std::string diag((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto v = cbor::ParseDiagnostic(diag);
    ASSERT_TRUE(v.ok()) << v.error().ToString();
    auto r = DecodeEvidence(cbor::Encode(*v));
    ASSERT_TRUE(r.ok()) << r.failure().ToString();
    EXPECT_EQ(r->nonce->size(), 9u);
    EXPECT_EQ(r->oemid, (Bytes{0x89, 0x48, 0x23}));
    EXPECT_EQ(r->hwVersion.version, "1.3.4");
    EXPECT_EQ(r->hwVersion.scheme, 1);
    ASSERT_EQ(r->manifests.size(), 1u);
    EXPECT_EQ(r->manifests[0].uri, "https://example.com/manifest.cbor");
    EXPECT_EQ(r->manifests[0].digest.size(), 32u);
    EXPECT_FALSE(r->manifests[0].sequenceNumber);
    EXPECT_EQ(r->cnfKid.size(), 32u);
}

class SignedEvidence : public ::testing::TestWithParam<Alg>
{
};

TEST_P(SignedEvidence, VerifiesWithMatchingNonceAndKey)
{
    const Key agent = GetParam() == Alg::ESP256 ? Key::GenerateP256(Fill(32, 2))
                                                : Key::GenerateEd25519(Fill(32, 2));
    const Evidence e = SampleEvidence(agent);
    const Bytes token = SignEvidence(e, {GetParam(), agent});
    auto r = VerifyEvidence(token, {agent}, ByteView(*e.nonce));
    ASSERT_TRUE(r.ok()) << r.failure().ToString();
    EXPECT_EQ(r->evidence, e);
    EXPECT_EQ(r->keyIndex, 0);
    EXPECT_EQ(r->kid, agent.Thumbprint());
}

INSTANTIATE_TEST_SUITE_P(Algs, SignedEvidence, ::testing::Values(Alg::ESP256, Alg::Ed25519),
                         teepsim::test::NameBy(
                             [](Alg a)
                             {
                                 return a == Alg::ESP256 ? std::string("ESP256")
                                        : a == Alg::Ed25519
                                            ? std::string("Ed25519")
                                            : "cose_alg" + std::to_string(static_cast<int64_t>(a));
                             }));

TEST(Evidence, NonceMismatchIsDetected)
{
    const Key agent = Key::GenerateP256(Fill(32, 3));
    const Bytes token = SignEvidence(SampleEvidence(agent), {Alg::ESP256, agent});
    const Bytes otherChallenge = Fill(16, 0x95);
    auto r = VerifyEvidence(token, {agent}, ByteView(otherChallenge));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().error, EatError::NonceMismatch);

    Evidence noNonce = SampleEvidence(agent);
    noNonce.nonce.reset();
    auto r2 = VerifyEvidence(SignEvidence(noNonce, {Alg::ESP256, agent}), {agent},
                             ByteView(otherChallenge));
    ASSERT_FALSE(r2.ok());
    EXPECT_EQ(r2.failure().error, EatError::NonceMismatch);
}

// Evidence whose cnf names another key than the one that signed it is refused.
TEST(Evidence, CnfMustNameTheSigningKey)
{
    const Key agent = Key::GenerateP256(Fill(32, 4));
    const Key other = Key::GenerateP256(Fill(32, 5));
    Evidence e = SampleEvidence(other);
    auto r = VerifyEvidence(SignEvidence(e, {Alg::ESP256, agent}), {agent}, std::nullopt);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().error, EatError::KeyMismatch);
}

TEST(Evidence, WrongKeyOrTamperingIsRefused)
{
    const Key agent = Key::GenerateP256(Fill(32, 6));
    Bytes token = SignEvidence(SampleEvidence(agent), {Alg::ESP256, agent});
    auto wrong = VerifyEvidence(token, {Key::GenerateP256(Fill(32, 7))}, std::nullopt);
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.failure().error, EatError::BadSignature);
    token[token.size() - 1] ^= 0x80;
    auto tampered = VerifyEvidence(token, {agent}, std::nullopt);
    ASSERT_FALSE(tampered.ok());
    EXPECT_EQ(tampered.failure().error, EatError::BadSignature);
    auto garbage = VerifyEvidence(Bytes{0xd2, 0x84}, {agent}, std::nullopt);
    ASSERT_FALSE(garbage.ok());
    EXPECT_EQ(garbage.failure().error, EatError::Malformed);
}

TEST(Evidence, MalformedClaimSetsAreRefusedWithAReason)
{
    const Key agent = Key::GenerateP256(Fill(32, 8));
    struct Case
    {
        int64_t key;
        cbor::Value value;
        const char* reason;
    };
    const Case cases[] = {
        {kClaimUeid, cbor::Value::Bstr(Fill(6, 1)), "ueid"},
        {kClaimOemid, cbor::Value::Bstr(Fill(5, 1)), "oemid"},
        {kClaimHwModel, cbor::Value::Tstr("model"), "hwmodel"},
        {kClaimHwVersion, cbor::Value::Bstr(Fill(2, 1)), "hwversion"},
        {kClaimNonce, cbor::Value::Bstr(Fill(7, 1)), "eat_nonce"},
        {kClaimCnf, cbor::Value::MakeMap(), "cnf"},
        {kClaimManifests, cbor::Value::MakeArray({cbor::Value::Uint(60)}), "manifests"},
        {kClaimIat, cbor::Value::Tstr("now"), "iat"},
    };
    for (const auto& c : cases)
    {
        auto v = cbor::Decode(EncodeEvidence(SampleEvidence(agent)));
        ASSERT_TRUE(v.ok());
        for (auto& [k, val] : v.value().map())
        {
            if (k.asInt64() == c.key)
            {
                val = c.value;
            }
        }
        auto r = DecodeEvidence(cbor::Encode(*v));
        ASSERT_FALSE(r.ok()) << c.reason;
        EXPECT_EQ(r.failure().error, EatError::Malformed);
        EXPECT_NE(r.failure().reason.find(c.reason), std::string::npos) << r.failure().reason;
    }
    auto missing = cbor::Value::MakeMap().set(kClaimUeid, cbor::Value::Bstr(Fill(17, 1)));
    auto r = DecodeEvidence(cbor::Encode(missing));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.failure().reason.find("missing required claim oemid"), std::string::npos);
    EXPECT_FALSE(DecodeEvidence(Bytes{0xff}).ok());
}

} // namespace
} // namespace teepsim::eat
