// Signatures: ECDSA P-256/SHA-256 with RFC 6979 deterministic k (OpenSSL 3.0 has none; it came
// in 3.2), and Ed25519 through EVP (deterministic by design). COSE format: r||s, 64 bytes.
#include "teepsim/codec/crypto.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/sha.h>

#include <array>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

#include "fast_hash.h"
#include "hmac_sha256.h"
#include "key_impl.h"
#include "p256_order_inverse.h"
#include "p256_verify.h"
#include "signature_mode.h"

// SHA256_* are deprecated in 3.0 but avoid the provider fetch of the EVP one-shot calls.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace teepsim::crypto
{
namespace
{

// P-256 order n, big-endian.
constexpr uint8_t kOrderP256[32] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};

// a < b for 32-byte big-endian integers.
bool Less32(const uint8_t* a, const uint8_t* b)
{
    return std::memcmp(a, b, 32) < 0;
}

bool IsZero32(const uint8_t* a)
{
    for (int i = 0; i < 32; ++i)
    {
        if (a[i] != 0)
        {
            return false;
        }
    }
    return true;
}

// bits2octets(h1) for qlen = hlen = 256: h1 mod n, which needs at most one subtraction.
void ReduceModN(const uint8_t* in, uint8_t* out)
{
    std::memcpy(out, in, 32);
    if (!Less32(out, kOrderP256))
    {
        int borrow = 0;
        for (int i = 31; i >= 0; --i)
        {
            int d = out[i] - kOrderP256[i] - borrow;
            borrow = d < 0;
            out[i] = static_cast<uint8_t>(d);
        }
    }
}

/// RFC 6979 section 3.2 HMAC_DRBG for P-256 / SHA-256. Next() yields successive k candidates
/// (step h); the caller asks again if a candidate gives r = 0 or s = 0.
class Rfc6979
{
  public:
    Rfc6979(ByteView x, ByteView h1)
    {
        uint8_t h[32];
        ReduceModN(h1.data(), h);
        uint8_t key[32] = {};
        std::memset(v_, 0x01, 32);
        const uint8_t zero = 0x00, one = 0x01;
        HmacSha256Key(ByteView(key, 32))
            .Mac({ByteView(v_, 32), ByteView(&zero, 1), x, ByteView(h, 32)}, key); // d
        HmacSha256Key k1{ByteView(key, 32)};
        k1.Mac({ByteView(v_, 32)}, v_);                                         // e
        k1.Mac({ByteView(v_, 32), ByteView(&one, 1), x, ByteView(h, 32)}, key); // f
        k_.emplace(ByteView(key, 32));
        k_->Mac({ByteView(v_, 32)}, v_); // g
    }

    void Next(uint8_t out[32])
    {
        for (;;)
        {
            if (started_)
            {
                uint8_t key[32];
                const uint8_t zero = 0x00;
                k_->Mac({ByteView(v_, 32), ByteView(&zero, 1)}, key);
                k_.emplace(ByteView(key, 32));
                k_->Mac({ByteView(v_, 32)}, v_);
            }
            started_ = true;
            k_->Mac({ByteView(v_, 32)}, v_); // tlen = qlen: one block
            if (!IsZero32(v_) && Less32(v_, kOrderP256))
            {
                std::memcpy(out, v_, 32);
                return;
            }
        }
    }

  private:
    uint8_t v_[32];
    std::optional<HmacSha256Key> k_;
    bool started_ = false;
};

/// Per-thread BN_CTX and temporaries for SignP256Digest, so a signature allocates nothing here. All
/// P-256 group objects share one method and curve name, so a point made on our own group is
/// compatible with every key's group.
struct SignScratch
{
    BN_CTX* ctx = BN_CTX_new();
    EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    EC_POINT* R = group != nullptr ? EC_POINT_new(group) : nullptr;
    BIGNUM* n = BN_bin2bn(kOrderP256, 32, nullptr); // without BN_FLG_CONSTTIME, see below
    BIGNUM* k = BN_new();
    BIGNUM* rx = BN_new();
    BIGNUM* r = BN_new();
    BIGNUM* kinv = BN_new();
    BIGNUM* h = BN_new();
    BIGNUM* s = BN_new();
    BIGNUM* priv = BN_new();

    SignScratch()
    {
        if (!ctx || !group || !R || !n || !k || !rx || !r || !kinv || !h || !s || !priv)
        {
            throw std::bad_alloc();
        }
    }
    ~SignScratch()
    {
        BN_clear_free(priv);
        BN_clear_free(s);
        BN_free(h);
        BN_clear_free(kinv);
        BN_free(r);
        BN_free(rx);
        BN_clear_free(k);
        BN_free(n);
        EC_POINT_free(R);
        EC_GROUP_free(group);
        BN_CTX_free(ctx);
    }
    SignScratch(const SignScratch&) = delete;
    SignScratch& operator=(const SignScratch&) = delete;
};

SignScratch& ThreadScratch()
{
    thread_local SignScratch s;
    return s;
}

struct MdCtxFree
{
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

EVP_MD_CTX* ThreadMdCtx()
{
    thread_local std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    EVP_MD_CTX_reset(ctx.get());
    return ctx.get();
}

// SHA-256 into a stack buffer (Sha256() returns a heap vector).
void Sha256Into(ByteView data, uint8_t out[32])
{
    SHA256_CTX c;
    SHA256_Init(&c);
    SHA256_Update(&c, data.data(), data.size());
    SHA256_Final(out, &c);
}

Bytes SignEd25519(const Key& key, ByteView message)
{
    EVP_MD_CTX* ctx = ThreadMdCtx();
    Bytes sig(64);
    size_t len = sig.size();
    if (EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx, sig.data(), &len, message.data(), message.size()) != 1 || len != 64)
    {
        throw std::runtime_error("Ed25519 sign failed");
    }
    return sig;
}

bool VerifyEd25519(const Key& key, ByteView message, ByteView signature)
{
    if (signature.size() != 64)
    {
        return false;
    }
    EVP_MD_CTX* ctx = ThreadMdCtx();
    return EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key.get()) == 1 &&
           EVP_DigestVerify(ctx, signature.data(), signature.size(), message.data(),
                            message.size()) == 1;
}

