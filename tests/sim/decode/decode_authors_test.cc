// `teepsim decode` for message authors (issue 14): labels named as the drafts print them, a
// result that says when nothing was verified, and a warning when the other TEEP profile reads
// the message as another type. The plain numeric diagnostic stays available with --numeric.
#include "teepsim/codec/cbor.h"
#include "teepsim/codec/eat.h"
#include "teepsim/codec/teep_profile.h"
#include "teepsim/sim/decode.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/decode/annotated_diagnostic.h"
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
const std::string kSuitKey = (kDraft26 / "keys/appendixE_suit_signing_key_pub.pem").string();
const std::string kToken = "h'a0a1a2a3a4a5a6a7a8a9aaabacadaeaf'";

cbor::Value ReadCbor(const fs::path& p)
{
    std::ifstream f(p, std::ios::binary);
    const std::string raw((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto v = cbor::Decode(cbor::Bytes(raw.begin(), raw.end()));
    EXPECT_TRUE(v.ok()) << p;
    return v.ok() ? *v : cbor::Value();
}

TEST(DecodeForAuthors, ADraft26QueryRequestShowsTheDraftsNames)
{
    const Outcome r = Decode({(kDraft26 / "query_request.cbor").string()});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    for (const std::string& part : std::vector<std::string>{
             "/ type: / 1 / QueryRequest /",
             "/ options: / {",
             "/ token / 19: " + kToken,
             "/ versions / 3: [0]",
             "/ supported-teep-cipher-suites: / [",
             "[18 / COSE_Sign1 /, -9 / ESP256 /]",
             "/ supported-suit-cose-profiles: / [",
             "[-16 / SHA-256 /, -9 / ESP256 /, -29 / ECDH-ES+A128KW /, -65534 / A128CTR /]",
             "/ data-item-requested: / 3 / attestation | trusted-components /",
         })
    {
        EXPECT_TRUE(Has(r.out, part)) << part << " missing in\n" << r.out;
    }
}

// The same label number names another option in the other profile: names follow --profile.
TEST(DecodeForAuthors, OptionNamesFollowTheProfileNumbering)
{
    const Outcome legacy =
        Decode({"--profile", "legacy", (kLegacy / "query_request.cbor").string()});
    EXPECT_EQ(legacy.code, 0) << legacy.out << legacy.err;
    EXPECT_TRUE(Has(legacy.out, "/ token / 20: " + kToken)) << legacy.out;
    EXPECT_TRUE(legacy.err.empty()) << legacy.err;

    const Outcome error = Decode({"--profile", "legacy", (kLegacy / "teep_error.cbor").string()});
    EXPECT_EQ(error.code, 0) << error.out << error.err;
    EXPECT_TRUE(Has(error.out, "/ type: / 6 / Error /")) << error.out;
    // ERR_MANIFEST_PROCESSING_FAILED is 17 in the legacy numbering (11 in draft26).
    EXPECT_TRUE(Has(error.out, "/ err-code: / 17 / ERR_MANIFEST_PROCESSING_FAILED /")) << error.out;
}

TEST(DecodeForAuthors, CoseHeadersAndSuitKeysAreNamed)
{
    const Outcome r = Decode({"--key", kSuitKey, (kDraft26 / "update.cbor").string()});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    for (const std::string& part : std::vector<std::string>{
             "/ manifest-list / 9: [",
             "/ suit-authentication-wrapper / 2: << [",
             "/ suit-digest-algorithm-id: / -16 / SHA-256 /",
             "/ COSE_Sign1_Tagged / 18([",
             "/ protected: / << {/ alg / 1: -7 / ES256 /} >>",
             "/ payload: / null",
             "/ suit-manifest-sequence-number / 2: 3",
             "/ suit-directive-override-parameters / 20, {",
             "/ suit-parameter-image-size / 14: 20",
             "/ suit-condition-vendor-identifier / 1, 15",
         })
    {
        EXPECT_TRUE(Has(r.out, part)) << part << " missing in\n" << r.out;
    }
}

TEST(DecodeForAuthors, EatClaimsAreNamed)
{
    std::ifstream f(kDraft26 / "eat_diagnostic.txt");
    const std::string diag((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto v = cbor::ParseDiagnostic(diag);
    ASSERT_TRUE(v.ok()) << v.error().ToString();
    const std::string text = AnnotatedDiagnostic(*v, teep::Profile::Draft26());
    for (const std::string& part :
         {"/ cnf / 8: {", "/ kid / 3: h'ba7816bf", "/ eat_nonce / 10: ", "/ ueid / 256: ",
          "/ oemid / 258: ", "/ hwmodel / 259: ", "/ hwversion / 260: ", "/ manifests / 273: "})
    {
        EXPECT_TRUE(Has(text, part)) << part << " missing in\n" << text;
    }

    eat::AttestationResult ar;
    ar.iat = 1000;
    ar.exp = 4600;
    ar.status = eat::ArStatus::Affirming;
    ar.cnfKid = cbor::Bytes(32, 0xab);
    const cbor::Value earValue = *cbor::Decode(eat::EncodeAttestationResult(ar));
    const std::string ear = AnnotatedDiagnostic(earValue, teep::Profile::Draft26());
    for (const std::string& part : std::vector<std::string>{
             "/ eat_profile / 265: \"tag:github.com,2023:veraison/ear\"", "/ iat / 6: 1000",
             "/ exp / 4: 4600", "/ submods / 266: {", "/ ear.status / 1000: 2 / affirming /"})
    {
        EXPECT_TRUE(Has(ear, part)) << part << " missing in\n" << ear;
    }
}

// The names are only comments: the named text parses back to the very same CBOR, for every
// vector of both draft sets, and --numeric prints the plain diagnostic the codec writes.
TEST(DecodeForAuthors, NamedTextIsTheSameCborAndNumericIsThePlainDiagnostic)
{
    int n = 0;
    for (const auto& [dir, profile] :
         {std::pair{kDraft26, "draft26"}, std::pair{kLegacy, "legacy"}})
    {
        for (const auto& e : fs::directory_iterator(dir))
        {
            if (e.path().extension() != ".cbor")
                continue;
            SCOPED_TRACE(e.path().string());
            const cbor::Value v = ReadCbor(e.path());
            const std::string named = AnnotatedDiagnostic(v, *teep::Profile::ByName(profile));
            auto back = cbor::ParseDiagnostic(named);
            ASSERT_TRUE(back.ok()) << back.error().ToString() << "\n" << named;
            EXPECT_EQ(cbor::Encode(*back), cbor::Encode(v)) << named;

            cbor::DiagnosticOptions plain;
            plain.indent = 2;
            plain.expandEmbedded = true;
            const Outcome r = Decode({"--numeric", "--profile", profile, e.path().string()});
            EXPECT_TRUE(Has(r.out, "\n" + cbor::Diagnostic(v, plain) + "\n")) << r.out;
            EXPECT_FALSE(Has(r.out, "/ ")) << r.out;
            ++n;
        }
    }
    EXPECT_GE(n, 16);
}

TEST(DecodeForAuthors, NumericModeKeepsTheOldIntegerLabels)
{
    const Outcome r = Decode({"--numeric", (kDraft26 / "query_request.cbor").string()});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(Has(r.out, "[\n  1,\n  {\n    19: " + kToken + ",\n    3: [0]\n  },")) << r.out;
    EXPECT_TRUE(Has(r.out, "[-16, -9, -29, -65534]")) << r.out;
}

TEST(DecodeForAuthors, SignaturesWithoutAKeyAreNotVerifiedNotOk)
{
    const std::string file = (kDraft26 / "suit_uri.cbor").string();
    const Outcome none = Decode({file});
    // The documented rule: without --key nothing is checked and the exit status stays 0.
    EXPECT_EQ(none.code, kExitOk) << none.out << none.err;
    EXPECT_TRUE(Has(none.out,
                    "result: not verified: no key given (1 signature(s) not checked; give --key)"))
        << none.out;
    EXPECT_FALSE(Has(none.out, "result: ok")) << none.out;

    const Outcome keyed = Decode({"--key", kSuitKey, file});
    EXPECT_EQ(keyed.code, kExitOk) << keyed.out;
    EXPECT_TRUE(Has(keyed.out, "result: ok (1 of 1 signatures verified)")) << keyed.out;

    // Nothing signed, nothing to verify: ok.
    const Outcome unsigned_ = Decode({(kDraft26 / "query_request.cbor").string()});
    EXPECT_TRUE(Has(unsigned_.out, "result: ok (0 of 0 signatures verified)")) << unsigned_.out;

    const Outcome help = Decode({"--help"});
    EXPECT_EQ(help.code, 0);
    EXPECT_TRUE(Has(help.out, "without --key no signature is checked: exit 0")) << help.out;
    EXPECT_TRUE(Has(help.out, "--numeric")) << help.out;
}

// A legacy Success (wire type 5) is a draft26 Error (5): decoding it under the default profile
// says both readings and which --profile to give, on the one error line.
TEST(DecodeForAuthors, ALegacyMessageUnderDraft26NamesBothReadings)
{
    const Outcome s = Decode({(kLegacy / "teep_success.cbor").string()});
    EXPECT_EQ(s.code, kExitMalformed) << s.out;
    EXPECT_EQ(Lines(s.err), 1) << s.err;
    EXPECT_TRUE(Has(s.err, "wire type 5 would be a TEEP Error under profile draft26, but the "
                           "message is a TEEP Success under --profile legacy"))
        << s.err;

    const Outcome e = Decode({(kLegacy / "teep_error.cbor").string()});
    EXPECT_EQ(e.code, kExitMalformed) << e.out;
    EXPECT_TRUE(Has(e.err, "it is a TEEP Error under --profile legacy")) << e.err;

    // And the other way round.
    const Outcome d = Decode({"--profile", "legacy", (kDraft26 / "teep_success.cbor").string()});
    EXPECT_TRUE(Has(d.err, "it is a TEEP Success under --profile draft26")) << d.err;
}

TEST(DecodeForAuthors, Draft26MessagesUnderDraft26GetNoWarning)
{
    for (const char* name : {"query_request.cbor", "query_response.cbor", "update.cbor",
                             "teep_success.cbor", "teep_error.cbor"})
    {
        SCOPED_TRACE(name);
        const Outcome r = Decode({(kDraft26 / name).string()});
        EXPECT_EQ(r.code, kExitOk) << r.out << r.err;
        EXPECT_TRUE(r.err.empty()) << r.err;
    }
}

} // namespace
} // namespace teepsim::decode
