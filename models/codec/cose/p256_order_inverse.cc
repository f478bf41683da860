// Binary inversion modulo the P-256 order (Hankerson-Menezes-Vanstone, Guide to ECC, alg. 2.22)
// with the halvings of x1/x2 done several bits at a time: x / 2^t mod n = (x + m n) / 2^t for
// m = -x n^-1 mod 2^t, as in Montgomery reduction.
#include "p256_order_inverse.h"

#include <bit>
#include <cstring>

namespace teepsim::crypto::detail
{
namespace
{

using u64 = uint64_t;
using u128 = unsigned __int128;

// n, least significant limb first.
constexpr u64 kN[4] = {0xf3b9cac2fc632551ULL, 0xbce6faada7179e84ULL, 0xffffffffffffffffULL,
                       0xffffffff00000000ULL};
// n^-1 mod 2^64 (Newton iteration from the lowest limb, computed at compile time).
constexpr u64 NInverse64()
{
    u64 inv = kN[0]; // correct to 3 bits for odd n
    for (int i = 0; i < 6; ++i)
    {
        inv *= 2 - kN[0] * inv;
    }
    return inv;
}
constexpr u64 kNInv = NInverse64();
static_assert(kN[0] * kNInv == 1, "n^-1 mod 2^64");

struct U256
{
    u64 w[4];
};

bool IsOne(const U256& a)
{
    return a.w[0] == 1 && (a.w[1] | a.w[2] | a.w[3]) == 0;
}

bool IsZero(const U256& a)
{
    return (a.w[0] | a.w[1] | a.w[2] | a.w[3]) == 0;
}

bool GreaterEq(const U256& a, const U256& b)
{
    for (int i = 3; i >= 0; --i)
    {
        if (a.w[i] != b.w[i])
        {
            return a.w[i] > b.w[i];
        }
    }
    return true;
}

// a -= b, returns the borrow.
u64 Sub(U256& a, const U256& b)
{
    u64 borrow = 0;
    for (int i = 0; i < 4; ++i)
    {
        const u128 d = static_cast<u128>(a.w[i]) - b.w[i] - borrow;
        a.w[i] = static_cast<u64>(d);
        borrow = static_cast<u64>(d >> 64) & 1;
    }
    return borrow;
}

// a = a - b mod n for a, b in [0, n).
void SubModN(U256& a, const U256& b)
{
    if (Sub(a, b) != 0)
    {
        u64 carry = 0;
        for (int i = 0; i < 4; ++i)
        {
            const u128 s = static_cast<u128>(a.w[i]) + kN[i] + carry;
            a.w[i] = static_cast<u64>(s);
            carry = static_cast<u64>(s >> 64);
        }
    }
}

// a >>= t for 0 < t < 64.
void ShiftRight(U256& a, int t)
{
    for (int i = 0; i < 3; ++i)
    {
        a.w[i] = (a.w[i] >> t) | (a.w[i + 1] << (64 - t));
    }
    a.w[3] >>= t;
}

// x = x / 2^t mod n for x in [0, n), 0 < t < 64: adds the multiple of n that clears the low t
// bits, then shifts (x + m n < 2^t n, so the result stays below n).
void HalveModN(U256& x, int t)
{
    const u64 mask = (u64{1} << t) - 1;
    const u64 m = (0 - x.w[0] * kNInv) & mask;
    u64 r[5];
    u64 carry = 0;
    for (int i = 0; i < 4; ++i)
    {
        const u128 p = static_cast<u128>(m) * kN[i] + x.w[i] + carry;
        r[i] = static_cast<u64>(p);
        carry = static_cast<u64>(p >> 64);
    }
    r[4] = carry;
    for (int i = 0; i < 4; ++i)
    {
        x.w[i] = (r[i] >> t) | (r[i + 1] << (64 - t));
    }
}

// Strips the trailing zero bits of u (nonzero) and divides x by the same power of two mod n.
void StripTwos(U256& u, U256& x)
{
    while ((u.w[0] & 1) == 0)
    {
        int t = u.w[0] == 0 ? 63 : std::countr_zero(u.w[0]);
        t = t > 63 ? 63 : t;
        ShiftRight(u, t);
        HalveModN(x, t);
    }
}

U256 FromBytes(const uint8_t b[32])
{
    U256 a;
    for (int i = 0; i < 4; ++i)
    {
        u64 v = 0;
        for (int j = 0; j < 8; ++j)
        {
            v = v << 8 | b[(3 - i) * 8 + j];
        }
        a.w[i] = v;
    }
    return a;
}

void ToBytes(const U256& a, uint8_t b[32])
{
    for (int i = 0; i < 4; ++i)
    {
        for (int j = 0; j < 8; ++j)
        {
            b[(3 - i) * 8 + j] = static_cast<uint8_t>(a.w[i] >> (56 - 8 * j));
        }
    }
}

} // namespace

bool InverseModOrderP256(const uint8_t x[32], uint8_t out[32])
{
    U256 u = FromBytes(x);
    const U256 n{{kN[0], kN[1], kN[2], kN[3]}};
    if (IsZero(u) || GreaterEq(u, n))
    {
        return false;
    }
    U256 v = n;
    U256 x1{{1, 0, 0, 0}};
    U256 x2{{0, 0, 0, 0}};
    // Invariants: x1 a = u, x2 a = v (mod n); u, v odd after stripping; gcd(u, v) = 1 since n
    // is prime, so a difference is never zero while neither is 1.
    StripTwos(u, x1);
    while (!IsOne(u) && !IsOne(v))
    {
        if (GreaterEq(u, v))
        {
            Sub(u, v);
            SubModN(x1, x2);
            StripTwos(u, x1);
        }
        else
        {
            Sub(v, u);
            SubModN(x2, x1);
            StripTwos(v, x2);
        }
    }
    ToBytes(IsOne(u) ? x1 : x2, out);
    return true;
}

} // namespace teepsim::crypto::detail
