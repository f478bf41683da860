// cose::ParseSigned reads COSE_Sign1 without a cbor::Value tree; whatever it returns must equal
// the tree parser's result (reference::ParseSigned): the same fields for every structure it
// accepts, the same error (offset and text) for every one it refuses. Checked on every vector
// file, on structures built by Sign1/SignMulti with every option, and on mutations of them.
#include "teepsim/codec/tree_reference.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "test_util.h"

namespace teepsim::cose
{
namespace
{

namespace fs = std::filesystem;

// ParseSign1View accepts only what the tree parser reads as a COSE_Sign1, with the same fields.
void ExpectViewAgrees(cbor::ByteView in, const cbor::Result<SignedMessage>& tree)
{
    Sign1View v;
    if (!ParseSign1View(in, v))
    {
        return;
    }
    ASSERT_TRUE(tree.ok()) << "the view accepted what the tree parser refuses";
    const SignedMessage& m = *tree;
    ASSERT_FALSE(m.multi);
    ASSERT_EQ(m.signatures.size(), 1u);
    const Signature& s = m.signatures[0];
    EXPECT_EQ(v.tagged, m.tagged);
    EXPECT_EQ(Bytes(v.protectedBytes.begin(), v.protectedBytes.end()), s.protectedBytes);
    auto unprot = cbor::Decode(v.unprotected);
    ASSERT_TRUE(unprot.ok());
    EXPECT_TRUE(*unprot == s.unprotected);
    EXPECT_EQ(Bytes(v.signature.begin(), v.signature.end()), s.signature);
    ASSERT_EQ(v.payload.has_value(), m.payload.has_value());
    if (v.payload)
    {
        EXPECT_EQ(Bytes(v.payload->begin(), v.payload->end()), *m.payload);
    }
    EXPECT_EQ(v.alg, s.alg());
    ASSERT_EQ(v.kid.has_value(), s.kid().has_value());
    if (v.kid)
    {
        EXPECT_EQ(Bytes(v.kid->begin(), v.kid->end()), *s.kid());
    }
}

void ExpectSameParse(cbor::ByteView in)
{
    const auto direct = ParseSigned(in);
    const auto tree = reference::ParseSigned(in);
    ExpectViewAgrees(in, tree);
    ASSERT_EQ(direct.ok(), tree.ok());
    if (!direct.ok())
    {
        EXPECT_EQ(direct.error().ToString(), tree.error().ToString());
        return;
    }
    const SignedMessage& a = *direct;
    const SignedMessage& b = *tree;
    EXPECT_EQ(a.multi, b.multi);
    EXPECT_EQ(a.tagged, b.tagged);
    EXPECT_EQ(a.bodyProtected, b.bodyProtected);
    EXPECT_TRUE(a.bodyUnprotected == b.bodyUnprotected);
    EXPECT_EQ(a.payload, b.payload);
    ASSERT_EQ(a.signatures.size(), b.signatures.size());
    for (size_t i = 0; i < a.signatures.size(); ++i)
    {
        EXPECT_EQ(a.signatures[i].protectedBytes, b.signatures[i].protectedBytes);
        EXPECT_TRUE(a.signatures[i].unprotected == b.signatures[i].unprotected);
        EXPECT_TRUE(a.signatures[i].protectedHeader == b.signatures[i].protectedHeader);
        EXPECT_EQ(a.signatures[i].signature, b.signatures[i].signature);
        EXPECT_EQ(a.signatures[i].alg(), b.signatures[i].alg());
        EXPECT_EQ(a.signatures[i].kid(), b.signatures[i].kid());
    }
}

std::vector<Bytes> Structures()
{
    const Key p256 = Key::GenerateP256(Bytes(32, 1));
    const Key ed = Key::GenerateEd25519(Bytes(32, 2));
    const Bytes payload = {0x82, 0x01, 0xa0};
    std::vector<Bytes> out;
    for (bool tagged : {true, false})
    {
        for (bool detached : {true, false})
        {
            for (bool kid : {true, false})
            {
                out.push_back(Sign1({Alg::ESP256, p256, kid}, payload, tagged, detached));
            }
            const cbor::Value unprot = cbor::Value::MakeMap().set(4, cbor::Value::Bstr({1, 2}));
            out.push_back(
                Sign1WithProtectedBytes({Alg::Ed25519, ed}, {}, unprot, payload, tagged, detached));
            out.push_back(Sign1WithProtectedBytes({Alg::Ed25519, ed}, Bytes{0xa0},
                                                  cbor::Value::MakeMap(), payload, tagged,
                                                  detached));
            out.push_back(Sign1WithHeaders(
                {Alg::ESP256, p256},
                cbor::Value::MakeMap().set(1, cbor::Value::Int(-9)).set(3, cbor::Value::Uint(60)),
                cbor::Value::MakeMap().set(5, cbor::Value::Bstr(Bytes(12, 0))), payload, tagged,
                detached));
        }
        out.push_back(SignMulti({{Alg::ESP256, p256}, {Alg::Ed25519, ed, false}}, payload, tagged));
    }
    return out;
}

TEST(CoseParseDirect, EqualsTheTreeParserOnBuiltStructuresAndTheirMutations)
{
    std::mt19937_64 rng(3);
    for (const Bytes& s : Structures())
    {
        ExpectSameParse(s);
        for (int k = 0; k < 300; ++k)
        {
            Bytes m = s;
            if (k % 2)
            {
                m[rng() % m.size()] ^= uint8_t(1 + rng() % 255);
            }
            else
            {
                // Replace a head-looking byte in the first 12 bytes (headers live there).
                m[rng() % std::min<size_t>(12, m.size())] = uint8_t(rng());
            }
            SCOPED_TRACE(k);
            ExpectSameParse(m);
        }
    }
}

TEST(CoseParseDirect, TheViewReadsEveryBuiltSign1WithScalarHeaders)
{
    size_t sign1 = 0;
    for (const Bytes& s : Structures())
    {
        Sign1View v;
        const bool multi = reference::ParseSigned(s)->multi;
        EXPECT_EQ(ParseSign1View(s, v), !multi);
        sign1 += !multi;
    }
    EXPECT_GT(sign1, 10u);
}

TEST(CoseParseDirect, ViewRefusesHeaderRulesTheTreeParserRejects)
{
    const Key p256 = Key::GenerateP256(Bytes(32, 1));
    const Bytes payload = {0x01};
    using V = cbor::Value;
    const std::pair<const char*, Bytes> kCases[] = {
        // the same label (1, once as a longer encoding) in both buckets
        {"label in both",
         Sign1WithProtectedBytes({Alg::ESP256, p256}, Bytes{0xa1, 0x01, 0x26},
                                 V::MakeMap().set(1, V::Int(-7)), payload, true, false)},
        {"crit protected", Sign1WithHeaders({Alg::ESP256, p256},
                                            V::MakeMap().set(1, V::Int(-7)).set(2, V::MakeArray()),
                                            V::MakeMap(), payload, true, false)},
        {"crit unprotected",
         Sign1WithHeaders({Alg::ESP256, p256}, V::MakeMap().set(1, V::Int(-7)),
                          V::MakeMap().set(2, V::Int(1)), payload, true, false)},
        {"kid not bstr", Sign1WithHeaders({Alg::ESP256, p256}, V::MakeMap().set(1, V::Int(-7)),
                                          V::MakeMap().set(4, V::Tstr("k")), payload, true, false)},
        {"alg a bstr", Sign1WithHeaders({Alg::ESP256, p256}, V::MakeMap().set(1, V::Bstr(Bytes{1})),
                                        V::MakeMap(), payload, true, false)},
        {"protected not a map", Sign1WithProtectedBytes({Alg::ESP256, p256}, Bytes{0x80},
                                                        V::MakeMap(), payload, true, false)},
        {"protected not CBOR", Sign1WithProtectedBytes({Alg::ESP256, p256}, Bytes{0xa1, 0x01},
                                                       V::MakeMap(), payload, true, false)},
    };
    for (const auto& [what, bytes] : kCases)
    {
        SCOPED_TRACE(what);
        Sign1View v;
        EXPECT_FALSE(ParseSign1View(bytes, v));
        EXPECT_FALSE(reference::ParseSigned(bytes).ok());
        ExpectSameParse(bytes);
    }
    // A longer encoding of label 1 (0x18 0x01) in the unprotected bucket is still label 1.
    Bytes twice = Sign1WithProtectedBytes({Alg::ESP256, p256}, Bytes{0xa1, 0x01, 0x26},
                                          V::MakeMap().set(1000, V::Int(-7)), payload, true, false);
    const Bytes longLabel = {0xa1, 0x19, 0x03, 0xe8};
    auto at = std::search(twice.begin(), twice.end(), longLabel.begin(), longLabel.end());
    ASSERT_NE(at, twice.end());
    *(at + 1) = 0x18;
    *(at + 2) = 0x01;
    *(at + 3) = 0x26;
    twice.erase(at + 4); // {1000: -7} is now {1: -7} with the label written 0x18 0x01
    Sign1View v;
    EXPECT_FALSE(ParseSign1View(twice, v));
    ExpectSameParse(twice);
}

// VerifySign1View gives Verify's status and key index for every key set, including keys of the
// wrong algorithm, a kid naming none of them, and a damaged signature.
TEST(CoseParseDirect, ViewVerifyEqualsVerify)
{
    const Key p256 = Key::GenerateP256(Bytes(32, 1));
    const Key other = Key::GenerateP256(Bytes(32, 5));
    const Key ed = Key::GenerateEd25519(Bytes(32, 2));
    const Bytes payload = {0x82, 0x01, 0xa0};
    std::vector<Bytes> inputs;
    for (bool kid : {true, false})
    {
        inputs.push_back(Sign1({Alg::ESP256, p256, kid}, payload));
        inputs.push_back(Sign1({Alg::Ed25519, ed, kid}, payload, false));
        inputs.push_back(Sign1({Alg::ESP256, p256, kid}, payload, true, true)); // detached
    }
    Bytes damaged = inputs[0];
    damaged.back() ^= 1;
    inputs.push_back(damaged);
    const std::vector<std::vector<Key>> keySets = {
        {}, {p256}, {other}, {other, p256}, {ed}, {ed, other}, {other, ed, p256}};
    size_t viewed = 0;
    for (const Bytes& in : inputs)
    {
        Sign1View v;
        ASSERT_TRUE(ParseSign1View(in, v));
        auto msg = ParseSigned(in);
        ASSERT_TRUE(msg.ok());
        for (const auto& keys : keySets)
        {
            const VerifyResult full = Verify(*msg, keys);
            const ViewVerifyResult fast = VerifySign1View(v, keys);
            EXPECT_EQ(fast.status, full.status);
            EXPECT_EQ(fast.keyIndex, full.keyIndex);
            ++viewed;
        }
    }
    EXPECT_EQ(viewed, inputs.size() * keySets.size());
}

TEST(CoseParseDirect, EqualsTheTreeParserOnEveryVectorFile)
{
    size_t parsed = 0;
    for (const auto& e : fs::recursive_directory_iterator(TEEPSIM_VECTORS_DIR))
    {
        if (e.is_regular_file() && e.path().extension() == ".cbor")
        {
            const Bytes b = test::ReadFile(e.path().string());
            SCOPED_TRACE(e.path().string());
            ExpectSameParse(b);
            parsed += ParseSigned(b).ok();
        }
    }
    EXPECT_GT(parsed, 5u) << "the vectors hold signed TEEP messages";
}

} // namespace
} // namespace teepsim::cose
