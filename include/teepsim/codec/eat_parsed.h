// VerifyEvidence of evidence its receiver has already parsed: a Verifier parses the COSE_Sign1
// once to find the device by kid, then verifies and decodes that same parse instead of parsing
// the bytes again (one parse per appraisal, not two).
#pragma once

#include "teepsim/codec/cose.h"
#include "teepsim/codec/eat.h"

#include <optional>
#include <vector>

namespace teepsim::eat
{

/// VerifySign1Token(bytes, keys) for `parsed` = cose::ParseSigned(bytes) (taken: its payload
/// is moved into the result): the same result and failures, the parse failure aside.
Result<VerifiedToken> VerifySign1Token(cose::SignedMessage&& parsed,
                                       const std::vector<crypto::Key>& keys);

/// VerifyEvidence(bytes, keys, expectedNonce) for `parsed` = cose::ParseSigned(bytes) (taken):
/// the same result and failures, the parse failure aside. Never throws.
Result<VerifiedEvidence> VerifyEvidence(cose::SignedMessage&& parsed,
                                        const std::vector<crypto::Key>& keys,
                                        std::optional<ByteView> expectedNonce);

} // namespace teepsim::eat
