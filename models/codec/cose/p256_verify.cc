// ECDSA P-256 verification without ECDSA_do_verify's per-call set-up, and with a precomputed
// multiples table for the public keys a thread verifies most (the TAM's and the Verifier's keys
// are checked by every device): u2 Q then costs what u1 G costs instead of a full windowed
// multiplication. Same verdicts as OpenSSL (tested against EVP).
#include "p256_verify.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include <array>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <unordered_map>

#include "p256_order_inverse.h"

// EC_GROUP_precompute_mult is deprecated in 3.0 but is the only public way to a multiples table
// for a point other than the standard generator.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace teepsim::crypto::detail
{
namespace
{

constexpr uint8_t kOrderP256[32] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};

/// A key verified this often on one thread gets its own table (building one costs about as
/// much as a few hundred verifications, and 150 KiB).
constexpr uint32_t kTableAfterUses = 1024;
constexpr size_t kMaxTables = 8;
constexpr size_t kMaxCounted = 1 << 14;

struct GroupFree
{
    void operator()(EC_GROUP* g) const { EC_GROUP_free(g); }
};
using GroupPtr = std::unique_ptr<EC_GROUP, GroupFree>;

bool InRange(const uint8_t* v)
{
    static constexpr uint8_t kZero[32] = {};
    return std::memcmp(v, kZero, 32) != 0 && std::memcmp(v, kOrderP256, 32) < 0;
}

using PublicKeyBytes = std::array<uint8_t, 64>; // x||y
struct PublicKeyHash
{
    size_t operator()(const PublicKeyBytes& k) const
    {
        size_t h;
        std::memcpy(&h, k.data(), sizeof(h)); // x is uniformly distributed
        return h;
    }
};

/// Per-thread scratch: BN_CTX, the P-256 group, temporaries and the hot-key tables.
struct VerifyScratch
{
    BN_CTX* ctx = BN_CTX_new();
    GroupPtr group{EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1)};
    const BIGNUM* n = group ? EC_GROUP_get0_order(group.get()) : nullptr;
    EC_POINT* R = group ? EC_POINT_new(group.get()) : nullptr;
    EC_POINT* R2 = group ? EC_POINT_new(group.get()) : nullptr;
    BIGNUM* e = BN_new();
    BIGNUM* w = BN_new();
    BIGNUM* r = BN_new();
    BIGNUM* u1 = BN_new();
    BIGNUM* u2 = BN_new();
    BIGNUM* x = BN_new();

    std::unordered_map<PublicKeyBytes, uint32_t, PublicKeyHash> uses;   // verifications per key
    std::unordered_map<PublicKeyBytes, GroupPtr, PublicKeyHash> tables; // group with G = Q

    VerifyScratch()
    {
        if (!ctx || !group || !R || !R2 || !e || !w || !r || !u1 || !u2 || !x)
        {
            throw std::bad_alloc();
        }
    }
    ~VerifyScratch()
    {
        for (BIGNUM* b : {e, w, r, u1, u2, x})
        {
            BN_free(b);
        }
        EC_POINT_free(R2);
        EC_POINT_free(R);
        BN_CTX_free(ctx);
    }
    VerifyScratch(const VerifyScratch&) = delete;
    VerifyScratch& operator=(const VerifyScratch&) = delete;

    /// The table group for Q if Q is hot (building it on the use that makes it hot).
    const EC_GROUP* TableFor(const PublicKeyBytes& raw, const EC_POINT* Q)
    {
        if (auto it = tables.find(raw); it != tables.end())
        {
            return it->second.get();
        }
        if (uses.size() >= kMaxCounted)
        {
            uses.clear();
        }
        if (++uses[raw] < kTableAfterUses || tables.size() >= kMaxTables)
        {
            return nullptr;
        }
        GroupPtr g(EC_GROUP_dup(group.get()));
        if (!g || EC_GROUP_set_generator(g.get(), Q, n, BN_value_one()) != 1 ||
            EC_GROUP_precompute_mult(g.get(), ctx) != 1)
        {
            return nullptr; // fall back to the plain multiplication
        }
        return tables.emplace(raw, std::move(g)).first->second.get();
    }
};

VerifyScratch& Scratch()
{
    thread_local VerifyScratch s;
    return s;
}

} // namespace

bool VerifyP256(const EC_POINT* Q, const uint8_t* rawPublic, const uint8_t digest[32],
                const uint8_t signature[64])
{
    if (Q == nullptr || rawPublic == nullptr || !InRange(signature) || !InRange(signature + 32))
    {
        return false;
    }
    uint8_t wb[32];
    if (!InverseModOrderP256(signature + 32, wb))
    {
        return false;
    }
    VerifyScratch& t = Scratch();
    // u1 = e w, u2 = r w (mod n); R = u1 G + u2 Q; valid iff R is finite and x(R) = r mod n.
    BN_bin2bn(digest, 32, t.e);
    BN_bin2bn(wb, 32, t.w);
    BN_bin2bn(signature, 32, t.r);
    if (BN_mod_mul(t.u1, t.e, t.w, t.n, t.ctx) != 1 || BN_mod_mul(t.u2, t.r, t.w, t.n, t.ctx) != 1)
    {
        return false;
    }
    const EC_GROUP* g = t.group.get();
    PublicKeyBytes name;
    std::memcpy(name.data(), rawPublic, name.size());
    if (const EC_GROUP* table = t.TableFor(name, Q))
    {
        if (EC_POINT_mul(g, t.R, t.u1, nullptr, nullptr, t.ctx) != 1 ||
            EC_POINT_mul(table, t.R2, t.u2, nullptr, nullptr, t.ctx) != 1 ||
            EC_POINT_add(g, t.R, t.R, t.R2, t.ctx) != 1)
        {
            return false;
        }
    }
    else if (EC_POINT_mul(g, t.R, t.u1, Q, t.u2, t.ctx) != 1)
    {
        return false;
    }
    if (EC_POINT_is_at_infinity(g, t.R) == 1 ||
        EC_POINT_get_affine_coordinates(g, t.R, t.x, nullptr, t.ctx) != 1 ||
        BN_nnmod(t.x, t.x, t.n, t.ctx) != 1)
    {
        return false;
    }
    return BN_cmp(t.x, t.r) == 0;
}

} // namespace teepsim::crypto::detail
