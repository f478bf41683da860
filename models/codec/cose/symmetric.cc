// AES key wrap (RFC 3394), AES-CTR, AES-GCM and ECDH through OpenSSL EVP.
#include "teepsim/codec/crypto.h"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace teepsim::crypto
{
namespace
{

struct CipherCtxFree
{
    void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

CipherCtx NewCtx()
{
    CipherCtx c(EVP_CIPHER_CTX_new());
    if (!c)
    {
        throw std::bad_alloc();
    }
    return c;
}

const EVP_CIPHER* WrapCipher(size_t keyLen)
{
    switch (keyLen)
    {
        case 16:
            return EVP_aes_128_wrap();
        case 24:
            return EVP_aes_192_wrap();
        case 32:
            return EVP_aes_256_wrap();
    }
    throw std::invalid_argument("AES key wrap: KEK must be 16, 24 or 32 bytes");
}

void RequireKey128(ByteView key, const char* what)
{
    if (key.size() != 16)
    {
        throw std::invalid_argument(std::string(what) + ": key must be 16 bytes");
    }
}

} // namespace

Bytes AesKeyWrap(ByteView kek, ByteView key)
{
    if (key.size() < 16 || key.size() % 8 != 0)
    {
        throw std::invalid_argument("AES key wrap: key to wrap must be a multiple of 8, >= 16");
    }
    CipherCtx c = NewCtx();
    Bytes out(key.size() + 8);
    int len = 0;
    if (EVP_EncryptInit_ex(c.get(), WrapCipher(kek.size()), nullptr, kek.data(), nullptr) != 1 ||
        EVP_EncryptUpdate(c.get(), out.data(), &len, key.data(), static_cast<int>(key.size())) !=
            1 ||
        static_cast<size_t>(len) != out.size())
    {
        throw std::runtime_error("AES key wrap failed");
    }
    return out;
}

std::optional<Bytes> AesKeyUnwrap(ByteView kek, ByteView wrapped)
{
    if (wrapped.size() < 24 || wrapped.size() % 8 != 0)
    {
        return std::nullopt;
    }
    if (kek.size() != 16 && kek.size() != 24 && kek.size() != 32)
    {
        return std::nullopt;
    }
    CipherCtx c = NewCtx();
    Bytes out(wrapped.size()); // OpenSSL writes up to inlen bytes before trimming
    int len = 0;
    if (EVP_DecryptInit_ex(c.get(), WrapCipher(kek.size()), nullptr, kek.data(), nullptr) != 1 ||
        EVP_DecryptUpdate(c.get(), out.data(), &len, wrapped.data(),
                          static_cast<int>(wrapped.size())) != 1 ||
        static_cast<size_t>(len) != wrapped.size() - 8)
    {
        return std::nullopt;
    }
    out.resize(len);
    return out;
}

void AesCtrInto(ByteView key, ByteView iv, ByteView data, std::span<uint8_t> out)
{
    RequireKey128(key, "AES-128-CTR");
    if (iv.size() != 16)
    {
        throw std::invalid_argument("AES-128-CTR: IV must be 16 bytes");
    }
    if (out.size() != data.size())
    {
        throw std::invalid_argument("AES-128-CTR: output size must equal input size");
    }
    CipherCtx c = NewCtx();
    int len = 0;
    if (EVP_EncryptInit_ex(c.get(), EVP_aes_128_ctr(), nullptr, key.data(), iv.data()) != 1 ||
        (!data.empty() && EVP_EncryptUpdate(c.get(), out.data(), &len, data.data(),
                                            static_cast<int>(data.size())) != 1))
    {
        throw std::runtime_error("AES-128-CTR failed");
    }
}

Bytes AesCtr(ByteView key, ByteView iv, ByteView data)
{
    Bytes out(data.size());
    AesCtrInto(key, iv, data, out);
    return out;
}

Bytes AesGcmSeal(ByteView key, ByteView iv, ByteView aad, ByteView plaintext)
{
    RequireKey128(key, "AES-128-GCM");
    if (iv.size() != 12)
    {
        throw std::invalid_argument("AES-128-GCM: IV must be 12 bytes");
    }
    CipherCtx c = NewCtx();
    Bytes out(plaintext.size() + 16);
    int len = 0;
    int fin = 0;
    if (EVP_EncryptInit_ex(c.get(), EVP_aes_128_gcm(), nullptr, key.data(), iv.data()) != 1 ||
        (!aad.empty() && EVP_EncryptUpdate(c.get(), nullptr, &len, aad.data(),
                                           static_cast<int>(aad.size())) != 1) ||
        EVP_EncryptUpdate(c.get(), out.data(), &len, plaintext.data(),
                          static_cast<int>(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(c.get(), out.data() + len, &fin) != 1 ||
        EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_GET_TAG, 16, out.data() + plaintext.size()) != 1)
    {
        throw std::runtime_error("AES-128-GCM seal failed");
    }
    return out;
}

std::optional<Bytes> AesGcmOpen(ByteView key, ByteView iv, ByteView aad, ByteView ciphertext)
{
    if (key.size() != 16 || iv.size() != 12 || ciphertext.size() < 16)
    {
        return std::nullopt;
    }
    const size_t n = ciphertext.size() - 16;
    CipherCtx c = NewCtx();
    Bytes out(n);
    int len = 0;
    int fin = 0;
    Bytes tag(ciphertext.begin() + n, ciphertext.end());
    if (EVP_DecryptInit_ex(c.get(), EVP_aes_128_gcm(), nullptr, key.data(), iv.data()) != 1 ||
        (!aad.empty() && EVP_DecryptUpdate(c.get(), nullptr, &len, aad.data(),
                                           static_cast<int>(aad.size())) != 1) ||
        EVP_DecryptUpdate(c.get(), out.data(), &len, ciphertext.data(), static_cast<int>(n)) != 1 ||
        EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_SET_TAG, 16, tag.data()) != 1 ||
        EVP_DecryptFinal_ex(c.get(), out.data() + len, &fin) != 1)
    {
        return std::nullopt;
    }
    return out;
}

Bytes Ecdh(const Key& priv, const Key& peerPublic)
{
    if (!priv.valid() || !peerPublic.valid() || !priv.hasPrivate() ||
        priv.type() != KeyType::P256 || peerPublic.type() != KeyType::P256)
    {
        throw std::invalid_argument("ECDH: needs a P-256 private key and a P-256 public key");
    }
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
        EVP_PKEY_CTX_new(priv.get(), nullptr), EVP_PKEY_CTX_free);
    size_t len = 0;
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
        EVP_PKEY_derive_set_peer(ctx.get(), peerPublic.get()) != 1 ||
        EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1)
    {
        throw std::runtime_error("ECDH derive setup failed");
    }
    Bytes out(len);
    if (EVP_PKEY_derive(ctx.get(), out.data(), &len) != 1)
    {
        throw std::runtime_error("ECDH derive failed");
    }
    out.resize(len);
    return out;
}

} // namespace teepsim::crypto
