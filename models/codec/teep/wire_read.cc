// Typed readers of TEEP message elements: each checks the CDDL type and bounds of one item and
// reports a violation with the item's offset and CDDL name.
#include "wire_read.h"

#include "teepsim/codec/cbor_reader.h"

namespace teepsim::teep::detail
{

using cbor::Value;

const Value& Item::value() const
{
    if (!cache_)
    {
        auto v = cbor::Decode(raw); // cannot fail: raw passed SkipWellFormed with these limits
        cache_ = v ? std::move(v.value()) : Value();
    }
    return *cache_;
}

Bytes GetBstr(const Item& it, const char* name, size_t lo, size_t hi)
{
    if (!it.raw.empty())
    {
        cbor::Reader r(it.raw);
        ByteView b;
        if (!r.ReadBstr(b))
        {
            Bad(it.offset, std::string(name) + " must be a byte string");
        }
        if (b.size() < lo || b.size() > hi)
        {
            Bad(it.offset, std::string(name) + ": " + std::to_string(b.size()) + " bytes, want " +
                               std::to_string(lo) + ".." + std::to_string(hi));
        }
        return Bytes(b.begin(), b.end());
    }
    if (!it.value().isBstr())
    {
        Bad(it.offset, std::string(name) + " must be a byte string");
    }
    const Bytes& b = it.value().bytes();
    if (b.size() < lo || b.size() > hi)
    {
        Bad(it.offset, std::string(name) + ": " + std::to_string(b.size()) + " bytes, want " +
                           std::to_string(lo) + ".." + std::to_string(hi));
    }
    return b;
}

std::string GetText(const Item& it, const char* name, size_t lo, size_t hi)
{
    if (!it.raw.empty())
    {
        cbor::Reader r(it.raw);
        std::string_view t;
        if (!r.ReadTstr(t))
        {
            Bad(it.offset, std::string(name) + " must be a text string");
        }
        if (t.size() < lo || t.size() > hi)
        {
            Bad(it.offset, std::string(name) + ": " + std::to_string(t.size()) + " bytes, want " +
                               std::to_string(lo) + ".." + std::to_string(hi));
        }
        return std::string(t);
    }
    if (!it.value().isTstr())
    {
        Bad(it.offset, std::string(name) + " must be a text string");
    }
    const std::string& s = it.value().text();
    if (s.size() < lo || s.size() > hi)
    {
        Bad(it.offset, std::string(name) + ": " + std::to_string(s.size()) + " bytes, want " +
                           std::to_string(lo) + ".." + std::to_string(hi));
    }
    return s;
}

uint64_t GetUint(const Value& v, size_t offset, const char* name, uint64_t max)
{
    if (!v.isUint())
    {
        Bad(offset, std::string(name) + " must be an unsigned integer");
    }
    if (v.rawUint() > max)
    {
        Bad(offset, std::string(name) + " out of range");
    }
    return v.rawUint();
}

uint64_t GetUint(const Item& it, const char* name, uint64_t max)
{
    if (it.raw.empty())
    {
        return GetUint(it.value(), it.offset, name, max);
    }
    cbor::Reader r(it.raw);
    uint64_t v = 0;
    if (!r.ReadUint(v))
    {
        Bad(it.offset, std::string(name) + " must be an unsigned integer");
    }
    if (v > max)
    {
        Bad(it.offset, std::string(name) + " out of range");
    }
    return v;
}

const cbor::Array& GetNonEmptyArray(const Item& it, const char* name)
{
    const Value& v = it.value();
    if (!v.isArray())
    {
        Bad(it.offset, std::string(name) + " must be an array");
    }
    if (v.array().empty())
    {
        Bad(it.offset, std::string(name) + " must not be empty");
    }
    return v.array();
}

bool GetUintListRaw(const Item& it, const char* name, uint64_t max, std::vector<uint64_t>& out)
{
    if (it.raw.empty())
    {
        return false;
    }
    cbor::Reader r(it.raw);
    uint64_t n = 0;
    if (!r.ReadArray(n))
    {
        Bad(it.offset, std::string(name) + " must be an array");
    }
    if (n == 0)
    {
        Bad(it.offset, std::string(name) + " must not be empty");
    }
    out.reserve(n);
    for (uint64_t i = 0; i < n; ++i)
    {
        uint64_t v = 0;
        if (!r.ReadUint(v))
        {
            Bad(it.offset, std::string(name) + " must be an unsigned integer");
        }
        if (v > max)
        {
            Bad(it.offset, std::string(name) + " out of range");
        }
        out.push_back(v);
    }
    return true;
}

ComponentId GetComponentId(const Value& v, size_t offset, const char* name)
{
    if (!v.isArray())
    {
        Bad(offset, std::string(name) + " must be an array of byte strings");
    }
    ComponentId id;
    id.reserve(v.array().size());
    for (const auto& part : v.array())
    {
        if (!part.isBstr())
        {
            Bad(offset, std::string(name) + " must be an array of byte strings");
        }
        id.push_back(part.bytes());
    }
    return id;
}

std::vector<ComponentId> GetComponentIdList(const Item& it, const char* name)
{
    const auto& a = GetNonEmptyArray(it, name);
    std::vector<ComponentId> out;
    out.reserve(a.size());
    for (const auto& v : a)
    {
        out.push_back(GetComponentId(v, it.offset, name));
    }
    return out;
}

std::vector<Bytes> GetEmbeddedCborList(const Item& it, const char* name, bool envelope)
{
    const auto& a = GetNonEmptyArray(it, name);
    std::vector<Bytes> out;
    out.reserve(a.size());
    for (const auto& v : a)
    {
        if (!v.isBstr())
        {
            Bad(it.offset, std::string(name) + " entries must be byte strings");
        }
        auto inner = cbor::Decode(v.bytes());
        if (!inner)
        {
            Bad(it.offset,
                std::string(name) + " entry is not well-formed CBOR: " + inner.error().ToString());
        }
        if (envelope)
        {
            const Value* env = &inner.value();
            if (env->isTag() && env->tag() == 107)
            {
                env = &env->tagged();
            }
            if (!env->isMap())
            {
                Bad(it.offset, std::string(name) + " entry is not a SUIT_Envelope map");
            }
        }
        out.push_back(v.bytes());
    }
    return out;
}

std::optional<CipherSuite> ParseSuite(const Value& v)
{
    if (!v.isArray() || v.array().empty())
    {
        return std::nullopt;
    }
    CipherSuite suite;
    for (const auto& op : v.array())
    {
        if (!op.isArray() || op.array().size() != 2 || !op.array()[0].isUint())
        {
            return std::nullopt;
        }
        auto alg = op.array()[1].asInt64();
        if (!op.array()[1].isInt() || !alg)
        {
            return std::nullopt;
        }
        suite.push_back(CipherSuiteOp{op.array()[0].rawUint(), *alg});
    }
    return suite;
}

std::optional<CipherSuite> ParseSuiteAt(cbor::Reader& r)
{
    const size_t start = r.pos();
    CipherSuite suite;
    uint64_t n = 0;
    bool ok = r.ReadArray(n) && n > 0;
    for (uint64_t i = 0; ok && i < n; ++i)
    {
        uint64_t m = 0, type = 0;
        int64_t alg = 0;
        ok = r.ReadArray(m) && m == 2 && r.ReadUint(type) && r.ReadInt(alg);
        if (ok)
        {
            suite.push_back(CipherSuiteOp{type, alg});
        }
    }
    if (!ok)
    {
        r.seek(start);
        r.Skip();
        return std::nullopt;
    }
    return suite;
}

namespace
{

// The array head of a [+ X] element read in place, with the tree path's errors.
uint64_t NonEmptyArrayRaw(cbor::Reader& r, const Item& it, const char* name)
{
    uint64_t n = 0;
    if (!r.ReadArray(n))
    {
        Bad(it.offset, std::string(name) + " must be an array");
    }
    if (n == 0)
    {
        Bad(it.offset, std::string(name) + " must not be empty");
    }
    return n;
}

} // namespace

std::vector<CipherSuite> GetCipherSuites(const Item& it, const char* name)
{
    if (!it.raw.empty())
    {
        cbor::Reader r(it.raw);
        const uint64_t n = NonEmptyArrayRaw(r, it, name);
        std::vector<CipherSuite> out;
        out.reserve(n);
        for (uint64_t i = 0; i < n; ++i)
        {
            auto s = ParseSuiteAt(r);
            if (!s)
            {
                Bad(it.offset, std::string(name) + ": a suite must be [+ [cose-type, cose-alg]]");
            }
            out.push_back(std::move(*s));
        }
        return out;
    }
    const auto& a = GetNonEmptyArray(it, name);
    std::vector<CipherSuite> out;
    out.reserve(a.size());
    for (const auto& v : a)
    {
        auto s = ParseSuite(v);
        if (!s)
        {
            Bad(it.offset, std::string(name) + ": a suite must be [+ [cose-type, cose-alg]]");
        }
        out.push_back(std::move(*s));
    }
    return out;
}

std::vector<SuitCoseProfile> GetSuitProfiles(const Item& it, const char* name)
{
    if (!it.raw.empty())
    {
        cbor::Reader r(it.raw);
        const uint64_t n = NonEmptyArrayRaw(r, it, name);
        std::vector<SuitCoseProfile> out;
        out.reserve(n);
        for (uint64_t i = 0; i < n; ++i)
        {
            uint64_t m = 0;
            if (!r.ReadArray(m) || m == 0)
            {
                Bad(it.offset, std::string(name) + ": a profile must be a non-empty array of ints");
            }
            SuitCoseProfile p;
            p.reserve(m);
            for (uint64_t k = 0; k < m; ++k)
            {
                int64_t x = 0;
                if (!r.ReadInt(x))
                {
                    Bad(it.offset,
                        std::string(name) + ": a profile must be a non-empty array of ints");
                }
                p.push_back(x);
            }
            out.push_back(std::move(p));
        }
        return out;
    }
    const auto& a = GetNonEmptyArray(it, name);
    std::vector<SuitCoseProfile> out;
    out.reserve(a.size());
    for (const auto& v : a)
    {
        if (!v.isArray() || v.array().empty())
        {
            Bad(it.offset, std::string(name) + ": a profile must be a non-empty array of ints");
        }
        SuitCoseProfile p;
        for (const auto& x : v.array())
        {
            auto n = x.asInt64();
            if (!x.isInt() || !n)
            {
                Bad(it.offset, std::string(name) + ": a profile must be a non-empty array of ints");
            }
            p.push_back(*n);
        }
        out.push_back(std::move(p));
    }
    return out;
}

ErrorCode GetErrorCode(const Value& v, size_t offset, const Profile& p)
{
    const uint64_t wire = GetUint(v, offset, "err-code");
    auto code = p.ErrorCodeFromWire(wire);
    if (!code)
    {
        Bad(offset,
            "unknown err-code " + std::to_string(wire) + " in profile " + std::string(p.name()));
    }
    return *code;
}

ErrorCode GetErrorCode(const Item& it, const Profile& p)
{
    const uint64_t wire = GetUint(it, "err-code");
    auto code = p.ErrorCodeFromWire(wire);
    if (!code)
    {
        Bad(it.offset,
            "unknown err-code " + std::to_string(wire) + " in profile " + std::string(p.name()));
    }
    return *code;
}

} // namespace teepsim::teep::detail
