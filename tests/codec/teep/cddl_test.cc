// CDDL enforcement: each violation is refused with the TEEP error code a receiver would send,
// a reason naming the item, and its byte offset.
#include "teepsim/codec/teep.h"

#include <gtest/gtest.h>

#include "teep_test_util.h"

namespace teepsim::teep
{
namespace
{

// Builds the wire bytes from diagnostic notation.
Bytes Wire(const std::string& diag)
{
    auto v = cbor::ParseDiagnostic(diag);
    if (!v)
    {
        throw std::runtime_error("bad diag in test: " + v.error().ToString());
    }
    return cbor::Encode(*v);
}

std::string Repeat(const std::string& hexByte, size_t n)
{
    std::string s;
    for (size_t i = 0; i < n; ++i)
    {
        s += hexByte;
    }
    return s;
}

Failure Refused(const Bytes& wire, const Profile& p = Profile::Draft26())
{
    auto r = Decode(wire, p);
    EXPECT_FALSE(r.ok()) << "accepted: " << test::Hex(wire);
    return r.ok() ? Failure{} : r.failure();
}

const char* kSuites = "[[[18, -9]]], [[-16, -9, -29, -65534]], 3";

TEST(Cddl, TokenOfSevenBytesIsPermanentErrorAtItsOffset)
{
    // 82 04 a1 13 47 ...: the token value starts at byte 4.
    Failure f = Refused(Wire("[4, {19: h'01020304050607'}]"));
    EXPECT_EQ(f.code, ErrorCode::PermanentError);
    EXPECT_EQ(f.kind, Failure::Kind::Malformed);
    EXPECT_NE(f.reason.find("token: 7 bytes, want 8..64"), std::string::npos) << f.reason;
    EXPECT_EQ(f.offset, 4u);
}

TEST(Cddl, TokenBoundsAreInclusive)
{
    EXPECT_TRUE(Decode(Wire("[4, {19: h'" + Repeat("aa", 8) + "'}]")).ok());
    EXPECT_TRUE(Decode(Wire("[4, {19: h'" + Repeat("aa", 64) + "'}]")).ok());
    EXPECT_EQ(Refused(Wire("[4, {19: h'" + Repeat("aa", 65) + "'}]")).code,
              ErrorCode::PermanentError);
}

TEST(Cddl, ChallengeOf600BytesIsPermanentError)
{
    Failure f = Refused(Wire("[1, {2: h'" + Repeat("cc", 600) + "'}, " + kSuites + "]"));
    EXPECT_EQ(f.code, ErrorCode::PermanentError);
    EXPECT_NE(f.reason.find("challenge: 600 bytes, want 8..512"), std::string::npos);
    EXPECT_TRUE(Decode(Wire("[1, {2: h'" + Repeat("cc", 512) + "'}, " + kSuites + "]")).ok());
    EXPECT_EQ(Refused(Wire("[1, {2: h'" + Repeat("cc", 7) + "'}, " + kSuites + "]")).code,
              ErrorCode::PermanentError);
}

TEST(Cddl, WrongArityIsPermanentError)
{
    EXPECT_NE(Refused(Wire("[1, {}, [[[18, -9]]], [[-16, -9, -29, -65534]]]"))
                  .reason.find("QueryRequest must have 5 elements, has 4"),
              std::string::npos);
    EXPECT_NE(Refused(Wire("[4, {}, 1]")).reason.find("Success must have 2"), std::string::npos);
    EXPECT_NE(Refused(Wire("[5, {}]")).reason.find("Error must have 3"), std::string::npos);
    EXPECT_NE(Refused(Wire("[2, {}, 0]")).reason.find("QueryResponse must have 2"),
              std::string::npos);
    EXPECT_EQ(Refused(Wire("[3]")).code, ErrorCode::PermanentError);
}

TEST(Cddl, WrongOptionTypesArePermanentError)
{
    EXPECT_NE(Refused(Wire("[4, {19: \"ABCDEFGHIJ\"}]")).reason.find("token must be a byte string"),
              std::string::npos);
    EXPECT_NE(Refused(Wire("[1, {3: 0}, " + std::string(kSuites) + "]"))
                  .reason.find("versions must be an array"),
              std::string::npos);
    EXPECT_NE(Refused(Wire("[5, {11: h'00'}, 1]")).reason.find("err-msg must be a text string"),
              std::string::npos);
    EXPECT_NE(Refused(Wire("[2, {7: {}}]")).reason.find("tc-list must be an array"),
              std::string::npos);
    EXPECT_NE(Refused(Wire("[2, {13: [{15: [h'01'], 17: 1}]}]")).reason.find("have-binary"),
              std::string::npos);
    EXPECT_NE(Refused(Wire("[4, {10: \"\"}]")).reason.find("msg: 0 bytes"), std::string::npos);
    EXPECT_NE(Refused(Wire("[5, {11: \"" + std::string(129, 'x') + "\"}, 1]"))
                  .reason.find("err-msg: 129 bytes"),
              std::string::npos);
    EXPECT_NE(Refused(Wire("[5, {21: \"" + std::string(36, 'x') + "\"}, 1]"))
                  .reason.find("err-lang: 36 bytes"),
              std::string::npos);
    EXPECT_EQ(Refused(Wire("[1, {3: [4294967296]}, " + std::string(kSuites) + "]")).code,
              ErrorCode::PermanentError); // version is uint .size 4
    EXPECT_NE(Refused(Wire("[2, {14: []}]")).reason.find("must not be empty"), std::string::npos);
    EXPECT_EQ(Refused(Wire("[1, {}, [[[18, -9]]], [[-16, -9, -29, -65534]], -1]")).code,
              ErrorCode::PermanentError); // data-item-requested is a uint
}

TEST(Cddl, UnknownOrMalformedTypeIsPermanentError)
{
    EXPECT_NE(Refused(Wire("[9, {}]")).reason.find("unknown message type 9"), std::string::npos);
    EXPECT_NE(Refused(Wire("[0, {}]")).reason.find("unknown message type 0"), std::string::npos);
    EXPECT_NE(Refused(Wire("[\"1\", {}]")).reason.find("unsigned integer"), std::string::npos);
    EXPECT_NE(Refused(Wire("{1: 2}")).reason.find("expected TEEP message array"),
              std::string::npos);
    EXPECT_NE(Refused(Wire("[4, [1]]")).reason.find("expected options map"), std::string::npos);
}

TEST(Cddl, OptionMapRulesAreEnforced)
{
    EXPECT_NE(Refused(Wire("[4, {-1: 0}]")).reason.find("option label must be an unsigned"),
              std::string::npos);
    EXPECT_NE(Refused(Wire("[4, {\"x\": 0}]")).reason.find("option label must be an unsigned"),
              std::string::npos);
    // {10: "a", 10: "b"}: duplicate labels.
    EXPECT_NE(Refused(test::FromHex("8204a20a61610a6162")).reason.find("duplicate option label 10"),
              std::string::npos);
}

TEST(Cddl, ErrCodeMustBeKnownInTheProfile)
{
    EXPECT_NE(Refused(Wire("[5, {}, 12]")).reason.find("unknown err-code 12"), std::string::npos);
    EXPECT_EQ(Refused(Wire("[5, {}, 0]")).code, ErrorCode::PermanentError);
    EXPECT_EQ(Refused(Wire("[5, {}, 17]")).code, ErrorCode::PermanentError); // legacy value
    EXPECT_TRUE(Decode(Wire("[6, {}, 17]"), Profile::Legacy()).ok());
    EXPECT_EQ(Refused(Wire("[6, {}, 11]"), Profile::Legacy()).code, ErrorCode::PermanentError);
    EXPECT_EQ(Refused(Wire("[3, {22: 99}]")).code, ErrorCode::PermanentError); // Update err-code
}

TEST(Cddl, NegotiationFailuresCarryTheirOwnCodes)
{
    Failure v = Refused(Wire("[1, {3: [1, 2]}, " + std::string(kSuites) + "]"));
    EXPECT_EQ(v.code, ErrorCode::UnsupportedMsgVersion);
    EXPECT_EQ(v.kind, Failure::Kind::Unsupported);
    EXPECT_EQ(Refused(Wire("[1, {}, [[[18, -7]], [[18, -35]]], [[-16, -9, -29, -65534]], 3]")).code,
              ErrorCode::UnsupportedCipherSuites);
    EXPECT_EQ(Refused(Wire("[1, {20: [7]}, " + std::string(kSuites) + "]")).code,
              ErrorCode::UnsupportedFreshnessMechanisms);
    EXPECT_EQ(Refused(Wire("[2, {5: 3}]")).code, ErrorCode::UnsupportedMsgVersion);
    // A receiver that supports only ES256 suites (custom caps) refuses the draft26 offer.
    ReceiverCaps caps;
    caps.cipherSuites = {Sign1Suite(crypto::Alg::ES256)};
    auto r = Decode(Wire("[1, {}, " + std::string(kSuites) + "]"), Profile::Draft26(), caps);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().code, ErrorCode::UnsupportedCipherSuites);
}

TEST(Cddl, EmbeddedCborMustBeWellFormed)
{
    EXPECT_NE(
        Refused(Wire("[3, {9: [h'ff']}]")).reason.find("manifest-list entry is not well-formed"),
        std::string::npos);
    EXPECT_NE(Refused(Wire("[3, {9: [h'01']}]")).reason.find("not a SUIT_Envelope"),
              std::string::npos);
    EXPECT_TRUE(Decode(Wire("[3, {9: [h'a0', <<107({})>>]}]")).ok());
    EXPECT_EQ(Refused(Wire("[4, {18: [h'5f']}]")).code, ErrorCode::PermanentError);
}

TEST(Cddl, FramingErrorsArePermanentErrors)
{
    EXPECT_NE(Refused({}).reason.find("truncated"), std::string::npos);
    EXPECT_NE(Refused(test::FromHex("9f04a0ff")).reason.find("indefinite-length"),
              std::string::npos);
    Failure trailing = Refused(test::FromHex("8204a000"));
    EXPECT_NE(trailing.reason.find("trailing bytes"), std::string::npos);
    EXPECT_EQ(trailing.offset, 3u);
    EXPECT_EQ(Refused(test::FromHex("8204a113")).code, ErrorCode::PermanentError); // truncated
    EXPECT_EQ(Refused(test::FromHex("9bffffffffffffffff04")).code, ErrorCode::PermanentError);
    EXPECT_EQ(Refused(test::FromHex("8204bbffffffffffffffff")).code, ErrorCode::PermanentError);
}

// Options the message type does not define are kept verbatim and written back in place.
TEST(Cddl, UnknownOptionsArePreservedInWireOrder)
{
    const Bytes wire = Wire("[4, {200: {1: [h'00']}, 19: h'0001020304050607', 10: \"ok\"}]");
    auto r = Decode(wire);
    ASSERT_TRUE(r.ok()) << r.failure().ToString();
    const auto& s = std::get<Success>(*r);
    ASSERT_EQ(s.extensions.size(), 1u);
    EXPECT_EQ(s.extensions[0].label, 200u);
    EXPECT_EQ(s.msg, "ok");
    EXPECT_EQ(test::Hex(Encode(*r)), test::Hex(wire));
}

// libteep's malformed QueryRequests (draft-08 layout, legacy numbering), see their .md files:
// err1 offers only version 1, err2 offers only the old [null, 3, null] suite, err3 has a
// 2-byte token; all three lack the two required suite arrays (3 elements, not 5), so they are
// malformed before anything they offer is negotiated.
TEST(LibteepMalformed, QueryRequestErr1IsMalformedNotUnsupportedVersion)
{
    auto r =
        Decode(test::ReadVector("libteep-kentakayama/query_request_err1.cbor"), Profile::Legacy());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().kind, Failure::Kind::Malformed);
    EXPECT_EQ(r.failure().code, ErrorCode::PermanentError);
}

