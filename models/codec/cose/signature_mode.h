// Internal to the COSE component: the process-wide signature mode (real or modelled), the
// modelled tag, and the per-thread operation counter that Sign and Verify bump.
#pragma once

#include "teepsim/codec/crypto.h"

#include <atomic>

namespace teepsim::crypto::detail
{

extern std::atomic<SignatureMode> gSignatureMode;
extern thread_local uint64_t tOperationCount;

inline bool ModelledSignatures()
{
    return gSignatureMode.load(std::memory_order_relaxed) == SignatureMode::Modelled;
}

inline void CountOperation()
{
    ++tOperationCount;
}

/// The modelled tag of `message` under `key`'s public half (see SignatureMode in crypto.h).
void ModelledTag(const Key& key, ByteView message, uint8_t out[64]);
/// Constant-length comparison of a 64-byte signature with the modelled tag.
bool VerifyModelledTag(const Key& key, ByteView message, ByteView signature);

} // namespace teepsim::crypto::detail
