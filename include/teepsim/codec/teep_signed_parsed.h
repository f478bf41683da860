// DecodeVerified of a TEEP message its receiver has already parsed: a TAM parses the COSE
// structure once to find the sender by kid, then verifies and decodes that same parse instead
// of parsing the bytes again (one parse per message, not two).
#pragma once

#include "teepsim/codec/cose.h"
#include "teepsim/codec/teep_signed.h"

#include <vector>

namespace teepsim::teep
{

/// DecodeVerified(bytes, ...) for `parsed` = cose::ParseSigned(bytes) (taken: its payload is
/// moved into the result): the same result and the same failures, the parse failure aside
/// (the caller has already dealt with it). Never throws.
Result<VerifiedMessage> DecodeVerified(cose::SignedMessage&& parsed, const Profile& profile,
                                       const std::vector<crypto::Key>& trusted,
                                       const ReceiverCaps& caps = {});

} // namespace teepsim::teep
