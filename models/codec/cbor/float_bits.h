// Half/single/double conversions that preserve bits exactly (NaN payloads included), shared
// by the encoder (shortest exact width) and the decoder. Internal to teepsim_cbor.
#pragma once

#include <bit>
#include <cstdint>
#include <optional>

namespace teepsim::cbor::detail
{

/// IEEE 754 binary16 -> binary64, exact (every half is a double).
inline uint64_t HalfToDoubleBits(uint16_t h)
{
    const uint64_t sign = uint64_t(h >> 15) << 63;
    const int exp = (h >> 10) & 0x1f;
    uint64_t mant = h & 0x3ff;
    if (exp == 0x1f) // Inf / NaN: keep the payload in the top mantissa bits
    {
        return sign | (uint64_t(0x7ff) << 52) | (mant << 42);
    }
    if (exp == 0)
    {
        if (mant == 0)
        {
            return sign;
        }
        // Subnormal half: normalise.
        int e = -14;
        while ((mant & 0x400) == 0)
        {
            mant <<= 1;
            --e;
        }
        mant &= 0x3ff;
        return sign | (uint64_t(e + 1023) << 52) | (mant << 42);
    }
    return sign | (uint64_t(exp - 15 + 1023) << 52) | (mant << 42);
}

/// binary32 -> binary64, exact.
inline uint64_t SingleToDoubleBits(uint32_t f)
{
    const uint64_t sign = uint64_t(f >> 31) << 63;
    const int exp = (f >> 23) & 0xff;
    uint64_t mant = f & 0x7fffff;
    if (exp == 0xff)
    {
        return sign | (uint64_t(0x7ff) << 52) | (mant << 29);
    }
    if (exp == 0)
    {
        if (mant == 0)
        {
            return sign;
        }
        int e = -126;
        while ((mant & 0x800000) == 0)
        {
            mant <<= 1;
            --e;
        }
        mant &= 0x7fffff;
        return sign | (uint64_t(e + 1023) << 52) | (mant << 29);
    }
    return sign | (uint64_t(exp - 127 + 1023) << 52) | (mant << 29);
}

/// binary64 -> binary32 if exact (same value, or same NaN payload), else nullopt.
inline std::optional<uint32_t> DoubleToSingleExact(uint64_t d)
{
    const uint32_t sign = uint32_t(d >> 63) << 31;
    const int exp = int((d >> 52) & 0x7ff);
    const uint64_t mant = d & 0xfffffffffffffull;
    if (exp == 0x7ff)
    {
        if (mant & ((1ull << 29) - 1))
        {
            return std::nullopt;
        }
        return sign | 0x7f800000u | uint32_t(mant >> 29);
    }
    if (exp == 0)
    {
        // Double subnormals are far below the single range; only zero fits.
        return mant == 0 ? std::optional<uint32_t>(sign) : std::nullopt;
    }
    const int e = exp - 1023;
    if (e >= -126 && e <= 127)
    {
        if (mant & ((1ull << 29) - 1))
        {
            return std::nullopt;
        }
        return sign | (uint32_t(e + 127) << 23) | uint32_t(mant >> 29);
    }
    if (e < -126 && e >= -149)
    {
        // Single subnormal: value = 1.mant * 2^e = m * 2^-149 with m < 2^23.
        const uint64_t full = (1ull << 52) | mant;
        const int shift = 52 - (e + 149);
        if (full & ((1ull << shift) - 1))
        {
            return std::nullopt;
        }
        return sign | uint32_t(full >> shift);
    }
    return std::nullopt;
}

/// binary64 -> binary16 if exact, else nullopt.
inline std::optional<uint16_t> DoubleToHalfExact(uint64_t d)
{
    const uint16_t sign = uint16_t((d >> 63) << 15);
    const int exp = int((d >> 52) & 0x7ff);
    const uint64_t mant = d & 0xfffffffffffffull;
    if (exp == 0x7ff)
    {
        if (mant & ((1ull << 42) - 1))
        {
            return std::nullopt;
        }
        return uint16_t(sign | 0x7c00 | uint16_t(mant >> 42));
    }
    if (exp == 0)
    {
        return mant == 0 ? std::optional<uint16_t>(sign) : std::nullopt;
    }
    const int e = exp - 1023;
    if (e >= -14 && e <= 15)
    {
        if (mant & ((1ull << 42) - 1))
        {
            return std::nullopt;
        }
        return uint16_t(sign | (uint16_t(e + 15) << 10) | uint16_t(mant >> 42));
    }
    if (e < -14 && e >= -24)
    {
        const uint64_t full = (1ull << 52) | mant;
        const int shift = 52 - (e + 24);
        if (full & ((1ull << shift) - 1))
        {
            return std::nullopt;
        }
        return uint16_t(sign | uint16_t(full >> shift));
    }
    return std::nullopt;
}

} // namespace teepsim::cbor::detail
