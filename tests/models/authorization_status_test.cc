// The signed authorization status (include/teepsim/authorization-status.h): a COSE_Sign1 over
// CWT-style claims that the TEE's gate accepts only from the status service's key and only
// unaltered; and a gate talking to the service over the message transport: authorized from
// the first good status until "revoked" arrives, at exact simulated times.
#include "teepsim/authorization-status.h"
#include "teepsim/message-transport.h"

#include "ns3/inet-socket-address.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>

namespace ns3
{
namespace
{

namespace crypto = teepsim::crypto;

TaStatusClaims Claims(bool good)
{
    TaStatusClaims c;
    c.ta = "game";
    c.signerKid = {1, 2, 3};
    c.good = good;
    c.iat = 1000;
    c.exp = 4600;
    return c;
}

TEST(TaStatusStatement, RoundTripsThroughTheCodecWithTheIssuerKey)
{
    const crypto::Key key = DeriveTeepKey(TEEP_SUITE_ESP256, "ta-status", 0, 7);
    const auto bytes = BuildTaStatus(Claims(true), AlgOf(TEEP_SUITE_ESP256), key);
    const auto back = VerifyTaStatus(bytes, key);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->ta, "game");
    EXPECT_TRUE(back->good);
    EXPECT_EQ(back->iat, 1000);
    EXPECT_EQ(back->exp, 4600);
    EXPECT_EQ(back->signerKid, (teepsim::cbor::Bytes{1, 2, 3}));
    const auto revoked =
        VerifyTaStatus(BuildTaStatus(Claims(false), AlgOf(TEEP_SUITE_ESP256), key), key);
    ASSERT_TRUE(revoked);
    EXPECT_FALSE(revoked->good);
}

TEST(TaStatusStatement, IsRejectedWithAnotherKeyOrAnAlteredByte)
{
    const crypto::Key key = DeriveTeepKey(TEEP_SUITE_ED25519, "ta-status", 0, 7);
    const crypto::Key other = DeriveTeepKey(TEEP_SUITE_ED25519, "ta-status", 0, 8);
    auto bytes = BuildTaStatus(Claims(true), AlgOf(TEEP_SUITE_ED25519), key);
    EXPECT_FALSE(VerifyTaStatus(bytes, other));
    // The last byte belongs to the signature; the payload's "status" is near the middle.
    for (size_t at : {bytes.size() - 1, bytes.size() / 2})
    {
        auto altered = bytes;
        altered[at] ^= 0x01;
        EXPECT_FALSE(VerifyTaStatus(altered, key)) << "byte " << at;
    }
}

TEST(TaAuthorizationGate, RunsTheTaFromTheFirstGoodStatusUntilRevoked)
{
    // Refresh every 600 s (first at the equilibrium residual in [0, 600) s), status valid 3600 s,
    // instant links; revoked at 2000 s, so the first refresh after 2000 s (by 2600 s) ends it.
    Ptr<Node> server = CreateObject<Node>();
    Ptr<Node> device = CreateObject<Node>();
    auto service = CreateObject<TaStatusService>();
    service->SetAttribute("StatusValidity", TimeValue(Seconds(3600)));
    service->SetServerTransport(CreateObject<MessageServerTransport>());
    server->AddApplication(service);
    auto client = CreateObject<MessageClientTransport>();
    client->SetNode(device);
    auto gate = CreateObject<TaAuthorizationGate>();
    gate->SetAttribute("RefreshInterval", TimeValue(Seconds(600)));
    gate->SetClientTransport(client);
    gate->SetServer(InetSocketAddress(Ipv4Address::GetAny(), 8082));
    gate->SetIssuerKey(service->GetKey());
    gate->SetTas({"game"});
    device->AddApplication(gate);
    int goods = 0, revokes = 0;
    gate->TraceConnectWithoutContext(
        "StatusChanged", Callback<void, uint32_t, const std::string&, bool, Time>(
                             [&](uint32_t, const std::string&, bool good, Time until)
                             {
                                 (good ? goods : revokes) += 1;
                                 // A good status runs V_a from its issue (whole seconds); a
                                 // revoked one ends the authorization now.
                                 const Time expect = good ? Seconds(3600) : Seconds(0);
                                 EXPECT_LE(until, Simulator::Now() + expect);
                                 EXPECT_GT(until, Simulator::Now() + expect - Seconds(2));
                             }));
    Simulator::Schedule(Seconds(2000), [service] { service->Revoke("game"); });
    bool at700 = false, at1999 = false, at2601 = true;
    Simulator::Schedule(Seconds(700), [&] { at700 = gate->IsAuthorized("game"); });
    Simulator::Schedule(Seconds(1999), [&] { at1999 = gate->IsAuthorized("game"); });
    Simulator::Schedule(Seconds(2601), [&] { at2601 = gate->IsAuthorized("game"); });
    Simulator::Stop(Seconds(3000));
    Simulator::Run();
    EXPECT_TRUE(at700);
    EXPECT_TRUE(at1999);
    EXPECT_FALSE(at2601);
    // The 3 or 4 refreshes before 2000 s (depending on the phase) each extend the expiry, then
    // one revocation; the later revoked statements change nothing.
    EXPECT_GE(goods, 3);
    EXPECT_LE(goods, 4);
    EXPECT_EQ(revokes, 1);
    EXPECT_GE(service->GetIssuedCount(), static_cast<uint64_t>(goods) + 1);
    Simulator::Destroy();
}

} // namespace
} // namespace ns3
