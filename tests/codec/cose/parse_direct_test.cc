// cose::ParseSigned reads COSE_Sign1 without a cbor::Value tree; whatever it returns must equal
// the tree parser's result (reference::ParseSigned): the same fields for every structure it
// accepts, the same error (offset and text) for every one it refuses. Checked on every vector
// file, on structures built by Sign1/SignMulti with every option, and on mutations of them.
#include "teepsim/codec/tree_reference.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "test_util.h"

namespace teepsim::cose
{
namespace
{

namespace fs = std::filesystem;

void ExpectSameParse(cbor::ByteView in)
{
    const auto direct = ParseSigned(in);
    const auto tree = reference::ParseSigned(in);
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
