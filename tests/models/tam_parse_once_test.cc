// The TAM and the Verifier parse each signed message once (issue 11): the kid lookup and the
// verification share one cose::ParseSigned. The overloads that take the parsed message
// (teep_signed_parsed.h, eat_parsed.h) must give exactly what the byte overloads give: the
// same message, indexes and kid on success, the same failure (code, kind, reason) otherwise,
// for valid messages, signatures that do not verify, unknown signers, algorithms outside the
// profile, critical headers and several signers.
#include "teepsim/codec/cose.h"
#include "teepsim/codec/eat.h"
#include "teepsim/codec/eat_parsed.h"
#include "teepsim/codec/teep_signed.h"
#include "teepsim/codec/teep_signed_parsed.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace
{
using teepsim::cbor::Bytes;
namespace cbor = teepsim::cbor;
namespace cose = teepsim::cose;
namespace crypto = teepsim::crypto;
namespace eat = teepsim::eat;
namespace teep = teepsim::teep;

const crypto::Key kAgent = crypto::Key::GenerateP256(Bytes(32, 0x21));
const crypto::Key kOther = crypto::Key::GenerateP256(Bytes(32, 0x22));
const crypto::Key kEd = crypto::Key::GenerateEd25519(Bytes(32, 0x23));

teep::Message SampleSuccess()
{
    teep::Success s;
    s.token = Bytes(8, 0x5a);
    return s;
}

/// Both overloads on `bytes` (which must parse) agree in every field they return.
void ExpectSameTeep(const Bytes& bytes, const std::vector<crypto::Key>& trusted)
{
    auto parsed = cose::ParseSigned(bytes);
    auto fromBytes = teep::DecodeVerified(bytes, teep::Profile::Draft26(), trusted);
    if (!parsed.ok())
    {
        // The receiver drops what does not parse before it looks at the kid; so does the byte
        // overload, as malformed.
        ASSERT_FALSE(fromBytes.ok());
        EXPECT_EQ(fromBytes.failure().kind, teep::Failure::Kind::Malformed);
        return;
    }
    auto fromParsed =
        teep::DecodeVerified(std::move(parsed.value()), teep::Profile::Draft26(), trusted);
    ASSERT_EQ(fromBytes.ok(), fromParsed.ok());
    if (!fromBytes.ok())
    {
        EXPECT_EQ(fromBytes.failure().code, fromParsed.failure().code);
        EXPECT_EQ(fromBytes.failure().kind, fromParsed.failure().kind);
        EXPECT_EQ(fromBytes.failure().reason, fromParsed.failure().reason);
        EXPECT_EQ(fromBytes.failure().offset, fromParsed.failure().offset);
        return;
    }
    EXPECT_EQ(fromBytes->message, fromParsed->message);
    EXPECT_EQ(fromBytes->keyIndex, fromParsed->keyIndex);
    EXPECT_EQ(fromBytes->signerIndex, fromParsed->signerIndex);
    EXPECT_EQ(fromBytes->alg, fromParsed->alg);
    EXPECT_EQ(fromBytes->kid, fromParsed->kid);
    EXPECT_EQ(fromBytes->multiSigner, fromParsed->multiSigner);
    EXPECT_EQ(fromBytes->payload, fromParsed->payload);
}

Bytes SignedSuccess(const crypto::Key& key, crypto::Alg alg)
{
    return teep::EncodeSigned(SampleSuccess(), teep::Profile::Draft26(), {{alg, key, true}});
}

TEST(TamParseOnce, TeepValidMessageGivesTheSameMessage)
{
    const Bytes m = SignedSuccess(kAgent, crypto::Alg::ESP256);
    ExpectSameTeep(m, {kAgent});
    ExpectSameTeep(m, {kOther, kAgent}); // keyIndex 1
}

TEST(TamParseOnce, TeepFailuresAreTheSame)
{
    const Bytes m = SignedSuccess(kAgent, crypto::Alg::ESP256);
    ExpectSameTeep(m, {kOther}); // the kid names no trusted key
    Bytes tampered = m;
    tampered.back() ^= 0x01; // last byte of the signature
    ExpectSameTeep(tampered, {kAgent});

    // Payload not a TEEP message; the signer's kid left out.
    const Bytes notTeep = cose::Sign1({crypto::Alg::ESP256, kAgent, false}, Bytes{0x01, 0x02});
    ExpectSameTeep(notTeep, {kAgent});

    // A critical header, and a detached payload.
    cbor::Value prot = cbor::Value::MakeMap();
    prot.set(1, cbor::Value::Int(static_cast<int64_t>(crypto::Alg::ESP256)));
    cbor::Value crit = cbor::Value::MakeArray();
    crit.push(cbor::Value::Int(99));
    prot.set(2, crit);
    const Bytes payload = teep::Encode(SampleSuccess(), teep::Profile::Draft26());
    ExpectSameTeep(cose::Sign1WithHeaders({crypto::Alg::ESP256, kAgent, true}, prot,
                                          cbor::Value::MakeMap(), payload, true, false),
                   {kAgent});
    ExpectSameTeep(cose::Sign1({crypto::Alg::ESP256, kAgent, true}, payload, true, true), {kAgent});
}

TEST(TamParseOnce, TeepSeveralSignersGiveTheSameSignerIndex)
{
    const Bytes payload = teep::Encode(SampleSuccess(), teep::Profile::Draft26());
    const Bytes multi = cose::SignMulti(
        {{crypto::Alg::EdDSA, kEd, true}, {crypto::Alg::ESP256, kAgent, true}}, payload);
    ExpectSameTeep(multi, {kAgent});
    ExpectSameTeep(multi, {kEd});
    ExpectSameTeep(multi, {kOther});
}

eat::Evidence SampleEvidence(const crypto::Key& agent)
{
    eat::Evidence e;
    e.nonce = Bytes(16, 0x94);
    e.ueid = Bytes(17, 0x01);
    e.oemid = {0x89, 0x48, 0x23};
    e.hwModel = Bytes(16, 0x54);
    e.hwVersion = {"1.3.4", 1};
    e.manifests = {eat::InstalledTc{{Bytes{'T', 'A'}}, 1, Bytes(32, 0xa7), std::nullopt}};
    e.cnfKid = agent.Thumbprint();
    return e;
}

void ExpectSameEvidence(const Bytes& bytes, const std::vector<crypto::Key>& keys,
                        const Bytes& nonce)
{
    auto parsed = cose::ParseSigned(bytes);
    ASSERT_TRUE(parsed.ok());
    auto fromBytes = eat::VerifyEvidence(bytes, keys, cbor::ByteView(nonce));
    auto fromParsed = eat::VerifyEvidence(std::move(parsed.value()), keys, cbor::ByteView(nonce));
    ASSERT_EQ(fromBytes.ok(), fromParsed.ok());
    if (!fromBytes.ok())
    {
        EXPECT_EQ(fromBytes.failure().ToString(), fromParsed.failure().ToString());
        return;
    }
    EXPECT_EQ(fromBytes->evidence, fromParsed->evidence);
    EXPECT_EQ(fromBytes->keyIndex, fromParsed->keyIndex);
    EXPECT_EQ(fromBytes->kid, fromParsed->kid);
}

TEST(TamParseOnce, EvidenceResultsAreTheSame)
{
    const Bytes ev = eat::SignEvidence(SampleEvidence(kAgent), {crypto::Alg::ESP256, kAgent, true});
    ExpectSameEvidence(ev, {kAgent}, Bytes(16, 0x94));         // appraised
    ExpectSameEvidence(ev, {kAgent}, Bytes(16, 0x95));         // another challenge
    ExpectSameEvidence(ev, {kOther}, Bytes(16, 0x94));         // another key
    ExpectSameEvidence(ev, {kOther, kAgent}, Bytes(16, 0x94)); // keyIndex 1
    // Signed by the right key, but naming another as its cnf.
    const Bytes wrongCnf =
        eat::SignEvidence(SampleEvidence(kOther), {crypto::Alg::ESP256, kAgent, true});
    ExpectSameEvidence(wrongCnf, {kAgent}, Bytes(16, 0x94));
    Bytes tampered = ev;
    tampered.back() ^= 0x01;
    ExpectSameEvidence(tampered, {kAgent}, Bytes(16, 0x94));
    // A COSE_Sign is not evidence.
    ExpectSameEvidence(cose::SignMulti({{crypto::Alg::ESP256, kAgent, true}},
                                       eat::EncodeEvidence(SampleEvidence(kAgent))),
                       {kAgent}, Bytes(16, 0x94));
}

} // namespace
