// Non-allocating CBOR reading: the strict well-formedness pass (the same acceptance as the tree
// decoder in decode.cc, rule for rule) and the pull reader used by TEEP/COSE/EAT decoders.
#include "teepsim/codec/cbor_reader.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "float_bits.h"
#include "utf8.h"

namespace teepsim::cbor
{

namespace
{

constexpr uint32_t kHardMaxDepth = 512;  // as decode.cc
constexpr size_t kPairwiseDupCheck = 32; // as decode.cc

// The head of an item whose argument follows the initial byte (ai 24..27); ai 28..31 refused.
bool LongHeadAt(ByteView in, size_t pos, Head& h, size_t& next)
{
    if (h.ai > 27)
    {
        return false;
    }
    size_t p = pos + 1;
    const size_t n = size_t{1} << (h.ai - 24);
    if (in.size() - p < n)
    {
        return false;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i)
    {
        v = (v << 8) | in[p + i];
    }
    h.arg = v;
    next = p + n;
    return true;
}

// Reads a head at pos (bounds-checked, definite lengths only). Returns false on truncation,
// reserved additional information or ai 31. Inlined: every read of every item starts here, and
// most heads are one byte.
[[gnu::always_inline]] inline bool HeadAt(ByteView in, size_t pos, Head& h, size_t& next)
{
    if (pos >= in.size())
    {
        return false;
    }
    const uint8_t ib = in[pos];
    h.start = pos;
    h.major = ib >> 5;
    h.ai = ib & 0x1f;
    if (h.ai < 24)
    {
        h.arg = h.ai;
        next = pos + 1;
        return true;
    }
    return LongHeadAt(in, pos, h, next);
}

// The cbor::Type a head decodes to (major 7 splits into Simple and Float).
int TypeRank(const Head& h)
{
    if (h.major < 7)
    {
        return h.major;
    }
    return h.ai >= 25 ? 8 : 7;
}

// The double bit pattern of a float head (as the tree decoder stores it).
uint64_t FloatBits(const Head& h)
{
    switch (h.ai)
    {
        case 25:
            return detail::HalfToDoubleBits(uint16_t(h.arg));
        case 26:
            return detail::SingleToDoubleBits(uint32_t(h.arg));
        default:
            return h.arg;
    }
}

int Cmp(uint64_t a, uint64_t b)
{
    return a < b ? -1 : (a > b ? 1 : 0);
}

// A total order on two well-formed items given by offset, consistent with Value equality
// (0 exactly when the decoded Values are equal). Advances both offsets past the items.
int CompareItems(ByteView in, size_t& a, size_t& b)
{
    Head ha, hb;
    size_t na = 0, nb = 0;
    HeadAt(in, a, ha, na);
    HeadAt(in, b, hb, nb);
    a = na;
    b = nb;
    const int ta = TypeRank(ha), tb = TypeRank(hb);
    if (ta != tb)
    {
        // Finish skipping so the caller's offsets stay meaningful (not needed: callers stop).
        return ta < tb ? -1 : 1;
    }
    switch (ta)
    {
        case 0:
        case 1:
        case 7:
            return Cmp(ha.arg, hb.arg);
        case 8:
            return Cmp(FloatBits(ha), FloatBits(hb));
        case 2:
        case 3:
        {
            if (ha.arg != hb.arg)
            {
                return ha.arg < hb.arg ? -1 : 1;
            }
            const int c = ha.arg == 0 ? 0 : std::memcmp(in.data() + a, in.data() + b, ha.arg);
            a += ha.arg;
            b += hb.arg;
            return c < 0 ? -1 : (c > 0 ? 1 : 0);
        }
        case 4:
        case 5:
        {
            if (ha.arg != hb.arg)
            {
                return ha.arg < hb.arg ? -1 : 1;
            }
            const uint64_t n = ta == 5 ? ha.arg * 2 : ha.arg;
            for (uint64_t i = 0; i < n; ++i)
            {
                if (int c = CompareItems(in, a, b))
                {
                    return c;
                }
            }
            return 0;
        }
        default: // tag
            if (int c = Cmp(ha.arg, hb.arg))
            {
                return c;
            }
            return CompareItems(in, a, b);
    }
}

int CompareAt(ByteView in, size_t a, size_t b)
{
    return CompareItems(in, a, b);
}

class Checker
{
  public:
    Checker(ByteView in, size_t pos, const DecodeLimits& limits)
        : in_(in), pos_(pos), limits_(limits),
          maxDepth_(std::min<uint32_t>(limits.maxDepth, kHardMaxDepth))
    {
    }
    size_t pos() const { return pos_; }
    bool Item(uint32_t depth);

  private:
    size_t Remaining() const { return in_.size() - pos_; }
    bool Container(uint8_t major, uint64_t count, uint32_t depth);

