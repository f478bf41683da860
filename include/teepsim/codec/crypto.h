// Cryptographic primitives for COSE over OpenSSL 3: keys, signatures (deterministic ECDSA per
// RFC 6979, Ed25519), digests, HKDF, ECDH, AES key wrap, AES-CTR/GCM.
#pragma once

#include "teepsim/codec/cbor.h"

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

typedef struct evp_pkey_st EVP_PKEY;

namespace teepsim::crypto
{

using cbor::Bytes;
using cbor::ByteView;

/// COSE algorithm identifiers (IANA COSE Algorithms; RFC 9053, RFC 9864).
enum class Alg : int64_t
{
    ES256 = -7,    // ECDSA w/ SHA-256 (polymorphic, legacy TEEP)
    ESP256 = -9,   // ECDSA P-256 + SHA-256 (fully specified, draft-26)
    EdDSA = -8,    // EdDSA (polymorphic, legacy TEEP)
    Ed25519 = -19, // Ed25519 (fully specified, draft-26)
    ECDH_ES_A128KW = -29,
    A128KW = -3,
    A128GCM = 1,
    A128CTR = -65534,
    SHA256 = -16,
};

enum class KeyType
{
    P256,
    Ed25519
};

/// An asymmetric key (public, or private with its public half). Copyable: copies share one
/// immutable state. Real keys sign and verify with ECDSA P-256 / Ed25519; modelled keys
/// (Key::Modelled, what DeriveTeepKey makes in modelled crypto mode) only make and check
/// modelled signature tags (SignatureMode::Modelled).
class Key
{
  public:
    Key() = default;
    explicit Key(std::shared_ptr<EVP_PKEY> pkey);

    /// Fresh key pair from a 32-byte seed (deterministic: the same seed gives the same key).
    /// P-256: d = HKDF-SHA-256(salt "teepsim P-256 key from seed", ikm seed, info "", 48 bytes)
    /// mod (n-1) + 1. Ed25519: the seed is the RFC 8032 private key. The P-256 key keeps only
    /// d and the public point; its EVP_PKEY is built on the first get().
    static Key GenerateP256(ByteView seed32);
    static Key GenerateEd25519(ByteView seed32);
    /// A modelled key pair of `type` from a 32-byte seed, with no curve arithmetic and no
    /// OpenSSL object: the stand-in for a real key when signatures are modelled. Its
    /// thumbprint (32 bytes) is word j = Mix64(Hash64(D_j, type || seed)) and its raw public
    /// key (64 bytes for P-256, 32 for Ed25519, as real) expands the thumbprint the same way
    /// (models/codec/cose/modelled_key.cc), so kids, COSE_Keys and every message keep their
    /// real sizes. It signs only in modelled mode (Sign throws in real mode, Verify is false),
    /// has no PEM or private COSE_Key form, and never equals a real key.
    static Key Modelled(KeyType type, ByteView seed32);
    /// PEM: PUBLIC KEY, PRIVATE KEY, EC PRIVATE KEY. Throws std::runtime_error with the reason.
    static Key FromPem(std::string_view pem);
    /// DER SubjectPublicKeyInfo or PKCS#8 / SEC1 private key.
    static Key FromDer(ByteView der);
    /// COSE_Key map (kty 2 EC2 crv 1, or kty 1 OKP crv 6); with d = private.
    static Key FromCoseKey(const cbor::Value& coseKey);
    /// Reads a file holding PEM, DER or an encoded COSE_Key (auto-detected).
    static Key FromFile(const std::string& path);

    bool valid() const { return impl_ != nullptr; }
    bool hasPrivate() const;
    /// Whether this is a modelled key (Key::Modelled).
    bool modelled() const;
    KeyType type() const;
    /// The OpenSSL key (built on first use for keys generated from a seed); nullptr for an
    /// empty key. Throws std::logic_error for a modelled key, which has none.
    EVP_PKEY* get() const;

    /// Public COSE_Key with only the RFC 9679 required members, in deterministic order.
    cbor::Value PublicCoseKey() const;
    /// RFC 9679 thumbprint: SHA-256 of the deterministic encoding of PublicCoseKey() (a
    /// modelled key: its 32-byte name, see Modelled). Computed once when the key is made (kid
    /// matching is on the verify hot path).
    const Bytes& Thumbprint() const;
    std::string PublicPem() const;
    std::string PrivatePem() const;
    /// Raw public key bytes: x||y (P-256) or the 32-byte key (Ed25519); empty for an empty key.
    Bytes RawPublic() const;
    /// COSE_Key with the private member d too (throws if there is no private half, and for a
    /// modelled key).
    cbor::Value PrivateCoseKey() const;
    /// Same type, same public key, both or neither with the private half, both or neither
    /// modelled.
    bool operator==(const Key& o) const;

    struct Impl; // models/codec/cose/key_impl.h
    const Impl* impl() const { return impl_.get(); }

