// COSE_Sign1 / COSE_Sign built here: multi-signer, tagged and untagged, detached payloads,
// protected bytes kept verbatim, parse errors, and a cross-check with Python's cbor2 +
// cryptography (an independent COSE reader).
#include "teepsim/codec/cose.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "test_util.h"

namespace teepsim::cose::test
{
namespace
{

Key P256(uint8_t n)
{
    return Key::GenerateP256(crypto::Sha256(cbor::Bytes{n}));
}
Key Ed(uint8_t n)
{
    return Key::GenerateEd25519(crypto::Sha256(cbor::Bytes{n, n}));
}

const cbor::Bytes kPayload = Str("\x85\x01\xa1\x14\x41\x00\x03\x81\x00\x03");

// A COSE_Sign with an ESP256 and an Ed25519 signer verifies with either key alone, reports
// which signature verified, and fails with neither.
TEST(CoseSign, TwoSignersVerifyWithEitherKey)
{
    const Key p = P256(1), e = Ed(2);
    const cbor::Bytes out = SignMulti({{Alg::ESP256, p}, {Alg::Ed25519, e}}, kPayload);
    EXPECT_EQ(out[0], 0xd8);
    EXPECT_EQ(out[1], 98);
    auto msg = ParseSigned(out);
    ASSERT_TRUE(msg.ok()) << msg.error().ToString();
    EXPECT_TRUE(msg->multi);
    EXPECT_TRUE(msg->tagged);
    ASSERT_EQ(msg->signatures.size(), 2u);
    EXPECT_EQ(msg->signatures[0].alg(), Alg::ESP256);
    EXPECT_EQ(msg->signatures[1].alg(), Alg::Ed25519);
    EXPECT_EQ(msg->signatures[0].kid(), p.Thumbprint());
    EXPECT_EQ(msg->signatures[1].kid(), e.Thumbprint());

    VerifyResult r = Verify(*msg, {p});
    EXPECT_EQ(r.status, CoseStatus::Ok);
    EXPECT_EQ(r.signerIndex, 0);
    r = Verify(*msg, {Key::FromPem(e.PublicPem())});
    EXPECT_EQ(r.status, CoseStatus::Ok);
    EXPECT_EQ(r.signerIndex, 1);
    EXPECT_EQ(r.kid, e.Thumbprint());
    EXPECT_EQ(Verify(*msg, {P256(3), Ed(4)}).status, CoseStatus::BadSignature);
    // Deterministic: the same inputs give the same bytes (Ed25519 and RFC 6979).
    EXPECT_EQ(out, SignMulti({{Alg::ESP256, p}, {Alg::Ed25519, e}}, kPayload));
}

// The body protected header is kept exactly as received (libteep uses h'A0', not h''): the
// Sig_structure uses the received bytes, so both forms verify and are not interchangeable.
TEST(CoseSign, BodyProtectedBytesKeptVerbatim)
{
    const Key p = P256(5);
    const cbor::Bytes a0 = SignMultiWithBodyProtected({{Alg::ES256, p}}, Hex("A0"), kPayload);
    auto msg = ParseSigned(a0);
    ASSERT_TRUE(msg.ok());
    EXPECT_EQ(msg->bodyProtected, Hex("A0"));
    EXPECT_TRUE(Verify(*msg, {p}).ok());
    SignedMessage swapped = *msg;
    swapped.bodyProtected.clear();
    EXPECT_EQ(Verify(swapped, {p}).status, CoseStatus::BadSignature);
}

// Untagged COSE_Sign1 and COSE_Sign are told apart by their fourth element.
TEST(CoseSign, UntaggedForms)
{
    const Key p = P256(6), e = Ed(7);
    auto s1 = ParseSigned(Sign1({Alg::Ed25519, e}, kPayload, false));
    ASSERT_TRUE(s1.ok());
    EXPECT_FALSE(s1->tagged);
    EXPECT_FALSE(s1->multi);
    EXPECT_TRUE(Verify(*s1, {e}).ok());
    auto sm = ParseSigned(SignMulti({{Alg::ESP256, p}}, kPayload, false));
    ASSERT_TRUE(sm.ok());
    EXPECT_FALSE(sm->tagged);
    EXPECT_TRUE(sm->multi);
    EXPECT_TRUE(Verify(*sm, {p}).ok());
}

// A detached Sign1 carries nil and verifies only when the caller supplies the payload.
TEST(CoseSign, DetachedPayload)
{
    const Key p = P256(8);
    const cbor::Bytes out = Sign1({Alg::ESP256, p, false}, kPayload, true, true);
    auto msg = ParseSigned(out);
    ASSERT_TRUE(msg.ok());
    EXPECT_FALSE(msg->payload.has_value());
    EXPECT_FALSE(msg->signatures[0].kid().has_value());
    EXPECT_EQ(Verify(*msg, {p}).status, CoseStatus::Malformed);
    EXPECT_TRUE(Verify(*msg, {p}, cbor::ByteView(kPayload)).ok());
    EXPECT_EQ(Verify(*msg, {p}, cbor::ByteView(Str("other"))).status, CoseStatus::BadSignature);
}

// Keys named by the kid are tried first; an unknown kid still lets every key be tried; a key
// of the wrong type is never tried (NoMatchingKey).
TEST(CoseSign, KidSelectsKeyButDoesNotExclude)
{
    const Key a = P256(9), b = P256(10), e = Ed(11);
    auto msg = ParseSigned(Sign1({Alg::ESP256, b}, kPayload));
    ASSERT_TRUE(msg.ok());
    VerifyResult r = Verify(*msg, {a, e, b});
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.keyIndex, 2);
    auto nokid = ParseSigned(Sign1({Alg::ESP256, b, false}, kPayload));
    EXPECT_TRUE(Verify(*nokid, {a, b}).ok());
    EXPECT_EQ(Verify(*msg, {e}).status, CoseStatus::NoMatchingKey);
}

// Sign1WithHeaders writes an empty protected map as h'' and keeps the caller's unprotected map.
TEST(CoseSign, ExplicitHeaders)
{
    const Key p = P256(12);
    cbor::Value unprot = cbor::Value::MakeMap();
    unprot.set(kHdrAlg, cbor::Value::Int(-9)).set(kHdrContentType, cbor::Value::Uint(60));
    const cbor::Bytes out =
        Sign1WithHeaders({Alg::ESP256, p}, cbor::Value::MakeMap(), unprot, kPayload, true, false);
    auto msg = ParseSigned(out);
    ASSERT_TRUE(msg.ok()) << msg.error().ToString();
    EXPECT_TRUE(msg->signatures[0].protectedBytes.empty());
    EXPECT_EQ(msg->signatures[0].alg(), Alg::ESP256); // found in the unprotected bucket
    EXPECT_TRUE(Verify(*msg, {p}).ok());
}

// Malformed structures are rejected by ParseSigned with a message that names the problem.
TEST(CoseSign, ParseErrorsNameTheProblem)
{
    struct Case
    {
        const char* hex;
        const char* expect;
    } cases[] = {
        {"", ""},                                       // empty input (CBOR error)
        {"d28343a10126a040", "array of 4"},             // 3 elements
        {"d2844ba10126a0f65840", ""},                   // truncated
        {"d38440a0f640", "tag 19"},                     // wrong tag
        {"d284a0a0f640", "element 0"},                  // protected not a bstr
        {"d2844040f640", "element 1"},                  // unprotected not a map
        {"d28440a00140", "element 2"},                  // payload an int
        {"d28440a0f601", "element 3"},                  // signature an int
        {"d2844101a0f640", "not a map"},                // protected bstr holds an int
        {"d2844443a10126a0f640", "not a map"},          // protected bstr holds a bstr
        {"d28444a1012600a0f640", "protected"},          // protected map with trailing junk
        {"d28443a10126a10126f640", "both"},             // alg in both buckets
        {"d28440a10401f640", "kid (4)"},                // kid is an int
        {"d28440a10140f640", "alg (1)"},                // alg is a bstr
        {"d8628440a0f680", "non-empty"},                // COSE_Sign with no signatures
        {"d8628440a0f68183404040", "COSE_Signature 0"}, // signature entry: bstr unprotected
    };
    for (const auto& c : cases)
    {
        auto r = ParseSigned(Hex(c.hex));
        ASSERT_FALSE(r.ok()) << c.hex;
        EXPECT_NE(r.error().ToString().find(c.expect), std::string::npos)
            << c.hex << " -> " << r.error().ToString();
        EXPECT_EQ(VerifyBytes(Hex(c.hex), {P256(1)}).status, CoseStatus::Malformed) << c.hex;
    }
}

// crit (2) lists parameters we cannot process, so the message is refused.
TEST(CoseSign, CriticalHeaderRejected)
{
    const Key p = P256(13);
    cbor::Value prot = cbor::Value::MakeMap();
    prot.set(kHdrAlg, cbor::Value::Int(-9))
        .set(kHdrCrit, cbor::Value::MakeArray({cbor::Value::Int(-70000)}))
        .set(-70000, cbor::Value::Uint(1));
    const cbor::Bytes out =
        Sign1WithHeaders({Alg::ESP256, p}, prot, cbor::Value::MakeMap(), kPayload, true, false);
    auto r = ParseSigned(out);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("crit"), std::string::npos);
}

