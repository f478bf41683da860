// EAR-style attestation results: round trip, signature, key binding (cnf) and expiry.
#include "teepsim/codec/eat.h"

#include <gtest/gtest.h>

namespace teepsim::eat
{
namespace
{

using crypto::Alg;
using crypto::Key;

AttestationResult SampleResult(ByteView agentKid, int64_t iat, int64_t validity)
{
    AttestationResult ar;
    ar.iat = iat;
    ar.exp = iat + validity;
    ar.status = ArStatus::Affirming;
    ar.cnfKid.assign(agentKid.begin(), agentKid.end());
    ar.verifierBuild = "teepsim-verifier 0.1";
    ar.nonce = Bytes(16, 0x42);
    return ar;
}

TEST(AttestationResult, RoundTripsEveryStatus)
{
    const Bytes kid(32, 0x11);
    for (ArStatus s :
         {ArStatus::None, ArStatus::Affirming, ArStatus::Warning, ArStatus::Contraindicated})
    {
        AttestationResult ar = SampleResult(kid, 1000, 3600);
        ar.status = s;
        auto r = DecodeAttestationResult(EncodeAttestationResult(ar));
        ASSERT_TRUE(r.ok()) << r.failure().ToString();
        EXPECT_EQ(*r, ar) << ToString(s);
    }
}

TEST(AttestationResult, ValidityWindowIsHalfOpen)
{
    const AttestationResult ar = SampleResult(Bytes(32, 1), 1000, 60);
    EXPECT_FALSE(ar.IsValidAt(999));
    EXPECT_TRUE(ar.IsValidAt(1000));
    EXPECT_TRUE(ar.IsValidAt(1059));
    EXPECT_FALSE(ar.IsValidAt(1060));
    EXPECT_TRUE(ar.TrustsAt(1030));
    AttestationResult bad = ar;
    bad.status = ArStatus::Contraindicated;
    EXPECT_FALSE(bad.TrustsAt(1030));
}

TEST(AttestationResult, SignedResultVerifiesBindsKeyAndExpires)
{
    const Key verifier = Key::GenerateP256(Bytes(32, 9));
    const Key agent = Key::GenerateEd25519(Bytes(32, 10));
    const AttestationResult ar = SampleResult(agent.Thumbprint(), 5000, 600);
    const Bytes token = SignAttestationResult(ar, {Alg::ESP256, verifier});
    EXPECT_EQ(token, SignAttestationResult(ar, {Alg::ESP256, verifier})) << "deterministic";

    const Bytes agentKid = agent.Thumbprint();
    auto ok = VerifyAttestationResult(token, {verifier}, ByteView(agentKid), int64_t{5300});
    ASSERT_TRUE(ok.ok()) << ok.failure().ToString();
    EXPECT_EQ(ok->result, ar);

    auto expired = VerifyAttestationResult(token, {verifier}, ByteView(agentKid), int64_t{5600});
    ASSERT_FALSE(expired.ok());
    EXPECT_EQ(expired.failure().error, EatError::Expired);

    const Bytes otherKid(32, 0);
    auto wrongAgent = VerifyAttestationResult(token, {verifier}, ByteView(otherKid));
    ASSERT_FALSE(wrongAgent.ok());
    EXPECT_EQ(wrongAgent.failure().error, EatError::KeyMismatch);

    auto untrusted = VerifyAttestationResult(token, {Key::GenerateP256(Bytes(32, 11))});
    ASSERT_FALSE(untrusted.ok());
    EXPECT_EQ(untrusted.failure().error, EatError::BadSignature);
}

TEST(AttestationResult, MalformedResultsAreRefused)
{
    const Bytes kid(32, 3);
    auto base = cbor::Decode(EncodeAttestationResult(SampleResult(kid, 10, 10)));
    ASSERT_TRUE(base.ok());
    auto mutate = [&](int64_t key, cbor::Value v)
    {
        cbor::Value m = *base;
        for (auto& [k, val] : m.map())
        {
            if (k.asInt64() == key)
            {
                val = v;
            }
        }
        return DecodeAttestationResult(cbor::Encode(m));
    };
    // ear.status 1 is no trust tier.
    auto badStatus = mutate(
        kClaimSubmods,
        cbor::Value::MakeMap().set(
            "TEEP Agent", cbor::Value::MakeMap().set(kClaimEarStatus, cbor::Value::Uint(1))));
    ASSERT_FALSE(badStatus.ok());
    EXPECT_NE(badStatus.failure().reason.find("ear.status"), std::string::npos);
    auto expBeforeIat = mutate(kClaimExp, cbor::Value::Int(5));
    ASSERT_FALSE(expBeforeIat.ok());
    EXPECT_NE(expBeforeIat.failure().reason.find("exp before iat"), std::string::npos);
    EXPECT_FALSE(mutate(kClaimCnf, cbor::Value::Uint(1)).ok());
    EXPECT_FALSE(mutate(kClaimProfile, cbor::Value::Uint(1)).ok());
    EXPECT_FALSE(mutate(kClaimEarVerifierId, cbor::Value::MakeMap()).ok());
    EXPECT_FALSE(DecodeAttestationResult(Bytes{0x80}).ok());
}

} // namespace
} // namespace teepsim::eat
