// The codec's hot path without trees: a pull reader over a received buffer and writers that
// append CBOR heads and scalars straight into a reusable byte vector.
//
// cbor::Value trees cost one heap allocation per string or container and a deep copy per move
// between layers; TEEP, COSE and EAT decode every message of every simulated session, so they
// read with Reader (string contents are views into the input) after one strict, non-allocating
// well-formedness pass (SkipWellFormed) that accepts exactly what cbor::DecodeOne accepts.
// When that pass refuses an input, callers run DecodeOne for the error text: errors stay
// identical to the tree decoder's, the rare error path pays for them.
#pragma once

#include "teepsim/codec/cbor.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace teepsim::cbor
{

/// Whether DecodeOne(in, pos, limits) would succeed; if so, advances pos past the item exactly
/// as DecodeOne would. Same rules (definite lengths, reserved additional information, UTF-8,
/// two-byte simple values, duplicate map keys by structural equality, depth/item/length
/// limits); allocates only for duplicate-key checks of maps with more than 32 entries. On
/// failure pos is unspecified.
bool SkipWellFormed(ByteView in, size_t& pos, const DecodeLimits& limits = {});
/// The whole input is one well-formed item (what Decode accepts).
bool IsWellFormed(ByteView in, const DecodeLimits& limits = {});

/// One data item head: major type, additional information, argument and where it starts.
struct Head
{
    uint8_t major = 0;
    uint8_t ai = 0;
    uint64_t arg = 0;
    size_t start = 0;
};

/// Pull reader over a byte span. Every read is bounds-checked; a read that does not find what
/// it asks for returns false and leaves the position unchanged. It checks shapes, not the
/// strict well-formedness rules: run SkipWellFormed over an item before trusting its contents.
class Reader
{
  public:
    explicit Reader(ByteView in, size_t pos = 0) : in_(in), pos_(pos) {}

    size_t pos() const { return pos_; }
    void seek(size_t pos) { pos_ = pos; }
    bool atEnd() const { return pos_ >= in_.size(); }
    ByteView input() const { return in_; }

    /// The next head (definite lengths only; ai 28..31 refused) without consuming it.
    bool Peek(Head& h) const;
    bool ReadHead(Head& h);

    bool ReadUint(uint64_t& v);
    /// An unsigned or negative integer that fits int64_t.
    bool ReadInt(int64_t& v);
    /// Contents of a bstr / tstr as views into the input.
    bool ReadBstr(ByteView& v);
    bool ReadTstr(std::string_view& v);
    bool ReadArray(uint64_t& count);
    bool ReadMap(uint64_t& count);
    bool ReadTag(uint64_t& tag);
    bool ReadBool(bool& b);
    bool ReadNull();
    /// Skips one item (any depth up to 512), bounds-checked; no strict checks.
    bool Skip();
    /// Skips one item and returns its encoded bytes.
    bool ReadRaw(ByteView& item);

  private:
    bool SkipDepth(uint32_t depth);
    bool Expect(uint8_t major, uint64_t& arg);

    ByteView in_;
    size_t pos_ = 0;
};

/// In the encoded map `map` (one well-formed item), the encoded value of the first entry whose
/// key is the integer `key` (what Value::find(key) finds). False if absent or not a map.
bool FindIntKey(ByteView map, int64_t key, ByteView& value);
/// FindIntKey for several keys in one walk of the map: for each keys[i] found, values[i] is its
/// value and bit i of the result is set (at most 64 keys). 0 if `map` is not a map.
uint64_t FindIntKeys(ByteView map, std::span<const int64_t> keys, ByteView* values);

// ---- writers: append to `out` (preferred serialization, as Encode) ----

/// EncodeHead with the one-byte case (argument < 24, most heads of TEEP/COSE/EAT) inline.
inline void PutHead(uint8_t major, uint64_t arg, Bytes& out)
{
    if (arg < 24)
    {
        out.push_back(static_cast<uint8_t>((major << 5) | arg));
    }
    else
    {
        EncodeHead(major, arg, out);
    }
}

inline void PutUint(uint64_t v, Bytes& out)
{
    PutHead(0, v, out);
}
inline void PutInt(int64_t v, Bytes& out)
{
    if (v >= 0)
    {
        PutHead(0, static_cast<uint64_t>(v), out);
    }
    else
    {
        PutHead(1, static_cast<uint64_t>(-1 - v), out);
    }
}
inline void PutBstr(ByteView b, Bytes& out)
{
    PutHead(2, b.size(), out);
    out.insert(out.end(), b.begin(), b.end());
}
inline void PutTstr(std::string_view s, Bytes& out)
{
    PutHead(3, s.size(), out);
    out.insert(out.end(), s.begin(), s.end());
}
inline void PutArray(uint64_t count, Bytes& out)
{
    PutHead(4, count, out);
}
inline void PutMap(uint64_t count, Bytes& out)
{
    PutHead(5, count, out);
}
inline void PutTag(uint64_t tag, Bytes& out)
{
    PutHead(6, tag, out);
}
inline void PutBool(bool b, Bytes& out)
{
    out.push_back(b ? 0xf5 : 0xf4);
}
inline void PutNull(Bytes& out)
{
    out.push_back(0xf6);
}

} // namespace teepsim::cbor
