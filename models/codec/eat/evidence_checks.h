// What binds verified evidence to its challenge and signer, shared by VerifyEvidence of bytes
// (evidence.cc) and of an already parsed message (evidence_parsed.cc).
#pragma once

#include "teepsim/codec/eat.h"

#include <optional>

namespace teepsim::eat
{

/// The failure when the evidence does not answer `expectedNonce` (when given) or its cnf kid
/// does not name `signer`, the key whose signature verified; nullopt when both hold.
std::optional<Failure> CheckEvidenceBinding(const Evidence& ev, const crypto::Key& signer,
                                            std::optional<ByteView> expectedNonce);

} // namespace teepsim::eat
