// Modelled signatures: a keyed-by-public-key hash standing in for ECDSA/Ed25519 when a
// simulated fleet is too large to pay real signature arithmetic. Not a security mechanism.
#include "signature_mode.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

// SHA256_* are deprecated in 3.0 but avoid the provider fetch of the EVP one-shot calls.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace teepsim::crypto
{
namespace detail
{

std::atomic<SignatureMode> gSignatureMode{SignatureMode::Real};
thread_local uint64_t tOperationCount = 0;

void ModelledTag(const Key& key, ByteView message, uint8_t out[64])
{
    static constexpr char kDomain[] = "teepsim modelled signature";
    const Bytes& pub = key.RawPublic();
    // Length-prefix the public key so that (key, message) pairs cannot collide by shifting bytes.
    const uint8_t head[2] = {static_cast<uint8_t>(key.type()), static_cast<uint8_t>(pub.size())};
    SHA256_CTX c;
    SHA256_Init(&c);
    SHA256_Update(&c, kDomain, sizeof(kDomain) - 1);
    SHA256_Update(&c, head, sizeof(head));
    SHA256_Update(&c, pub.data(), pub.size());
    SHA256_Update(&c, message.data(), message.size());
    SHA256_Final(out, &c);
    SHA256(out, 32, out + 32);
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

} // namespace teepsim::crypto
