// CBOR (RFC 8949) data model, encoder and strict decoder.
//
// Written for teepsim rather than wrapping libcbor because the TEEP/COSE/SUIT layers need
// byte-exact control: preferred serialization on encode, received bstr contents kept verbatim
// (COSE protected headers, SUIT manifests), item spans via DecodeOne, error offsets, and hard
// bounds on depth and lengths so that no input can crash or exhaust memory. libcbor also
// accepts indefinite lengths and builds a refcounted heap tree that costs more per item.
#pragma once

#include "teepsim/codec/result.h"

#include <cstdint>
#include <map> // kept: included by earlier versions, others may rely on it
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace teepsim::cbor
{

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

class Value;
using Array = std::vector<Value>;
// Maps keep the order in which entries were decoded or inserted; encoding writes them in
// that order (deterministic encoding, when wanted, is the builder's job).
using Map = std::vector<std::pair<Value, Value>>;

enum class Type : uint8_t
{
    Unsigned, // major 0
    Negative, // major 1 (value = -1 - n)
    Bytes,    // major 2
    Text,     // major 3
    Array,    // major 4
    Map,      // major 5
    Tag,      // major 6
    Simple,   // major 7: false/true/null/undefined/other simple values
    Float,    // major 7: half/single/double
};

/// One CBOR data item. Integers cover the full CBOR range: the sign is in the Type, the
/// magnitude in uint64 (Negative n encodes -1-n).
///
/// Value semantics: a copy is a deep, independent copy (moves are cheap). Decoding builds
/// each string and container once, in place, with no reference counting; copies are rare
/// on the decode path, so this is faster than copy-on-write there and has no aliasing traps.
///
/// Accessors never throw on a type mismatch: the const ones return an empty/zero value
/// (bytes() of an int is empty, tagged() of a non-tag is null, floating() of a non-float is
/// NaN), so decoders that forget a type check see "missing" rather than crashing. Check the
/// type first. The mutating ones (array(), map(), set(), push()) throw std::logic_error on
/// the wrong type: that is a programming error in builder code.
class Value
{
  public:
    Value(); // null
    static Value Uint(uint64_t v);
    static Value Int(int64_t v);          // picks Unsigned or Negative
    static Value NegativeRaw(uint64_t n); // -1 - n
    static Value Bstr(Bytes b);
    static Value Bstr(ByteView b);
    static Value Tstr(std::string s);
    static Value MakeArray(Array a = {});
    static Value MakeMap(Map m = {});
    static Value Tag(uint64_t tag, Value content);
    static Value Bool(bool b);
    static Value Null();
    static Value Undefined();
    /// Simple values 0..23 and 32..255; 24..31 cannot be encoded (std::invalid_argument).
    static Value Simple(uint8_t v);
    static Value Double(double d);

    Type type() const { return type_; }
    bool isUint() const { return type_ == Type::Unsigned; }
    bool isNegative() const { return type_ == Type::Negative; }
    bool isInt() const { return isUint() || isNegative(); }
    bool isBstr() const { return type_ == Type::Bytes; }
    bool isTstr() const { return type_ == Type::Text; }
    bool isArray() const { return type_ == Type::Array; }
    bool isMap() const { return type_ == Type::Map; }
    bool isTag() const { return type_ == Type::Tag; }
    bool isBool() const;
    bool isNull() const;
    bool isFloat() const { return type_ == Type::Float; }

    /// Raw magnitude (Unsigned: the value; Negative: n where value = -1-n); 0 for non-ints.
    uint64_t rawUint() const;
    /// The integer if it fits in int64_t.
    std::optional<int64_t> asInt64() const;
    const Bytes& bytes() const;
    const std::string& text() const;
    const Array& array() const;
    Array& array();
    const Map& map() const;
    Map& map();
    uint64_t tag() const;
    const Value& tagged() const;
    Value& tagged();
    bool boolean() const;
    uint8_t simple() const;
    double floating() const;

    /// Map lookup by integer key (the common case for TEEP/COSE/SUIT labels); nullptr if absent
    /// or if this is not a map.
    const Value* find(int64_t key) const;
    const Value* find(std::string_view key) const;
    /// Appends (no duplicate check) and returns *this for chaining.
    Value& set(int64_t key, Value v);
    Value& set(std::string key, Value v);
    Value& push(Value v);

    /// Structural equality; floats compare by bit pattern (so NaN == NaN, 0.0 != -0.0).
    bool operator==(const Value& o) const;
    bool operator!=(const Value& o) const { return !(*this == o); }

  private:
    // Owns the content of a tag; copies deeply.
    struct TagBox
    {
        std::unique_ptr<Value> p;
        TagBox() = default;
        explicit TagBox(Value v);
        TagBox(const TagBox& o);
        TagBox(TagBox&&) noexcept = default;
        TagBox& operator=(const TagBox& o);
        TagBox& operator=(TagBox&&) noexcept = default;
        ~TagBox();
    };
    using Payload = std::variant<std::monostate, Bytes, std::string, Array, Map, TagBox>;

    Type type_ = Type::Simple;
    // Unsigned/Negative magnitude, tag number, simple value (22 = null), or the bit pattern
    // of a Float (std::bit_cast<double>).
    uint64_t u_ = 22;
    Payload p_;
};

/// Encodes with preferred serialization (shortest argument; floats in the shortest of
/// half/single/double that preserves the value, NaN payload included).
Bytes Encode(const Value& v);
void EncodeTo(const Value& v, Bytes& out);
/// Writes only a major type + argument head (e.g. a bstr header before appending content).
void EncodeHead(uint8_t major, uint64_t arg, Bytes& out);
/// Encodes v as a bstr holding its own encoding (bstr .cbor).
Value Wrap(const Value& v);

struct DecodeLimits
{
    uint32_t maxDepth = 32;          // nested arrays/maps/tags (hard cap 512 regardless)
    uint64_t maxItems = 1u << 20;    // total data items in one decode
    uint64_t maxLength = 16u << 20;  // one string or container length
    bool rejectDuplicateKeys = true; // a map with two equal keys is invalid CBOR (RFC 8949 §5.6)
};

struct DecodeError
{
    size_t offset = 0;            // byte offset in the input where the problem was found
    std::string message;          // e.g. "truncated bstr", "indefinite length not allowed"
    std::string ToString() const; // "offset 12: truncated bstr ..."
};

/// Result of a decode: either a value or an error.
template<typename T> using Result = teepsim::Result<T, DecodeError>;

/// Decodes exactly one data item that must span the whole input (trailing bytes are an error).
/// Strict: rejects malformed input (RFC 8949 §5.3.1 / Appendix F), reserved additional info
/// 28-30, invalid UTF-8 in text strings, two-byte simple values below 32, duplicate map keys
/// (unless disabled), and indefinite-length items (TEEP/COSE/SUIT all require definite
/// lengths). Non-preferred heads (e.g. 0x1817) are well-formed and accepted. Never reads past
/// the input, never throws on bad input; bounded by `limits`.
Result<Value> Decode(ByteView in, const DecodeLimits& limits = {});
/// Decodes one item starting at `offset`; on success advances offset past it (trailing allowed).
Result<Value> DecodeOne(ByteView in, size_t& offset, const DecodeLimits& limits = {});

/// RFC 8949 §8 diagnostic notation, e.g. `[1, {20: h'0102'}, "x"]`. With `indent` > 0,
/// containers are laid out one element per line.
std::string Diagnostic(const Value& v, int indent = 0);

struct DiagnosticOptions
{
    int indent = 0;
    /// Show a bstr that holds exactly one well-formed array/map/tag (and re-encodes to the
    /// same bytes) as embedded CBOR `<<...>>`: makes nested COSE/SUIT structures readable.
    bool expandEmbedded = false;
};
std::string Diagnostic(const Value& v, const DiagnosticOptions& options);

/// Parses diagnostic notation (the subset used by the TEEP/SUIT drafts: ints, h'..' with
/// whitespace and /comments/, adjacent h'..' h'..' concatenated, 'text' as bstr, "text",
/// [..], {..}, tags N(..), <<..>> embedded CBOR (a sequence), true/false/null/undefined,
/// simple(N), floats incl. Infinity/NaN). Error offsets are character offsets into `text`.
Result<Value> ParseDiagnostic(std::string_view text);

} // namespace teepsim::cbor