bool VerifyP256Digest(const detail::RealKey& key, const uint8_t digest[32], ByteView signature)
{
    return signature.size() == 64 && key.q &&
           detail::VerifyP256(key.q.get(), key.raw.data(), digest, signature.data());
}

} // namespace

Bytes Rfc6979NonceP256(ByteView privateScalar32, ByteView digest32)
{
    if (privateScalar32.size() != 32 || digest32.size() != 32)
    {
        throw std::invalid_argument("RFC 6979: P-256 scalar and SHA-256 digest are 32 bytes");
    }
    Bytes k(32);
    Rfc6979(privateScalar32, digest32).Next(k.data());
    return k;
}

Bytes SignP256Digest(const Key& key, ByteView digest32)
{
    if (!key.valid() || key.type() != KeyType::P256 || !key.hasPrivate())
    {
        throw std::invalid_argument("ECDSA sign: needs a P-256 private key");
    }
    if (digest32.size() != 32)
    {
        throw std::invalid_argument("ECDSA sign: digest must be 32 bytes");
    }
    const detail::RealKey* real = detail::Real(key);
    if (real == nullptr)
    {
        throw std::invalid_argument("ECDSA sign: a modelled key signs only in modelled mode");
    }
    Rfc6979 drbg(ByteView(real->d.data(), 32), digest32);

    SignScratch& t = ThreadScratch();
    const EC_GROUP* group = t.group;
    BIGNUM* priv = t.priv;
    if (BN_bin2bn(real->d.data(), 32, priv) == nullptr)
    {
        throw std::runtime_error("ECDSA sign: arithmetic failed");
    }
    uint8_t hm[32];
    ReduceModN(digest32.data(), hm); // e = h mod n (qlen = hlen: no truncation)
    BN_bin2bn(hm, 32, t.h);
    for (int attempt = 0; attempt < 16; ++attempt)
    {
        uint8_t kb[32];
        drbg.Next(kb);
        BN_bin2bn(kb, 32, t.k);
        // s = k^-1 (e + r x) mod n, the same arithmetic as ECDSA_do_sign_ex without its per-call
        // set-up; k^-1 by a fixed-size variable-time inversion (this is a simulator, not a key
        // store; the inverse is unique, so the bytes are those of any other method).
        uint8_t kinv[32];
        const bool inverted = detail::InverseModOrderP256(kb, kinv);
        OPENSSL_cleanse(kb, sizeof(kb));
        if (!inverted || BN_bin2bn(kinv, 32, t.kinv) == nullptr ||
            EC_POINT_mul(group, t.R, t.k, nullptr, nullptr, t.ctx) != 1 ||
            EC_POINT_get_affine_coordinates(group, t.R, t.rx, nullptr, t.ctx) != 1 ||
            BN_nnmod(t.r, t.rx, t.n, t.ctx) != 1)
        {
            throw std::runtime_error("ECDSA sign: arithmetic failed");
        }
        OPENSSL_cleanse(kinv, sizeof(kinv));
        if (BN_is_zero(t.r))
        {
            continue;
        }
        if (BN_mod_mul(t.s, t.r, priv, t.n, t.ctx) != 1 ||
            BN_mod_add_quick(t.s, t.s, t.h, t.n) != 1 ||
            BN_mod_mul(t.s, t.s, t.kinv, t.n, t.ctx) != 1)
        {
            throw std::runtime_error("ECDSA sign: arithmetic failed");
        }
        BN_clear(t.k);
        BN_clear(t.kinv);
        if (BN_is_zero(t.s))
        {
            continue; // RFC 6979: take the next k
        }
        Bytes out(64);
        BN_bn2binpad(t.r, out.data(), 32);
        BN_bn2binpad(t.s, out.data() + 32, 32);
        BN_clear(t.s);
        BN_clear(priv);
        return out;
    }
    BN_clear(priv);
    throw std::runtime_error("ECDSA sign: no usable k");
}