    ByteView in_;
    size_t pos_;
    const DecodeLimits& limits_;
    uint32_t maxDepth_;
    uint64_t items_ = 0;
};

bool Checker::Item(uint32_t depth)
{
    if (pos_ >= in_.size() || ++items_ > limits_.maxItems)
    {
        return false;
    }
    Head h;
    size_t next = 0;
    if (!HeadAt(in_, pos_, h, next))
    {
        return false;
    }
    pos_ = next;
    switch (h.major)
    {
        case 0:
        case 1:
            return true;
        case 2:
        case 3:
            if (h.arg > limits_.maxLength || h.arg > Remaining())
            {
                return false;
            }
            if (h.major == 3 &&
                detail::FindInvalidUtf8(in_.data() + pos_, size_t(h.arg)) != size_t(h.arg))
            {
                return false;
            }
            pos_ += h.arg;
            return true;
        case 4:
        case 5:
            return Container(h.major, h.arg, depth);
        case 6:
            return depth < maxDepth_ && Item(depth + 1);
        default:
            return h.ai != 24 || h.arg >= 32;
    }
}

bool Checker::Container(uint8_t major, uint64_t count, uint32_t depth)
{
    if (count > limits_.maxLength)
    {
        return false;
    }
    if (major == 5 ? count > Remaining() / 2 : count > Remaining())
    {
        return false;
    }
    const uint64_t minBytes = major == 5 ? count * 2 : count;
    if (minBytes > limits_.maxItems - std::min(items_, limits_.maxItems))
    {
        return false;
    }
    if (depth >= maxDepth_)
    {
        return false;
    }
    if (major == 4)
    {
        for (uint64_t i = 0; i < count; ++i)
        {
            if (!Item(depth + 1))
            {
                return false;
            }
        }
        return true;
    }
    const bool dupCheck = limits_.rejectDuplicateKeys;
    const bool pairwise = count <= kPairwiseDupCheck;
    size_t small[kPairwiseDupCheck];
    std::vector<size_t> large;
    if (dupCheck && !pairwise)
    {
        large.reserve(count);
    }
    // Integer keys (every TEEP/COSE/EAT label) can only equal integer keys, and two integers are
    // equal when major type and argument are: they are compared as numbers, whatever their
    // encoding. Other keys can only equal other keys and are compared structurally.
    uint64_t intArg[kPairwiseDupCheck];
    uint8_t intMajor[kPairwiseDupCheck];
    size_t ints = 0, others = 0;
    for (uint64_t i = 0; i < count; ++i)
    {
        const size_t keyStart = pos_;
        if (!Item(depth + 1))
        {
            return false;
        }
        if (dupCheck && pairwise)
        {
            const uint8_t major = in_[keyStart] >> 5;
            if (major <= 1)
            {
                Head h;
                size_t next = 0;
                HeadAt(in_, keyStart, h, next); // cannot fail: the key was just checked
                for (size_t j = 0; j < ints; ++j)
                {
                    if (intArg[j] == h.arg && intMajor[j] == major)
                    {
                        return false;
                    }
                }
                intArg[ints] = h.arg;
                intMajor[ints++] = major;
            }
            else
            {
                for (size_t j = 0; j < others; ++j)
                {
                    if (CompareAt(in_, small[j], keyStart) == 0)
                    {
                        return false;
                    }
                }
                small[others++] = keyStart;
            }
        }
        else if (dupCheck)
        {
            large.push_back(keyStart);
        }
        if (!Item(depth + 1))
        {
            return false;
        }
    }
    if (dupCheck && !pairwise)
    {
        std::sort(large.begin(), large.end(),
                  [&](size_t a, size_t b) { return CompareAt(in_, a, b) < 0; });
        for (size_t k = 1; k < large.size(); ++k)
        {
            if (CompareAt(in_, large[k - 1], large[k]) == 0)
            {
                return false;
            }
        }
    }
    return true;
}

} // namespace

bool SkipWellFormed(ByteView in, size_t& pos, const DecodeLimits& limits)
{
    if (pos > in.size())
    {
        return false;
    }
    Checker c(in, pos, limits);
    if (!c.Item(0))
    {
        return false;
    }
    pos = c.pos();
    return true;
}

bool IsWellFormed(ByteView in, const DecodeLimits& limits)
{
    size_t pos = 0;
    return SkipWellFormed(in, pos, limits) && pos == in.size();
}

// ---- Reader ----

bool Reader::Peek(Head& h) const
{
    size_t next = 0;
    return HeadAt(in_, pos_, h, next);
}

bool Reader::ReadHead(Head& h)
{
    size_t next = 0;
    if (!HeadAt(in_, pos_, h, next))
    {
        return false;
    }
    pos_ = next;
    return true;
}

bool Reader::Expect(uint8_t major, uint64_t& arg)
{
    Head h;
    size_t next = 0;
    if (!HeadAt(in_, pos_, h, next) || h.major != major)
    {
        return false;
    }
    arg = h.arg;
    pos_ = next;
    return true;
}

bool Reader::ReadUint(uint64_t& v)
{
    return Expect(0, v);
}

bool Reader::ReadInt(int64_t& v)
{
    Head h;
    size_t next = 0;
    if (!HeadAt(in_, pos_, h, next) || h.major > 1 || h.arg > uint64_t(INT64_MAX))
    {
        return false;
    }
    v = h.major == 0 ? static_cast<int64_t>(h.arg) : -1 - static_cast<int64_t>(h.arg);
    pos_ = next;
    return true;
}

bool Reader::ReadBstr(ByteView& v)
{
    Head h;
    size_t next = 0;
    if (!HeadAt(in_, pos_, h, next) || h.major != 2 || h.arg > in_.size() - next)
    {
        return false;
    }
    v = in_.subspan(next, size_t(h.arg));
    pos_ = next + size_t(h.arg);
    return true;
}

bool Reader::ReadTstr(std::string_view& v)
{
    Head h;
    size_t next = 0;
    if (!HeadAt(in_, pos_, h, next) || h.major != 3 || h.arg > in_.size() - next)
    {
        return false;
    }
    v = std::string_view(reinterpret_cast<const char*>(in_.data()) + next, size_t(h.arg));
    pos_ = next + size_t(h.arg);
    return true;
}

bool Reader::ReadArray(uint64_t& count)
{
    return Expect(4, count);
}

bool Reader::ReadMap(uint64_t& count)
{
    return Expect(5, count);
}

bool Reader::ReadTag(uint64_t& tag)
{
    return Expect(6, tag);
}

bool Reader::ReadBool(bool& b)
{
    if (pos_ >= in_.size() || (in_[pos_] != 0xf4 && in_[pos_] != 0xf5))
    {
        return false;
    }
    b = in_[pos_++] == 0xf5;
    return true;
}

bool Reader::ReadNull()
{
    if (pos_ >= in_.size() || in_[pos_] != 0xf6)
    {
        return false;
    }
    ++pos_;
    return true;
}

bool Reader::SkipDepth(uint32_t depth)
{
    Head h;
    size_t next = 0;
    if (depth > kHardMaxDepth || !HeadAt(in_, pos_, h, next))
    {
        return false;
    }
    pos_ = next;
    switch (h.major)
    {
        case 2:
        case 3:
            if (h.arg > in_.size() - pos_)
            {
                return false;
            }
            pos_ += size_t(h.arg);
            return true;
        case 4:
        case 5:
        {
            if (h.arg > in_.size() - pos_)
            {
                return false; // each item takes at least one byte
            }
            const uint64_t n = h.major == 5 ? h.arg * 2 : h.arg;
            for (uint64_t i = 0; i < n; ++i)
            {
                if (!SkipDepth(depth + 1))
                {
                    return false;
                }
            }
            return true;
        }
        case 6:
            return SkipDepth(depth + 1);
        default:
            return true;
    }
}

bool Reader::Skip()
{
    const size_t start = pos_;
    if (!SkipDepth(0))
    {
        pos_ = start;
        return false;
    }
    return true;
}

bool Reader::ReadRaw(ByteView& item)
{
    const size_t start = pos_;
    if (!Skip())
    {
        return false;
    }
    item = in_.subspan(start, pos_ - start);
    return true;
}

bool FindIntKey(ByteView map, int64_t key, ByteView& value)
{
    Reader r(map);
    uint64_t n = 0;
    if (!r.ReadMap(n))
    {
        return false;
    }
    for (uint64_t i = 0; i < n; ++i)
    {
        int64_t k = 0;
        const bool match = r.ReadInt(k) ? k == key : r.Skip() && false;
        if (match)
        {
            return r.ReadRaw(value);
        }
        if (!r.Skip())
        {
            return false;
        }
    }
    return false;
}

uint64_t FindIntKeys(ByteView map, std::span<const int64_t> keys, ByteView* values)
{
    Reader r(map);
    uint64_t n = 0;
    if (!r.ReadMap(n))
    {
        return 0;
    }
    uint64_t found = 0;
    for (uint64_t i = 0; i < n; ++i)
    {
        int64_t k = 0;
        size_t which = keys.size();
        if (r.ReadInt(k))
        {
            for (size_t j = 0; j < keys.size() && j < 64; ++j)
            {
                // The first entry with the key wins, as in FindIntKey.
                if (keys[j] == k && !(found & (uint64_t{1} << j)))
                {
                    which = j;
                    break;
                }
            }
        }
        else if (!r.Skip())
        {
            return found;
        }
        if (which < keys.size())
        {
            if (!r.ReadRaw(values[which]))
            {
                return found;
            }
            found |= uint64_t{1} << which;
        }
        else if (!r.Skip())
        {
            return found;
        }
    }
    return found;
}

} // namespace teepsim::cbor
