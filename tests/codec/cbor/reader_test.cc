// The non-allocating reader (cbor_reader.h): SkipWellFormed accepts exactly what the tree
// decoder accepts (on every vector, on hand-picked edge cases and on thousands of mutated
// inputs), the pull reader returns views into the input and refuses without moving, and the
// writers produce what Encode produces.
#include "teepsim/codec/cbor_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "hex_util.h"

namespace teepsim::cbor
{
namespace
{

namespace fs = std::filesystem;
using test::FromHex;
using test::ReadBytes;
using test::ToHex;

// SkipWellFormed and DecodeOne agree on acceptance and on where the item ends.
void ExpectAgrees(ByteView in, const DecodeLimits& limits = {})
{
    size_t treePos = 0;
    const bool treeOk = DecodeOne(in, treePos, limits).ok();
    size_t fastPos = 0;
    const bool fastOk = SkipWellFormed(in, fastPos, limits);
    ASSERT_EQ(fastOk, treeOk) << ToHex(in);
    if (treeOk)
    {
        EXPECT_EQ(fastPos, treePos) << ToHex(in);
    }
    EXPECT_EQ(IsWellFormed(in, limits), Decode(in, limits).ok()) << ToHex(in);
}

std::vector<Bytes> VectorFiles()
{
    std::vector<Bytes> out;
    for (const auto& e : fs::recursive_directory_iterator(TEEPSIM_VECTORS_DIR))
    {
        if (e.is_regular_file() && e.path().extension() == ".cbor")
        {
            out.push_back(ReadBytes(e.path().string()));
        }
    }
    return out;
}

TEST(CborReader, AcceptsExactlyWhatTheTreeDecoderAcceptsOnEdgeCases)
{
    const char* const cases[] = {"00",
                                 "17",
                                 "1817",
                                 "190001",
                                 "3bffffffffffffffff",
                                 "40",
                                 "4101",
                                 "60",
                                 "6161",
                                 "62c328", // invalid UTF-8
                                 "f817",
                                 "f820",
                                 "f93c00",
                                 "fa3f800000",
                                 "fb3ff0000000000000",
                                 "f4",
                                 "f5",
                                 "f6",
                                 "f7",
                                 "a201000100",   // duplicate key 1
                                 "a20100181800", // 0 and 0x1800: equal values, different bytes
                                 "a2f90000fa00000000", // +0.0 half and single: equal keys
                                 "a2f90000f98000",     // +0.0 and -0.0: different keys
                                 "a2820102008201020a", // duplicate array keys
                                 "a2c1018201020a",     // tag vs array keys
                                 "a2c10100c10101",     // duplicate tagged keys
                                 "a26161006161",
                                 "a2616100616200",
                                 "9f",
                                 "5f",
                                 "ff",
                                 "1c",
                                 "c0",
                                 "d81800",
                                 "818181",
                                 "a1a100000000"};
    for (const char* hex : cases)
    {
        ExpectAgrees(FromHex(hex));
    }
}

TEST(CborReader, AppliesTheSameLimitsAsTheTreeDecoder)
{
    const Bytes nested = FromHex("8181818181818100");
    const Bytes wide = FromHex("8a000102030405060708a0");
    for (uint32_t depth = 0; depth < 9; ++depth)
    {
        ExpectAgrees(nested, DecodeLimits{depth, 1u << 20, 16u << 20, true});
    }
    for (uint64_t items = 0; items < 14; ++items)
    {
        ExpectAgrees(wide, DecodeLimits{32, items, 16u << 20, true});
    }
    for (uint64_t len = 0; len < 12; ++len)
    {
        ExpectAgrees(wide, DecodeLimits{32, 1u << 20, len, true});
        ExpectAgrees(FromHex("4a00010203040506070809"), DecodeLimits{32, 1u << 20, len, true});
    }
    ExpectAgrees(FromHex("a201000100"), DecodeLimits{32, 1u << 20, 16u << 20, false});
}

TEST(CborReader, ChecksDuplicateKeysOfLargeMapsLikeTheTreeDecoder)
{
    for (int dup : {-1, 0, 20, 39})
    {
        Bytes m;
        PutMap(40, m);
        for (int i = 0; i < 40; ++i)
        {
            PutInt(i == dup ? 7 - 40 : i - 40, m); // dup collides with key 7-40 (entry 7)
            PutUint(uint64_t(i), m);
        }
        SCOPED_TRACE(dup);
        ExpectAgrees(m);
        EXPECT_EQ(IsWellFormed(m), dup < 0 || dup == 7);
    }
}

// Integer map keys are checked for duplicates as numbers (major type and argument), apart from
// the other keys: a longer encoding of the same integer is still a duplicate, an integer never
// equals a key of another type, and the other keys are still compared structurally.
TEST(CborReader, IntegerKeyShortcutStillFindsEveryDuplicate)
{
    const char* const cases[] = {
        "a21901000019010000", // 256, 256
        "a219010000"
        "1a0000010000",       // 256 written in 2 and in 4 bytes
        "a21901000039010000", // 256, -257: distinct
        "a3190100006161001a00000100"
        "00", // 256, "a", 256 (4 bytes)
        "a301006161006161"
        "00", // 1, "a", "a": the text keys still compared
        "a2010001"
        "00", // 1, 1
        "a2200020"
        "00", // -1, -1
        "a2010020"
        "00", // 1, -1: distinct
        "a2170037"
        "00",             // 23, -24: distinct (the largest one-byte keys)
        "a3000117010001", // 0, 23, 0
        "a201001801"
        "00", // 1, then 1 written 0x18 0x01
        "a218010001"
        "00",               // 1 written 0x18 0x01, then 1
        "a30100020018010a", // 1, 2, then 1 written long (third key)
        "a3010002001802"
        "0a", // 1, 2, then 2 written long
        "a3010002001803"
        "0a",               // 1, 2, 3 written long: distinct
        "a301006161000100", // 1, "a", 1: the one-byte key after text
        "a2390000002000",   // -1 written 0x39 0x0000, then -1 in one byte
        "a301000200f90000"
        "00", // 1, 2, then a float key
    };
    for (const char* hex : cases)
    {
        SCOPED_TRACE(hex);
        ExpectAgrees(FromHex(hex));
    }
    EXPECT_FALSE(IsWellFormed(FromHex("a30100020018010a")));
    EXPECT_TRUE(IsWellFormed(FromHex("a3010002001803"
                                     "0a")));
    // Every pair of one-byte keys (48 values): a duplicate exactly when the bytes are equal.
    for (int a = 0; a < 64; ++a)
    {
        for (int b = 0; b < 64; ++b)
        {
            if ((a & 0x1f) >= 24 || (b & 0x1f) >= 24)
            {
                continue;
            }
            const Bytes m = {0xa3, 0x10, 0x00, uint8_t(a), 0x00, uint8_t(b), 0x00};
            ExpectAgrees(m);
            EXPECT_EQ(IsWellFormed(m), a != b && a != 0x10 && b != 0x10);
        }
    }
}

TEST(CborReader, FindIntKeysFindsWhatFindIntKeyFinds)
{
    // {1: "a", -2: [1, 2], "x": 3, 0x18 0x05 (5): {}, 7: h'01'}
    const Bytes map = FromHex("a5016161218201026178031805a00741"
                              "01");
    ASSERT_TRUE(IsWellFormed(map));
    const int64_t keys[] = {7, 1, 3, -2, 5, 24};
    ByteView values[6];
    const uint64_t found = FindIntKeys(map, keys, values);
    for (size_t i = 0; i < 6; ++i)
    {
        SCOPED_TRACE(keys[i]);
        ByteView one;
        const bool has = FindIntKey(map, keys[i], one);
        ASSERT_EQ(has, (found >> i) & 1);
        if (has)
        {
            EXPECT_EQ(ToHex(one), ToHex(values[i]));
        }
    }
    EXPECT_EQ(found, 0b11011u); // 7, 1, -2 and 5; not 3 (a value) nor 24
    EXPECT_EQ(FindIntKeys(FromHex("820102"), keys, values), 0u) << "not a map";
}

TEST(CborReader, AgreesWithTheTreeDecoderOnEveryVectorAndItsMutations)
{
    const std::vector<Bytes> files = VectorFiles();
    ASSERT_GT(files.size(), 20u);
    std::mt19937_64 rng(11);
    size_t accepted = 0, refused = 0;
    for (const Bytes& f : files)
    {
        ExpectAgrees(f);
        for (int k = 0; k < 60; ++k)
        {
            Bytes m = f.size() > 4096 ? Bytes(f.begin(), f.begin() + 4096) : f;
            switch (k % 4)
            {
                case 0: // flip one byte
                    if (!m.empty())
                        m[rng() % m.size()] ^= uint8_t(1 + rng() % 255);
                    break;
                case 1: // truncate
                    m.resize(m.empty() ? 0 : rng() % m.size());
                    break;
                case 2: // set a byte to an interesting head
                {
                    static const uint8_t heads[] = {0x18, 0x1f, 0x5f, 0x7f, 0x9f, 0xbf, 0xf8,
                                                    0xff, 0x1c, 0xa1, 0x62, 0xc0, 0xf9};
                    if (!m.empty())
                        m[rng() % m.size()] = heads[rng() % sizeof(heads)];
                    break;
                }
                default: // duplicate a slice in place (repeated keys, longer containers)
                    if (m.size() > 2)
                    {
                        const size_t a = rng() % m.size();
                        const size_t n = 1 + rng() % std::min<size_t>(8, m.size() - a);
                        m.insert(m.begin() + long(a), m.begin() + long(a), m.begin() + long(a + n));
                    }
            }
            ExpectAgrees(m);
            (IsWellFormed(m) ? accepted : refused)++;
        }
    }
    // Both outcomes were exercised: the corpus is not trivially all-good or all-bad.
    EXPECT_GT(accepted, 50u);
    EXPECT_GT(refused, 50u);
}

TEST(CborReader, ReadsScalarsAndStringsAsViewsIntoTheInput)
{
    const Bytes in = FromHex("86"
                             "1818"
                             "38ff"
                             "43010203"
                             "6261"
                             "62"
                             "f5"
                             "c1a0");
    Reader r(in);
    uint64_t n = 0;
    ASSERT_TRUE(r.ReadArray(n));
    EXPECT_EQ(n, 6u);
    uint64_t u = 0;
    ASSERT_TRUE(r.ReadUint(u));
    EXPECT_EQ(u, 24u);
    int64_t i = 0;
    EXPECT_FALSE(r.ReadUint(u)) << "a negative integer is not a uint";
    ASSERT_TRUE(r.ReadInt(i));
    EXPECT_EQ(i, -256);
    ByteView b;
    ASSERT_TRUE(r.ReadBstr(b));
    EXPECT_EQ(b.data(), in.data() + 6) << "bstr contents are a view, not a copy";
    EXPECT_EQ(ToHex(b), "010203");
    std::string_view t;
    ASSERT_TRUE(r.ReadTstr(t));
    EXPECT_EQ(t, "ab");
    bool flag = false;
    ASSERT_TRUE(r.ReadBool(flag));
    EXPECT_TRUE(flag);
    ByteView raw;
    ASSERT_TRUE(r.ReadRaw(raw));
    EXPECT_EQ(ToHex(raw), "c1a0");
    EXPECT_TRUE(r.atEnd());
}

TEST(CborReader, RefusesTruncatedOrWrongItemsWithoutMoving)
{
    for (const char* hex : {"", "18", "43 0102", "62 61", "9b", "1f", "5f"})
    {
        const Bytes in = FromHex(hex);
        Reader r(in);
        uint64_t u = 0;
        ByteView b;
        std::string_view t;
        EXPECT_FALSE(r.ReadUint(u) || r.ReadBstr(b) || r.ReadTstr(t) || r.Skip()) << hex;
        EXPECT_EQ(r.pos(), 0u) << hex;
    }
    const Bytes deep(600, 0x81); // deeper than any decoder accepts, and truncated
    Reader r(deep);
    EXPECT_FALSE(r.Skip());
    EXPECT_EQ(r.pos(), 0u);
}

TEST(CborReader, WritersProduceWhatTheTreeEncoderProduces)
{
    for (int64_t v : {int64_t{0}, int64_t{23}, int64_t{24}, int64_t{255}, int64_t{256},
                      int64_t{65535}, int64_t{65536}, int64_t{1} << 32, INT64_MAX, int64_t{-1},
                      int64_t{-24}, int64_t{-25}, int64_t{-257}, INT64_MIN})
    {
        Bytes out;
        PutInt(v, out);
        EXPECT_EQ(ToHex(out), ToHex(Encode(Value::Int(v)))) << v;
    }
    Bytes out;
    PutArray(5, out);
    PutBstr(FromHex("0102"), out);
    PutTstr("hi", out);
    PutMap(1, out);
    PutTag(1, out);
    PutUint(uint64_t{1} << 40, out);
    PutBool(false, out);
    PutNull(out);
    PutUint(7, out);
    const Value want = Value::MakeArray(
        {Value::Bstr(FromHex("0102")), Value::Tstr("hi"),
         Value::MakeMap({{Value::Tag(1, Value::Uint(uint64_t{1} << 40)), Value::Bool(false)}}),
         Value::Null(), Value::Uint(7)});
    EXPECT_EQ(ToHex(out), ToHex(Encode(want)));
}

} // namespace
} // namespace teepsim::cbor
