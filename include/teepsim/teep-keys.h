// Signature suites and deterministic keys of the TEEP models. Every key (Agent, TAM, Verifier,
// TA signer) is derived from (role, id, seed), so a run is reproducible and its public keys can
// be exported for checking captured messages.
#pragma once

#include "teepsim/codec/crypto.h"

#include <cstdint>
#include <string>

namespace ns3
{

/// The key types behind the TEEP cipher suites the models use: Ed25519 (faster) or P-256.
/// The COSE alg identifier comes from the wire profile (AlgOf).
enum TeepSignatureSuite
{
    TEEP_SUITE_ED25519 = 0,
    TEEP_SUITE_ESP256 = 1,
};

/// The COSE algorithm a key of suite `s` signs with under the "TeepWireProfile" GlobalValue:
/// draft26 ESP256 (-9) / Ed25519 (-19); legacy ES256 (-7) / EdDSA (-8).
teepsim::crypto::Alg AlgOf(TeepSignatureSuite s);
/// What a derived key is for.
enum class TeepKeyUse
{
    Signing,      // signs TEEP messages, evidence, results, manifests
    KeyAgreement, // ECDH (encrypted TA payloads): always a real key
};
/// The same (suite, role, id, seed) always gives the same key pair. A signing key made while
/// signatures are modelled (crypto::GetSignatureMode()) is a modelled key (Key::Modelled: no
/// curve arithmetic, ~128 bytes) from the same 32-byte seed; otherwise a real one.
teepsim::crypto::Key DeriveTeepKey(TeepSignatureSuite s, const std::string& role, uint64_t id,
                                   uint64_t seed, TeepKeyUse use = TeepKeyUse::Signing);

} // namespace ns3
