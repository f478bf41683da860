// crypto::DeterministicBytes for one seed, with the seed's HMAC key prepared once.
#pragma once

#include "teepsim/codec/crypto.h"

#include <memory>
#include <span>

namespace teepsim::crypto
{

class HmacSha256Key; // models/codec/cose/hmac_sha256.h

/// DeterministicBytes (crypto.h) for one seed, with the seed's HMAC key (its padded inner and
/// outer SHA-256 states) prepared once: Generate(counter, length) == DeterministicBytes(seed,
/// counter, length) for every counter and length, at half the SHA-256 blocks of a short call (a
/// TAM draws a token and a challenge per session from one seed). Copies share the immutable key
/// state; a default-constructed source is empty (valid() false) and must not be drawn from.
class DeterministicSource
{
  public:
    DeterministicSource() = default;
    explicit DeterministicSource(ByteView seed);
    bool valid() const { return key_ != nullptr; }
    Bytes Generate(uint64_t counter, size_t length) const;
    /// The same bytes written to `out` (out.size() of them), no allocation.
    void Fill(uint64_t counter, std::span<uint8_t> out) const;

  private:
    std::shared_ptr<const HmacSha256Key> key_;
};

} // namespace teepsim::crypto
