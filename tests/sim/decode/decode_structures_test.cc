// `teepsim decode` on structures built with the codec (no byte vectors exist for them):
// COSE_Sign with two signers, signed EAT evidence and attestation results, and the draft's
// EAT example (diagnostic notation only).
#include "teepsim/codec/cbor.h"
#include "teepsim/codec/eat.h"
#include "teepsim/codec/teep_signed.h"
#include "teepsim/sim/decode.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace teepsim::decode
{
namespace
{

namespace fs = std::filesystem;

const fs::path kVectors = TEEPSIM_VECTORS_DIR;
const fs::path kLibteepKeys = kVectors / "libteep-kentakayama/key";
const std::string kTamP256 = (kLibteepKeys / "tam_prime256v1.pem").string();
const std::string kTamEd25519 = (kLibteepKeys / "tam_ed25519.pem").string();
const std::string kVerifier = (kLibteepKeys / "verifier_prime256v1.pem").string();
const std::string kAgent = (kLibteepKeys / "teep_agent_prime256v1.pem").string();

struct Outcome
{
    int code = -1;
    std::string out;
    std::string err;
};

Outcome DecodeBytes(const cbor::Bytes& bytes, std::vector<std::string> args)
{
    args.push_back("-");
    std::istringstream in(std::string(bytes.begin(), bytes.end()));
    std::ostringstream out, err;
    Outcome r;
    r.code = RunDecode(args, in, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

bool Has(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

TEST(DecodeStructures, CoseSignWithTwoSignersChecksEachSignature)
{
    const auto p256 = crypto::Key::FromFile(kTamP256);
    const auto ed = crypto::Key::FromFile(kTamEd25519);
    teep::QueryRequest qr;
    qr.token = cbor::Bytes(16, 0xa5);
    qr.supportedCipherSuites = {teep::Sign1Suite(crypto::Alg::ESP256),
                                teep::Sign1Suite(crypto::Alg::Ed25519)};
    qr.supportedSuitCoseProfiles = {{-16, -9, -29, -65534}};
    qr.dataItemRequested = teep::kDataAttestation;
    const cbor::Bytes signedQr = teep::EncodeSigned(
        qr, teep::Profile::Draft26(),
        {cose::Signer{crypto::Alg::ESP256, p256}, cose::Signer{crypto::Alg::Ed25519, ed}});

    const Outcome both = DecodeBytes(signedQr, {"--key", kTamP256, "--key", kTamEd25519});
    EXPECT_EQ(both.code, 0) << both.out << both.err;
    EXPECT_TRUE(Has(both.out, "structure: COSE_Sign (tagged) with 2 signers wrapping TEEP "
                              "QueryRequest (profile draft26)"))
        << both.out;
    EXPECT_TRUE(Has(both.out, "signature[0]: alg ESP256 (-9), kid " +
                                  crypto::ToHex(p256.Thumbprint()) + ": valid"))
        << both.out;
    EXPECT_TRUE(Has(both.out, "signature[1]: alg Ed25519 (-19), kid " +
                                  crypto::ToHex(ed.Thumbprint()) + ": valid"))
        << both.out;

    // One key is enough for a COSE_Sign; the other signature is reported as unmatched.
    const Outcome one = DecodeBytes(signedQr, {"--key", kTamP256});
    EXPECT_EQ(one.code, 0) << one.out;
    EXPECT_TRUE(Has(one.out, "signature[1]: alg Ed25519 (-19), kid " +
                                 crypto::ToHex(ed.Thumbprint()) + ": no given key matches"))
        << one.out;

    // A key that matches neither signer: exit 1.
    const Outcome wrong = DecodeBytes(signedQr, {"--key", kVerifier});
    EXPECT_EQ(wrong.code, 1) << wrong.out;
}

TEST(DecodeStructures, SignedEvidenceAndAttestationResultAreNamed)
{
    const auto agent = crypto::Key::FromFile(kAgent);
    const auto verifier = crypto::Key::FromFile(kVerifier);
    eat::Evidence ev;
    ev.nonce = cbor::Bytes(8, 0x11);
    ev.ueid = cbor::Bytes{0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    ev.oemid = {0x89, 0x48, 0x23};
    ev.hwModel = cbor::Bytes(16, 0x54);
    ev.hwVersion = {"1.3.4", 1};
    ev.cnfKid = agent.Thumbprint();
    const cbor::Bytes signedEv = eat::SignEvidence(ev, cose::Signer{crypto::Alg::ESP256, agent});
    const Outcome e = DecodeBytes(signedEv, {"--key", kAgent});
    EXPECT_EQ(e.code, 0) << e.out << e.err;
    EXPECT_TRUE(Has(e.out, "structure: COSE_Sign1 (tagged) wrapping EAT evidence")) << e.out;
    EXPECT_TRUE(Has(e.out, "eat_nonce 1111111111111111")) << e.out;

    eat::AttestationResult ar;
    ar.iat = 1000;
    ar.exp = 4600;
    ar.status = eat::ArStatus::Affirming;
    ar.cnfKid = agent.Thumbprint();
    ar.verifierBuild = "test";
    const cbor::Bytes signedAr =
        eat::SignAttestationResult(ar, cose::Signer{crypto::Alg::ESP256, verifier});
    const Outcome a = DecodeBytes(signedAr, {"--key", kVerifier});
    EXPECT_EQ(a.code, 0) << a.out << a.err;
    EXPECT_TRUE(Has(a.out, "structure: COSE_Sign1 (tagged) wrapping EAR attestation result"))
        << a.out;
    EXPECT_TRUE(Has(a.out, "iat 1000, exp 4600")) << a.out;
    // Checked with the Agent key instead: the verifier's signature does not verify.
    EXPECT_EQ(DecodeBytes(signedAr, {"--key", kAgent}).code, 1);
}

TEST(DecodeStructures, TheDraftEatExampleIsNamedAsEvidence)
{
    std::ifstream f(kVectors / "ietf-teep-protocol-draft26-pr420/eat_diagnostic.txt");
    const std::string diag((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto v = cbor::ParseDiagnostic(diag);
    ASSERT_TRUE(v.ok()) << v.error().ToString();
    const Outcome r = DecodeBytes(cbor::Encode(*v), {});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_TRUE(Has(r.out, "structure: EAT evidence")) << r.out;
    EXPECT_TRUE(Has(r.out, "eat_nonce 948f8860d13a463e8e")) << r.out;
}

} // namespace
} // namespace teepsim::decode
