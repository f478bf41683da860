// Internal: ECDSA P-256 / SHA-256 verification of r||s on a digest (see p256_verify.cc).
#pragma once

#include <openssl/ec.h>

#include <cstdint>

namespace teepsim::crypto::detail
{

/// Whether signature = r||s (64 bytes) is valid for digest (32 bytes) under the public point
/// Q (on the P-256 group); rawPublic (x||y, 64 bytes) names the key for the per-thread
/// hot-key tables.
bool VerifyP256(const EC_POINT* Q, const uint8_t* rawPublic, const uint8_t digest[32],
                const uint8_t signature[64]);

} // namespace teepsim::crypto::detail