bool IsSignatureAlg(Alg alg)
{
    return alg == Alg::ES256 || alg == Alg::ESP256 || alg == Alg::EdDSA || alg == Alg::Ed25519;
}

bool AlgMatchesKey(Alg alg, const Key& key)
{
    if (!key.valid())
    {
        return false;
    }
    switch (alg)
    {
        case Alg::ES256:
        case Alg::ESP256:
            return key.type() == KeyType::P256;
        case Alg::EdDSA:
        case Alg::Ed25519:
            return key.type() == KeyType::Ed25519;
        default:
            return false;
    }
}

namespace
{

/// Memo of real signature results. Sign and Verify are pure functions of (alg, key, message
/// [, signature]), and a simulated fleet repeats many of them byte for byte: the EAT evidence
/// and attestation results are verified by several parties, and every device checks the same
/// SUIT manifest signature. An entry is named by the exact tuple (operation, key type, alg,
/// raw public key, SHA-256 of the message, signature): ECDSA signs and verifies that digest,
/// so a hit returns exactly what the computation would return (Ed25519, which reads the whole
/// message, relies on SHA-256 collision resistance as before). The SHA-256 is the one signing
/// needs anyway; the table is hashed with the fast 64-bit hash. Per thread, bounded (cleared
/// when full), so results never depend on what was cached before. Modelled tags skip it.
class SignatureMemo
{
  public:
    static constexpr size_t kNameSize = 2 + 8 + 64 + 32 + 64;
    using Name = std::array<uint8_t, kNameSize>;

    static Name MakeName(uint8_t op, Alg alg, const detail::RealKey& key, const uint8_t digest[32],
                         ByteView signature)
    {
        Name n{};
        n[0] = op;
        n[1] = static_cast<uint8_t>(key.type);
        const uint64_t a = static_cast<uint64_t>(alg);
        std::memcpy(n.data() + 2, &a, 8);
        std::memcpy(n.data() + 10, key.raw.data(), 64); // Ed25519: 32 bytes and zeros
        std::memcpy(n.data() + 74, digest, 32);
        if (!signature.empty())
        {
            std::memcpy(n.data() + 106, signature.data(), 64); // Verify checks size 64 first
        }
        return n;
    }

    static SignatureMemo& Thread()
    {
        thread_local SignatureMemo m;
        return m;
    }

