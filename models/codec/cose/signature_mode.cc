// Modelled signatures: a fast keyed hash standing in for ECDSA/Ed25519 when a simulated fleet
// is too large to pay real signature arithmetic. It keeps sizes and tamper detection, not
// security: anyone can compute it.
#include "signature_mode.h"

#include <openssl/crypto.h>

#include "fast_hash.h"
#include "key_impl.h"

namespace teepsim::crypto
{
namespace detail
{

std::atomic<SignatureMode> gSignatureMode{SignatureMode::Real};
thread_local uint64_t tOperationCount = 0;
thread_local OperationTally tOperationTally;

namespace
{
// Domain constants ("teepsimK", "teepsimT"): a key fingerprint is never a tag's seed.
constexpr uint64_t kKeyDomain = 0x7465657073696d4bULL;
constexpr uint64_t kTagDomain = 0x7465657073696d54ULL;
} // namespace

uint64_t KeyFingerprint(KeyType type, ByteView rawPublic)
{
    return Hash64(kKeyDomain + static_cast<uint64_t>(type), rawPublic.data(), rawPublic.size());
}

void ModelledTag(const Key& key, ByteView message, uint8_t out[64])
{
    // h = Hash64(fingerprint ^ kTagDomain, message): the key enters as the seed, the message
    // word by word; the 64 bytes are Expand64(h), whose first word alone is a bijection of h.
    const uint64_t h = Hash64(key.impl()->fingerprint ^ kTagDomain, message.data(), message.size());
    Expand64(h, out, 8);
}

bool VerifyModelledTag(const Key& key, ByteView message, ByteView signature)
{
    if (signature.size() != 64)
    {
        return false;
    }
    uint8_t tag[64];
    ModelledTag(key, message, tag);
    return CRYPTO_memcmp(tag, signature.data(), 64) == 0;
}

} // namespace detail

void SetSignatureMode(SignatureMode mode)
{
    detail::gSignatureMode.store(mode, std::memory_order_relaxed);
}

SignatureMode GetSignatureMode()
{
    return detail::gSignatureMode.load(std::memory_order_relaxed);
}

uint64_t OperationCount()
{
    return detail::tOperationCount;
}

OperationTally OperationCounts()
{
    return detail::tOperationTally;
}

} // namespace teepsim::crypto
