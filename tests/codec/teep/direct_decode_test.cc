// The TEEP decoder reads message elements in place (cbor_reader.h) and builds cbor::Value trees
// only for what it keeps verbatim; reference::DecodeTeep runs the same decoder on trees, as it
// was before. Both must give equal messages (wire order included) or the same failure (code,
// kind, reason, offset) on every vector, on generated messages with every option, and on
// thousands of mutations of them, in both profiles and with restrictive receiver caps.
#include "teepsim/codec/tree_reference.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "teep_test_util.h"
#include "tests/support/byte_mutations.h"

namespace teepsim::teep
{
namespace
{

namespace fs = std::filesystem;

std::vector<uint64_t> WireLabels(const Message& m)
{
    return std::visit([](const auto& x) { return x.wireOrder.labels; }, m);
}

// Returns whether the input decoded.
bool ExpectSameDecode(ByteView in, const Profile& p, const ReceiverCaps& caps)
{
    const auto direct = Decode(in, p, caps);
    const auto tree = reference::DecodeTeep(in, p, caps);
    EXPECT_EQ(direct.ok(), tree.ok()) << test::Hex(in);
    if (direct.ok() != tree.ok())
    {
        return false;
    }
    if (direct.ok())
    {
        EXPECT_TRUE(*direct == *tree) << test::Hex(in);
        EXPECT_EQ(WireLabels(*direct), WireLabels(*tree)) << test::Hex(in);
        return true;
    }
    EXPECT_EQ(direct.failure().ToString(), tree.failure().ToString()) << test::Hex(in);
    EXPECT_EQ(direct.failure().kind, tree.failure().kind) << test::Hex(in);
    return false;
}

std::vector<Bytes> Seeds()
{
    std::vector<Bytes> out;
    for (const auto& e : fs::recursive_directory_iterator(TEEPSIM_VECTORS_DIR))
    {
        if (e.is_regular_file() && e.path().extension() == ".cbor" &&
            fs::file_size(e.path()) < 4096)
        {
            out.push_back(test::ReadFile(e.path().string()));
        }
    }
    // Messages with every option (the tc-list with typed and verbatim parameters).
    QueryResponse r;
    r.token = Bytes(16, 0xa5);
    r.selectedVersion = 0;
    r.attestationPayloadFormat = "application/eat+cwt";
    r.attestationPayload = Bytes(30, 0x22);
    TcInfo tc;
    tc.componentId = {Bytes{'T', 'E', 'E', 'P'}, Bytes(16, 0x8d)};
    tc.imageDigest = test::FromHex("822f4401020304");
    tc.imageSize = 20;
    tc.manifestSequenceNumber = 7;
    tc.otherParams = {{cbor::Value::Uint(28), cbor::Value::Uint(1)},
                      {cbor::Value::Int(-2), cbor::Value::Tstr("x")}};
    r.tcList = {tc, TcInfo{{Bytes{1}}, {}, {}, {}, {}}};
    r.requestedTcList = {RequestedTcInfo{{Bytes{1}}, 3, true}};
    r.unneededManifestList = {{Bytes{'o', 'l', 'd'}}};
    r.extList = {1, 4294967295u};
    r.extensions = {{99, cbor::Value::MakeArray({cbor::Value::Int(-5)})}};
    QueryRequest q;
    q.token = Bytes(8, 1);
    q.challenge = Bytes(8, 2);
    q.versions = {0};
    q.supportedFreshnessMechanisms = {0, 1};
    q.supportedCipherSuites = {Sign1Suite(crypto::Alg::ESP256)};
    q.supportedSuitCoseProfiles = {{-16, -9, -29, -65534}};
    q.dataItemRequested = 3;
    Error e;
    e.errCode = ErrorCode::UnsupportedCipherSuites;
    e.supportedCipherSuites = {Sign1Suite(crypto::Alg::ESP256)};
    e.errMsg = "x";
    for (const Profile* p : {&Profile::Draft26(), &Profile::Legacy()})
    {
        for (const Message& m : {Message{r}, Message{q}, Message{e}})
        {
            out.push_back(Encode(m, *p));
        }
    }
    return out;
}

TEST(DirectTeepDecoder, EqualsTheTreeDecoderOnVectorsGeneratedMessagesAndMutations)
{
    ReceiverCaps strict;
    strict.versions = {1};
    strict.freshness = {kFreshnessTimestamp};
    strict.cipherSuites = {Sign1Suite(crypto::Alg::Ed25519)};
    std::mt19937_64 rng(5);
    size_t decoded = 0, refused = 0;
    for (const Bytes& seed : Seeds())
    {
        for (int k = 0; k < 120; ++k)
        {
            Bytes m = seed;
            if (k > 0 && !m.empty())
            {
                static const uint8_t heads[] = {0x00, 0x17, 0x18, 0x20, 0x40, 0x48, 0x60,
                                                0x80, 0x81, 0xa0, 0xa1, 0xc1, 0xf5, 0xf6,
                                                0x19, 0x1b, 0x5f, 0xff, 0x1c};
                teepsim::test::MutateEncoding(m, k, rng, heads);
            }
            for (const Profile* p : {&Profile::Draft26(), &Profile::Legacy()})
            {
                const bool ok = ExpectSameDecode(m, *p, {});
                (ok ? decoded : refused)++;
                ExpectSameDecode(m, *p, strict);
            }
        }
    }
    EXPECT_GT(decoded, 200u);
    EXPECT_GT(refused, 200u);
}

} // namespace
} // namespace teepsim::teep
