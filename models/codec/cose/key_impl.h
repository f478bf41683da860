// Internal to the COSE component: what a Key holds. Two layouts behind one pointer:
//  - a modelled key (Key::Modelled): type, fingerprint and thumbprint only, no OpenSSL object,
//    so that a simulated fleet of a million devices holds ~128 bytes per device key;
//  - a real key: the raw public key, the P-256 public point and private scalar that signing
//    and verification use directly, and an EVP_PKEY that is either the one the key was loaded
//    from or built on first request (PEM export, ECDH) for keys generated from a seed.
#pragma once

#include "teepsim/codec/crypto.h"

#include <openssl/ec.h>

#include <array>
#include <mutex>

namespace teepsim::crypto
{

struct Key::Impl
{
    KeyType type = KeyType::P256;
    bool hasPrivate = false;
    bool modelled = false;
    /// 64-bit digest of (type, raw public key) keying modelled signature tags (fast_hash.h).
    uint64_t fingerprint = 0;
    /// RFC 9679 thumbprint (real keys) or the modelled key's 32-byte name (Key::Modelled).
    Bytes thumbprint;
};

namespace detail
{

struct EcPointFree
{
    void operator()(EC_POINT* p) const;
};

struct RealKey : Key::Impl
{
    std::array<uint8_t, 64> raw{};            // x||y (P-256) or the Ed25519 public key (first 32)
    std::array<uint8_t, 32> d{};              // P-256 private scalar, big-endian, when hasPrivate
    std::unique_ptr<EC_POINT, EcPointFree> q; // P-256 public point (on P256Group())
    mutable std::once_flag pkeyOnce;
    mutable std::shared_ptr<EVP_PKEY> pkey; // loaded, or built by Key::get() on first use

    size_t rawSize() const { return type == KeyType::P256 ? 64 : 32; }
};

inline const RealKey* Real(const Key& k)
{
    const Key::Impl* i = k.impl();
    return i != nullptr && !i->modelled ? static_cast<const RealKey*>(i) : nullptr;
}

/// The process-wide P-256 group (built once; OpenSSL groups are read-only in arithmetic, so
/// every thread and key shares it).
const EC_GROUP* P256Group();

} // namespace detail
} // namespace teepsim::crypto
