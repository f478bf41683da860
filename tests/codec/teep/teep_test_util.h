// Small helpers shared by the TEEP message tests: vector files, hex, test keys.
#pragma once

#include "teepsim/codec/crypto.h"

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace teepsim::teep::test
{

inline std::string VectorPath(const std::string& rel)
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
    return cbor::Bytes(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

inline cbor::Bytes ReadVector(const std::string& rel)
{
    return ReadFile(VectorPath(rel));
}

inline std::string Hex(cbor::ByteView b)
{
    static const char* d = "0123456789abcdef";
    std::string s;
    s.reserve(b.size() * 2);
    for (uint8_t c : b)
    {
        s += d[c >> 4];
        s += d[c & 15];
    }
    return s;
}

inline cbor::Bytes FromHex(const std::string& hex)
{
    cbor::Bytes out;
    int hi = -1;
    for (char c : hex)
    {
        int v = (c >= '0' && c <= '9')   ? c - '0'
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                         : -1;
        if (v < 0)
        {
            continue; // whitespace
        }
        if (hi < 0)
        {
            hi = v;
        }
        else
        {
            out.push_back(static_cast<uint8_t>(hi << 4 | v));
            hi = -1;
        }
    }
    return out;
}

/// libteep's published TAM / Agent P-256 keys (private PEM).
inline crypto::Key LibteepKey(const std::string& name)
{
    return crypto::Key::FromFile(VectorPath("libteep-kentakayama/key/" + name + ".pem"));
}

/// A deterministic Ed25519 key (RFC 8032 test vector 1 secret).
inline crypto::Key Ed25519TestKey()
{
    return crypto::Key::GenerateEd25519(
        FromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
}

} // namespace teepsim::teep::test
