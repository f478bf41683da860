// Modelled keys: what a simulated device holds instead of a P-256 / Ed25519 key pair when
// signatures are modelled. No curve arithmetic and no OpenSSL object: a type, a 32-byte
// thumbprint (the kid) and the fingerprint keying its tags, ~128 bytes per device key.
#include "teepsim/codec/crypto.h"

#include <stdexcept>

#include "fast_hash.h"
#include "key_impl.h"
#include "signature_mode.h"

namespace teepsim::crypto
{
namespace
{

// "teepsimN" (name = thumbprint) and "teepsimR" (raw public key) domains.
constexpr uint64_t kThumbprintDomain = 0x7465657073696d4eULL;
constexpr uint64_t kRawDomain = 0x7465657073696d52ULL;

size_t RawSize(KeyType t)
{
    return t == KeyType::P256 ? 64 : 32;
}

// Word j of `out` = Hash64(Mix64(domain + 16 * type + j), in): independent 64-bit chains.
void ExpandWords(uint64_t domain, KeyType type, ByteView in, uint8_t* out, size_t words)
{
    for (size_t j = 0; j < words; ++j)
    {
        const uint64_t seed = detail::Mix64(domain + 16 * static_cast<uint64_t>(type) + j);
        const uint64_t w = detail::Hash64(seed, in.data(), in.size());
        std::memcpy(out + 8 * j, &w, 8);
    }
}

} // namespace

namespace detail
{

Bytes ModelledRawPublic(const Key::Impl& key)
{
    Bytes raw(RawSize(key.type));
    ExpandWords(kRawDomain, key.type, key.thumbprint, raw.data(), raw.size() / 8);
    return raw;
}

} // namespace detail

Key Key::Modelled(KeyType type, ByteView seed32)
{
    if (seed32.size() != 32)
    {
        throw std::invalid_argument("Key::Modelled: seed must be 32 bytes");
    }
    auto k = std::make_shared<Impl>();
    k->type = type;
    k->hasPrivate = true;
    k->modelled = true;
    k->thumbprint.resize(32);
    ExpandWords(kThumbprintDomain, type, seed32, k->thumbprint.data(), 4);
    k->fingerprint = detail::KeyFingerprint(type, detail::ModelledRawPublic(*k));
    return Key(std::shared_ptr<const Impl>(std::move(k)));
}

} // namespace teepsim::crypto
