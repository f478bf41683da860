// Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates, nothing above
// U+10FFFF. Internal to teepsim_cbor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace teepsim::cbor::detail
{

/// Returns the index of the first byte of the first invalid sequence, or n if all valid.
inline size_t FindInvalidUtf8(const uint8_t* s, size_t n)
{
    size_t i = 0;
    while (i < n)
    {
        // ASCII runs (most text in TEEP/EAT) eight bytes at a time.
        while (n - i >= 8)
        {
            uint64_t w;
            std::memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull)
            {
                break;
            }
            i += 8;
        }
        if (i >= n)
        {
            break;
        }
        const uint8_t c = s[i];
        if (c < 0x80)
        {
            ++i;
            continue;
        }
        size_t len;
        uint8_t lo = 0x80, hi = 0xbf; // allowed range of the second byte
        if (c >= 0xc2 && c <= 0xdf)
        {
            len = 2;
        }
        else if (c >= 0xe0 && c <= 0xef)
        {
            len = 3;
            if (c == 0xe0)
            {
                lo = 0xa0; // overlong
            }
            else if (c == 0xed)
            {
                hi = 0x9f; // surrogates
            }
        }
        else if (c >= 0xf0 && c <= 0xf4)
        {
            len = 4;
            if (c == 0xf0)
            {
                lo = 0x90; // overlong
            }
            else if (c == 0xf4)
            {
                hi = 0x8f; // above U+10FFFF
            }
        }
        else
        {
            return i; // continuation byte, overlong 2-byte lead, or 0xf5..0xff
        }
        if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
        {
            return i;
        }
        for (size_t k = 2; k < len; ++k)
        {
            if ((s[i + k] & 0xc0) != 0x80)
            {
                return i;
            }
        }
        i += len;
    }
    return n;
}

} // namespace teepsim::cbor::detail
