// Typed messages with every option set encode and decode back to equal values, in both
// profiles; encoding is deterministic.
#include "teepsim/codec/teep.h"

#include <gtest/gtest.h>

#include "teep_test_util.h"
#include "tests/support/test_names.h"

namespace teepsim::teep
{
namespace
{

const Bytes kToken(16, 0xa5);

std::vector<Message> FullMessages()
{
    QueryRequest q;
    q.token = kToken;
    q.supportedFreshnessMechanisms = {kFreshnessNonce, kFreshnessTimestamp};
    q.challenge = Bytes(32, 0x11);
    q.versions = {0};
    q.attestationPayloadFormat = "application/eat+cwt";
    q.attestationPayload = Bytes{1, 2, 3};
    q.suitReports = std::vector<Bytes>{Bytes{0xa0}};
    q.extensions = {{300, cbor::Value::Tstr("ext")}};
    q.supportedCipherSuites = {Sign1Suite(crypto::Alg::ESP256), Sign1Suite(crypto::Alg::Ed25519)};
    q.supportedSuitCoseProfiles = {{-16, -9, -29, -65534}};
    q.dataItemRequested = kDataAttestation | kDataTrustedComponents | kDataSuitReports;

    QueryResponse r;
    r.token = kToken;
    r.selectedVersion = 0;
    r.attestationPayloadFormat = "application/eat+cwt";
    r.attestationPayload = Bytes(100, 0x22);
    r.suitReports = std::vector<Bytes>{Bytes{0xa1, 0x01, 0x02}};
    TcInfo tc;
    tc.componentId = {Bytes{'T', 'E', 'E', 'P'}, Bytes(16, 0x8d)};
    tc.imageDigest = test::FromHex("822f4401020304"); // << [-16, h'01020304'] >>
    tc.imageSize = 20;
    tc.manifestSequenceNumber = 7;
    tc.otherParams = {{cbor::Value::Uint(28), cbor::Value::Uint(1)}};
    r.tcList = {tc};
    r.requestedTcList = {RequestedTcInfo{{Bytes{1}}, 3, true}, RequestedTcInfo{{Bytes{2}}, {}, {}}};
    r.unneededManifestList = {{Bytes{'o', 'l', 'd'}, Bytes{'s', 'u', 'i', 't'}}};
    r.extList = {1, 4294967295u};

    Update u;
    u.token = kToken;
    u.unneededManifestList = {{Bytes{'o', 'l', 'd'}}};
    u.manifestList = {cbor::Encode(cbor::Value::MakeMap().set(3, cbor::Value::Bstr(Bytes{})))};
    u.attestationPayloadFormat = "application/ear+cwt";
    u.attestationPayload = Bytes(40, 0x33);
    u.errCode = ErrorCode::AttestationRequired;
    u.errMsg = "attest";
    u.errLang = "en";

    Success s;
    s.token = kToken;
    s.msg = "installed";
    s.suitReports = std::vector<Bytes>{Bytes{0xa0}, Bytes{0xa0}};

    Error e;
    e.token = kToken;
    e.errMsg = "no";
    e.errLang = "en-US";
    e.supportedCipherSuites = {Sign1Suite(crypto::Alg::Ed25519)};
    e.supportedFreshnessMechanisms = {kFreshnessNonce};
    e.supportedSuitCoseProfiles = {{-16, -19, -29, -65534}};
    e.challenge = Bytes(8, 0x44);
    e.versions = {0};
    e.suitReports = std::vector<Bytes>{Bytes{0xa0}};
    e.errCode = ErrorCode::ManifestProcessingFailed;
    return {q, r, u, s, e};
}

class FullRoundTrip : public ::testing::TestWithParam<ProfileId>
{
};

TEST_P(FullRoundTrip, EveryOptionSurvivesEncodeDecode)
{
    const Profile& p = Profile::Get(GetParam());
    for (const Message& m : FullMessages())
    {
        const Bytes wire = Encode(m, p);
        EXPECT_EQ(wire, Encode(m, p)) << "deterministic";
        auto r = Decode(wire, p);
        ASSERT_TRUE(r.ok()) << ToString(TypeOf(m)) << ": " << r.failure().ToString();
        EXPECT_TRUE(*r == m) << ToString(TypeOf(m));
        EXPECT_EQ(Encode(*r, p), wire) << "re-encode of the decoded message";
    }
}

INSTANTIATE_TEST_SUITE_P(Profiles, FullRoundTrip,
                         ::testing::Values(ProfileId::Draft26, ProfileId::Legacy),
                         teepsim::test::NameBy([](ProfileId p) { return Profile::Get(p).name(); }));

// Default option order: token first, then ascending labels (the draft examples' order).
TEST(EncoderOrder, TokenFirstThenAscendingLabels)
{
    Error e;
    e.versions = {0};
    e.errMsg = "x";
    e.token = kToken;
    e.errCode = ErrorCode::PermanentError;
    const Bytes wire = Encode(e);
    // 83 05 a3 13 50 <16> 03 81 00 0b 61 78 01
    EXPECT_EQ(test::Hex(wire), "8305a31350" + test::Hex(kToken) + "0381000b617801");
}

} // namespace
} // namespace teepsim::teep
