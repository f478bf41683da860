// `teepsim decode` run in-process on the shared vectors: what it names, what it prints for
// each signature, and every exit code (0 ok, 1 bad signature / no matching key, 2 malformed
// input or usage).
#include "teepsim/codec/cbor.h"
#include "teepsim/sim/decode.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/sim/decode/decode_test_util.h"

namespace teepsim::decode
{
namespace
{

using namespace teepsim::decode::test;

namespace fs = std::filesystem;

const fs::path kVectors = TEEPSIM_VECTORS_DIR;
const fs::path kDraft26 = kVectors / "ietf-teep-protocol-draft26-pr420";
const fs::path kLegacy = kVectors / "ietf-teep-protocol-master-pre26";
const fs::path kLibteep = kVectors / "libteep-kentakayama";
const std::string kSuitKey = (kDraft26 / "keys/appendixE_suit_signing_key_pub.pem").string();
const std::string kKekText = (kDraft26 / "keys/appendixE_personalization_KEK.txt").string();
const std::string kTamPub = (kLibteep / "key/tam_prime256v1_pub.pem").string();
const std::string kTamPriv = (kLibteep / "key/tam_prime256v1.pem").string();
const std::string kTamEd = (kLibteep / "key/tam_ed25519_pub.pem").string();
const std::string kAgentPub = (kLibteep / "key/teep_agent_prime256v1_pub.pem").string();
// RFC 9679 thumbprints published in libteep's SOURCE.md.
const std::string kTamKid = "c770ec53";
const std::string kAgentKid = "e96788b1";

std::string WriteTemp(const std::string& name, const std::string& content)
{
    const fs::path p = fs::path(testing::TempDir()) / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
}

std::string ReadText(const fs::path& p)
{
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

TEST(DecodeCommand, DraftUpdateVerifiesItsSuitSignatureWithTheAppendixEKey)
{
    const Outcome r = Decode({"--key", kSuitKey, (kDraft26 / "update.cbor").string()});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    EXPECT_TRUE(Has(r.out, "structure: TEEP Update (profile draft26)")) << r.out;
    EXPECT_TRUE(
        Has(r.out, "manifest-list[0]: SUIT_Envelope (untagged), manifest sequence number 3"))
        << r.out;
    EXPECT_TRUE(Has(r.out, "authentication[0] signature[0]: alg ES256 (-7), kid none: valid (key " +
                               kSuitKey + ")"))
        << r.out;
    EXPECT_TRUE(Has(r.out, "manifest digest: matches")) << r.out;
    // The diagnostic shows the nested manifest as embedded CBOR.
    EXPECT_TRUE(Has(r.out, "<< {")) << r.out;
    EXPECT_TRUE(Has(r.out, "19: h'a0a1a2a3a4a5a6a7a8a9aaabacadaeaf'")) << r.out;
    EXPECT_TRUE(Has(r.out, "result: ok (1 of 1 signatures verified)")) << r.out;
}

TEST(DecodeCommand, WithoutKeysSignaturesAreListedButNotChecked)
{
    const Outcome r = Decode({(kDraft26 / "suit_uri.cbor").string()});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(Has(r.out, "structure: SUIT_Envelope (untagged)")) << r.out;
    EXPECT_TRUE(Has(r.out, "alg ESP256 (-9), kid none: not checked (no --key given)")) << r.out;
}

TEST(DecodeCommand, AWrongKeyOfTheRightTypeGivesAnInvalidSignatureAndExit1)
{
    const Outcome r = Decode({"--key", kTamPub, (kDraft26 / "suit_integrated.cbor").string()});
    EXPECT_EQ(r.code, 1) << r.out;
    EXPECT_TRUE(Has(r.out, "INVALID: does not verify with the 1 given key of that type")) << r.out;
    EXPECT_TRUE(Has(r.out, "result: FAILED")) << r.out;
}

TEST(DecodeCommand, AKeyOfAnotherTypeMatchesNothingAndExits1)
{
    const Outcome r = Decode({"--key", kTamEd, (kDraft26 / "suit_uri.cbor").string()});
    EXPECT_EQ(r.code, 1) << r.out;
    EXPECT_TRUE(Has(r.out, "no given key matches")) << r.out;
    EXPECT_TRUE(
        Has(r.out, "result: FAILED (no given key matches the signature of 1 signed structure(s))"))
        << r.out;
}

TEST(DecodeCommand, LibteepSignedMessagesVerifyUnderTheLegacyProfileAndShowTheirKid)
{
    const Outcome r = Decode({"--profile", "legacy", "--key", kTamEd, "--key", kTamPub,
                              (kLibteep / "query_request_cose.cbor").string()});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_TRUE(Has(r.out, "structure: COSE_Sign1 (tagged) wrapping TEEP QueryRequest (profile "
                           "legacy)"))
        << r.out;
    EXPECT_TRUE(Has(r.out, "input signature[0]: alg ES256 (-7), kid " + kTamKid)) << r.out;
    EXPECT_TRUE(Has(r.out, ": valid (key " + kTamPub + ")")) << r.out;

    const Outcome s = Decode({"--profile", "legacy", "--key", kAgentPub,
                              (kLibteep / "teep_success_cose.cbor").string()});
    EXPECT_EQ(s.code, 0) << s.out << s.err;
    EXPECT_TRUE(Has(s.out, "wrapping TEEP Success (profile legacy)")) << s.out;
    EXPECT_TRUE(Has(s.out, "kid " + kAgentKid)) << s.out;
}

// libteep's signed Update carries the draft's SUIT manifest: the TAM key checks the COSE
// layer, the Appendix E key the manifest. Both structures need a key that verifies.
TEST(DecodeCommand, EveryNestedSignedStructureNeedsAKey)
{
    const std::string file = (kLibteep / "update_cose.cbor").string();
    const Outcome both =
        Decode({"--profile", "legacy", "--key", kTamPriv, "--key", kSuitKey, file});
    EXPECT_EQ(both.code, 0) << both.out << both.err;
    EXPECT_TRUE(Has(both.out, "wrapping TEEP Update (profile legacy)")) << both.out;
    EXPECT_TRUE(Has(both.out, "valid (key " + kTamPriv + ")")) << both.out; // a private PEM works
    EXPECT_TRUE(Has(both.out, "result: ok (2 of 2 signatures verified)")) << both.out;
    // The manifest's name comes before its details.
    EXPECT_LT(both.out.find("input payload manifest-list[0]: SUIT_Envelope"),
              both.out.find("input payload manifest-list[0] component[0]"));

    const Outcome tamOnly = Decode({"--profile", "legacy", "--key", kTamPub, file});
    EXPECT_EQ(tamOnly.code, 1) << tamOnly.out;
    EXPECT_TRUE(Has(tamOnly.out, "authentication[0] signature[0]: alg ES256 (-7), kid none: "
                                 "INVALID: does not verify with the 1 given key of that type"))
        << tamOnly.out;
}

// The Appendix E KEK is libteep's TEEP Agent key: its COSE_Key file opens the payload too.
TEST(DecodeCommand, TheKekWorksAsACoseKeyFile)
{
    const std::string kek = (kLibteep / "cose_key/teep_agent_es256_cose_key_private.cbor").string();
    const Outcome r = Decode({"--kek", kek, (kDraft26 / "suit_personalization.cbor").string()});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_TRUE(Has(r.out, "decrypted 61 bytes with " + kek)) << r.out;
}

TEST(DecodeCommand, ACorruptedSignatureIsInvalid)
{
    std::string bytes = ReadText(kLibteep / "query_request_cose.cbor");
    bytes.back() = char(bytes.back() ^ 0x01); // last byte of the signature
    const std::string path = WriteTemp("corrupt_qr.cbor", bytes);
    const Outcome r = Decode({"--profile", "legacy", "--key", kTamPub, path});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_TRUE(Has(r.out, "kid " + kTamKid)) << r.out;
    EXPECT_TRUE(Has(r.out, "INVALID")) << r.out;
}

TEST(DecodeCommand, KekDecryptsThePersonalizationData)
{
    const Outcome r = Decode(
        {"--key", kSuitKey, "--kek", kKekText, (kDraft26 / "suit_personalization.cbor").string()});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_TRUE(Has(r.out, "install encrypted payload: decrypted 61 bytes")) << r.out;
    EXPECT_TRUE(Has(
        r.out, "plaintext: {\"name\":\"FOO Bar\",\"secret\":\"0123456789abfcdef0123456789abcd\"}"))
        << r.out;
    EXPECT_TRUE(Has(r.out, "valid (key " + kSuitKey + ")")) << r.out;

    const Outcome none = Decode({(kDraft26 / "suit_personalization.cbor").string()});
    EXPECT_EQ(none.code, 0);
    EXPECT_TRUE(Has(none.out, "not decrypted (no --kek given)")) << none.out;
}

TEST(DecodeCommand, AWrongKekFailsDecryptionWithExit1)
{
    const std::string wrong = (kLibteep / "cose_key/tam_es256_cose_key_private.cbor").string();
    const Outcome r = Decode({"--kek", wrong, (kDraft26 / "suit_personalization.cbor").string()});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_TRUE(Has(r.out, "DECRYPTION FAILED")) << r.out;
}

TEST(DecodeCommand, HexInputFromAFileAndFromStdin)
{
    const Outcome file = Decode({"--hex", (kDraft26 / "teep_error.hex.txt").string()});
    EXPECT_EQ(file.code, 0) << file.err;
    EXPECT_TRUE(Has(file.out, "structure: TEEP Error (profile draft26)")) << file.out;

    const Outcome in = Decode({"--hex", "-"}, "# a comment\n 82 04 A1 13 48 # token\n"
                                              "0001020304050607\n");
    EXPECT_EQ(in.code, 0) << in.err;
    EXPECT_TRUE(Has(in.out, "structure: TEEP Success (profile draft26)")) << in.out;

    const Outcome bad = Decode({"--hex", "-"}, "83 04 zz");
    EXPECT_EQ(bad.code, 2);
    EXPECT_EQ(Lines(bad.err), 1) << bad.err;
    EXPECT_TRUE(Has(bad.err, "not a hex digit")) << bad.err;
}

TEST(DecodeCommand, BinaryStdin)
{
    const std::string bytes = ReadText(kDraft26 / "query_response.cbor");
    const Outcome r = Decode({"-"}, bytes);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(Has(r.out, "structure: TEEP QueryResponse (profile draft26)")) << r.out;
}

TEST(DecodeCommand, CoseKeyFilesAreNamedWithTheirThumbprint)
{
    const Outcome r = Decode({(kLibteep / "cose_key/tam_es256_cose_key_public.cbor").string()});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(Has(r.out, "structure: COSE_Key (EC2 P-256, public)")) << r.out;
    EXPECT_TRUE(Has(r.out, "thumbprint (RFC 9679 kid): " + kTamKid)) << r.out;
    const Outcome p = Decode({(kLibteep / "cose_key/tam_es256_cose_key_private.cbor").string()});
    EXPECT_TRUE(Has(p.out, "structure: COSE_Key (EC2 P-256, private)")) << p.out;
}

TEST(DecodeCommand, TaggedSuitEnvelopesAreRecognised)
{
    const Outcome r =
        Decode({(kVectors / "libcsuit-kentakayama/suit_manifest_exp0.suit").string()});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_TRUE(Has(r.out, "structure: SUIT_Envelope (tagged)")) << r.out;
}

TEST(DecodeCommand, ADraft26SuccessIsNotALegacyMessage)
{
    const std::string file = (kDraft26 / "teep_success.cbor").string();
    EXPECT_EQ(Decode({file}).code, 0);
    const Outcome r = Decode({"--profile", "legacy", file});
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_EQ(Lines(r.err), 1) << r.err;
    EXPECT_TRUE(Has(r.err, "not a valid TEEP message under profile legacy")) << r.err;
    // And the legacy Success is a legacy Success.
    const Outcome l = Decode({"--profile", "legacy", (kLegacy / "teep_success.cbor").string()});
    EXPECT_EQ(l.code, 0) << l.err;
    EXPECT_TRUE(Has(l.out, "structure: TEEP Success (profile legacy)")) << l.out;
}

// Well-formed messages that only fail negotiation (here: ES384, which no profile accepts)
// are named, with the error a receiver would send, and are not "malformed".
// libteep's ES384 QueryRequest carries an unsupported cipher suite, but its payload has only 3
// elements: the wrong arity makes it malformed (exit 2) before any suite is negotiated.
TEST(DecodeCommand, WrongArityIsMalformedEvenWhenTheSuitesAreUnsupported)
{
    const Outcome r =
        Decode({"--profile", "legacy", (kLibteep / "query_request_es384.cbor").string()});
    EXPECT_EQ(r.code, 2) << r.out << r.err;
    EXPECT_EQ(Lines(r.err), 1) << r.err;
    EXPECT_TRUE(Has(r.err, "QueryRequest must have 5 elements")) << r.err;
}

TEST(DecodeCommand, MalformedCborExits2WithOneLineReason)
{
    const Outcome r = Decode({(kVectors / "tamproto-ko-isobe/TAs/tc2.suit").string()});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(Lines(r.err), 1) << r.err;
    EXPECT_TRUE(Has(r.err, "malformed CBOR at byte")) << r.err;

    const Outcome trailing = Decode({"--hex", "-"}, "01 02");
    EXPECT_EQ(trailing.code, 2);
    EXPECT_TRUE(Has(trailing.err, "trailing")) << trailing.err;

    const Outcome empty = Decode({"-"}, "");
    EXPECT_EQ(empty.code, 2);
}

TEST(DecodeCommand, UsageErrorsExit2WithOneLineReason)
{
    const std::vector<std::pair<std::vector<std::string>, std::string>> kCases = {
        {{}, "no input file"},
        {{"--bogus", "x"}, "unknown option '--bogus'"},
        {{"--profile", "draft99", "x"}, "unknown profile 'draft99'"},
        {{"--profile"}, "--profile needs a value"},
        {{"a", "b"}, "more than one input file"},
        {{"--key", "/nonexistent/key.pem", "x"}, "cannot load --key"},
        {{"--kek", "/nonexistent/kek", "x"}, "cannot load --kek"},
        {{"/nonexistent/input.cbor"}, "cannot open"},
    };
    for (const auto& [args, reason] : kCases)
    {
        SCOPED_TRACE(reason);
        const Outcome r = Decode(args);
        EXPECT_EQ(r.code, 2);
        EXPECT_EQ(Lines(r.err), 1) << r.err;
        EXPECT_TRUE(Has(r.err, reason)) << r.err;
    }
    const Outcome help = Decode({"--help"});
    EXPECT_EQ(help.code, 0);
    EXPECT_TRUE(Has(help.out, "usage: teepsim decode")) << help.out;
}

// Every CBOR vector runs through decode without crashing, and the exit code is 0 or 2 (no
// keys given, so no signature can fail).
TEST(DecodeCommand, EveryVectorDecodesWithExit0Or2)
{
    int n = 0;
    for (const auto& e : fs::recursive_directory_iterator(kVectors))
    {
        const auto ext = e.path().extension();
        if (!e.is_regular_file() || (ext != ".cbor" && ext != ".suit"))
            continue;
        SCOPED_TRACE(e.path().string());
        const Outcome r = Decode({e.path().string()});
        EXPECT_TRUE(r.code == 0 || r.code == 2) << r.out << r.err;
        if (r.code == 2)
        {
            EXPECT_EQ(Lines(r.err), 1) << r.err;
        }
        else
        {
            EXPECT_TRUE(Has(r.out, "structure: ")) << r.out;
        }
        ++n;
    }
    EXPECT_GE(n, 60);
}

} // namespace
} // namespace teepsim::decode
