// Strict decoder: well-formedness per RFC 8949 §3 / Appendix F, definite lengths only,
// bounded depth, item count and lengths. Never reads past the input and never throws.
#include "teepsim/codec/cbor.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "float_bits.h"
#include "utf8.h"

namespace teepsim::cbor
{

namespace
{

constexpr uint32_t kHardMaxDepth = 512;  // keeps recursion far from the stack limit
constexpr size_t kPairwiseDupCheck = 32; // maps up to this size: O(n^2) check, no allocation

const char* MajorName(uint8_t major)
{
    static const char* const kNames[] = {"uint",  "nint", "bstr", "tstr",
                                         "array", "map",  "tag",  "simple/float"};
    return kNames[major & 7];
}

std::string Hex2(uint8_t b)
{
    static const char* const kDigits = "0123456789abcdef";
    return std::string("0x") + kDigits[b >> 4] + kDigits[b & 15];
}

// A total order on values, used only to find duplicate map keys in large maps.
int Compare(const Value& a, const Value& b);
int Compare(const std::pair<Value, Value>& a, const std::pair<Value, Value>& b);

template<typename Seq> int CompareSeq(const Seq& a, const Seq& b)
{
    if (a.size() != b.size())
    {
        return a.size() < b.size() ? -1 : 1;
    }
    for (size_t i = 0; i < a.size(); ++i)
    {
        if (int c = Compare(a[i], b[i]))
        {
            return c;
        }
    }
    return 0;
}

int CompareScalar(uint64_t a, uint64_t b)
{
    return a < b ? -1 : (a > b ? 1 : 0);
}

int Compare(const std::pair<Value, Value>& a, const std::pair<Value, Value>& b)
{
    if (int c = Compare(a.first, b.first))
    {
        return c;
    }
    return Compare(a.second, b.second);
}

int Compare(const Value& a, const Value& b)
{
    if (a.type() != b.type())
    {
        return a.type() < b.type() ? -1 : 1;
    }
    switch (a.type())
    {
        case Type::Unsigned:
        case Type::Negative:
            return CompareScalar(a.rawUint(), b.rawUint());
        case Type::Simple:
            return CompareScalar(a.simple(), b.simple());
        case Type::Float:
            return CompareScalar(std::bit_cast<uint64_t>(a.floating()),
                                 std::bit_cast<uint64_t>(b.floating()));
        case Type::Bytes:
        {
            const Bytes& x = a.bytes();
            const Bytes& y = b.bytes();
            if (x.size() != y.size())
            {
                return x.size() < y.size() ? -1 : 1;
            }
            return x.empty() ? 0 : std::memcmp(x.data(), y.data(), x.size());
        }
        case Type::Text:
            return a.text().compare(b.text());
        case Type::Array:
            return CompareSeq(a.array(), b.array());
        case Type::Map:
            return CompareSeq(a.map(), b.map());
        case Type::Tag:
            if (int c = CompareScalar(a.tag(), b.tag()))
            {
                return c;
            }
            return Compare(a.tagged(), b.tagged());
    }
    return 0;
}

class Decoder
{
  public:
    Decoder(ByteView in, size_t pos, const DecodeLimits& limits)
        : in_(in), pos_(pos), limits_(limits),
          maxDepth_(std::min<uint32_t>(limits.maxDepth, kHardMaxDepth))
    {
    }

    size_t pos() const { return pos_; }
    DecodeError& error() { return error_; }

    bool Item(Value& out, uint32_t depth);

  private:
    bool Fail(size_t offset, std::string message)
    {
        error_ = DecodeError{offset, std::move(message)};
        return false;
    }
    size_t Remaining() const { return in_.size() - pos_; }
    uint64_t ReadBE(size_t n)
    {
        uint64_t v = 0;
        for (size_t i = 0; i < n; ++i)
        {
            v = (v << 8) | in_[pos_ + i];
        }
        pos_ += n;
        return v;
    }
    bool String(uint8_t major, uint64_t len, size_t start, Value& out);
    bool Container(uint8_t major, uint64_t count, size_t start, uint32_t depth, Value& out);
    bool CheckDuplicates(const Map& m, const std::vector<size_t>& keyOffsets);

