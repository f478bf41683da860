// Readers of the tc-list and requested-tc-list entries (SUIT-report system-property-claims and
// requested-tc-info maps), whose keys come from SUIT and from the profile's label table.
#include "teepsim/codec/cbor_reader.h"
#include "teepsim/codec/teep_limits.h"

#include "wire_read.h"

namespace teepsim::teep::detail
{

namespace
{

// [* bstr] in place.
bool ComponentIdRaw(cbor::Reader& r, ComponentId& id)
{
    uint64_t n = 0;
    if (!r.ReadArray(n))
    {
        return false;
    }
    id.reserve(n);
    for (uint64_t i = 0; i < n; ++i)
    {
        ByteView part;
        if (!r.ReadBstr(part))
        {
            return false;
        }
        id.emplace_back(part.begin(), part.end());
    }
    return true;
}

bool KeptVerbatim(ByteView key, ByteView value, TcInfo& tc)
{
    auto k = cbor::Decode(key);
    auto v = cbor::Decode(value);
    if (!k || !v)
    {
        return false;
    }
    tc.otherParams.emplace_back(std::move(k.value()), std::move(v.value()));
    return true;
}

// The tc-list read in place (no tree but for unknown parameters); false wherever the tree
// reader below would refuse, so that it reports the error.
bool TcListRaw(const Item& it, const Labels& L, std::vector<TcInfo>& out)
{
    cbor::Reader r(it.raw);
    uint64_t n = 0;
    if (!r.ReadArray(n) || n == 0)
    {
        return false;
    }
    out.reserve(n);
    const auto seqKey = static_cast<int64_t>(L.tcManifestSequenceNumber);
    for (uint64_t i = 0; i < n; ++i)
    {
        uint64_t entries = 0;
        if (!r.ReadMap(entries))
        {
            return false;
        }
        TcInfo& tc = out.emplace_back();
        bool haveId = false;
        for (uint64_t e = 0; e < entries; ++e)
        {
            const size_t keyStart = r.pos();
            int64_t key = 0;
            if (!r.ReadInt(key))
            {
                return false;
            }
            if (key == limits::kSystemComponentId)
            {
                if (!ComponentIdRaw(r, tc.componentId))
                {
                    return false;
                }
                haveId = true;
            }
            else if (key == limits::kSuitParamImageDigest)
            {
                ByteView d;
                if (!r.ReadBstr(d) || !cbor::IsWellFormed(d))
                {
                    return false;
                }
                tc.imageDigest.emplace(d.begin(), d.end());
            }
            else if (key == limits::kSuitParamImageSize || key == seqKey)
            {
                uint64_t v = 0;
                if (!r.ReadUint(v))
                {
                    return false;
                }
                (key == limits::kSuitParamImageSize ? tc.imageSize : tc.manifestSequenceNumber) = v;
            }
            else
            {
                ByteView k, v;
                r.seek(keyStart);
                if (!r.ReadRaw(k) || !r.ReadRaw(v) || !KeptVerbatim(k, v, tc))
                {
                    return false;
                }
            }
        }
        if (!haveId)
        {
            return false;
        }
    }
    return true;
}

} // namespace

std::vector<TcInfo> GetTcList(const Item& it, const Labels& L)
{
    if (!it.raw.empty())
    {
        std::vector<TcInfo> fast;
        if (TcListRaw(it, L, fast))
        {
            return fast;
        }
    }
    const auto& a = GetNonEmptyArray(it, "tc-list");
    std::vector<TcInfo> out;
    out.reserve(a.size());
    const auto seqKey = static_cast<int64_t>(L.tcManifestSequenceNumber);
    for (const auto& v : a)
    {
        if (!v.isMap())
        {
            Bad(it.offset, "tc-list entry must be a system-property-claims map");
        }
        TcInfo tc;
        bool haveId = false;
        for (size_t i = 0; i < v.map().size(); ++i)
        {
            const auto& [k, val] = v.map()[i];
            auto key = k.asInt64();
            if (!k.isInt() || !key)
            {
                Bad(it.offset, "tc-list entry: keys must be integers (SUIT parameters)");
            }
            for (size_t j = 0; j < i; ++j)
            {
                if (v.map()[j].first == k)
                {
                    Bad(it.offset, "tc-list entry: duplicate key " + std::to_string(*key));
                }
            }
            if (*key == limits::kSystemComponentId)
            {
                tc.componentId = GetComponentId(val, it.offset, "tc-list component id");
                haveId = true;
            }
            else if (*key == limits::kSuitParamImageDigest)
            {
                Item d{val, it.offset};
                tc.imageDigest = GetBstr(d, "tc-list image-digest");
                if (!cbor::Decode(*tc.imageDigest))
                {
                    Bad(it.offset, "tc-list image-digest is not bstr .cbor SUIT_Digest");
                }
            }
            else if (*key == limits::kSuitParamImageSize)
            {
                tc.imageSize = GetUint(val, it.offset, "tc-list image-size");
            }
            else if (*key == seqKey)
            {
                tc.manifestSequenceNumber = GetUint(val, it.offset, "tc-list sequence number");
            }
            else
            {
                tc.otherParams.emplace_back(k, val);
            }
        }
        if (!haveId)
        {
            Bad(it.offset, "tc-list entry lacks the component id (key 0)");
        }
        out.push_back(std::move(tc));
    }
    return out;
}

std::vector<RequestedTcInfo> GetRequestedTcList(const Item& it, const Labels& L)
{
    const auto& a = GetNonEmptyArray(it, "requested-tc-list");
    std::vector<RequestedTcInfo> out;
    out.reserve(a.size());
    for (const auto& v : a)
    {
        if (!v.isMap())
        {
            Bad(it.offset, "requested-tc-info must be a map");
        }
        RequestedTcInfo r;
        bool haveId = false;
        for (size_t i = 0; i < v.map().size(); ++i)
        {
            const auto& [k, val] = v.map()[i];
            if (!k.isUint())
            {
                Bad(it.offset, "requested-tc-info: labels must be unsigned integers");
            }
            for (size_t j = 0; j < i; ++j)
            {
                if (v.map()[j].first == k)
                {
                    Bad(it.offset, "requested-tc-info: duplicate label");
                }
            }
            const uint64_t label = k.rawUint();
            if (label == L.componentId)
            {
                r.componentId = GetComponentId(val, it.offset, "component-id");
                haveId = true;
            }
            else if (label == L.tcManifestSequenceNumber)
            {
                r.manifestSequenceNumber = GetUint(val, it.offset, "tc-manifest-sequence-number");
            }
            else if (label == L.haveBinary)
            {
                if (!val.isBool())
                {
                    Bad(it.offset, "have-binary must be a bool");
                }
                r.haveBinary = val.boolean();
            }
            else
            {
                Bad(it.offset, "requested-tc-info: unknown label " + std::to_string(label));
            }
        }
        if (!haveId)
        {
            Bad(it.offset, "requested-tc-info lacks component-id");
        }
        if (r.haveBinary.value_or(false) && !r.manifestSequenceNumber)
        {
            Bad(it.offset, "have-binary true requires tc-manifest-sequence-number");
        }
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace teepsim::teep::detail
