// The COSE layer of TEEP messages: Sign1 and multi-signer COSE_Sign round trips, libteep's
// signed files (verify, and re-signing reproduces them byte for byte), and each failure's code.
#include "teepsim/codec/teep_signed.h"
#include "teepsim/codec/tree_reference.h"

#include <gtest/gtest.h>

#include <random>

#include "teep_test_util.h"
#include "tests/support/byte_mutations.h"
#include "tests/support/test_names.h"

namespace teepsim::teep
{
namespace
{

using crypto::Alg;
using crypto::Key;

Key P256(uint8_t seedByte)
{
    return Key::GenerateP256(Bytes(32, seedByte));
}

Message SampleQueryRequest()
{
    QueryRequest q;
    q.token = Bytes(16, 0xa0);
    q.versions = {0};
    q.supportedCipherSuites = {Sign1Suite(Alg::ESP256), Sign1Suite(Alg::Ed25519)};
    q.supportedSuitCoseProfiles = {{-16, -9, -29, -65534}, {-16, -19, -29, -65534}};
    q.dataItemRequested = kDataAttestation | kDataTrustedComponents;
    return q;
}

class Sign1RoundTrip : public ::testing::TestWithParam<Alg>
{
};

TEST_P(Sign1RoundTrip, VerifiesWithTheSignerKeyAndReportsIt)
{
    const Alg alg = GetParam();
    const Key key = alg == Alg::ESP256 ? P256(7) : test::Ed25519TestKey();
    const Message m = SampleQueryRequest();
    const Bytes wire = EncodeSigned(m, Profile::Draft26(), {{alg, key}});
    EXPECT_EQ(wire[0], 0xd2) << "COSE_Sign1_Tagged";
    EXPECT_EQ(wire, EncodeSigned(m, Profile::Draft26(), {{alg, key}})) << "deterministic";

    auto r = DecodeVerified(wire, Profile::Draft26(), {P256(9), key});
    ASSERT_TRUE(r.ok()) << r.failure().ToString();
    EXPECT_TRUE(r->message == m);
    EXPECT_EQ(r->keyIndex, 1);
    EXPECT_EQ(r->signerIndex, 0);
    EXPECT_EQ(r->alg, alg);
    EXPECT_EQ(r->kid, key.Thumbprint());
    EXPECT_FALSE(r->multiSigner);
    EXPECT_EQ(r->payload, Encode(m));
}

INSTANTIATE_TEST_SUITE_P(Algs, Sign1RoundTrip, ::testing::Values(Alg::ESP256, Alg::Ed25519),
                         teepsim::test::NameBy(
                             [](Alg a)
                             {
                                 return a == Alg::ESP256 ? std::string("ESP256")
                                        : a == Alg::Ed25519
                                            ? std::string("Ed25519")
                                            : "cose_alg" + std::to_string(static_cast<int64_t>(a));
                             }));

TEST(Signed, UntaggedSign1AlsoVerifies)
{
    const Key key = P256(3);
    const Bytes wire =
        EncodeSigned(SampleQueryRequest(), Profile::Draft26(), {{Alg::ESP256, key}}, {false});
    EXPECT_EQ(wire[0], 0x84);
    EXPECT_TRUE(DecodeVerified(wire, Profile::Draft26(), {key}).ok());
}

// The TAM's first QueryRequest: one COSE_Sign with a signature per offered algorithm; an Agent
// that trusts only one of the keys still verifies it and learns which signature matched.
TEST(Signed, CoseSignWithTwoSignersVerifiesWithEitherKey)
{
    const Key p256 = P256(1);
    const Key ed = test::Ed25519TestKey();
    const Message m = SampleQueryRequest();
    const Bytes wire =
        EncodeSigned(m, Profile::Draft26(), {{Alg::ESP256, p256}, {Alg::Ed25519, ed}});
    EXPECT_EQ(wire[0], 0xd8);
    EXPECT_EQ(wire[1], 98);

    auto viaEd = DecodeVerified(wire, Profile::Draft26(), {ed});
    ASSERT_TRUE(viaEd.ok()) << viaEd.failure().ToString();
    EXPECT_TRUE(viaEd->multiSigner);
    EXPECT_EQ(viaEd->signerIndex, 1);
    EXPECT_EQ(viaEd->alg, Alg::Ed25519);
    EXPECT_TRUE(viaEd->message == m);

    auto viaP256 = DecodeVerified(wire, Profile::Draft26(), {p256});
    ASSERT_TRUE(viaP256.ok());
    EXPECT_EQ(viaP256->signerIndex, 0);
    EXPECT_EQ(viaP256->kid, p256.Thumbprint());
}

TEST(Signed, FlippedSignatureBitIsPermanentAuthenticationFailure)
{
    const Key key = P256(4);
    Bytes wire = EncodeSigned(SampleQueryRequest(), Profile::Draft26(), {{Alg::ESP256, key}});
    wire.back() ^= 1;
    auto r = DecodeVerified(wire, Profile::Draft26(), {key});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().code, ErrorCode::PermanentError);
    EXPECT_EQ(r.failure().kind, Failure::Kind::Authentication);
}

TEST(Signed, FlippedPayloadBitFailsVerification)
{
    const Key key = P256(4);
    Bytes wire = EncodeSigned(Message{Success{}}, Profile::Draft26(), {{Alg::ESP256, key}});
    // Tagged Sign1 of [4, {}]: ... 43 82 04 a0 58 40 <sig>; the payload byte 04 sits 68 bytes
    // before the end. Turn it into 05 (still valid CBOR).
    wire[wire.size() - 64 - 2 - 2] ^= 0x01;
    auto r = DecodeVerified(wire, Profile::Draft26(), {key});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().kind, Failure::Kind::Authentication);
}