    ByteView in_;
    size_t pos_;
    const DecodeLimits& limits_;
    uint32_t maxDepth_;
    uint64_t items_ = 0;
    DecodeError error_;
};

bool Decoder::Item(Value& out, uint32_t depth)
{
    const size_t start = pos_;
    if (pos_ >= in_.size())
    {
        return Fail(start, "truncated: input ended where a data item was expected");
    }
    if (++items_ > limits_.maxItems)
    {
        return Fail(start, "too many data items (limit " + std::to_string(limits_.maxItems) + ")");
    }
    const uint8_t ib = in_[pos_++];
    const uint8_t major = ib >> 5;
    const uint8_t ai = ib & 0x1f;
    uint64_t arg = ai;
    if (ai >= 24 && ai <= 27)
    {
        const size_t n = size_t(1) << (ai - 24);
        if (Remaining() < n)
        {
            return Fail(start, std::string("truncated ") + MajorName(major) + " head: needs " +
                                   std::to_string(n) + " argument byte(s), " +
                                   std::to_string(Remaining()) + " left");
        }
        arg = ReadBE(n);
    }
    else if (ai >= 28 && ai <= 30)
    {
        return Fail(start, "reserved additional information " + std::to_string(ai) +
                               " in initial byte " + Hex2(ib));
    }
    else if (ai == 31)
    {
        if (major >= 2 && major <= 5)
        {
            return Fail(start, std::string("indefinite-length ") + MajorName(major) +
                                   " not allowed (initial byte " + Hex2(ib) + ")");
        }
        if (major == 7)
        {
            return Fail(start, "unexpected break stop code 0xff");
        }
        return Fail(start, std::string("additional information 31 is not well-formed for ") +
                               MajorName(major) + " (initial byte " + Hex2(ib) + ")");
    }

    switch (major)
    {
        case 0:
            out = Value::Uint(arg);
            return true;
        case 1:
            out = Value::NegativeRaw(arg);
            return true;
        case 2:
        case 3:
            return String(major, arg, start, out);
        case 4:
        case 5:
            return Container(major, arg, start, depth, out);
        case 6:
        {
            if (depth >= maxDepth_)
            {
                return Fail(start, "nesting deeper than " + std::to_string(maxDepth_));
            }
            Value content;
            if (!Item(content, depth + 1))
            {
                return false;
            }
            out = Value::Tag(arg, std::move(content));
            return true;
        }
        default: // 7
            if (ai < 24)
            {
                out = Value::Simple(uint8_t(ai));
                return true;
            }
            switch (ai)
            {
                case 24:
                    if (arg < 32)
                    {
                        return Fail(start, "two-byte simple value " + std::to_string(arg) +
                                               " < 32 is not well-formed");
                    }
                    out = Value::Simple(uint8_t(arg));
                    return true;
                case 25:
                    out = Value::Double(
                        std::bit_cast<double>(detail::HalfToDoubleBits(uint16_t(arg))));
                    return true;
                case 26:
                    out = Value::Double(
                        std::bit_cast<double>(detail::SingleToDoubleBits(uint32_t(arg))));
                    return true;
                default: // 27
                    out = Value::Double(std::bit_cast<double>(arg));
                    return true;
            }
    }
}

bool Decoder::String(uint8_t major, uint64_t len, size_t start, Value& out)
{
    const char* kind = MajorName(major);
    if (len > limits_.maxLength)
    {
        return Fail(start, std::string(kind) + " length " + std::to_string(len) +
                               " exceeds the limit " + std::to_string(limits_.maxLength));
    }
    if (len > Remaining())
    {
        return Fail(start, std::string("truncated ") + kind + ": length " + std::to_string(len) +
                               ", only " + std::to_string(Remaining()) + " byte(s) left");
    }
    const uint8_t* p = in_.data() + pos_;
    if (major == 3)
    {
        const size_t bad = detail::FindInvalidUtf8(p, len);
        if (bad != len)
        {
            return Fail(pos_ + bad,
                        "invalid UTF-8 in tstr starting at offset " + std::to_string(start));
        }
        out = Value::Tstr(std::string(reinterpret_cast<const char*>(p), len));
    }
    else
    {
        out = Value::Bstr(Bytes(p, p + len));
    }
    pos_ += len;
    return true;
}

bool Decoder::Container(uint8_t major, uint64_t count, size_t start, uint32_t depth, Value& out)
{
    const char* kind = MajorName(major);
    if (count > limits_.maxLength)
    {
        return Fail(start, std::string(kind) + " of " + std::to_string(count) +
                               " entries exceeds the limit " + std::to_string(limits_.maxLength));
    }
    // Every item takes at least one byte: reject impossible counts before allocating.
    if (major == 5 ? count > Remaining() / 2 : count > Remaining())
    {
        return Fail(start, std::string("truncated ") + kind + ": " + std::to_string(count) +
                               " entries cannot fit in the " + std::to_string(Remaining()) +
                               " byte(s) left");
    }
    const uint64_t minBytes = major == 5 ? count * 2 : count; // no overflow: bounded above
    if (minBytes > limits_.maxItems - std::min(items_, limits_.maxItems))
    {
        return Fail(start, std::string(kind) + " of " + std::to_string(count) +
                               " entries exceeds the item limit " +
                               std::to_string(limits_.maxItems));
    }
    if (depth >= maxDepth_)
    {
        return Fail(start, "nesting deeper than " + std::to_string(maxDepth_));
    }
    if (major == 4)
    {
        Array a;
        a.resize(count);
        for (Value& e : a)
        {
            if (!Item(e, depth + 1))
            {
                return false;
            }
        }
        out = Value::MakeArray(std::move(a));
        return true;
    }
    Map m;
    m.resize(count);
    const bool dupCheck = limits_.rejectDuplicateKeys;
    std::vector<size_t> keyOffsets; // only for large maps
    if (dupCheck && count > kPairwiseDupCheck)
    {
        keyOffsets.reserve(count);
    }
    for (size_t i = 0; i < count; ++i)
    {
        const size_t keyStart = pos_;
        if (!Item(m[i].first, depth + 1))
        {
            return false;
        }
        if (dupCheck && count <= kPairwiseDupCheck)
        {
            for (size_t j = 0; j < i; ++j)
            {
                if (m[j].first == m[i].first)
                {
                    return Fail(keyStart, "duplicate map key (same as entry " + std::to_string(j) +
                                              " of the map at offset " + std::to_string(start) +
                                              ")");
                }
            }
        }
        else if (dupCheck)
        {
            keyOffsets.push_back(keyStart);
        }
        if (!Item(m[i].second, depth + 1))
        {
            return false;
        }
    }
    if (dupCheck && count > kPairwiseDupCheck && !CheckDuplicates(m, keyOffsets))
    {
        return false;
    }
    out = Value::MakeMap(std::move(m));
    return true;
}

bool Decoder::CheckDuplicates(const Map& m, const std::vector<size_t>& keyOffsets)
{
    std::vector<uint32_t> idx(m.size());
    for (uint32_t i = 0; i < idx.size(); ++i)
    {
        idx[i] = i;
    }
    std::sort(idx.begin(), idx.end(),
              [&](uint32_t a, uint32_t b)
              {
                  const int c = Compare(m[a].first, m[b].first);
                  return c < 0 || (c == 0 && a < b);
              });
    for (size_t k = 1; k < idx.size(); ++k)
    {
        if (Compare(m[idx[k - 1]].first, m[idx[k]].first) == 0)
        {
            const uint32_t later = std::max(idx[k - 1], idx[k]);
            return Fail(keyOffsets[later], "duplicate map key (same as entry " +
                                               std::to_string(std::min(idx[k - 1], idx[k])) + ")");
        }
    }
    return true;
}

} // namespace

Result<Value> DecodeOne(ByteView in, size_t& offset, const DecodeLimits& limits)
{
    if (offset > in.size())
    {
        return DecodeError{offset, "start offset past the end of the input"};
    }
    Decoder d(in, offset, limits);
    Value v;
    if (!d.Item(v, 0))
    {
        return std::move(d.error());
    }
    offset = d.pos();
    return v;
}

Result<Value> Decode(ByteView in, const DecodeLimits& limits)
{
    size_t offset = 0;
    auto r = DecodeOne(in, offset, limits);
    if (r.ok() && offset != in.size())
    {
        return DecodeError{offset, std::to_string(in.size() - offset) +
                                       " trailing byte(s) after the data item"};
    }
    return r;
}

} // namespace teepsim::cbor
