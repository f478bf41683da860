// Internal to the COSE component: the process-wide signature mode (real or modelled), the
// modelled tag, and the per-thread operation counter that Sign and Verify bump.
#pragma once

#include "teepsim/codec/crypto.h"

#include <atomic>

namespace teepsim::crypto::detail
{

extern std::atomic<SignatureMode> gSignatureMode;
extern thread_local uint64_t tOperationCount;
extern thread_local OperationTally tOperationTally;

inline bool ModelledSignatures()
{
    return gSignatureMode.load(std::memory_order_relaxed) == SignatureMode::Modelled;
}

inline void CountOperation(KeyType type, bool sign)
{
    ++tOperationCount;
    uint64_t& n = type == KeyType::P256
                      ? (sign ? tOperationTally.p256Sign : tOperationTally.p256Verify)
                      : (sign ? tOperationTally.ed25519Sign : tOperationTally.ed25519Verify);
    ++n;
}

inline void CountMemoHit()
{
    ++tOperationTally.memoHits;
}

/// The 64-bit fingerprint of a public key that keys its modelled tags:
/// Hash64(kKeyDomain + type, raw public key) (fast_hash.h). Every Key computes it once.
uint64_t KeyFingerprint(KeyType type, ByteView rawPublic);
/// The modelled tag of `message` under `key`'s public half (see SignatureMode in crypto.h).
void ModelledTag(const Key& key, ByteView message, uint8_t out[64]);
/// Constant-length comparison of a 64-byte signature with the modelled tag.
bool VerifyModelledTag(const Key& key, ByteView message, ByteView signature);

/// A modelled key's raw public key, expanded from its thumbprint (see Key::Modelled).
Bytes ModelledRawPublic(const Key::Impl& key);

} // namespace teepsim::crypto::detail