  private:
    explicit Key(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
    std::shared_ptr<const Impl> impl_;
};

/// Signs `message` with the algorithm's hash. ECDSA (ES256/ESP256) is deterministic (RFC 6979,
/// HMAC-SHA-256) and returns r||s (64 bytes, COSE format); Ed25519 returns 64 bytes.
Bytes Sign(Alg alg, const Key& key, ByteView message);
/// Verifies a COSE-format signature; false (never throws) on any mismatch or wrong key type.
bool Verify(Alg alg, const Key& key, ByteView message, ByteView signature);
/// Real Sign and Verify remember their results per thread (bounded; keyed by alg, public key,
/// SHA-256 of the message and signature), because a simulated fleet signs and verifies many
/// identical byte strings. Results are the same with or without it; benchmarks of the
/// primitives turn it off. On by default; changing it clears this thread's memo. Modelled
/// signatures never use it (recomputing a tag is cheaper than looking it up).
void SetSignatureMemo(bool enabled);
/// How Sign and Verify compute signatures, process-wide.
/// Real: ECDSA P-256 (RFC 6979) / Ed25519, the default.
/// Modelled: for very large simulated fleets. Sign returns a 64-byte tag (the real signature's
/// length): h = Hash64(F ^ "teepsimT", message) and tag word j (8 bytes, little-endian,
/// j = 0..7) = Mix64(h + (j+1) * 0x9e3779b97f4a7c15), where Mix64 is the MurmurHash3 64-bit
/// finaliser, Hash64 absorbs the message in 8-byte words through Mix64 (fast_hash.h), and
/// F = Hash64("teepsimK" + key type, raw public key) is the key's fingerprint, computed once
/// when the key is made. Verify recomputes it (like real signatures, ES256/ESP256 and
/// EdDSA/Ed25519 give the same bytes). A message differing in one 8-byte word always changes
/// the tag; any other change, another key or a real signature passes with probability about
/// 2^-64. The COSE structure, sizes, kids, tamper detection and key mismatch behave as with
/// real signatures, but anyone can compute a tag: a simulator's cost model, never a security
/// mechanism. Real and modelled signatures never verify under the other mode.
enum class SignatureMode : uint8_t
{
    Real,
    Modelled,
};
/// Sets the mode for every thread (an atomic; set it before a simulation starts).
void SetSignatureMode(SignatureMode mode);
SignatureMode GetSignatureMode();
/// Sign + Verify calls performed on this thread since it started (memo hits included: a real
/// device would pay for them), so that models can charge CPU time per operation. Only calls
/// that reach the algorithm count (not argument errors such as a missing private key).
uint64_t OperationCount();
/// OperationCount() split by kind, and the real operations the memo answered (for benchmarks
/// that compare the simulator with the raw cost of the same operation mix).
struct OperationTally
{
    uint64_t p256Sign = 0, p256Verify = 0, ed25519Sign = 0, ed25519Verify = 0;
    uint64_t memoHits = 0; // real Sign/Verify answered by the memo (included above)
};
OperationTally OperationCounts();
/// Whether `alg` is a signature algorithm usable with `key`.
bool AlgMatchesKey(Alg alg, const Key& key);
/// Whether `alg` is one of the signature algorithms implemented here (-7, -9, -8, -19).
bool IsSignatureAlg(Alg alg);
/// ECDSA P-256 / SHA-256 with a caller-chosen hash already computed (RFC 6979 k from it).
Bytes SignP256Digest(const Key& key, ByteView digest32);
/// The RFC 6979 (section 3.2, HMAC-SHA-256) nonce k for private scalar x and hash h1, both 32
/// bytes big-endian, on P-256. Exposed for the RFC 6979 appendix A.2.5 test.
Bytes Rfc6979NonceP256(ByteView privateScalar32, ByteView digest32);

Bytes Sha256(ByteView data);
Bytes HmacSha256(ByteView key, ByteView data);
Bytes HkdfSha256(ByteView salt, ByteView ikm, ByteView info, size_t length);
/// ECDH shared secret (x coordinate for P-256).
Bytes Ecdh(const Key& priv, const Key& peerPublic);
/// RFC 3394 AES key wrap; Unwrap returns nullopt on integrity failure.
Bytes AesKeyWrap(ByteView kek, ByteView key);
std::optional<Bytes> AesKeyUnwrap(ByteView kek, ByteView wrapped);
/// AES-128-CTR (encrypt == decrypt). iv is the 16-byte initial counter block.
Bytes AesCtr(ByteView key, ByteView iv, ByteView data);
/// AES-128-GCM; the tag (16 bytes) is appended to the ciphertext. Open returns nullopt on
/// authentication failure.
Bytes AesGcmSeal(ByteView key, ByteView iv, ByteView aad, ByteView plaintext);
std::optional<Bytes> AesGcmOpen(ByteView key, ByteView iv, ByteView aad, ByteView ciphertext);
/// AES-128-CTR into a caller buffer (out.size() == data.size()), no allocation.
void AesCtrInto(ByteView key, ByteView iv, ByteView data, std::span<uint8_t> out);
/// Deterministic pseudo-random bytes (HMAC-DRBG-like expansion of a seed); simulations use it
/// for challenges, tokens, IVs and ephemeral keys so that runs are reproducible.
/// Block i (32 bytes) = HMAC-SHA-256(seed, "teepsim-drbg" || be64(counter) || be32(i)).
Bytes DeterministicBytes(ByteView seed, uint64_t counter, size_t length);
/// Hex helpers for tests, logs and key files ("0a1B.." accepted, whitespace skipped).
std::string ToHex(ByteView b);
std::optional<Bytes> FromHex(std::string_view hex);

} // namespace teepsim::crypto
