// The cbor::Value-tree encoders and decoders of the EAT claim sets (evidence.cc,
// attestation_result.cc): the specification of the direct ones (*_direct.cc), which hand them
// every claim set they do not accept so that errors stay the same.
#pragma once

#include "teepsim/codec/eat.h"

namespace teepsim::eat
{

Bytes EncodeEvidenceTree(const Evidence& e);
Result<Evidence> DecodeEvidenceTree(ByteView claims);
Bytes EncodeAttestationResultTree(const AttestationResult& ar);
Result<AttestationResult> DecodeAttestationResultTree(ByteView claims);

} // namespace teepsim::eat
