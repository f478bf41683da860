// Modelled signature tags are bit-for-bit the function crypto.h specifies (SignatureMode), for
// messages of every length around the word and block boundaries of the fast hash: the
// optimised hash (fast_hash.h) must not change a byte of any simulated message.
#include "teepsim/codec/crypto.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace teepsim::cose::test
{
namespace
{

using crypto::Alg;
using crypto::Key;
using crypto::SignatureMode;

// The specification, written byte by byte and independently of fast_hash.h.
uint64_t SpecMix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

uint64_t SpecHash64(uint64_t seed, cbor::ByteView data)
{
    uint64_t h = seed;
    for (size_t i = 0; i < data.size(); i += 8)
    {
        uint64_t w = 0;
        for (size_t b = 0; b < 8 && i + b < data.size(); ++b)
        {
            w |= static_cast<uint64_t>(data[i + b]) << (8 * b);
        }
        h = SpecMix64(h ^ w);
    }
    return SpecMix64(h ^ data.size());
}

cbor::Bytes SpecTag(const Key& key, cbor::ByteView message)
{
    constexpr uint64_t kKey = 0x7465657073696d4bULL; // "teepsimK"
    constexpr uint64_t kTag = 0x7465657073696d54ULL; // "teepsimT"
    const uint64_t type = key.type() == crypto::KeyType::P256 ? 0 : 1;
    const uint64_t f = SpecHash64(kKey + type, key.RawPublic());
    const uint64_t h = SpecHash64(f ^ kTag, message);
    cbor::Bytes tag;
    for (uint64_t j = 0; j < 8; ++j)
    {
        const uint64_t w = SpecMix64(h + (j + 1) * 0x9e3779b97f4a7c15ULL);
        for (int b = 0; b < 8; ++b)
        {
            tag.push_back(static_cast<uint8_t>(w >> (8 * b)));
        }
    }
    return tag;
}

class ModelledTagSpec : public ::testing::Test
{
  protected:
    void SetUp() override { crypto::SetSignatureMode(SignatureMode::Modelled); }
    void TearDown() override { crypto::SetSignatureMode(SignatureMode::Real); }
};

// Lengths 0..300 (every tail length, one to nine 32-byte turns) under real and modelled keys
// of both types: Sign gives the specified tag and Verify accepts it.
TEST_F(ModelledTagSpec, SignEqualsSpecificationForEveryLength)
{
    const cbor::Bytes seed = crypto::DeterministicBytes(cbor::Bytes{'s'}, 0, 32);
    const Key keys[] = {Key::GenerateP256(seed), Key::GenerateEd25519(seed),
                        Key::Modelled(crypto::KeyType::P256, seed),
                        Key::Modelled(crypto::KeyType::Ed25519, seed)};
    const cbor::Bytes all = crypto::DeterministicBytes(cbor::Bytes{'m'}, 0, 300);
    for (const Key& key : keys)
    {
        const Alg alg = key.type() == crypto::KeyType::P256 ? Alg::ESP256 : Alg::Ed25519;
        for (size_t n = 0; n <= all.size(); ++n)
        {
            const cbor::ByteView msg = cbor::ByteView(all).first(n);
            const cbor::Bytes tag = crypto::Sign(alg, key, msg);
            ASSERT_EQ(tag, SpecTag(key, msg)) << "length " << n << " modelled " << key.modelled();
            ASSERT_TRUE(crypto::Verify(alg, key, msg, tag)) << "length " << n;
        }
    }
}

// A modelled key's thumbprint and raw public key are the expansions modelled_key.cc
// documents: word j = Hash64(Mix64(D + 16 * type + j), input) with D = "teepsimN" over the seed
// (thumbprint) and D = "teepsimR" over the thumbprint (raw public key).
TEST_F(ModelledTagSpec, ModelledKeyNamesEqualSpecification)
{
    auto expand = [](uint64_t domain, uint64_t type, cbor::ByteView in, size_t words)
    {
        cbor::Bytes out;
        for (uint64_t j = 0; j < words; ++j)
        {
            const uint64_t w = SpecHash64(SpecMix64(domain + 16 * type + j), in);
            for (int b = 0; b < 8; ++b)
            {
                out.push_back(static_cast<uint8_t>(w >> (8 * b)));
            }
        }
        return out;
    };
    for (uint8_t i = 0; i < 20; ++i)
    {
        const cbor::Bytes seed = crypto::DeterministicBytes(cbor::Bytes{'k', i}, 0, 32);
        for (crypto::KeyType t : {crypto::KeyType::P256, crypto::KeyType::Ed25519})
        {
            const Key k = Key::Modelled(t, seed);
            const uint64_t type = t == crypto::KeyType::P256 ? 0 : 1;
            const cbor::Bytes thumb = expand(0x7465657073696d4eULL, type, seed, 4);
            EXPECT_EQ(k.Thumbprint(), thumb);
            EXPECT_EQ(k.RawPublic(), expand(0x7465657073696d52ULL, type, thumb, 8 / (type + 1)));
        }
    }
}

} // namespace
} // namespace teepsim::cose::test
