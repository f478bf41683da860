// Shared by the codec benchmarks: reads a draft-26 vector file from tests/vectors (or
// $TEEPSIM_VECTORS_DIR), so every benchmark runs on the same externally written bytes.
#pragma once

#include "teepsim/codec/cbor.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace teepsim::bench
{

inline std::string VectorsDir()
{
    if (const char* env = std::getenv("TEEPSIM_VECTORS_DIR"))
    {
        return env;
    }
    return (std::filesystem::path(__FILE__).parent_path() / "../tests/vectors").string();
}

/// The bytes of `name` in the draft-26 (PR 420) vector folder; throws when it cannot be read.
inline cbor::Bytes LoadVector(const std::string& name)
{
    const std::string path = VectorsDir() + "/ietf-teep-protocol-draft26-pr420/" + name;
    std::ifstream f(path, std::ios::binary);
    if (!f)
    {
        throw std::runtime_error("cannot open " + path);
    }
    return cbor::Bytes(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

} // namespace teepsim::bench
