// Signature suites and deterministic keys of the TEEP models. Every key (Agent, TAM, Verifier,
// TA signer) is derived from (role, id, seed), so a run is reproducible and its public keys can
// be exported for checking captured messages.
#pragma once

#include "teepsim/codec/crypto.h"

#include <cstdint>
#include <string>

namespace ns3
{

/// The TEEP cipher suites the models offer: [[18, -19]] (Ed25519, faster) or [[18, -9]].
enum TeepSignatureSuite
{
    TEEP_SUITE_ED25519 = 0,
    TEEP_SUITE_ESP256 = 1,
};

teepsim::crypto::Alg AlgOf(TeepSignatureSuite s);
/// The same (suite, role, id, seed) always gives the same key pair.
teepsim::crypto::Key DeriveTeepKey(TeepSignatureSuite s, const std::string& role, uint64_t id,
                                   uint64_t seed);

} // namespace ns3
