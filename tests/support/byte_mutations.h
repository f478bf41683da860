// Deterministic mutations of encoded CBOR for differential decoder tests (a new decoder against
// the tree decoder): each must accept, refuse and report exactly as the other on the result.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace teepsim::test
{

/// Mutation `k` of a non-empty encoding, by k % 3: a flipped byte, a truncation, or a byte
/// replaced by one of `heads` (initial bytes chosen to change the item's structure).
inline void MutateEncoding(std::vector<uint8_t>& m, int k, std::mt19937_64& rng,
                           std::span<const uint8_t> heads)
{
    switch (k % 3)
    {
        case 0:
            m[rng() % m.size()] ^= uint8_t(1 + rng() % 255);
            break;
        case 1:
            m.resize(rng() % m.size());
            break;
        default:
            m[rng() % m.size()] = heads[rng() % heads.size()];
    }
}

} // namespace teepsim::test
