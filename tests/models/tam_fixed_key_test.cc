// Fixed-size keys of the TAM's and the Verifier's lookup maps (fixed-key.h): a kid or token
// converts to its key only at the length the TAM issues (32-byte thumbprints, 8-byte tokens),
// so a received one of another length finds nothing, as the byte-vector maps found nothing;
// and a token's bytes survive the round trip through its key unchanged (they go on the wire).
#include "teepsim/fixed-key.h"

#include <gtest/gtest.h>

namespace
{
using namespace ns3;
using teepsim::cbor::Bytes;

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
