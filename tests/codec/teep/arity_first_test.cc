// Issue 16: a QueryRequest's shape is checked before its options are negotiated, so a message of
// the wrong arity is malformed (ERR_PERMANENT_ERROR, Kind::Malformed) even when the versions or
// cipher suites it offers are also unsupported; a well-formed one keeps its negotiation error.
#include "teepsim/codec/teep.h"

#include <gtest/gtest.h>

#include "teep_test_util.h"

namespace teepsim::teep
{
namespace
{

Bytes Wire(const std::string& diag)
{
    auto v = cbor::ParseDiagnostic(diag);
    if (!v)
    {
        throw std::runtime_error("bad diag in test: " + v.error().ToString());
    }
    return cbor::Encode(*v);
}

void ExpectMalformedArity(const Result<Message>& r)
{
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().kind, Failure::Kind::Malformed) << r.failure().ToString();
    EXPECT_EQ(r.failure().code, ErrorCode::PermanentError) << r.failure().ToString();
    EXPECT_NE(r.failure().reason.find("QueryRequest must have 5 elements, has 3"),
              std::string::npos)
        << r.failure().ToString();
}

// [1, {20: h'A0A1', 3: [1]}, 3]: three elements, a short token and only version 1.
TEST(QueryRequestArity, ThreeElementsWithUnsupportedVersionIsMalformed)
{
    const Bytes wire = Wire("[1, {20: h'A0A1', 3: [1]}, 3]");
    ASSERT_EQ(test::Hex(wire), "8301a21442a0a103810103");
    ExpectMalformedArity(Decode(wire, Profile::Legacy()));
    ExpectMalformedArity(Decode(wire, Profile::Draft26()));
}

// Three elements whose cipher-suite option offers only an unknown suite: still malformed.
TEST(QueryRequestArity, ThreeElementsWithUnsupportedSuiteOptionIsMalformed)
{
    const Bytes wire = Wire("[1, {20: h'A0A1A2A3A4A5A6A7A8A9AAABACADAEAF', 1: [[[18, -35]]]}, 3]");
    ExpectMalformedArity(Decode(wire, Profile::Legacy()));
}

// Five elements and only version 1: well-formed, so the negotiation error stands.
TEST(QueryRequestArity, WellFormedUnsupportedVersionStaysUnsupported)
{
    const Bytes wire = Wire("[1, {20: h'A0A1A2A3A4A5A6A7A8A9AAABACADAEAF', 3: [1]}, "
                            "[[[18, -7]]], [[-16, -7, -29, -65534]], 3]");
    auto r = Decode(wire, Profile::Legacy());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().kind, Failure::Kind::Unsupported) << r.failure().ToString();
    EXPECT_EQ(r.failure().code, ErrorCode::UnsupportedMsgVersion) << r.failure().ToString();
}

} // namespace
} // namespace teepsim::teep
