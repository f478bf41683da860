// Fixed-size keys of the TAM's and the Verifier's lookup maps (fixed-key.h): a kid or token
// converts to its key only at the length the TAM issues (32-byte thumbprints, 8-byte tokens),
// so a received one of another length finds nothing, as the byte-vector maps found nothing;
// and a token's bytes survive the round trip through its key unchanged (they go on the wire).
// The TAM end to end: a validly signed answer carrying a 9-byte token, or signed under a
// 31-byte kid, is dropped as TokenMismatch / UnknownKey.
#include "teepsim/codec/cose.h"
#include "teepsim/codec/teep_signed.h"
#include "teepsim/fixed-key.h"

#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-address.h"

#include <gtest/gtest.h>

#include "teep_deployment_fixture.h"

namespace
{
using namespace ns3;
using namespace teepsim_test;
using teepsim::cbor::Bytes;
namespace cbor = teepsim::cbor;
namespace cose = teepsim::cose;
namespace teep = teepsim::teep;

Bytes Counting(size_t n, uint8_t from)
{
    Bytes b(n);
    for (size_t i = 0; i < n; ++i)
    {
        b[i] = static_cast<uint8_t>(from + i);
    }
    return b;
}
} // namespace

TEST(TamFixedKey, KidKeyHoldsExactlyAThirtyTwoByteKid)
{
    const Bytes kid = Counting(32, 1);
    const std::optional<KidKey> k = KidKeyOf(kid);
    ASSERT_TRUE(k);
    EXPECT_EQ(Bytes(k->begin(), k->end()), kid);
    EXPECT_FALSE(KidKeyOf(Counting(31, 1)));
    EXPECT_FALSE(KidKeyOf(Counting(33, 1)));
    EXPECT_FALSE(KidKeyOf(Bytes{}));
}

TEST(TamFixedKey, KidsDifferingInTheirLastByteAreDifferentKeys)
{
    Bytes a = Counting(32, 1);
    Bytes b = a;
    b.back() ^= 0x80; // same first 8 bytes: same hash, still told apart
    ASSERT_NE(KidKeyOf(a), KidKeyOf(b));
    EXPECT_EQ(KidKeyHash()(*KidKeyOf(a)), KidKeyHash()(*KidKeyOf(b)));
}

TEST(TamFixedKey, TokenBytesSurviveTheirKey)
{
    const Bytes token = {0x00, 0xff, 0x10, 0x80, 0x01, 0x7f, 0xaa, 0x55};
    const std::optional<uint64_t> key = TokenKeyOf(token);
    ASSERT_TRUE(key);
    EXPECT_EQ(TokenBytesOf(*key), token);
    EXPECT_NE(TokenKeyOf(Counting(8, 0)), key);
    EXPECT_FALSE(TokenKeyOf(Counting(7, 0)));
    EXPECT_FALSE(TokenKeyOf(Counting(9, 0)));
    EXPECT_FALSE(TokenKeyOf(Bytes{}));
}

TEST(TamFixedKey, TamDropsTokensAndKidsOfAnotherLength)
{
    DeploymentOptions o;
    o.devices = 1;
    o.brokerAttributes = {{"Start", "Synchronized"}, {"SynchronizedOffset", "60s"}};
    Deployment d(o);
    Ptr<TeepAgent> agent = d.Agent(0);

    // The Agent answers a TAM-signed QueryRequest whose token is 9 bytes long (TEEP allows
    // 8 to 64): its validly signed QueryResponse echoes that token, which the TAM never issued.
    teep::QueryRequest forged;
    forged.token = Bytes(9, 0x5a);
    forged.challenge = Bytes(16, 0x11);
    forged.supportedCipherSuites = {teep::Sign1Suite(d.tam->GetAlg())};
    forged.supportedSuitCoseProfiles = {{-16, -19, -29, -65534}};
    forged.dataItemRequested = teep::kDataAttestation | teep::kDataTrustedComponents;
    const Bytes forgedBytes = teep::EncodeSigned(forged, teep::Profile::Draft26(),
                                                 {{d.tam->GetAlg(), d.tam->GetKey(), true}});
    const std::optional<Bytes> longToken = agent->ProcessTeepMessage(forgedBytes).reply;
    ASSERT_TRUE(longToken.has_value());

    // The same answer signed by the same device key, but under a kid one byte short.
    auto parsed = cose::ParseSigned(*longToken);
    ASSERT_TRUE(parsed.ok());
    ASSERT_TRUE(parsed->payload.has_value());
    Bytes shortKid = agent->GetKey().Thumbprint();
    shortKid.pop_back();
    cbor::Value unprotected = cbor::Value::MakeMap();
    unprotected.set(cose::kHdrKid, cbor::Value::Bstr(shortKid));
    const Bytes shortKidBytes = cose::Sign1WithProtectedBytes(
        {agent->GetAlg(), agent->GetKey(), false}, parsed->signatures[0].protectedBytes,
        unprotected, *parsed->payload, true, false);

    Ptr<MessageClientTransport> client = CreateObject<MessageClientTransport>();
    client->SetNode(d.devices.Get(0));
    client->SetOneWayDelay(Seconds(0));
    client->SetBandwidth(0);
    std::vector<uint16_t> statuses;
    auto post = [&](const Bytes& body)
    {
        TeepHttpRequest req;
        req.body = body;
        client->Post(InetSocketAddress(Ipv4Address::GetAny(), 8080), req,
                     TeepClientTransport::ResponseCallback([&statuses](const TeepHttpResponse& r)
                                                           { statuses.push_back(r.status); }));
    };
    Simulator::Schedule(Seconds(1), [&]() { post(*longToken); });
    Simulator::Schedule(Seconds(2), [&]() { post(shortKidBytes); });
    Simulator::Stop(Seconds(5));
    Simulator::Run();
    EXPECT_EQ(statuses, (std::vector<uint16_t>{400, 400}));
    ASSERT_EQ(d.timeline.tamRejects.size(), 2u);
    EXPECT_EQ(d.timeline.tamRejects[0], std::make_pair(0u, RejectReason::TokenMismatch))
        << "the device is known by its 32-byte kid";
    EXPECT_EQ(d.timeline.tamRejects[1], std::make_pair(kUnknownDevice, RejectReason::UnknownKey));
}
