// cbor::Value: construction, typed access, map helpers and equality.
#include "teepsim/codec/cbor.h"

#include <bit>
#include <limits>
#include <stdexcept>

namespace teepsim::cbor
{

namespace
{
// Returned by const accessors on a type mismatch (see the class comment).
const Bytes kEmptyBytes;
const std::string kEmptyText;
const Array kEmptyArray;
const Map kEmptyMap;
const Value kNullValue;

[[noreturn]] void WrongType(const char* what)
{
    throw std::logic_error(std::string("cbor::Value: ") + what + " on a value of another type");
}
} // namespace

Value::TagBox::TagBox(Value v) : p(std::make_unique<Value>(std::move(v)))
{
}

Value::TagBox::TagBox(const TagBox& o) : p(o.p ? std::make_unique<Value>(*o.p) : nullptr)
{
}

Value::TagBox& Value::TagBox::operator=(const TagBox& o)
{
    if (this != &o)
    {
        p = o.p ? std::make_unique<Value>(*o.p) : nullptr;
    }
    return *this;
}

Value::TagBox::~TagBox() = default;

Value::Value() = default;

Value Value::Uint(uint64_t v)
{
    Value r;
    r.type_ = Type::Unsigned;
    r.u_ = v;
    return r;
}

Value Value::Int(int64_t v)
{
    if (v >= 0)
    {
        return Uint(uint64_t(v));
    }
    // -1 - n = v  =>  n = -1 - v, computed without overflow for INT64_MIN.
    return NegativeRaw(~uint64_t(v));
}

Value Value::NegativeRaw(uint64_t n)
{
    Value r;
    r.type_ = Type::Negative;
    r.u_ = n;
    return r;
}

Value Value::Bstr(Bytes b)
{
    Value r;
    r.type_ = Type::Bytes;
    r.p_ = std::move(b);
    return r;
}

Value Value::Bstr(ByteView b)
{
    return Bstr(Bytes(b.begin(), b.end()));
}

Value Value::Tstr(std::string s)
{
    Value r;
    r.type_ = Type::Text;
    r.p_ = std::move(s);
    return r;
}

Value Value::MakeArray(Array a)
{
    Value r;
    r.type_ = Type::Array;
    r.p_ = std::move(a);
    return r;
}

Value Value::MakeMap(Map m)
{
    Value r;
    r.type_ = Type::Map;
    r.p_ = std::move(m);
    return r;
}

Value Value::Tag(uint64_t tag, Value content)
{
    Value r;
    r.type_ = Type::Tag;
    r.u_ = tag;
    r.p_ = TagBox(std::move(content));
    return r;
}

Value Value::Bool(bool b)
{
    return Simple(b ? 21 : 20);
}

Value Value::Null()
{
    return Simple(22);
}

Value Value::Undefined()
{
    return Simple(23);
}

Value Value::Simple(uint8_t v)
{
    if (v >= 24 && v < 32)
    {
        throw std::invalid_argument("cbor::Value::Simple: values 24..31 are not well-formed");
    }
    Value r;
    r.type_ = Type::Simple;
    r.u_ = v;
    return r;
}

Value Value::Double(double d)
{
    Value r;
    r.type_ = Type::Float;
    r.u_ = std::bit_cast<uint64_t>(d);
    return r;
}

bool Value::isBool() const
{
    return type_ == Type::Simple && (u_ == 20 || u_ == 21);
}

bool Value::isNull() const
{
    return type_ == Type::Simple && u_ == 22;
}

uint64_t Value::rawUint() const
{
    return isInt() ? u_ : 0;
}

std::optional<int64_t> Value::asInt64() const
{
    constexpr auto kMax = uint64_t(std::numeric_limits<int64_t>::max());
    if (type_ == Type::Unsigned && u_ <= kMax)
    {
        return int64_t(u_);
    }
    if (type_ == Type::Negative && u_ <= kMax)
    {
        return -1 - int64_t(u_);
    }
    return std::nullopt;
}

const Bytes& Value::bytes() const
{
    const auto* b = std::get_if<Bytes>(&p_);
    return b ? *b : kEmptyBytes;
}

const std::string& Value::text() const
{
    const auto* s = std::get_if<std::string>(&p_);
    return s ? *s : kEmptyText;
}

const Array& Value::array() const
{
    const auto* a = std::get_if<Array>(&p_);
    return a ? *a : kEmptyArray;
}

Array& Value::array()
{
    auto* a = std::get_if<Array>(&p_);
    if (!a)
    {
        WrongType("array()");
    }
    return *a;
}

const Map& Value::map() const
{
    const auto* m = std::get_if<Map>(&p_);
    return m ? *m : kEmptyMap;
}

Map& Value::map()
{
    auto* m = std::get_if<Map>(&p_);
    if (!m)
    {
        WrongType("map()");
    }
    return *m;
}

uint64_t Value::tag() const
{
    return type_ == Type::Tag ? u_ : 0;
}

const Value& Value::tagged() const
{
    const auto* t = std::get_if<TagBox>(&p_);
    return t && t->p ? *t->p : kNullValue;
}

Value& Value::tagged()
{
    auto* t = std::get_if<TagBox>(&p_);
    if (!t)
    {
        WrongType("tagged()");
    }
    if (!t->p)
    {
        t->p = std::make_unique<Value>();
    }
    return *t->p;
}

bool Value::boolean() const
{
    return type_ == Type::Simple && u_ == 21;
}

uint8_t Value::simple() const
{
    return type_ == Type::Simple ? uint8_t(u_) : 0;
}

double Value::floating() const
{
    return type_ == Type::Float ? std::bit_cast<double>(u_)
                                : std::numeric_limits<double>::quiet_NaN();
}

const Value* Value::find(int64_t key) const
{
    const auto* m = std::get_if<Map>(&p_);
    if (!m)
    {
        return nullptr;
    }
    const Type t = key >= 0 ? Type::Unsigned : Type::Negative;
    const uint64_t raw = key >= 0 ? uint64_t(key) : ~uint64_t(key);
    for (const auto& [k, v] : *m)
    {
        if (k.type_ == t && k.u_ == raw)
        {
            return &v;
        }
    }
    return nullptr;
}

const Value* Value::find(std::string_view key) const
{
    const auto* m = std::get_if<Map>(&p_);
    if (!m)
    {
        return nullptr;
    }
    for (const auto& [k, v] : *m)
    {
        if (k.type_ == Type::Text && k.text() == key)
        {
            return &v;
        }
    }
    return nullptr;
}

Value& Value::set(int64_t key, Value v)
{
    map().emplace_back(Int(key), std::move(v));
    return *this;
}

Value& Value::set(std::string key, Value v)
{
    map().emplace_back(Tstr(std::move(key)), std::move(v));
    return *this;
}

Value& Value::push(Value v)
{
    array().push_back(std::move(v));
    return *this;
}

bool Value::operator==(const Value& o) const
{
    if (type_ != o.type_)
    {
        return false;
    }
    switch (type_)
    {
        case Type::Unsigned:
        case Type::Negative:
        case Type::Simple:
        case Type::Float:
            return u_ == o.u_;
        case Type::Bytes:
            return bytes() == o.bytes();
        case Type::Text:
            return text() == o.text();
        case Type::Array:
            return array() == o.array();
        case Type::Map:
            return map() == o.map();
        case Type::Tag:
            return u_ == o.u_ && tagged() == o.tagged();
    }
    return false;
}

std::string DecodeError::ToString() const
{
    return "offset " + std::to_string(offset) + ": " + message;
}

} // namespace teepsim::cbor
