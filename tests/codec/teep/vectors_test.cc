// The draft's Appendix D examples and libteep's messages: decode in their own profile and
// re-encode byte for byte; cross-profile decoding follows the profile tables.
#include "teepsim/codec/teep.h"

#include <gtest/gtest.h>

#include "teep_test_util.h"
#include "tests/support/test_names.h"

namespace teepsim::teep
{
namespace
{

using test::Hex;
using test::ReadVector;

struct VectorCase
{
    const char* file;
    ProfileId profile;
    MessageType type;
};

class ExampleRoundTrip : public ::testing::TestWithParam<VectorCase>
{
};

// Every example decodes as the expected message and re-encodes to the identical bytes.
TEST_P(ExampleRoundTrip, DecodesAndReencodesByteIdentically)
{
    const auto& c = GetParam();
    const Profile& p = Profile::Get(c.profile);
    const Bytes wire = ReadVector(c.file);
    auto r = Decode(wire, p);
    ASSERT_TRUE(r.ok()) << c.file << ": " << r.failure().ToString();
    EXPECT_EQ(TypeOf(*r), c.type);
    EXPECT_EQ(Hex(Encode(*r, p)), Hex(wire)) << c.file;
}

// Each case is named after its file (query_request, ...); the prefix names the vector set.
const auto kNameByFile =
    teepsim::test::NameBy([](const VectorCase& c) { return teepsim::test::FileGtestName(c.file); });

INSTANTIATE_TEST_SUITE_P(
    Draft26, ExampleRoundTrip,
    ::testing::Values(VectorCase{"ietf-teep-protocol-draft26-pr420/query_request.cbor",
                                 ProfileId::Draft26, MessageType::QueryRequest},
                      VectorCase{"ietf-teep-protocol-draft26-pr420/query_response.cbor",
                                 ProfileId::Draft26, MessageType::QueryResponse},
                      VectorCase{"ietf-teep-protocol-draft26-pr420/update.cbor", ProfileId::Draft26,
                                 MessageType::Update},
                      VectorCase{"ietf-teep-protocol-draft26-pr420/teep_success.cbor",
                                 ProfileId::Draft26, MessageType::Success},
                      VectorCase{"ietf-teep-protocol-draft26-pr420/teep_error.cbor",
                                 ProfileId::Draft26, MessageType::Error}),
    kNameByFile);

INSTANTIATE_TEST_SUITE_P(
    LegacyPre26, ExampleRoundTrip,
    ::testing::Values(VectorCase{"ietf-teep-protocol-master-pre26/query_request.cbor",
                                 ProfileId::Legacy, MessageType::QueryRequest},
                      VectorCase{"ietf-teep-protocol-master-pre26/query_response.cbor",
                                 ProfileId::Legacy, MessageType::QueryResponse},
                      VectorCase{"ietf-teep-protocol-master-pre26/update.cbor", ProfileId::Legacy,
                                 MessageType::Update},
                      VectorCase{"ietf-teep-protocol-master-pre26/teep_success.cbor",
                                 ProfileId::Legacy, MessageType::Success},
                      VectorCase{"ietf-teep-protocol-master-pre26/teep_error.cbor",
                                 ProfileId::Legacy, MessageType::Error}),
    kNameByFile);

INSTANTIATE_TEST_SUITE_P(
    LegacyDraft21, ExampleRoundTrip,
    ::testing::Values(VectorCase{"ietf-teep-protocol-draft21/query_request.cbor", ProfileId::Legacy,
                                 MessageType::QueryRequest},
                      VectorCase{"ietf-teep-protocol-draft21/query_response.cbor",
                                 ProfileId::Legacy, MessageType::QueryResponse},
                      VectorCase{"ietf-teep-protocol-draft21/update.cbor", ProfileId::Legacy,
                                 MessageType::Update},
                      VectorCase{"ietf-teep-protocol-draft21/teep_success.cbor", ProfileId::Legacy,
                                 MessageType::Success},
                      VectorCase{"ietf-teep-protocol-draft21/teep_error.cbor", ProfileId::Legacy,
                                 MessageType::Error}),
    kNameByFile);

// libteep's unsigned messages use the legacy numbering (plus a pre-draft-17 label 5 and SUIT
// parameter 28, kept as extension / other parameter).
INSTANTIATE_TEST_SUITE_P(LibteepLegacy, ExampleRoundTrip,
                         ::testing::Values(VectorCase{"libteep-kentakayama/query_request.cbor",
                                                      ProfileId::Legacy, MessageType::QueryRequest},
                                           VectorCase{"libteep-kentakayama/query_response.cbor",
                                                      ProfileId::Legacy,
                                                      MessageType::QueryResponse},
                                           VectorCase{"libteep-kentakayama/update.cbor",
                                                      ProfileId::Legacy, MessageType::Update},
                                           VectorCase{"libteep-kentakayama/teep_success.cbor",
                                                      ProfileId::Legacy, MessageType::Success},
                                           VectorCase{"libteep-kentakayama/teep_error.cbor",
                                                      ProfileId::Legacy, MessageType::Error}),
                         kNameByFile);

// The typed fields of the draft26 examples hold the documented values.
TEST(Draft26Examples, TypedFieldsMatchAppendixD)
{
    const Bytes token = test::FromHex("A0A1A2A3A4A5A6A7A8A9AAABACADAEAF");
    auto qr = Decode(ReadVector("ietf-teep-protocol-draft26-pr420/query_request.cbor"));
    ASSERT_TRUE(qr.ok());
    const auto& q = std::get<QueryRequest>(*qr);
    EXPECT_EQ(q.token, token);
    EXPECT_EQ(q.versions, std::vector<uint32_t>{0});
    ASSERT_EQ(q.supportedCipherSuites.size(), 2u);
    EXPECT_EQ(q.supportedCipherSuites[0], Sign1Suite(crypto::Alg::ESP256));
    EXPECT_EQ(q.supportedCipherSuites[1], Sign1Suite(crypto::Alg::Ed25519));
    EXPECT_EQ(q.supportedSuitCoseProfiles.size(), 4u);
    EXPECT_EQ(q.supportedSuitCoseProfiles[0], (SuitCoseProfile{-16, -9, -29, -65534}));
    EXPECT_EQ(q.dataItemRequested, uint64_t{kDataAttestation | kDataTrustedComponents});

    auto rr = Decode(ReadVector("ietf-teep-protocol-draft26-pr420/query_response.cbor"));
    ASSERT_TRUE(rr.ok());
    const auto& r = std::get<QueryResponse>(*rr);
    EXPECT_EQ(r.selectedVersion, 0u);
    EXPECT_EQ(r.attestationPayload, Bytes{});
    ASSERT_TRUE(r.tcList && r.tcList->size() == 1);
    EXPECT_EQ((*r.tcList)[0].componentId,
              ComponentId{test::FromHex("0102030405060708090A0B0C0D0E0F")});
    ASSERT_TRUE((*r.tcList)[0].imageDigest);
    EXPECT_EQ(Hex(*(*r.tcList)[0].imageDigest),
              "822f5820a7fd6593eac32eb4be578278e6540c5c09cfd7d4d234973054833b2b93030609");

    auto ur = Decode(ReadVector("ietf-teep-protocol-draft26-pr420/update.cbor"));
    ASSERT_TRUE(ur.ok());
    const auto& u = std::get<Update>(*ur);
    ASSERT_TRUE(u.manifestList && u.manifestList->size() == 1);
    EXPECT_EQ((*u.manifestList)[0].size(), 334u); // the SUIT envelope, kept verbatim

    auto er = Decode(ReadVector("ietf-teep-protocol-draft26-pr420/teep_error.cbor"));
    ASSERT_TRUE(er.ok());
    const auto& e = std::get<Error>(*er);
    EXPECT_EQ(e.errMsg, "disk-full");
    EXPECT_EQ(e.errCode, ErrorCode::ManifestProcessingFailed);
}

// The same logical Error encodes with code 11 under draft26 and 17 under legacy.
TEST(ProfileTables, ErrorCodeAndTypeNumbersFollowTheProfile)
{
    Error e;
    e.errCode = ErrorCode::ManifestProcessingFailed;
    EXPECT_EQ(Hex(Encode(e, Profile::Draft26())), "8305a00b");
    EXPECT_EQ(Hex(Encode(e, Profile::Legacy())), "8306a011");
    EXPECT_EQ(Profile::Draft26().WireType(MessageType::Success), 4u);
    EXPECT_EQ(Profile::Legacy().WireType(MessageType::Success), 5u);
    EXPECT_EQ(Profile::ByName("legacy"), &Profile::Legacy());
    EXPECT_EQ(Profile::ByName("draft27"), nullptr);
}

// A draft26 Success (type 4) is not a message type under legacy: ERR_PERMANENT_ERROR.
TEST(CrossProfile, Draft26SuccessIsRejectedUnderLegacy)
{
    auto r =
        Decode(ReadVector("ietf-teep-protocol-draft26-pr420/teep_success.cbor"), Profile::Legacy());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().code, ErrorCode::PermanentError);
    EXPECT_NE(r.failure().reason.find("unknown message type 4"), std::string::npos);
    EXPECT_EQ(r.failure().offset, 1u);
}

// A legacy Success (type 5) reads as an Error under draft26, which needs 3 elements: it is
// rejected with ERR_PERMANENT_ERROR, never taken for a Success.
TEST(CrossProfile, LegacySuccessIsRejectedUnderDraft26)
{
    auto r =
        Decode(ReadVector("ietf-teep-protocol-master-pre26/teep_success.cbor"), Profile::Draft26());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().code, ErrorCode::PermanentError);
    EXPECT_NE(r.failure().reason.find("Error must have 3 elements"), std::string::npos);
}

