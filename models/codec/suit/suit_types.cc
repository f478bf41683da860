// Small value helpers shared by the SUIT parser, interpreter and builder.
#include "teepsim/codec/crypto.h"
#include "teepsim/codec/suit.h"

#include <algorithm>
#include <cstdio>

namespace teepsim::suit
{

cbor::Value ComponentIdToCbor(const ComponentId& id)
{
    cbor::Array a;
    a.reserve(id.size());
    for (const auto& part : id)
    {
        a.push_back(cbor::Value::Bstr(part));
    }
    return cbor::Value::MakeArray(std::move(a));
}

std::optional<ComponentId> ComponentIdFromCbor(const cbor::Value& v)
{
    if (!v.isArray())
    {
        return std::nullopt;
    }
    ComponentId id;
    id.reserve(v.array().size());
    for (const auto& part : v.array())
    {
        if (!part.isBstr())
        {
            return std::nullopt;
        }
        id.push_back(part.bytes());
    }
    return id;
}

namespace
{
bool IsPrintable(const Bytes& b)
{
    if (b.empty())
    {
        return false;
    }
    for (uint8_t c : b)
    {
        if (c < 0x20 || c > 0x7e || c == '\'')
        {
            return false;
        }
    }
    return true;
}
} // namespace

std::string ComponentIdToString(const ComponentId& id)
{
    std::string s = "[";
    for (size_t i = 0; i < id.size(); ++i)
    {
        if (i)
        {
            s += ',';
        }
        const Bytes& part = id[i];
        if (IsPrintable(part))
        {
            s += '\'';
            s.append(part.begin(), part.end());
            s += '\'';
        }
        else
        {
            s += "h'";
            char hex[3];
            for (uint8_t c : part)
            {
                std::snprintf(hex, sizeof hex, "%02X", c);
                s += hex;
            }
            s += '\'';
        }
    }
    s += ']';
    return s;
}

ComponentId ManifestComponentIdFor(const ComponentId& tc)
{
    static const Bytes kSuit{'s', 'u', 'i', 't'};
    ComponentId id = tc;
    if (id.empty())
    {
        id.push_back(kSuit);
    }
    else
    {
        id.back() = kSuit;
    }
    return id;
}

cbor::Value DigestToCbor(const Digest& d)
{
    return cbor::Value::MakeArray({cbor::Value::Int(d.alg), cbor::Value::Bstr(d.bytes)});
}

std::optional<Digest> DigestFromCbor(const cbor::Value& v)
{
    if (!v.isArray() || v.array().size() != 2)
    {
        return std::nullopt;
    }
    const auto& a = v.array();
    auto alg = a[0].asInt64();
    if (!a[0].isInt() || !alg || !a[1].isBstr())
    {
        return std::nullopt;
    }
    return Digest{*alg, a[1].bytes()};
}

Digest Sha256Digest(ByteView data)
{
    return Digest{kDigestSha256, crypto::Sha256(data)};
}

bool ImageBytes::operator==(const ImageBytes& o) const
{
    const ByteView a = view();
    const ByteView b = o.view();
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

const ImageBytes* Envelope::FindIntegrated(std::string_view name) const
{
    for (const auto& [key, payload] : integrated)
    {
        if (key == name)
        {
            return &payload;
        }
    }
    return nullptr;
}

const char* ToString(Status s)
{
    switch (s)
    {
        case Status::Ok:
            return "ok";
        case Status::Malformed:
            return "malformed";
        case Status::UnsupportedVersion:
            return "unsupported manifest version";
        case Status::UnsupportedAlgorithm:
            return "unsupported algorithm";
        case Status::DigestMismatch:
            return "manifest digest mismatch";
        case Status::Unauthenticated:
            return "no authentication block";
        case Status::NoMatchingKey:
            return "no matching trust anchor";
        case Status::BadSignature:
            return "bad signature";
        case Status::Rollback:
            return "sequence number rollback";
        case Status::VendorMismatch:
            return "vendor identifier mismatch";
        case Status::ClassMismatch:
            return "class identifier mismatch";
        case Status::DeviceMismatch:
            return "device identifier mismatch";
        case Status::ImageMismatch:
            return "image mismatch";
        case Status::FetchFailed:
            return "fetch failed";
        case Status::DecryptFailed:
            return "decryption failed";
        case Status::MissingParameter:
            return "missing parameter";
        case Status::BadComponentIndex:
            return "bad component index";
        case Status::UnsupportedCommand:
            return "unsupported command";
        case Status::Aborted:
            return "aborted";
        case Status::LimitExceeded:
            return "limit exceeded";
        case Status::NoSection:
            return "section absent";
    }
    return "unknown";
}

} // namespace teepsim::suit
