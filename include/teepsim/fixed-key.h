// Fixed-size lookup keys for the TAM's and the Verifier's per-device and per-session state:
// a device is found by its kid (the RFC 9679 thumbprint of its key, always a SHA-256, 32
// bytes) and a TAM session by its token (8 bytes, TamServer::NewBytes). Byte-vector keys in
// ordered maps cost a heap block per key and a memcmp per tree level on every message; these
// keys live inline in a hash map node and hash in one load.
//
// A received kid or token of another length cannot name anything we issued, so it converts to
// nullopt and the lookup fails exactly as the byte-vector lookup did.
#pragma once

#include "teepsim/codec/cbor.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>

namespace ns3
{

/// A kid as a map key: the 32-byte RFC 9679 thumbprint of a device key.
using KidKey = std::array<uint8_t, 32>;

/// Hash of a KidKey: its first 8 bytes. A thumbprint is a SHA-256 output, so they are
/// uniformly distributed; equal keys are still compared in full by the map.
struct KidKeyHash
{
    /// The first 8 bytes of `k` as the hash.
    size_t operator()(const KidKey& k) const noexcept
    {
        uint64_t h;
        std::memcpy(&h, k.data(), sizeof h);
        return static_cast<size_t>(h);
    }
};

/// `kid` as a KidKey, or nullopt when it is not 32 bytes long.
inline std::optional<KidKey> KidKeyOf(teepsim::cbor::ByteView kid)
{
    if (kid.size() != KidKey().size())
    {
        return std::nullopt;
    }
    KidKey k;
    std::memcpy(k.data(), kid.data(), k.size());
    return k;
}

/// An 8-byte token as an integer (its bytes in memory order; only compared and hashed), or
/// nullopt when `token` is not 8 bytes long.
inline std::optional<uint64_t> TokenKeyOf(teepsim::cbor::ByteView token)
{
    if (token.size() != sizeof(uint64_t))
    {
        return std::nullopt;
    }
    uint64_t t;
    std::memcpy(&t, token.data(), sizeof t);
    return t;
}

/// The bytes of a token made by TokenKeyOf (the same 8 bytes, same order).
inline teepsim::cbor::Bytes TokenBytesOf(uint64_t token)
{
    teepsim::cbor::Bytes b(sizeof token);
    std::memcpy(b.data(), &token, sizeof token);
    return b;
}

} // namespace ns3
