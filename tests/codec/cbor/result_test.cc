// teepsim::Result<T, E>, the one result type behind cbor::Result, teep::Result and eat::Result:
// which alternative it holds, access to each, and that the layer aliases are the same type.
#include "teepsim/codec/cbor.h"
#include "teepsim/codec/result.h"

#include <gtest/gtest.h>

#include <string>
#include <type_traits>

namespace teepsim
{
namespace
{

struct TestError
{
    int code = 0;
};

TEST(Result, HoldsAValueAndReportsOk)
{
    // A value makes the result ok, true in a condition, and reachable through value(), * and ->.
    Result<std::string, TestError> r(std::string("abc"));
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(static_cast<bool>(r));
    EXPECT_EQ(r.value(), "abc");
    EXPECT_EQ(*r, "abc");
    EXPECT_EQ(r->size(), 3u);
    r.value() += "d";
    EXPECT_EQ(*r, "abcd");
}

TEST(Result, HoldsAnErrorUnderBothAccessorNames)
{
    // An error makes the result not ok; error() and failure() name the same object.
    const Result<std::string, TestError> r(TestError{7});
    ASSERT_FALSE(r.ok());
    EXPECT_FALSE(static_cast<bool>(r));
    EXPECT_EQ(r.error().code, 7);
    EXPECT_EQ(&r.failure(), &r.error());
}

TEST(Result, CborAliasKeepsItsDecodeErrorAndOffset)
{
    // cbor::Result<T> is Result<T, cbor::DecodeError>: a failed decode carries offset and message.
    static_assert(
        std::is_same_v<cbor::Result<cbor::Value>, Result<cbor::Value, cbor::DecodeError>>);
    const cbor::Bytes brokenArray = {0x82, 0x01, 0xff}; // [1, break]: a break in a definite array
    const cbor::Result<cbor::Value> r = cbor::Decode(brokenArray);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().offset, 2u);
    EXPECT_NE(r.error().message.find("unexpected break"), std::string::npos);
}

} // namespace
} // namespace teepsim