TEST(LibteepMalformed, QueryRequestErr2IsMalformedNotUnsupportedCipherSuites)
{
    auto r =
        Decode(test::ReadVector("libteep-kentakayama/query_request_err2.cbor"), Profile::Legacy());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().kind, Failure::Kind::Malformed);
    EXPECT_EQ(r.failure().code, ErrorCode::PermanentError);
}

TEST(LibteepMalformed, QueryRequestErr3IsPermanentError)
{
    auto r =
        Decode(test::ReadVector("libteep-kentakayama/query_request_err3.cbor"), Profile::Legacy());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().code, ErrorCode::PermanentError);
    EXPECT_EQ(r.failure().kind, Failure::Kind::Malformed);
}

TEST(Encoder, RefusesWhatTheDecoderWouldRefuse)
{
    Success s;
    s.token = Bytes(7, 1);
    EXPECT_THROW(Encode(s), std::invalid_argument);
    Error e;
    e.errLang = std::string(36, 'x');
    EXPECT_THROW(Encode(e), std::invalid_argument);
    QueryRequest q; // no cipher suites
    EXPECT_THROW(Encode(q), std::invalid_argument);
    Success ext;
    ext.extensions.push_back({19, cbor::Value::Uint(1)}); // collides with token
    EXPECT_THROW(Encode(ext), std::invalid_argument);
}

} // namespace
} // namespace teepsim::teep
