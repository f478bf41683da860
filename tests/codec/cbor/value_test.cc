// cbor::Value: copies are independent (value semantics), accessors are safe on the wrong
// type, integer helpers cover the full CBOR range, equality is structural.
#include "teepsim/codec/cbor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "hex_util.h"

namespace teepsim::cbor
{
namespace
{

using test::FromHex;

TEST(ValueSemantics, MutatingACopyOfAnArrayLeavesTheOriginalAlone)
{
    Value a = Value::MakeArray({Value::Uint(1), Value::MakeArray({Value::Uint(2)})});
    Value b = a;
    b.array()[1].array().push_back(Value::Uint(3));
    b.push(Value::Tstr("x"));
    EXPECT_EQ(Diagnostic(a), "[1, [2]]");
    EXPECT_EQ(Diagnostic(b), "[1, [2, 3], \"x\"]");
    // And the other way round: mutating the original after the copy.
    a.array()[0] = Value::Int(-5);
    EXPECT_EQ(Diagnostic(b), "[1, [2, 3], \"x\"]");
}

TEST(ValueSemantics, MutatingACopyOfAMapOrTagLeavesTheOriginalAlone)
{
    Value m = Value::MakeMap();
    m.set(1, Value::MakeMap()).set("k", Value::Bstr(Bytes{1, 2}));
    Value t = Value::Tag(18, m);
    Value m2 = m;
    m2.map()[0].second.set(2, Value::Null());
    Value t2 = t;
    t2.tagged().map().clear();
    EXPECT_EQ(t.tagged().map().size(), 2u);
    t = Value::Null(); // the copy owns its content
    t2 = Value::Tag(18, m);
    EXPECT_EQ(Diagnostic(m), "{1: {}, \"k\": h'0102'}");
    EXPECT_EQ(Diagnostic(m2), "{1: {2: null}, \"k\": h'0102'}");
    EXPECT_EQ(Diagnostic(t2), "18({1: {}, \"k\": h'0102'})");
}

TEST(ValueSemantics, DecodedValuesCopyIndependently)
{
    auto r = Decode(FromHex("a2018102026161"));
    ASSERT_TRUE(r.ok());
    Value copy = *r;
    copy.map()[0].second.push(Value::Uint(9));
    EXPECT_EQ(Diagnostic(*r), "{1: [2], 2: \"a\"}");
    EXPECT_EQ(Diagnostic(copy), "{1: [2, 9], 2: \"a\"}");
    Value assigned;
    assigned = copy; // copy-assignment deep-copies too
    copy.map().clear();
    EXPECT_EQ(assigned.map().size(), 2u);
}

TEST(ValueSemantics, MovesTransferWithoutCopying)
{
    Value a = Value::Bstr(Bytes(1000, 7));
    const uint8_t* data = a.bytes().data();
    Value b = std::move(a);
    EXPECT_EQ(b.bytes().data(), data);
}

TEST(ValueAccess, ConstAccessorsOnTheWrongTypeReturnEmptyValues)
{
    const Value i = Value::Uint(5);
    EXPECT_TRUE(i.bytes().empty());
    EXPECT_TRUE(i.text().empty());
    EXPECT_TRUE(i.array().empty());
    EXPECT_TRUE(i.map().empty());
    EXPECT_TRUE(i.tagged().isNull());
    EXPECT_EQ(i.find(1), nullptr);
    EXPECT_EQ(i.find("a"), nullptr);
    EXPECT_TRUE(std::isnan(i.floating()));
    EXPECT_FALSE(i.boolean());
    EXPECT_EQ(Value::Tstr("x").rawUint(), 0u);
    EXPECT_FALSE(Value::Tstr("x").asInt64().has_value());
}

TEST(ValueAccess, MutatorsOnTheWrongTypeThrow)
{
    Value i = Value::Uint(5);
    EXPECT_THROW(i.array(), std::logic_error);
    EXPECT_THROW(i.map(), std::logic_error);
    EXPECT_THROW(i.set(1, Value()), std::logic_error);
    EXPECT_THROW(i.push(Value()), std::logic_error);
    EXPECT_THROW(i.tagged(), std::logic_error);
    EXPECT_THROW(Value::Simple(24), std::invalid_argument);
    EXPECT_THROW(Value::Simple(31), std::invalid_argument);
    EXPECT_NO_THROW(Value::Simple(32));
}

TEST(ValueAccess, IntegersCoverTheFullRange)
{
    EXPECT_EQ(Value::Int(-1).type(), Type::Negative);
    EXPECT_EQ(Value::Int(-1).rawUint(), 0u);
    EXPECT_EQ(Value::Int(INT64_MIN).asInt64(), INT64_MIN);
    EXPECT_EQ(Value::Int(INT64_MAX).asInt64(), INT64_MAX);
    EXPECT_FALSE(Value::Uint(uint64_t(INT64_MAX) + 1).asInt64().has_value());
    EXPECT_FALSE(Value::NegativeRaw(uint64_t(INT64_MAX) + 1).asInt64().has_value());
    EXPECT_EQ(Value::Int(7), Value::Uint(7));
    EXPECT_NE(Value::Int(-7), Value::Uint(7));
}

TEST(ValueAccess, FindLooksUpIntegerAndTextKeys)
{
    Value m = Value::MakeMap();
    m.set(-1, Value::Uint(1)).set(19, Value::Uint(2)).set("x", Value::Uint(3));
    ASSERT_NE(m.find(-1), nullptr);
    EXPECT_EQ(m.find(-1)->rawUint(), 1u);
    EXPECT_EQ(m.find(19)->rawUint(), 2u);
    EXPECT_EQ(m.find("x")->rawUint(), 3u);
    EXPECT_EQ(m.find(1), nullptr);
    EXPECT_EQ(m.find("y"), nullptr);
}

TEST(ValueAccess, EqualityIsStructuralAndFloatsCompareByBits)
{
    EXPECT_EQ(Value::Double(std::nan("")), Value::Double(std::nan("")));
    EXPECT_NE(Value::Double(0.0), Value::Double(-0.0));
    EXPECT_NE(Value::Double(1.0), Value::Uint(1));
    EXPECT_NE(Value::Bstr(Bytes{0x61}), Value::Tstr("a"));
    EXPECT_NE(Value::Tag(1, Value::Uint(1)), Value::Tag(2, Value::Uint(1)));
    EXPECT_EQ(Value(), Value::Null());
    EXPECT_TRUE(Value::Bool(true).isBool());
    EXPECT_TRUE(Value::Bool(true).boolean());
}

TEST(ValueAccess, WrapGivesBstrDotCbor)
{
    const Value w = Wrap(Value::MakeArray({Value::Uint(1)}));
    ASSERT_TRUE(w.isBstr());
    EXPECT_EQ(w.bytes(), FromHex("8101"));
}

} // namespace
} // namespace teepsim::cbor