TEST(Signed, UnknownSignerIsBadCertificate)
{
    const Bytes wire =
        EncodeSigned(SampleQueryRequest(), Profile::Draft26(), {{Alg::ESP256, P256(5)}});
    auto r = DecodeVerified(wire, Profile::Draft26(), {P256(6)});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().code, ErrorCode::BadCertificate);
    EXPECT_EQ(r.failure().kind, Failure::Kind::Authentication);
}

// ES256 (-7) belongs to the legacy generation: draft26 neither signs nor accepts it.
TEST(Signed, LegacyAlgorithmIsRefusedByDraft26)
{
    const Key key = P256(8);
    EXPECT_THROW(EncodeSigned(SampleQueryRequest(), Profile::Draft26(), {{Alg::ES256, key}}),
                 std::invalid_argument);
    const Bytes legacyWire =
        EncodeSigned(Message{Success{}}, Profile::Legacy(), {{Alg::ES256, key}});
    auto r = DecodeVerified(legacyWire, Profile::Draft26(), {key});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().code, ErrorCode::UnsupportedCipherSuites);
    EXPECT_TRUE(DecodeVerified(legacyWire, Profile::Legacy(), {key}).ok());
}

TEST(Signed, ValidSignatureOverInvalidTeepPayloadGetsTheDecodeError)
{
    const Key key = P256(2);
    const Bytes payload = test::FromHex("8204a1134101"); // token of 1 byte
    const Bytes wire = cose::Sign1({Alg::ESP256, key}, payload);
    auto r = DecodeVerified(wire, Profile::Draft26(), {key});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().code, ErrorCode::PermanentError);
    EXPECT_EQ(r.failure().kind, Failure::Kind::Malformed);
    EXPECT_NE(r.failure().reason.find("token"), std::string::npos);
}

TEST(Signed, GarbageIsMalformedNotACrash)
{
    for (const char* hex : {"", "00", "d2", "d28440a0f6", "d2844043a10126a0f640", "8443a10126"})
    {
        auto r = DecodeVerified(test::FromHex(hex), Profile::Draft26(), {P256(1)});
        EXPECT_FALSE(r.ok()) << hex;
    }
}

// DecodeVerified reads a COSE_Sign1 in place; whatever it returns must equal the general path
// through a SignedMessage (reference::DecodeVerified): the same message and fields on success,
// the same code, kind and text on failure. Checked on messages signed with each algorithm, with
// and without kid, tagged or not, against several trusted key sets, and on mutations of them.
void ExpectSameVerified(ByteView in, const Profile& p, const std::vector<Key>& trusted)
{
    const auto fast = DecodeVerified(in, p, trusted);
    const auto general = reference::DecodeVerified(in, p, trusted);
    ASSERT_EQ(fast.ok(), general.ok());
    if (!fast.ok())
    {
        EXPECT_EQ(fast.failure().code, general.failure().code);
        EXPECT_EQ(fast.failure().kind, general.failure().kind);
        EXPECT_EQ(fast.failure().ToString(), general.failure().ToString());
        return;
    }
    EXPECT_TRUE(fast->message == general->message);
    EXPECT_EQ(fast->keyIndex, general->keyIndex);
    EXPECT_EQ(fast->signerIndex, general->signerIndex);
    EXPECT_EQ(fast->alg, general->alg);
    EXPECT_EQ(fast->kid, general->kid);
    EXPECT_EQ(fast->multiSigner, general->multiSigner);
    EXPECT_EQ(fast->payload, general->payload);
}

