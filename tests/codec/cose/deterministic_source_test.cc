// DeterministicSource (the seed's HMAC key prepared once) gives exactly the bytes of
// DeterministicBytes, and both match the specification in crypto.h computed with OpenSSL's own
// one-shot HMAC: the simulator's tokens, challenges, images and IVs must not change.
#include "teepsim/codec/crypto.h"
#include "teepsim/codec/deterministic_source.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <vector>

namespace teepsim::cose::test
{
namespace
{

using cbor::Bytes;

// crypto.h: block i = HMAC-SHA-256(seed, "teepsim-drbg" || be64(counter) || be32(i)), the
// blocks concatenated and cut to `length`; written independently of hash.cc.
Bytes SpecBytes(const Bytes& seed, uint64_t counter, size_t length)
{
    Bytes out;
    for (uint32_t i = 0; out.size() < length; ++i)
    {
        Bytes msg = {'t', 'e', 'e', 'p', 's', 'i', 'm', '-', 'd', 'r', 'b', 'g'};
        for (int b = 7; b >= 0; --b)
        {
            msg.push_back(static_cast<uint8_t>(counter >> (8 * b)));
        }
        for (int b = 3; b >= 0; --b)
        {
            msg.push_back(static_cast<uint8_t>(i >> (8 * b)));
        }
        uint8_t mac[32];
        unsigned macLen = 0;
        HMAC(EVP_sha256(), seed.data(), static_cast<int>(seed.size()), msg.data(), msg.size(), mac,
             &macLen);
        out.insert(out.end(), mac, mac + macLen);
    }
    out.resize(length);
    return out;
}

// Seeds of every HMAC key shape: empty, short, one block exactly, longer than a block (hashed).
std::vector<Bytes> Seeds()
{
    std::vector<Bytes> seeds = {{}, {'t', 'a', 'm', 1, 0, 0, 0, 0, 0, 0, 0}, Bytes(64, 0xa5)};
    Bytes longSeed;
    for (int i = 0; i < 100; ++i)
    {
        longSeed.push_back(static_cast<uint8_t>(i * 7));
    }
    seeds.push_back(longSeed);
    return seeds;
}

// For many seeds, counters and lengths (0, partial blocks, whole blocks, several blocks), the
// source, the one-shot function and the specification agree byte for byte.
TEST(DeterministicSource, SameBytesAsDeterministicBytesAndSpec)
{
    const uint64_t counters[] = {0, 1, 2, 255, 256, 0x0123456789abcdefULL, ~0ULL};
    const size_t lengths[] = {0, 1, 8, 16, 31, 32, 33, 64, 100, 1000};
    int checked = 0;
    for (const Bytes& seed : Seeds())
    {
        const crypto::DeterministicSource source(seed);
        ASSERT_TRUE(source.valid());
        for (uint64_t counter : counters)
        {
            for (size_t length : lengths)
            {
                const Bytes expected = SpecBytes(seed, counter, length);
                EXPECT_EQ(crypto::DeterministicBytes(seed, counter, length), expected)
                    << "seed size " << seed.size() << " counter " << counter << " length "
                    << length;
                EXPECT_EQ(source.Generate(counter, length), expected)
                    << "seed size " << seed.size() << " counter " << counter << " length "
                    << length;
                Bytes filled(length, 0xee);
                source.Fill(counter, filled);
                EXPECT_EQ(filled, expected);
                ++checked;
            }
        }
    }
    EXPECT_EQ(checked, 4 * 7 * 10);
}

// A TAM draws tokens and challenges from one source with counters 0, 1, 2, ...: every draw in
// a long sequence equals the per-call function, and copies of a source draw the same bytes.
TEST(DeterministicSource, LongSequenceAndCopiesMatch)
{
    const Bytes seed = {'t', 'a', 'm', 42, 0, 0, 0, 0, 0, 0, 0};
    const crypto::DeterministicSource source(seed);
    const crypto::DeterministicSource copy = source;
    for (uint64_t counter = 0; counter < 2000; ++counter)
    {
        const size_t length = counter % 2 == 0 ? 8 : 16; // token, challenge
        const Bytes expected = crypto::DeterministicBytes(seed, counter, length);
        ASSERT_EQ(source.Generate(counter, length), expected) << "counter " << counter;
        ASSERT_EQ(copy.Generate(counter, length), expected) << "counter " << counter;
    }
    EXPECT_FALSE(crypto::DeterministicSource().valid());
}

} // namespace
} // namespace teepsim::cose::test
