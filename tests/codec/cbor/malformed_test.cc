// RFC 8949 Appendix F: every not-well-formed example is rejected with an offset inside the
// input; plus the checks this decoder adds (indefinite lengths, trailing bytes, duplicates).
#include "teepsim/codec/cbor.h"

#include <gtest/gtest.h>

#include "hex_util.h"

namespace teepsim::cbor
{
namespace
{

using test::FromHex;

const char* const kAppendixF[] = {
    // F.1: end of input in a head
    "18",
    "19",
    "1a",
    "1b",
    "1901",
    "1a0102",
    "1b01020304050607",
    "38",
    "58",
    "78",
    "98",
    "9a01ff00",
    "b8",
    "d8",
    "f8",
    "f900",
    "fa0000",
    "fb000000",
    // definite-length strings with short data
    "41",
    "61",
    "5affffffff00",
    "5bffffffffffffffff010203",
    "7affffffff00",
    "7b7fffffffffffffff010203",
    // definite-length maps and arrays not closed with enough items
    "81",
    "818181818181818181",
    "8200",
    "a1",
    "a20102",
    "a100",
    "a2000000",
    // tag number not followed by tag content
    "c0",
    // indefinite-length strings not closed by a break
    "5f4100",
    "7f6100",
    // indefinite-length maps and arrays not closed by a break
    "9f",
    "9f0102",
    "bf",
    "bf01020102",
    "819f",
    "9f8000",
    "9f9f9f9f9fffffffff",
    "9f819f819f9fffffff",
    // reserved additional information values
    "1c",
    "1d",
    "1e",
    "3c",
    "3d",
    "3e",
    "5c",
    "5d",
    "5e",
    "7c",
    "7d",
    "7e",
    "9c",
    "9d",
    "9e",
    "bc",
    "bd",
    "be",
    "dc",
    "dd",
    "de",
    "fc",
    "fd",
    "fe",
    // reserved two-byte encodings of simple values
    "f800",
    "f801",
    "f818",
    "f81f",
    // indefinite-length string chunks not of the correct type
    "5f00ff",
    "5f21ff",
    "5f6100ff",
    "5f80ff",
    "5fa0ff",
    "5fc000ff",
    "5fe0ff",
    "7f4100ff",
    // indefinite-length string chunks not definite length
    "5f5f4100ffff",
    "7f7f6100ffff",
    // break on its own
    "ff",
    // break in a definite-length array, map or tag
    "81ff",
    "8200ff",
    "a1ff",
    "a1ff00",
    "a100ff",
    "a20000ff",
    "9f81ff",
    "9f829f819f9fffffffff",
    // break in a value position of an indefinite-length map
    "bf00ff",
    "bf000000ff",
    // major types 0, 1, 6 with additional information 31
    "1f",
    "3f",
    "df",
};

TEST(Malformed, EveryAppendixFExampleIsRejectedWithAnOffsetInsideTheInput)
{
    for (const char* hex : kAppendixF)
    {
        SCOPED_TRACE(hex);
        const Bytes in = FromHex(hex);
        auto r = Decode(in);
        ASSERT_FALSE(r.ok()) << Diagnostic(*r);
        EXPECT_LE(r.error().offset, in.size());
        EXPECT_FALSE(r.error().message.empty());
        // DecodeOne (trailing bytes allowed) rejects them too: the problem is in the item.
        size_t off = 0;
        EXPECT_FALSE(DecodeOne(in, off).ok());
        EXPECT_EQ(off, 0u) << "offset must not advance on failure";
    }
}

struct Expected
{
    const char* hex;
    size_t offset;
    const char* messagePart;
};

// The reported offset points at the offending item and the message names the problem.
TEST(Malformed, ErrorsNameTheProblemAndWhereItIs)
{
    const Expected kCases[] = {
        {"1b01020304050607", 0, "truncated uint head"},
        {"82c000", 3, "truncated: input ended"},
        {"8201ff", 2, "unexpected break"},
        {"a1ff00", 1, "unexpected break"},
        {"5f4100", 0, "indefinite-length bstr not allowed"},
        {"9fff", 0, "indefinite-length array not allowed"},
        {"bf", 0, "indefinite-length map not allowed"},
        {"7f6100", 0, "indefinite-length tstr not allowed"},
        {"83015c02", 2, "reserved additional information 28"},
        {"82f81f00", 1, "two-byte simple value 31 < 32"},
        {"c0", 1, "truncated: input ended"},
        {"df", 0, "additional information 31 is not well-formed for tag"},
        {"4401020304ff", 5, "1 trailing byte(s)"},
        {"0000", 1, "trailing"},
        {"5affffffff00", 0, "exceeds the limit"},
        {"5a0000000400", 0, "truncated bstr: length 4, only 1 byte(s) left"},
        {"a2010201", 0, "cannot fit"},
        {"a3010201030204", 3, "duplicate map key (same as entry 0"},
    };
    for (const auto& c : kCases)
    {
        SCOPED_TRACE(c.hex);
        auto r = Decode(FromHex(c.hex));
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().offset, c.offset) << r.error().ToString();
        EXPECT_NE(r.error().message.find(c.messagePart), std::string::npos) << r.error().ToString();
    }
}

TEST(Malformed, ToStringCarriesTheOffset)
{
    auto r = Decode(FromHex("8201ff"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().ToString().rfind("offset 2: ", 0), 0u) << r.error().ToString();
}

TEST(Malformed, EmptyInputIsRejected)
{
    auto r = Decode(ByteView{});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().offset, 0u);
}

// Non-preferred heads are well-formed (RFC 8949 §3): accepted, and re-encoded shortest.
TEST(Malformed, NonPreferredHeadsAreAcceptedAndReencodedShortest)
{
    auto r = Decode(FromHex("1817"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->rawUint(), 23u);
    EXPECT_EQ(Encode(*r), FromHex("17"));
    auto s = Decode(FromHex("5900024142"));
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(Encode(*s), FromHex("424142"));
}

TEST(Malformed, DuplicateKeysAreFoundInLargeMapsAndCanBeAllowed)
{
    // 40 distinct keys 0..39 then key 7 again.
    Bytes in = FromHex("b829");
    for (int k = 0; k < 40; ++k)
    {
        EncodeHead(0, uint64_t(k), in);
        in.push_back(0xf6);
    }
    const size_t dupOffset = in.size();
    in.push_back(0x07);
    in.push_back(0xf6);
    auto r = Decode(in);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().offset, dupOffset);
    EXPECT_NE(r.error().message.find("entry 7"), std::string::npos) << r.error().ToString();

    DecodeLimits lenient;
    lenient.rejectDuplicateKeys = false;
    auto ok = Decode(in, lenient);
    ASSERT_TRUE(ok.ok()) << ok.error().ToString();
    EXPECT_EQ(ok->map().size(), 41u);
    // Equal values with different (non-preferred) encodings are still duplicates.
    EXPECT_FALSE(Decode(FromHex("a2010018010f")).ok());
}

TEST(Malformed, DecodeOneWalksACborSequence)
{
    const Bytes in = FromHex("01820203a0");
    size_t off = 0;
    std::vector<Value> items;
    while (off < in.size())
    {
        auto r = DecodeOne(in, off);
        ASSERT_TRUE(r.ok()) << r.error().ToString();
        items.push_back(*r);
    }
    ASSERT_EQ(items.size(), 3u);
    EXPECT_EQ(off, in.size());
    EXPECT_TRUE(items[2].isMap());
    size_t past = in.size() + 1;
    EXPECT_FALSE(DecodeOne(in, past).ok());
}

} // namespace
} // namespace teepsim::cbor
