// Diagnostic notation: the writer's compact and indented layouts, embedded-CBOR expansion,
// and the reader's handling of comments, concatenation, escapes and errors.
#include "teepsim/codec/cbor.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "hex_util.h"

namespace teepsim::cbor
{
namespace
{

using test::FromHex;
using test::ToHex;

TEST(DiagnosticWriter, IndentedLayoutPutsOneElementPerLine)
{
    auto v = ParseDiagnostic("[1, {19: h'a0a1', 2: []}, 18([h'', {}])]");
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(Diagnostic(*v, 2), "[\n"
                                 "  1,\n"
                                 "  {\n"
                                 "    19: h'a0a1',\n"
                                 "    2: []\n"
                                 "  },\n"
                                 "  18([\n"
                                 "    h'',\n"
                                 "    {}\n"
                                 "  ])\n"
                                 "]");
    EXPECT_EQ(Diagnostic(*v), "[1, {19: h'a0a1', 2: []}, 18([h'', {}])]");
}

TEST(DiagnosticWriter, IndentedLayoutKeepsShortScalarContainersOnOneLine)
{
    auto v = ParseDiagnostic("[[18, -9], {1: -7}, [], [h'0102', \"x\", null, 1.5], [[1]]]");
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(Diagnostic(*v, 2), "[\n"
                                 "  [18, -9],\n"
                                 "  {1: -7},\n"
                                 "  [],\n"
                                 "  [h'0102', \"x\", null, 1.5],\n"
                                 "  [\n"
                                 "    [1]\n"
                                 "  ]\n"
                                 "]");
    // Too long for one line: one element per line.
    Value longRow = Value::MakeArray();
    for (int i = 0; i < 20; ++i)
    {
        longRow.push(Value::Uint(1000000 + uint64_t(i)));
    }
    const std::string laidOut = Diagnostic(longRow, 2);
    EXPECT_EQ(std::count(laidOut.begin(), laidOut.end(), '\n'), 21);
    // A bstr that expands to embedded CBOR is not a scalar.
    DiagnosticOptions o;
    o.indent = 2;
    o.expandEmbedded = true;
    EXPECT_EQ(Diagnostic(Value::MakeArray({Wrap(Value::MakeArray({Value::Uint(1)}))}), o),
              "[\n  << [1] >>\n]");
}

TEST(DiagnosticWriter, TextIsEscaped)
{
    EXPECT_EQ(Diagnostic(Value::Tstr("a\"b\\c\n\x01")), "\"a\\\"b\\\\c\\n\\u0001\"");
    auto back = ParseDiagnostic(Diagnostic(Value::Tstr("a\"b\\c\n\x01")));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->text(), "a\"b\\c\n\x01");
}

TEST(DiagnosticWriter, EmbeddedCborIsExpandedOnlyWhenItRoundTrips)
{
    DiagnosticOptions o;
    o.expandEmbedded = true;
    const Value wrapped = Value::MakeArray(
        {Wrap(Value::MakeMap({{Value::Uint(1), Value::Int(-7)}})), // a map: expanded
         Value::Bstr(FromHex("01")),                               // an int: left as bytes
         Value::Bstr(FromHex("a1011801")),                         // non-preferred: bytes
         Value::Bstr(FromHex("8201"))});                           // truncated: bytes
    EXPECT_EQ(Diagnostic(wrapped, o), "[<< {1: -7} >>, h'01', h'a1011801', h'8201']");
    // The expanded text parses back to the same bytes.
    auto back = ParseDiagnostic(Diagnostic(wrapped, o));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, wrapped);
}

TEST(DiagnosticReader, CommentsWhitespaceAndConcatenation)
{
    auto v = ParseDiagnostic("/ lead / { / key / 1 /x/ : h'01 02\n /inner/ 03' h'04'  'ab' ,\n"
                             "  \"t\" : \"x\" \"y\" }");
    ASSERT_TRUE(v.ok()) << v.error().ToString();
    EXPECT_EQ(ToHex(Encode(*v)), "a201460102030461626174627879");
}

TEST(DiagnosticReader, EmbeddedSequenceAndEmptyEmbedded)
{
    auto v = ParseDiagnostic("[<< 1, \"a\" >>, <<>>]");
    ASSERT_TRUE(v.ok()) << v.error().ToString();
    EXPECT_EQ(ToHex(Encode(*v)), "824301616140");
}

TEST(DiagnosticReader, IntegerRangeAndTags)
{
    EXPECT_EQ(ToHex(Encode(*ParseDiagnostic("-18446744073709551616"))), "3bffffffffffffffff");
    EXPECT_FALSE(ParseDiagnostic("-18446744073709551617").ok());
    EXPECT_FALSE(ParseDiagnostic("18446744073709551616").ok());
    EXPECT_EQ(ToHex(Encode(*ParseDiagnostic("107( 18 ([]) )"))), "d86bd280");
    EXPECT_EQ(ToHex(Encode(*ParseDiagnostic("-65534"))), "39fffd");
}

TEST(DiagnosticReader, ErrorsGiveOffsetLineAndColumn)
{
    const std::pair<const char*, size_t> kBad[] = {
        {"[1, 2", 5}, {"[1 2]", 3},   {"{1 2}", 3}, {"h'0'", 0},       {"h'0g'", 3},
        {"\"abc", 0}, {"/ open", 0},  {"[1] x", 4}, {"simple(24)", 0}, {"1(", 2},
        {"<< 1", 4},  {"\"\\q\"", 1}, {"1.2.3", 0}, {"", 0},
    };
    for (const auto& [text, offset] : kBad)
    {
        SCOPED_TRACE(text);
        auto r = ParseDiagnostic(text);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().offset, offset) << r.error().ToString();
        EXPECT_NE(r.error().message.find("(line 1, column"), std::string::npos);
    }
    auto multi = ParseDiagnostic("[\n  1,\n  ?\n]");
    ASSERT_FALSE(multi.ok());
    EXPECT_NE(multi.error().message.find("line 3, column 3"), std::string::npos)
        << multi.error().ToString();
}

TEST(DiagnosticReader, DeepNestingIsRefusedNotOverflowed)
{
    const std::string deep(100000, '[');
    auto r = ParseDiagnostic(deep);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("nesting deeper"), std::string::npos);
}

} // namespace
} // namespace teepsim::cbor
