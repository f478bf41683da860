// Diagnostic notation with the names the TEEP, COSE, SUIT and EAT drafts print as /comments/:
// what `teepsim decode` shows by default. Internal to `decode`.
#pragma once

#include "teepsim/codec/cbor.h"
#include "teepsim/codec/teep_profile.h"

#include <cstdint>
#include <string>

namespace teepsim::decode
{

/// Same layout as cbor::Diagnostic with indent 2 and embedded CBOR expanded, plus the drafts'
/// annotations: map keys as `/ token / 19: h'..'`, array positions as `/ type: / 1`, and
/// enumerated values as `-7 / ES256 /`. Only the comments differ: removing every /.../ gives
/// back the plain diagnostic. TEEP labels follow `profile`; structures are recognised by shape.
std::string AnnotatedDiagnostic(const cbor::Value& v, const teep::Profile& profile);

/// "ES256", "ESP256", "SHA-256", ...; nullptr for an algorithm the codec does not name.
const char* AlgShortName(int64_t alg);

} // namespace teepsim::decode