// Independent reader: Python cbor2 decodes our COSE_Sign1 and COSE_Sign, rebuilds the
// Sig_structure itself and verifies ECDSA (r||s -> DER) and Ed25519 with `cryptography`.
TEST(CoseSign, PythonCrossCheck)
{
    const char* py = "/usr/bin/python3";
    if (std::system((std::string(py) + " -c 'import cbor2, cryptography' 2>/dev/null").c_str()) !=
        0)
    {
        GTEST_SKIP() << "python3 with cbor2 and cryptography not available";
    }
    const Key p = P256(20), e = Ed(21);
    const std::string dir = std::string(TEEPSIM_BINARY_DIR);
    auto write = [&](const std::string& name, cbor::ByteView b)
    {
        std::ofstream(dir + "/" + name, std::ios::binary)
            .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    };
    write("cose_xcheck_sign1.cbor", Sign1({Alg::ESP256, p}, kPayload));
    write("cose_xcheck_sign.cbor", SignMulti({{Alg::ESP256, p}, {Alg::Ed25519, e}}, kPayload));
    std::ofstream(dir + "/cose_xcheck_p256.pem") << p.PublicPem();
    std::ofstream(dir + "/cose_xcheck_ed.pem") << e.PublicPem();
    const std::string script = R"PY(
import sys, cbor2, hashlib
from cryptography.hazmat.primitives import serialization, hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils
d = sys.argv[1]
p = serialization.load_pem_public_key(open(d + '/cose_xcheck_p256.pem', 'rb').read())
e = serialization.load_pem_public_key(open(d + '/cose_xcheck_ed.pem', 'rb').read())
def ecdsa(key, sig, tbs):
    der = utils.encode_dss_signature(int.from_bytes(sig[:32], 'big'), int.from_bytes(sig[32:], 'big'))
    key.verify(der, tbs, ec.ECDSA(hashes.SHA256()))
s1 = cbor2.loads(open(d + '/cose_xcheck_sign1.cbor', 'rb').read())
assert s1.tag == 18
prot, unprot, payload, sig = s1.value
assert cbor2.loads(prot) == {1: -9}
xy = p.public_numbers()
kid = hashlib.sha256(cbor2.dumps({1: 2, -1: 1, -2: xy.x.to_bytes(32, 'big'), -3: xy.y.to_bytes(32, 'big')})).digest()
assert unprot == {4: kid}
ecdsa(p, sig, cbor2.dumps(['Signature1', prot, b'', payload]))
sm = cbor2.loads(open(d + '/cose_xcheck_sign.cbor', 'rb').read())
assert sm.tag == 98
bprot, bunprot, payload, sigs = sm.value
assert len(sigs) == 2
ecdsa(p, sigs[0][2], cbor2.dumps(['Signature', bprot, sigs[0][0], b'', payload]))
assert cbor2.loads(sigs[1][0]) == {1: -19}
e.verify(sigs[1][2], cbor2.dumps(['Signature', bprot, sigs[1][0], b'', payload]))
print('ok')
)PY";
    std::ofstream(dir + "/cose_xcheck.py") << script;
    const std::string cmd = std::string(py) + " " + dir + "/cose_xcheck.py " + dir;
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

} // namespace
} // namespace teepsim::cose::test
