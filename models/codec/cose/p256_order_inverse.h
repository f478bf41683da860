// Internal: modular inverse modulo the P-256 group order n, on fixed 4 x 64-bit limbs. Variable
// time (binary extended Euclid with multi-bit Montgomery-style halving): for a simulator it is
// what OpenSSL's BN_mod_inverse was, about five times faster and without allocation.
#pragma once

#include <cstdint>

namespace teepsim::crypto::detail
{

/// out = x^-1 mod n for 32-byte big-endian x in [1, n-1]; returns false (out untouched) for x
/// outside that range.
bool InverseModOrderP256(const uint8_t x[32], uint8_t out[32]);

} // namespace teepsim::crypto::detail