// A legacy Error (type 6) is no message type under draft26; a draft26 Error (5, 3 elements)
// reads as a Success with the wrong arity under legacy.
TEST(CrossProfile, ErrorsAreRejectedAcrossProfiles)
{
    auto legacyErr =
        Decode(ReadVector("ietf-teep-protocol-master-pre26/teep_error.cbor"), Profile::Draft26());
    ASSERT_FALSE(legacyErr.ok());
    EXPECT_NE(legacyErr.failure().reason.find("unknown message type 6"), std::string::npos);
    auto d26Err =
        Decode(ReadVector("ietf-teep-protocol-draft26-pr420/teep_error.cbor"), Profile::Legacy());
    ASSERT_FALSE(d26Err.ok());
    EXPECT_NE(d26Err.failure().reason.find("Success must have 2 elements"), std::string::npos);
}

// Under legacy, the draft26 QueryRequest's token label 19 means suit-reports, which must be an
// array: the message is refused, not misread.
TEST(CrossProfile, Draft26QueryRequestIsRejectedUnderLegacy)
{
    auto r = Decode(ReadVector("ietf-teep-protocol-draft26-pr420/query_request.cbor"),
                    Profile::Legacy());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().code, ErrorCode::PermanentError);
    EXPECT_NE(r.failure().reason.find("suit-reports"), std::string::npos);
}

// The draft21 QueryRequest offers only ES256/EdDSA (-7/-8): draft26 supports neither.
TEST(CrossProfile, Draft21SuitesAreUnsupportedUnderDraft26)
{
    auto r =
        Decode(ReadVector("ietf-teep-protocol-draft21/query_request.cbor"), Profile::Draft26());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().code, ErrorCode::UnsupportedCipherSuites);
    EXPECT_EQ(r.failure().kind, Failure::Kind::Unsupported);
}

} // namespace
} // namespace teepsim::teep