    const Bytes* FindSignature(const Name& d) const
    {
        auto it = signatures_.find(d);
        return it == signatures_.end() ? nullptr : &it->second;
    }
    std::optional<bool> FindVerdict(const Name& d) const
    {
        auto it = verdicts_.find(d);
        return it == verdicts_.end() ? std::nullopt : std::optional<bool>(it->second);
    }
    void PutSignature(const Name& d, const Bytes& sig)
    {
        if (signatures_.size() >= kCapacity)
        {
            signatures_.clear();
        }
        signatures_.emplace(d, sig);
    }
    void PutVerdict(const Name& d, bool ok)
    {
        if (verdicts_.size() >= kCapacity)
        {
            verdicts_.clear();
        }
        verdicts_.emplace(d, ok);
    }
    void Clear()
    {
        signatures_.clear();
        verdicts_.clear();
    }

    bool enabled = true;

  private:
    struct NameHash
    {
        size_t operator()(const Name& d) const { return detail::Hash64(0, d.data(), d.size()); }
    };
    static constexpr size_t kCapacity = 4096;
    std::unordered_map<Name, Bytes, NameHash> signatures_;
    std::unordered_map<Name, bool, NameHash> verdicts_;
};

} // namespace

void SetSignatureMemo(bool enabled)
{
    SignatureMemo& m = SignatureMemo::Thread();
    m.enabled = enabled;
    m.Clear();
}

namespace
{

Bytes SignUncached(const Key& key, ByteView message, const uint8_t digest[32])
{
    if (key.type() == KeyType::Ed25519)
    {
        return SignEd25519(key, message);
    }
    return SignP256Digest(key, ByteView(digest, 32));
}

bool VerifyUncached(const detail::RealKey& real, const Key& key, ByteView message,
                    const uint8_t digest[32], ByteView signature)
{
    if (key.type() == KeyType::Ed25519)
    {
        return VerifyEd25519(key, message, signature);
    }
    return VerifyP256Digest(real, digest, signature);
}

} // namespace

Bytes Sign(Alg alg, const Key& key, ByteView message)
{
    if (!AlgMatchesKey(alg, key) || !key.hasPrivate())
    {
        throw std::invalid_argument("Sign: algorithm " + std::to_string(static_cast<int>(alg)) +
                                    " needs a matching private key");
    }
    const bool modelled = detail::ModelledSignatures();
    const detail::RealKey* real = detail::Real(key);
    if (!modelled && real == nullptr)
    {
        throw std::invalid_argument("Sign: a modelled key (made in modelled crypto mode) cannot "
                                    "make real signatures");
    }
    detail::CountOperation(key.type(), true);
    if (modelled)
    {
        Bytes tag(64);
        detail::ModelledTag(key, message, tag.data());
        return tag;
    }
    uint8_t h[32];
    Sha256Into(message, h);
    SignatureMemo& memo = SignatureMemo::Thread();
    if (!memo.enabled)
    {
        return SignUncached(key, message, h);
    }
    const SignatureMemo::Name name = SignatureMemo::MakeName('S', alg, *real, h, {});
    if (const Bytes* hit = memo.FindSignature(name))
    {
        detail::CountMemoHit();
        return *hit;
    }
    Bytes sig = SignUncached(key, message, h);
    memo.PutSignature(name, sig);
    return sig;
}

bool Verify(Alg alg, const Key& key, ByteView message, ByteView signature)
{
    if (!AlgMatchesKey(alg, key))
    {
        return false;
    }
    if (signature.size() != 64)
    {
        return false; // both algorithms' COSE signatures are 64 bytes
    }
    detail::CountOperation(key.type(), false);
    if (detail::ModelledSignatures())
    {
        return detail::VerifyModelledTag(key, message, signature);
    }
    const detail::RealKey* real = detail::Real(key);
    if (real == nullptr)
    {
        return false; // a modelled key verifies no real signature
    }
    uint8_t h[32];
    Sha256Into(message, h);
    SignatureMemo& memo = SignatureMemo::Thread();
    if (!memo.enabled)
    {
        return VerifyUncached(*real, key, message, h, signature);
    }
    const SignatureMemo::Name name = SignatureMemo::MakeName('V', alg, *real, h, signature);
    if (auto hit = memo.FindVerdict(name))
    {
        detail::CountMemoHit();
        return *hit;
    }
    const bool ok = VerifyUncached(*real, key, message, h, signature);
    memo.PutVerdict(name, ok);
    return ok;
}

} // namespace teepsim::crypto
