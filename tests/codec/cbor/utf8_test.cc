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

// ASCII is skipped eight bytes at a time: a bad byte or a valid multi-byte sequence at any
// position of a longer text (word boundaries included) is still found or accepted exactly.
TEST(Utf8, EveryPositionOfALongTextIsChecked)
{
    for (size_t len : {7u, 8u, 9u, 16u, 23u, 40u})
    {
        for (size_t at = 0; at < len; ++at)
        {
            SCOPED_TRACE(std::to_string(len) + "/" + std::to_string(at));
            std::string content(len, 'a');
            content[at] = char(0xff);
            Bytes in;
            EncodeHead(3, content.size(), in);
            const size_t head = in.size();
            in.insert(in.end(), content.begin(), content.end());
            auto bad = Decode(in);
            ASSERT_FALSE(bad.ok());
            EXPECT_EQ(bad.error().offset, head + at);
            if (at + 2 <= len)
            {
                in[head + at] = 0xc3; // U+00FC
                in[head + at + 1] = 0xbc;
                EXPECT_TRUE(Decode(in).ok());
                in[head + at + 1] = 'a'; // lead byte without its continuation
                auto cut = Decode(in);
                ASSERT_FALSE(cut.ok());
                EXPECT_EQ(cut.error().offset, head + at);
            }
        }
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
