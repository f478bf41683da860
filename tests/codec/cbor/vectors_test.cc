// The shared test vectors: every draft diag file encodes to exactly its .cbor bytes, every
// .cbor re-encodes byte-identically, and every CBOR file under vectors/ decodes without
// crashing (the known-malformed ones are rejected).
#include "teepsim/codec/cbor.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "hex_util.h"
#include "tests/support/test_names.h"

namespace teepsim::cbor
{
namespace
{

namespace fs = std::filesystem;
using test::ReadBytes;
using test::ReadFile;
using test::ToHex;

const fs::path kVectors = TEEPSIM_VECTORS_DIR;

// First differing byte, for readable failures on long encodings.
std::string FirstDifference(const Bytes& got, const Bytes& want)
{
    size_t i = 0;
    while (i < got.size() && i < want.size() && got[i] == want[i])
    {
        ++i;
    }
    return "sizes " + std::to_string(got.size()) + " vs " + std::to_string(want.size()) +
           ", first difference at byte " + std::to_string(i);
}

void ExpectDiagMatchesCbor(const std::string& diagText, const fs::path& cborPath)
{
    SCOPED_TRACE(cborPath.string());
    const Bytes want = ReadBytes(cborPath);
    auto parsed = ParseDiagnostic(diagText);
    ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
    const Bytes got = Encode(*parsed);
    EXPECT_EQ(ToHex(got), ToHex(want)) << FirstDifference(got, want);
    auto decoded = Decode(want);
    ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
    EXPECT_EQ(*decoded, *parsed);
    EXPECT_EQ(ToHex(Encode(*decoded)), ToHex(want));
}

class DraftExamples : public testing::TestWithParam<const char*>
{
};

TEST_P(DraftExamples, EveryDiagFileEncodesToItsCborAndTheCborReencodesIdentically)
{
    const fs::path dir = kVectors / GetParam();
    ASSERT_TRUE(fs::is_directory(dir)) << dir;
    int checked = 0;
    for (const auto& e : fs::directory_iterator(dir))
    {
        const std::string name = e.path().filename().string();
        const std::string suffix = ".diag.txt";
        if (!name.ends_with(suffix))
        {
            continue;
        }
        const std::string stem = name.substr(0, name.size() - suffix.size());
        // draft21's personalization diag and hex come from different encryption runs
        // (its SOURCE.md); the .cbor there is the hex version.
        if (std::string(GetParam()) == "ietf-teep-protocol-draft21" &&
            stem == "suit_personalization")
        {
            continue;
        }
        ExpectDiagMatchesCbor(ReadFile(e.path()), dir / (stem + ".cbor"));
        ++checked;
    }
    const int expected = std::string(GetParam()) == "ietf-teep-protocol-draft21" ? 7 : 8;
    EXPECT_EQ(checked, expected);
}

INSTANTIATE_TEST_SUITE_P(Vectors, DraftExamples,
                         testing::Values("ietf-teep-protocol-draft26-pr420",
                                         "ietf-teep-protocol-master-pre26",
                                         "ietf-teep-protocol-draft21"),
                         [](const auto& info) { return teepsim::test::GtestName(info.param); });

TEST(Vectors, Draft21PersonalizationDiagIsSelfConsistentButDiffersFromItsHex)
{
    const fs::path dir = kVectors / "ietf-teep-protocol-draft21";
    auto parsed = ParseDiagnostic(ReadFile(dir / "suit_personalization.diag.txt"));
    ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
    const Bytes hex = ReadBytes(dir / "suit_personalization.cbor");
    EXPECT_NE(Encode(*parsed), hex);
    EXPECT_EQ(Encode(*parsed).size(), hex.size()); // same structure, other IV/key/ciphertext
}

TEST(Vectors, EatDiagnosticParses)
{
    for (const char* set : {"ietf-teep-protocol-draft26-pr420", "ietf-teep-protocol-master-pre26"})
    {
        SCOPED_TRACE(set);
        auto parsed = ParseDiagnostic(ReadFile(kVectors / set / "eat_diagnostic.txt"));
        ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
        ASSERT_TRUE(parsed->isMap());
        // cnf kid is written as two adjacent h'' literals that concatenate to 32 bytes.
        const Value* cnf = parsed->find(8);
        ASSERT_NE(cnf, nullptr);
        ASSERT_NE(cnf->find(3), nullptr);
        EXPECT_EQ(ToHex(cnf->find(3)->bytes()),
                  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        ASSERT_NE(parsed->find(256), nullptr);
        EXPECT_EQ(parsed->find(256)->bytes().size(), 16u);
    }
}

// libcsuit's *.diag files are the manifests before signing: the same envelope without the
// authentication wrapper (key 2) that the signed *.suit files carry.
TEST(Vectors, LibcsuitDiagFilesEqualTheirSuitFilesWithoutTheAuthenticationWrapper)
{
    const fs::path dir = kVectors / "libcsuit-kentakayama";
    int checked = 0;
    for (const auto& e : fs::directory_iterator(dir))
    {
        if (e.path().extension() != ".diag")
        {
            continue;
        }
        fs::path suitPath = e.path();
        suitPath.replace_extension(".suit");
        SCOPED_TRACE(suitPath.string());
        auto parsed = ParseDiagnostic(ReadFile(e.path()));
        ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
        const Bytes suitBytes = ReadBytes(suitPath);
        auto suit = Decode(suitBytes);
        ASSERT_TRUE(suit.ok()) << suit.error().ToString();
        EXPECT_EQ(ToHex(Encode(*suit)), ToHex(suitBytes));
        Value stripped = *suit;
        Value& envelope = stripped.isTag() ? stripped.tagged() : stripped;
        ASSERT_TRUE(envelope.isMap());
        auto& m = envelope.map();
        const auto before = m.size();
        std::erase_if(m, [](const auto& kv) { return kv.first == Value::Uint(2); });
        EXPECT_EQ(m.size(), before - 1) << "signed file has an authentication wrapper";
        EXPECT_EQ(stripped, *parsed);
        ++checked;
    }
    EXPECT_EQ(checked, 5);
}

// libteep's *.md files carry the diag in a ~~~~cbor-diag block.
TEST(Vectors, LibteepMarkdownDiagEncodesToTheirCborFiles)
{
    const fs::path dir = kVectors / "libteep-kentakayama";
    for (const char* stem :
         {"query_request", "query_response", "update", "teep_success", "teep_error"})
    {
        const std::string md = ReadFile(dir / (std::string(stem) + ".md"));
        const std::string open = "~~~~cbor-diag\n";
        const size_t a = md.find(open);
        ASSERT_NE(a, std::string::npos) << stem;
        const size_t b = md.find("~~~~", a + open.size());
        ASSERT_NE(b, std::string::npos) << stem;
        ExpectDiagMatchesCbor(md.substr(a + open.size(), b - a - open.size()),
                              dir / (std::string(stem) + ".cbor"));
    }
}

// Files that are not well-formed CBOR by design (their SOURCE.md says so).
const std::set<std::string> kKnownMalformed = {"tamproto-ko-isobe/TAs/tc2.suit"};

TEST(Vectors, EveryCborFileDecodesOrIsAKnownMalformedOne)
{
    int decoded = 0, rejected = 0;
    for (const auto& e : fs::recursive_directory_iterator(kVectors))
    {
        const auto ext = e.path().extension();
        if (!e.is_regular_file() || (ext != ".cbor" && ext != ".suit"))
        {
            continue;
        }
        const std::string rel = fs::relative(e.path(), kVectors).generic_string();
        SCOPED_TRACE(rel);
        const Bytes in = ReadBytes(e.path());
        auto r = Decode(in);
        if (kKnownMalformed.count(rel))
        {
            ASSERT_FALSE(r.ok());
            EXPECT_LE(r.error().offset, in.size());
            ++rejected;
            continue;
        }
        ASSERT_TRUE(r.ok()) << r.error().ToString();
        EXPECT_EQ(*Decode(Encode(*r)), *r);
        ++decoded;
    }
    EXPECT_EQ(rejected, 1);
    EXPECT_GE(decoded, 60);
}

} // namespace
} // namespace teepsim::cbor
