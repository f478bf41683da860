// Hex helpers shared by the CBOR tests.
#pragma once

#include "teepsim/codec/cbor.h"

#include <fstream>
#include <iterator>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace teepsim::cbor
{
// GoogleTest prints Values in diagnostic notation.
inline void PrintTo(const Value& v, std::ostream* os)
{
    *os << Diagnostic(v);
}
} // namespace teepsim::cbor

namespace teepsim::cbor::test
{

inline Bytes FromHex(std::string_view hex)
{
    Bytes out;
    int high = -1;
    for (char c : hex)
    {
        int v;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v = c - 'A' + 10;
        else if (c == ' ')
            continue;
        else
            throw std::invalid_argument("bad hex in test data");
        if (high < 0)
            high = v;
        else
        {
            out.push_back(uint8_t(high << 4 | v));
            high = -1;
        }
    }
    return out;
}

inline std::string ToHex(ByteView b)
{
    static const char* const kDigits = "0123456789abcdef";
    std::string s;
    for (uint8_t c : b)
    {
        s.push_back(kDigits[c >> 4]);
        s.push_back(kDigits[c & 15]);
    }
    return s;
}

inline std::string ReadFile(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    if (!f)
        throw std::runtime_error("cannot open " + path);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

inline Bytes ReadBytes(const std::string& path)
{
    const std::string s = ReadFile(path);
    return Bytes(s.begin(), s.end());
}

} // namespace teepsim::cbor::test
