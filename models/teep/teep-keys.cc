#include "teepsim/teep-keys.h"

#include "teep-wire.h"

namespace ns3
{

using teepsim::cbor::Bytes;
namespace crypto = teepsim::crypto;

crypto::Alg AlgOf(TeepSignatureSuite s)
{
    // Read per call: the profile is a process-wide setting bound before a run is built.
    return teepwire::Wire().SigningAlg(s == TEEP_SUITE_ESP256 ? crypto::KeyType::P256
                                                              : crypto::KeyType::Ed25519);
}

crypto::Key DeriveTeepKey(TeepSignatureSuite s, const std::string& role, uint64_t id, uint64_t seed,
                          TeepKeyUse use)
{
    // seed32 = SHA-256("teepsim-key" | role | id | seed): distinct per role and device.
    Bytes material;
    const std::string label = "teepsim-key/" + role + "/";
    material.insert(material.end(), label.begin(), label.end());
    for (int i = 0; i < 8; ++i)
    {
        material.push_back(static_cast<uint8_t>(id >> (8 * i)));
    }
    for (int i = 0; i < 8; ++i)
    {
        material.push_back(static_cast<uint8_t>(seed >> (8 * i)));
    }
    const Bytes seed32 = crypto::Sha256(material);
    const crypto::KeyType type =
        s == TEEP_SUITE_ESP256 ? crypto::KeyType::P256 : crypto::KeyType::Ed25519;
    if (use == TeepKeyUse::Signing && crypto::GetSignatureMode() == crypto::SignatureMode::Modelled)
    {
        // Modelled signatures need no curve point: a million devices' keys in ~128 MB.
        return crypto::Key::Modelled(type, seed32);
    }
    return s == TEEP_SUITE_ESP256 ? crypto::Key::GenerateP256(seed32)
                                  : crypto::Key::GenerateEd25519(seed32);
}

} // namespace ns3
