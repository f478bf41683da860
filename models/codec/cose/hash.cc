// SHA-256, HMAC-SHA-256 and HKDF-SHA-256 on OpenSSL's low-level SHA-256. The one-shot EVP/HMAC
// entry points of OpenSSL 3.0 fetch the algorithm from the provider on every call, which costs
// more than hashing a short TEEP message; RFC 6979 runs about ten HMACs per signature.
#include "teepsim/codec/crypto.h"
#include "teepsim/codec/deterministic_source.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "hmac_sha256.h"

namespace teepsim::crypto
{

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

Bytes Sha256(ByteView data)
{
    Bytes out(32);
    SHA256_CTX c;
    SHA256_Init(&c);
    SHA256_Update(&c, data.data(), data.size());
    SHA256_Final(out.data(), &c);
    return out;
}

HmacSha256Key::HmacSha256Key(ByteView key)
{
    uint8_t block[64] = {};
    if (key.size() > 64)
    {
        SHA256_CTX c;
        SHA256_Init(&c);
        SHA256_Update(&c, key.data(), key.size());
        SHA256_Final(block, &c);
    }
    else if (!key.empty())
    {
        std::memcpy(block, key.data(), key.size());
    }
    uint8_t pad[64];
    for (int i = 0; i < 64; ++i)
    {
        pad[i] = block[i] ^ 0x36;
    }
    SHA256_Init(&inner_);
    SHA256_Update(&inner_, pad, 64);
    for (int i = 0; i < 64; ++i)
    {
        pad[i] = block[i] ^ 0x5c;
    }
    SHA256_Init(&outer_);
    SHA256_Update(&outer_, pad, 64);
}

void HmacSha256Key::Mac(std::initializer_list<ByteView> parts, uint8_t out[32]) const
{
    SHA256_CTX c = inner_;
    for (ByteView p : parts)
    {
        SHA256_Update(&c, p.data(), p.size());
    }
    uint8_t ih[32];
    SHA256_Final(ih, &c);
    c = outer_;
    SHA256_Update(&c, ih, 32);
    SHA256_Final(out, &c);
}

#pragma GCC diagnostic pop

Bytes HmacSha256(ByteView key, ByteView data)
{
    Bytes out(32);
    HmacSha256Key(key).Mac({data}, out.data());
    return out;
}

Bytes HkdfSha256(ByteView salt, ByteView ikm, ByteView info, size_t length)
{
    if (length > 255 * 32)
    {
        throw std::invalid_argument("HKDF-SHA-256: output length above 255*32");
    }
    // RFC 5869: an absent salt is HashLen zero bytes, which HMAC pads identically to h''.
    uint8_t prk[32];
    HmacSha256Key(salt).Mac({ikm}, prk);
    HmacSha256Key expand(ByteView(prk, 32));
    Bytes out;
    out.reserve(length + 32);
    uint8_t t[32];
    size_t tlen = 0;
    for (uint8_t counter = 1; out.size() < length; ++counter)
    {
        expand.Mac({ByteView(t, tlen), info, ByteView(&counter, 1)}, t);
        tlen = 32;
        out.insert(out.end(), t, t + 32);
    }
    out.resize(length);
    return out;
}

namespace
{

// Block i (32 bytes) of the DRBG stream for `counter` under the keyed HMAC `prf`:
// HMAC-SHA-256(seed, "teepsim-drbg" || be64(counter) || be32(i)); fills out[0, size).
void FillDeterministic(const HmacSha256Key& prf, uint64_t counter, uint8_t* out, size_t size)
{
    static constexpr char kLabel[] = "teepsim-drbg";
    const ByteView label(reinterpret_cast<const uint8_t*>(kLabel), sizeof(kLabel) - 1);
    uint8_t ctr[12];
    for (int i = 0; i < 8; ++i)
    {
        ctr[i] = static_cast<uint8_t>(counter >> (56 - 8 * i));
    }
    uint8_t block[32];
    size_t done = 0;
    for (uint32_t i = 0; done < size; ++i)
    {
        for (int j = 0; j < 4; ++j)
        {
            ctr[8 + j] = static_cast<uint8_t>(i >> (24 - 8 * j));
        }
        const size_t n = std::min<size_t>(32, size - done);
        if (n == 32)
        {
            prf.Mac({label, ByteView(ctr, 12)}, out + done); // whole block: no staging copy
        }
        else
        {
            prf.Mac({label, ByteView(ctr, 12)}, block);
            std::memcpy(out + done, block, n);
        }
        done += n;
    }
}

} // namespace

Bytes DeterministicBytes(ByteView seed, uint64_t counter, size_t length)
{
    Bytes out(length);
    FillDeterministic(HmacSha256Key(seed), counter, out.data(), length);
    return out;
}

DeterministicSource::DeterministicSource(ByteView seed)
    : key_(std::make_shared<const HmacSha256Key>(seed))
{
}

Bytes DeterministicSource::Generate(uint64_t counter, size_t length) const
{
    Bytes out(length);
    FillDeterministic(*key_, counter, out.data(), length);
    return out;
}

void DeterministicSource::Fill(uint64_t counter, std::span<uint8_t> out) const
{
    FillDeterministic(*key_, counter, out.data(), out.size());
}

std::string ToHex(ByteView b)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string s;
    s.reserve(b.size() * 2);
    for (uint8_t c : b)
    {
        s.push_back(kDigits[c >> 4]);
        s.push_back(kDigits[c & 15]);
    }
    return s;
}

std::optional<Bytes> FromHex(std::string_view hex)
{
    Bytes out;
    out.reserve(hex.size() / 2);
    int hi = -1;
    for (char ch : hex)
    {
        int v;
        if (ch >= '0' && ch <= '9')
            v = ch - '0';
        else if (ch >= 'a' && ch <= 'f')
            v = ch - 'a' + 10;
        else if (ch >= 'A' && ch <= 'F')
            v = ch - 'A' + 10;
        else if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t')
            continue;
        else
            return std::nullopt;
        if (hi < 0)
        {
            hi = v;
        }
        else
        {
            out.push_back(static_cast<uint8_t>(hi << 4 | v));
            hi = -1;
        }
    }
    if (hi >= 0)
    {
        return std::nullopt;
    }
    return out;
}

} // namespace teepsim::crypto
