// Internal: HMAC-SHA-256 with the key's inner/outer pad states computed once, so that the
// RFC 6979 DRBG and HKDF do not re-hash the key block on every MAC.
#pragma once

#include "teepsim/codec/cbor.h"

#include <openssl/sha.h>

#include <initializer_list>

namespace teepsim::crypto
{

class HmacSha256Key
{
  public:
    explicit HmacSha256Key(cbor::ByteView key);
    /// HMAC over the concatenation of `parts`, written to out (32 bytes).
    void Mac(std::initializer_list<cbor::ByteView> parts, uint8_t out[32]) const;

  private:
    SHA256_CTX inner_;
    SHA256_CTX outer_;
};

} // namespace teepsim::crypto
