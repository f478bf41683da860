// Key::Thumbprint() is computed once when a key is made (kid matching is on the verify path of
// every message): the stored value must equal the RFC 9679 recomputation for every way of
// making a key, and a Key variable that is given another key must never answer with the old
// key's thumbprint.
#include "teepsim/codec/cbor.h"
#include "teepsim/codec/crypto.h"

#include <gtest/gtest.h>

#include <vector>

namespace teepsim::cose::test
{
namespace
{

using crypto::Key;
using crypto::KeyType;

cbor::Bytes Seed(uint8_t i)
{
    return crypto::DeterministicBytes(cbor::Bytes{'k', i}, 0, 32);
}

// RFC 9679: SHA-256 of the deterministic encoding of the required public members.
cbor::Bytes Recomputed(const Key& k)
{
    return crypto::Sha256(cbor::Encode(k.PublicCoseKey()));
}

// Generated, PEM-, DER- and COSE_Key-loaded keys of both types: memo == recomputation.
TEST(KeyThumbprintMemo, EqualsRecomputationForEveryOrigin)
{
    for (uint8_t i = 0; i < 6; ++i)
    {
        const Key p = Key::GenerateP256(Seed(i));
        const Key e = Key::GenerateEd25519(Seed(i));
        for (const Key& k :
             {p, e, Key::FromPem(p.PrivatePem()), Key::FromCoseKey(p.PublicCoseKey()),
              Key::FromCoseKey(e.PrivateCoseKey()), Key::FromPem(e.PublicPem())})
        {
            EXPECT_EQ(k.Thumbprint(), Recomputed(k)) << "seed " << int(i);
        }
    }
}

// Assigning, copying and moving keys: each variable answers for the key it holds now.
TEST(KeyThumbprintMemo, NeverStaleAfterReassignment)
{
    const Key a = Key::GenerateP256(Seed(10));
    const Key b = Key::GenerateEd25519(Seed(11));
    const Key m = Key::Modelled(KeyType::P256, Seed(12));
    ASSERT_NE(a.Thumbprint(), b.Thumbprint());
    Key k = a;
    EXPECT_EQ(k.Thumbprint(), Recomputed(a));
    k = b;
    EXPECT_EQ(k.Thumbprint(), Recomputed(b));
    EXPECT_EQ(a.Thumbprint(), Recomputed(a)) << "the source of a copy keeps its own";
    k = m;
    EXPECT_EQ(k.Thumbprint(), m.Thumbprint());
    EXPECT_NE(k.Thumbprint(), b.Thumbprint());
    Key moved = std::move(k);
    EXPECT_EQ(moved.Thumbprint(), m.Thumbprint());
    k = Key();
    EXPECT_TRUE(k.Thumbprint().empty()) << "an empty key has no thumbprint";
    std::vector<Key> keys = {a, b};
    keys[0] = keys[1];
    EXPECT_EQ(keys[0].Thumbprint(), Recomputed(b));
}

} // namespace
} // namespace teepsim::cose::test
