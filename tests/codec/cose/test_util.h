// Shared helpers for the COSE/crypto tests: vector paths and file reading.
#pragma once

#include "teepsim/codec/crypto.h"

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace teepsim::cose::test
{

inline std::string Vec(const std::string& rel)
{
    return std::string(TEEPSIM_VECTORS_DIR) + "/" + rel;
}

inline cbor::Bytes ReadFile(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    if (!f)
    {
        throw std::runtime_error("cannot open " + path);
    }
    return cbor::Bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

inline std::string ReadText(const std::string& path)
{
    cbor::Bytes b = ReadFile(path);
    return std::string(b.begin(), b.end());
}

inline cbor::Bytes Hex(std::string_view h)
{
    auto b = crypto::FromHex(h);
    if (!b)
    {
        throw std::invalid_argument("bad hex in test");
    }
    return *b;
}

inline cbor::Bytes Str(std::string_view s)
{
    return cbor::Bytes(s.begin(), s.end());
}

} // namespace teepsim::cose::test
