// PreparedEnvelope: a catalogue envelope parsed, verified and installed once and shared by every
// device. Only the catalogue's own buffer finds it; every device gets the outcome its own run
// would give, with the image a view of the shared bytes; an outcome that depends on the device
// (an encrypted payload) is never shared.
#include "teepsim/codec/suit.h"
#include "teepsim/ta-catalog.h"
#include "teepsim/teep-keys.h"

#include "ns3/ptr.h"

#include <gtest/gtest.h>

namespace
{
using namespace ns3;
namespace suit = teepsim::suit;
using teepsim::cbor::Bytes;

suit::Device DeviceNumber(uint32_t n)
{
    suit::Device d;
    d.vendorId = TaCatalog::VendorId();
    d.classId = TaCatalog::ClassId();
    d.deviceId = Bytes{0x01, static_cast<uint8_t>(n)};
    d.kek = DeriveTeepKey(TEEP_SUITE_ESP256, "agent-kek", n, 1);
    return d;
}

TEST(PreparedEnvelope, OnlyTheCatalogueBufferFindsTheSharedParse)
{
    Ptr<TaCatalog> catalog = CreateObject<TaCatalog>();
    const TaEntry& e = catalog->Add("wallet", 4096);
    ASSERT_NE(e.prepared, nullptr);
    EXPECT_EQ(TaCatalog::FindPrepared(e.envelope), e.prepared.get());
    EXPECT_EQ(TaCatalog::FindPrepared(e.prepared->Envelope()), e.prepared.get());
    const Bytes copy = e.envelope;
    EXPECT_EQ(TaCatalog::FindPrepared(copy), nullptr) << "equal bytes elsewhere are not shared";
    auto parsed = suit::ParseEnvelope(copy);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(TaCatalog::FindPrepared(*parsed), nullptr);
}

TEST(PreparedEnvelope, EveryDeviceGetsTheOutcomeOfItsOwnRun)
{
    Ptr<TaCatalog> catalog = CreateObject<TaCatalog>();
    const TaEntry& e = catalog->Add("wallet", 4096);
    const std::vector<teepsim::crypto::Key> anchors = {catalog->GetSignerKey()};
    EXPECT_TRUE(e.prepared->Verify(anchors).ok());
    const std::vector<teepsim::crypto::Key> strangers = {
        DeriveTeepKey(TEEP_SUITE_ED25519, "someone-else", 0, 1)};
    EXPECT_FALSE(e.prepared->Verify(strangers).ok()) << "the outcome depends on the anchors";
    EXPECT_TRUE(e.prepared->Verify(anchors).ok());

    auto own = suit::ParseEnvelope(e.envelope);
    ASSERT_TRUE(own);
    for (uint32_t n = 0; n < 3; ++n)
    {
        const suit::Device dev = DeviceNumber(n);
        const suit::ProcessOutcome shared = e.prepared->Install(dev, std::nullopt);
        const suit::ProcessOutcome alone = suit::RunInstall(*own, dev, {}, std::nullopt);
        ASSERT_TRUE(shared.ok()) << shared.reason;
        ASSERT_EQ(shared.written.size(), alone.written.size());
        EXPECT_EQ(shared.written[0].first, alone.written[0].first);
        EXPECT_EQ(shared.written[0].second, alone.written[0].second);
        EXPECT_EQ(shared.written[0].second, e.image);
        EXPECT_EQ(shared.written[0].second.data(),
                  e.prepared->Envelope().FindIntegrated("#tc")->data())
            << "the image is a view of the shared envelope, not a copy";
        EXPECT_EQ(e.prepared->Install(dev, 1).status, suit::Status::Rollback)
            << "the installed sequence is part of the case";
    }
}

TEST(PreparedEnvelope, DeviceSpecificOutcomesAreNotShared)
{
    Ptr<TaCatalog> catalog = CreateObject<TaCatalog>();
    catalog->Add("cfg", 1024);
    catalog->SetPersonalization("cfg", 64);
    const TaEntry& e = *catalog->Find("cfg");
    const suit::Device first = DeviceNumber(1);
    const suit::Device second = DeviceNumber(2);
    // An envelope encrypted to the first device, prepared as a catalogue envelope would be.
    const PreparedEnvelope p(catalog->BuildPersonalizedEnvelope(e, 1, first.kek));
    const suit::ProcessOutcome mine = p.Install(first, std::nullopt);
    ASSERT_TRUE(mine.ok()) << mine.reason;
    EXPECT_TRUE(mine.deviceSpecific);
    EXPECT_EQ(p.Install(second, std::nullopt).status, suit::Status::DecryptFailed)
        << "the second device ran the procedure with its own key";
    EXPECT_TRUE(p.Install(first, std::nullopt).ok());
}

} // namespace
