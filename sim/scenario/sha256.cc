// SHA-256 of scenario bytes for scenario hashes: the codec's OpenSSL-backed crypto::Sha256, so
// that the project has one SHA-256 (the scenario library links teepsim_cose for it).
#include "teepsim/codec/crypto.h"

#include <cstdint>

#include "sim/scenario/knobs.h"

namespace teepsim::sim::detail
{

std::string Sha256Hex(std::string_view data)
{
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(data.data());
    return crypto::ToHex(crypto::Sha256(crypto::ByteView(bytes, data.size())));
}

} // namespace teepsim::sim::detail
