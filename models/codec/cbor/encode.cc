// Encoder: preferred serialization (RFC 8949 §4.1): shortest head, shortest exact float.
#include "teepsim/codec/cbor.h"

#include "float_bits.h"

namespace teepsim::cbor
{

void EncodeHead(uint8_t major, uint64_t arg, Bytes& out)
{
    const auto mt = uint8_t(major << 5);
    if (arg < 24)
    {
        out.push_back(uint8_t(mt | arg));
        return;
    }
    // Built in a local buffer and appended once: one capacity check instead of up to nine.
    uint8_t buf[9];
    int n;
    if (arg <= 0xff)
    {
        n = 1;
        buf[0] = uint8_t(mt | 24);
    }
    else if (arg <= 0xffff)
    {
        n = 2;
        buf[0] = uint8_t(mt | 25);
    }
    else if (arg <= 0xffffffffull)
    {
        n = 4;
        buf[0] = uint8_t(mt | 26);
    }
    else
    {
        n = 8;
        buf[0] = uint8_t(mt | 27);
    }
    for (int i = 0; i < n; ++i)
    {
        buf[1 + i] = uint8_t(arg >> (8 * (n - 1 - i)));
    }
    out.insert(out.end(), buf, buf + 1 + n);
}

namespace
{

void EncodeFloat(uint64_t bits, Bytes& out)
{
    if (auto h = detail::DoubleToHalfExact(bits))
    {
        out.insert(out.end(), {0xf9, uint8_t(*h >> 8), uint8_t(*h)});
        return;
    }
    if (auto s = detail::DoubleToSingleExact(bits))
    {
        out.insert(out.end(),
                   {0xfa, uint8_t(*s >> 24), uint8_t(*s >> 16), uint8_t(*s >> 8), uint8_t(*s)});
        return;
    }
    out.push_back(0xfb);
    for (int i = 7; i >= 0; --i)
    {
        out.push_back(uint8_t(bits >> (8 * i)));
    }
}

} // namespace

void EncodeTo(const Value& v, Bytes& out)
{
    switch (v.type())
    {
        case Type::Unsigned:
            EncodeHead(0, v.rawUint(), out);
            break;
        case Type::Negative:
            EncodeHead(1, v.rawUint(), out);
            break;
        case Type::Bytes:
        {
            const Bytes& b = v.bytes();
            EncodeHead(2, b.size(), out);
            out.insert(out.end(), b.begin(), b.end());
            break;
        }
        case Type::Text:
        {
            const std::string& s = v.text();
            EncodeHead(3, s.size(), out);
            out.insert(out.end(), s.begin(), s.end());
            break;
        }
        case Type::Array:
            EncodeHead(4, v.array().size(), out);
            for (const Value& e : v.array())
            {
                EncodeTo(e, out);
            }
            break;
        case Type::Map:
            EncodeHead(5, v.map().size(), out);
            for (const auto& [k, e] : v.map())
            {
                EncodeTo(k, out);
                EncodeTo(e, out);
            }
            break;
        case Type::Tag:
            EncodeHead(6, v.tag(), out);
            EncodeTo(v.tagged(), out);
            break;
        case Type::Simple:
            EncodeHead(7, v.simple(), out);
            break;
        case Type::Float:
            EncodeFloat(std::bit_cast<uint64_t>(v.floating()), out);
            break;
    }
}

Bytes Encode(const Value& v)
{
    Bytes out;
    out.reserve(64);
    EncodeTo(v, out);
    return out;
}

Value Wrap(const Value& v)
{
    return Value::Bstr(Encode(v));
}

} // namespace teepsim::cbor
