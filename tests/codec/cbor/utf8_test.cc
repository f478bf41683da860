// Text strings must be valid UTF-8 (RFC 8949 §3.1, §5.3.1): overlongs, surrogates, code
// points above U+10FFFF, stray continuation bytes and truncated sequences are rejected with
// the offset of the first bad byte.
#include "teepsim/codec/cbor.h"

#include <gtest/gtest.h>

#include "hex_util.h"

namespace teepsim::cbor
{
namespace
{

using test::FromHex;

Bytes Tstr(std::string_view hexContent)
{
    const Bytes content = FromHex(hexContent);
    Bytes out;
    EncodeHead(3, content.size(), out);
    out.insert(out.end(), content.begin(), content.end());
    return out;
}

TEST(Utf8, ValidSequencesOfEveryLengthAreAccepted)
{
    for (const char* hex :
         {"41", "c3bc", "e6b0b4", "f0908591", "f48fbfbf", "efbfbf", "ed9fbf", "ee8080", "7f", ""})
    {
        SCOPED_TRACE(hex);
        auto r = Decode(Tstr(hex));
        ASSERT_TRUE(r.ok()) << r.error().ToString();
        EXPECT_EQ(r->text().size(), FromHex(hex).size());
    }
}

TEST(Utf8, InvalidSequencesAreRejectedAtTheBadByte)
{
    const std::pair<const char*, size_t> kBad[] = {
        {"80", 0},           // stray continuation byte
        {"41bf", 1},         // stray continuation after ASCII
        {"c0af", 0},         // overlong '/'
        {"c1bf", 0},         // overlong
        {"e080af", 0},       // overlong 3-byte
        {"f08080af", 0},     // overlong 4-byte
        {"eda080", 0},       // UTF-16 surrogate U+D800
        {"edbfbf", 0},       // surrogate U+DFFF
        {"f4908080", 0},     // U+110000
        {"f5808080", 0},     // lead byte past U+10FFFF
        {"ff", 0},           //
        {"4142c3", 2},       // truncated 2-byte sequence at the end
        {"e6b0", 0},         // truncated 3-byte
        {"e641b4", 0},       // continuation replaced by ASCII
        {"414243f09085", 3}, // truncated 4-byte after valid text
    };
    for (const auto& [hex, badIndex] : kBad)
    {
        SCOPED_TRACE(hex);
        const Bytes in = Tstr(hex);
        const size_t headLen = in.size() - FromHex(hex).size();
        auto r = Decode(in);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().offset, headLen + badIndex) << r.error().ToString();
        EXPECT_NE(r.error().message.find("invalid UTF-8"), std::string::npos);
    }
}

TEST(Utf8, ByteStringsAreNotChecked)
{
    EXPECT_TRUE(Decode(FromHex("42c0af")).ok());
}

TEST(Utf8, MapKeysAndNestedTextAreChecked)
{
    EXPECT_FALSE(Decode(FromHex("a161ff01")).ok());
    EXPECT_FALSE(Decode(FromHex("81c16180")).ok());
}

} // namespace
} // namespace teepsim::cbor