TEST(Signed, InPlaceSign1EqualsTheGeneralPathOnMessagesAndMutations)
{
    const Key p256 = P256(3), other = P256(9);
    const Key ed = Key::GenerateEd25519(Bytes(32, 4));
    std::vector<Bytes> wires;
    for (bool tagged : {true, false})
    {
        for (bool kid : {true, false})
        {
            wires.push_back(EncodeSigned(SampleQueryRequest(), Profile::Draft26(),
                                         {{Alg::ESP256, p256, kid}}, {tagged}));
            wires.push_back(EncodeSigned(Message{Success{}}, Profile::Draft26(),
                                         {{Alg::Ed25519, ed, kid}}, {tagged}));
        }
    }
    wires.push_back(cose::Sign1({Alg::ESP256, p256}, test::FromHex("8204a1134101")));
    wires.push_back(EncodeSigned(Message{Success{}}, Profile::Legacy(), {{Alg::ES256, p256}}));
    const std::vector<std::vector<Key>> keySets = {{p256}, {other}, {other, p256}, {ed}, {}};
    std::mt19937_64 rng(21);
    static const uint8_t heads[] = {0x18, 0x40, 0x58, 0xa0, 0xa1, 0x80, 0xf6, 0xd2, 0x26, 0x04};
    for (const Bytes& w : wires)
    {
        for (const auto& keys : keySets)
        {
            ExpectSameVerified(w, Profile::Draft26(), keys);
        }
        for (int k = 0; k < 150; ++k)
        {
            Bytes m = w;
            teepsim::test::MutateEncoding(m, k, rng, heads);
            SCOPED_TRACE(k);
            ExpectSameVerified(m, Profile::Draft26(), keySets[size_t(k) % keySets.size()]);
        }
    }
}

struct LibteepSigned
{
    const char* file;
    const char* key;
    MessageType type;
};

class LibteepSignedFiles : public ::testing::TestWithParam<LibteepSigned>
{
};

// Each libteep *_cose.cbor verifies with its published key under the legacy profile, and
// re-signing the decoded message with the same key reproduces the file (RFC 6979).
TEST_P(LibteepSignedFiles, VerifyAndResignByteForByte)
{
    const auto& c = GetParam();
    const Bytes wire = test::ReadVector(std::string("libteep-kentakayama/") + c.file);
    const Key key = test::LibteepKey(c.key);
    auto r = DecodeVerified(wire, Profile::Legacy(), {key});
    ASSERT_TRUE(r.ok()) << c.file << ": " << r.failure().ToString();
    EXPECT_EQ(TypeOf(r->message), c.type);
    EXPECT_EQ(r->alg, Alg::ES256);
    EXPECT_EQ(r->kid, key.Thumbprint());
    EXPECT_EQ(test::Hex(EncodeSigned(r->message, Profile::Legacy(), {{Alg::ES256, key}})),
              test::Hex(wire));
}

INSTANTIATE_TEST_SUITE_P(
    Libteep, LibteepSignedFiles,
    ::testing::Values(
        LibteepSigned{"query_request_cose.cbor", "tam_prime256v1", MessageType::QueryRequest},
        LibteepSigned{"update_cose.cbor", "tam_prime256v1", MessageType::Update},
        LibteepSigned{"query_response_cose.cbor", "teep_agent_prime256v1",
                      MessageType::QueryResponse},
        LibteepSigned{"teep_success_cose.cbor", "teep_agent_prime256v1", MessageType::Success},
        LibteepSigned{"teep_error_cose.cbor", "teep_agent_prime256v1", MessageType::Error}),
    teepsim::test::NameBy([](const LibteepSigned& c)
                          { return teepsim::test::FileGtestName(c.file); }));

// libteep's err*_cose files are signed by an unpublished key: never accepted.
TEST(LibteepSignedFilesNegative, ErrFilesDoNotVerifyWithPublishedKeys)
{
    for (const char* f : {"query_request_err1_cose.cbor", "query_request_err2_cose.cbor",
                          "query_request_err3_cose.cbor"})
    {
        auto r = DecodeVerified(test::ReadVector(std::string("libteep-kentakayama/") + f),
                                Profile::Legacy(), {test::LibteepKey("tam_prime256v1")});
        ASSERT_FALSE(r.ok()) << f;
        EXPECT_EQ(r.failure().kind, Failure::Kind::Authentication) << f;
    }
}

} // namespace
} // namespace teepsim::teep
