// DecodeLimits: depth, item count and length bounds fail fast, before allocating, with the
// offset of the item that crossed the bound.
#include "teepsim/codec/cbor.h"

#include <gtest/gtest.h>

#include <chrono>

#include "hex_util.h"

namespace teepsim::cbor
{
namespace
{

using test::FromHex;

Bytes Nested(uint8_t opener, size_t depth)
{
    Bytes b(depth, opener);
    b.push_back(0x00);
    return b;
}

TEST(Limits, DepthBombIsRejectedAtTheFirstLevelPastTheLimit)
{
    DecodeLimits lim;
    lim.maxDepth = 32;
    // 32 nested arrays hold the innermost item at depth 32: allowed.
    ASSERT_TRUE(Decode(Nested(0x81, 32), lim).ok());
    auto r = Decode(Nested(0x81, 33), lim);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().offset, 32u);
    EXPECT_NE(r.error().message.find("nesting deeper than 32"), std::string::npos);
    // Tags count as nesting too; so do maps.
    EXPECT_FALSE(Decode(Nested(0xc6, 33), lim).ok());
    EXPECT_TRUE(Decode(Nested(0xc6, 32), lim).ok());
}

TEST(Limits, HugeDepthIsCappedEvenWhenTheCallerAsksForMore)
{
    DecodeLimits lim;
    lim.maxDepth = UINT32_MAX;
    lim.maxItems = UINT64_MAX;
    auto r = Decode(Nested(0x81, 100000), lim); // would overflow the stack if unbounded
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("nesting deeper than 512"), std::string::npos);
}

TEST(Limits, HugeDeclaredLengthsFailFastWithoutAllocating)
{
    // 5-byte inputs claiming 4 GiB strings / containers.
    for (const char* hex : {"5affffffff", "7affffffff", "9affffffff", "baffffffff"})
    {
        SCOPED_TRACE(hex);
        const auto t0 = std::chrono::steady_clock::now();
        auto r = Decode(FromHex(hex));
        const auto dt = std::chrono::steady_clock::now() - t0;
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().offset, 0u);
        EXPECT_NE(r.error().message.find("exceeds the limit"), std::string::npos);
        EXPECT_LT(dt, std::chrono::milliseconds(50));
    }
    // With the length limit lifted, the "cannot fit in the remaining bytes" check still
    // stops 2^64-1 element claims before any allocation.
    DecodeLimits open;
    open.maxLength = UINT64_MAX;
    for (const char* hex : {"5bffffffffffffffff", "9bffffffffffffffff00", "bbffffffffffffffff00"})
    {
        SCOPED_TRACE(hex);
        auto r = Decode(FromHex(hex), open);
        ASSERT_FALSE(r.ok());
        EXPECT_NE(r.error().message.find("truncated"), std::string::npos) << r.error().ToString();
    }
}

TEST(Limits, LengthLimitAppliesToEachStringAndContainer)
{
    DecodeLimits lim;
    lim.maxLength = 4;
    EXPECT_TRUE(Decode(FromHex("4401020304"), lim).ok());
    EXPECT_FALSE(Decode(FromHex("450102030405"), lim).ok());
    EXPECT_TRUE(Decode(FromHex("8401020304"), lim).ok());
    EXPECT_FALSE(Decode(FromHex("850102030405"), lim).ok());
}

TEST(Limits, ItemCountBoundsTheWholeDecode)
{
    DecodeLimits lim;
    lim.maxItems = 4;
    EXPECT_TRUE(Decode(FromHex("83010203"), lim).ok()); // 4 items
    auto r = Decode(FromHex("8401020304"), lim);        // 5 items
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("item limit"), std::string::npos) << r.error().ToString();
    // Many small nested arrays: counted across the whole tree.
    auto r2 = Decode(FromHex("82820102820304"), lim);
    ASSERT_FALSE(r2.ok());
    EXPECT_NE(r2.error().message.find("too many data items"), std::string::npos);
}

} // namespace
} // namespace teepsim::cbor
