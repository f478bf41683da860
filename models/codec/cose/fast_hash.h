// Internal: the fast keyed 64-bit hash behind modelled signatures and modelled keys. Not a
// cryptographic hash: it detects accidental and simulated tampering, never an adversary.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace teepsim::crypto::detail
{

/// The MurmurHash3 64-bit finaliser: a bijection of 64-bit words with full avalanche (every
/// input bit flips each output bit with probability about 1/2).
inline uint64_t Mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/// Weyl increment (2^64 / golden ratio) that spreads the words of an expansion apart.
constexpr uint64_t kWeyl = 0x9e3779b97f4a7c15ULL;

/// The little-endian 8-byte word at p (x86-64 and aarch64 Linux: a plain load).
inline uint64_t Load64(const uint8_t* p)
{
    uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
}

/// The 1..7 bytes at p as a zero-padded little-endian word, without a call to memcpy.
inline uint64_t LoadTail(const uint8_t* p, size_t n)
{
    uint64_t w = 0;
    size_t at = 0;
    if (n & 4)
    {
        uint32_t v;
        std::memcpy(&v, p, 4);
        w = v;
        at = 4;
    }
    if (n & 2)
    {
        uint16_t v;
        std::memcpy(&v, p + at, 2);
        w |= static_cast<uint64_t>(v) << (8 * at);
        at += 2;
    }
    if (n & 1)
    {
        w |= static_cast<uint64_t>(p[at]) << (8 * at);
    }
    return w;
}

/// h = seed; h = Mix64(h ^ w) for each little-endian 8-byte word w of data (the last one
/// zero-padded); then h = Mix64(h ^ size). Every step is a bijection of h for a fixed word, so
/// inputs of one length that differ in a single word ALWAYS give different hashes (any number
/// of flipped bits within one word); other changes collide with probability about 2^-64
/// (inputs not chosen to collide: anyone can compute this function).
inline uint64_t Hash64(uint64_t seed, const uint8_t* data, size_t size)
{
    uint64_t h = seed;
    size_t i = 0;
    // Four words per turn: the same serial chain with a quarter of the loop overhead (modelled
    // signatures hash every signed message twice, at the signer and at the verifier).
    for (; i + 32 <= size; i += 32)
    {
        h = Mix64(h ^ Load64(data + i));
        h = Mix64(h ^ Load64(data + i + 8));
        h = Mix64(h ^ Load64(data + i + 16));
        h = Mix64(h ^ Load64(data + i + 24));
    }
    for (; i + 8 <= size; i += 8)
    {
        h = Mix64(h ^ Load64(data + i));
    }
    if (i < size)
    {
        h = Mix64(h ^ LoadTail(data + i, size - i));
    }
    return Mix64(h ^ static_cast<uint64_t>(size));
}

/// Fills out[0, words*8) with Mix64(h + (j+1) * kWeyl) for word j, little-endian. Word 0 alone
/// is a bijection of h, so different h give different expansions.
inline void Expand64(uint64_t h, uint8_t* out, size_t words)
{
    for (size_t j = 0; j < words; ++j)
    {
        const uint64_t w = Mix64(h + (j + 1) * kWeyl);
        std::memcpy(out + 8 * j, &w, 8);
    }
}

} // namespace teepsim::crypto::detail
