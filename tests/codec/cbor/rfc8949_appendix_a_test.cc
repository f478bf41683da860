// RFC 8949 Appendix A: every example with a definite-length, preferred encoding must encode
// to exactly the listed bytes from its diagnostic notation and decode back to an equal value.
#include "teepsim/codec/cbor.h"

#include <gtest/gtest.h>

#include <cmath>

#include "hex_util.h"

namespace teepsim::cbor
{
namespace
{

using test::FromHex;
using test::ToHex;

struct Example
{
    const char* diag;
    const char* hex;
};

// Diagnostic notation as in the RFC (two float spellings adapted: the RFC's 0.00006103515625
// reads the same, so they are kept verbatim).
const Example kPreferred[] = {
    {"0", "00"},
    {"1", "01"},
    {"10", "0a"},
    {"23", "17"},
    {"24", "1818"},
    {"25", "1819"},
    {"100", "1864"},
    {"1000", "1903e8"},
    {"1000000", "1a000f4240"},
    {"1000000000000", "1b000000e8d4a51000"},
    {"18446744073709551615", "1bffffffffffffffff"},
    {"2(h'010000000000000000')", "c249010000000000000000"},
    {"-18446744073709551616", "3bffffffffffffffff"},
    {"3(h'010000000000000000')", "c349010000000000000000"},
    {"-1", "20"},
    {"-10", "29"},
    {"-100", "3863"},
    {"-1000", "3903e7"},
    {"0.0", "f90000"},
    {"-0.0", "f98000"},
    {"1.0", "f93c00"},
    {"1.1", "fb3ff199999999999a"},
    {"1.5", "f93e00"},
    {"65504.0", "f97bff"},
    {"100000.0", "fa47c35000"},
    {"3.4028234663852886e+38", "fa7f7fffff"},
    {"1.0e+300", "fb7e37e43c8800759c"},
    {"5.960464477539063e-8", "f90001"},
    {"0.00006103515625", "f90400"},
    {"-4.0", "f9c400"},
    {"-4.1", "fbc010666666666666"},
    {"Infinity", "f97c00"},
    {"NaN", "f97e00"},
    {"-Infinity", "f9fc00"},
    {"false", "f4"},
    {"true", "f5"},
    {"null", "f6"},
    {"undefined", "f7"},
    {"simple(16)", "f0"},
    {"simple(255)", "f8ff"},
    {"0(\"2013-03-21T20:04:00Z\")", "c074323031332d30332d32315432303a30343a30305a"},
    {"1(1363896240)", "c11a514b67b0"},
    {"1(1363896240.5)", "c1fb41d452d9ec200000"},
    {"23(h'01020304')", "d74401020304"},
    {"24(h'6449455446')", "d818456449455446"},
    {"32(\"http://www.example.com\")", "d82076687474703a2f2f7777772e6578616d706c652e636f6d"},
    {"h''", "40"},
    {"h'01020304'", "4401020304"},
    {"\"\"", "60"},
    {"\"a\"", "6161"},
    {"\"IETF\"", "6449455446"},
    {"\"\\\"\\\\\"", "62225c"},
    {"\"\\u00fc\"", "62c3bc"},
    {"\"\\u6c34\"", "63e6b0b4"},
    {"\"\\ud800\\udd51\"", "64f0908591"},
    {"[]", "80"},
    {"[1, 2, 3]", "83010203"},
    {"[1, [2, 3], [4, 5]]", "8301820203820405"},
    {"[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]",
     "98190102030405060708090a0b0c0d0e0f101112131415161718181819"},
    {"{}", "a0"},
    {"{1: 2, 3: 4}", "a201020304"},
    {"{\"a\": 1, \"b\": [2, 3]}", "a26161016162820203"},
    {"[\"a\", {\"b\": \"c\"}]", "826161a161626163"},
    {"{\"a\": \"A\", \"b\": \"B\", \"c\": \"C\", \"d\": \"D\", \"e\": \"E\"}",
     "a56161614161626142616361436164614461656145"},
};

TEST(Rfc8949AppendixA, DiagnosticEncodesToTheListedBytesAndDecodesBack)
{
    for (const auto& ex : kPreferred)
    {
        SCOPED_TRACE(ex.diag);
        auto parsed = ParseDiagnostic(ex.diag);
        ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
        const Bytes expected = FromHex(ex.hex);
        EXPECT_EQ(ToHex(Encode(*parsed)), ex.hex);
        auto decoded = Decode(expected);
        ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
        EXPECT_EQ(*decoded, *parsed);
        // Our own diagnostic output reads back to the same value.
        auto again = ParseDiagnostic(Diagnostic(*decoded));
        ASSERT_TRUE(again.ok()) << Diagnostic(*decoded);
        EXPECT_EQ(ToHex(Encode(*again)), ex.hex) << Diagnostic(*decoded);
    }
}

TEST(Rfc8949AppendixA, BuildersProduceTheListedBytes)
{
    EXPECT_EQ(ToHex(Encode(Value::Int(-1000))), "3903e7");
    EXPECT_EQ(ToHex(Encode(Value::Int(INT64_MIN))), "3b7fffffffffffffff");
    EXPECT_EQ(ToHex(Encode(Value::Uint(UINT64_MAX))), "1bffffffffffffffff");
    EXPECT_EQ(ToHex(Encode(Value::NegativeRaw(UINT64_MAX))), "3bffffffffffffffff");
    EXPECT_EQ(ToHex(Encode(Value::Double(100000.0))), "fa47c35000");
    EXPECT_EQ(ToHex(Encode(Value::Double(-4.1))), "fbc010666666666666");
    EXPECT_EQ(ToHex(Encode(Value::Double(5.960464477539063e-8))), "f90001");
    EXPECT_EQ(ToHex(Encode(Value::Simple(255))), "f8ff");
    EXPECT_EQ(ToHex(Encode(Value::Tag(1, Value::Uint(1363896240)))), "c11a514b67b0");
    Value m = Value::MakeMap();
    m.set("a", Value::Uint(1)).set("b", Value::MakeArray({Value::Uint(2), Value::Uint(3)}));
    EXPECT_EQ(ToHex(Encode(m)), "a26161016162820203");
}

TEST(Rfc8949AppendixA, RfcDiagnosticSpellingsForNonFloats)
{
    EXPECT_EQ(Diagnostic(*Decode(FromHex("826161a161626163"))), "[\"a\", {\"b\": \"c\"}]");
    EXPECT_EQ(Diagnostic(*Decode(FromHex("c249010000000000000000"))), "2(h'010000000000000000')");
    EXPECT_EQ(Diagnostic(*Decode(FromHex("3bffffffffffffffff"))), "-18446744073709551616");
    EXPECT_EQ(Diagnostic(*Decode(FromHex("f8ff"))), "simple(255)");
    EXPECT_EQ(Diagnostic(*Decode(FromHex("fb7e37e43c8800759c"))), "1.0e+300");
    EXPECT_EQ(Diagnostic(*Decode(FromHex("f90001"))), "5.960464477539063e-8");
    EXPECT_EQ(Diagnostic(*Decode(FromHex("fa47c35000"))), "100000.0");
    EXPECT_EQ(Diagnostic(*Decode(FromHex("f9fc00"))), "-Infinity");
}

// Non-preferred float widths are well-formed: they decode to the same value and re-encode
// in the shortest width.
TEST(Rfc8949AppendixA, WiderFloatEncodingsDecodeAndReencodeShortest)
{
    const std::pair<const char*, const char*> kWide[] = {
        {"fa7f800000", "f97c00"},         {"fa7fc00000", "f97e00"},
        {"faff800000", "f9fc00"},         {"fb7ff0000000000000", "f97c00"},
        {"fb7ff8000000000000", "f97e00"}, {"fbfff0000000000000", "f9fc00"},
    };
    for (const auto& [wide, shortest] : kWide)
    {
        SCOPED_TRACE(wide);
        auto v = Decode(FromHex(wide));
        ASSERT_TRUE(v.ok());
        EXPECT_EQ(ToHex(Encode(*v)), shortest);
    }
    EXPECT_TRUE(std::isnan(Decode(FromHex("fb7ff8000000000000"))->floating()));
}

// A NaN payload that fits a narrower width keeps its bits; one that does not stays wide.
TEST(Rfc8949AppendixA, NanPayloadsArePreserved)
{
    EXPECT_EQ(ToHex(Encode(*Decode(FromHex("f97e01")))), "f97e01");
    EXPECT_EQ(ToHex(Encode(*Decode(FromHex("fa7fc00001")))), "fa7fc00001");
    EXPECT_EQ(ToHex(Encode(*Decode(FromHex("fb7ff8000000000001")))), "fb7ff8000000000001");
}

// Subnormals at each width boundary pick the shortest exact width.
TEST(Rfc8949AppendixA, SubnormalsPickTheShortestExactWidth)
{
    EXPECT_EQ(ToHex(Encode(Value::Double(std::ldexp(1.0, -24)))), "f90001"); // min half
    EXPECT_EQ(ToHex(Encode(Value::Double(std::ldexp(1.0, -25)))), "fa33000000");
    EXPECT_EQ(ToHex(Encode(Value::Double(std::ldexp(1.0, -149)))), "fa00000001"); // min single
    EXPECT_EQ(ToHex(Encode(Value::Double(std::ldexp(1.0, -150)))), "fb3690000000000000");
    EXPECT_EQ(ToHex(Encode(Value::Double(std::ldexp(3.0, -24)))), "f90003");
    for (const char* hex : {"f90001", "f903ff", "fa00000001", "fa007fffff", "f90400"})
    {
        SCOPED_TRACE(hex);
        EXPECT_EQ(ToHex(Encode(*Decode(FromHex(hex)))), hex);
    }
}

} // namespace
} // namespace teepsim::cbor
