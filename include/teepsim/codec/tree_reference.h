// The tree-based (cbor::Value) implementations that the direct codec paths replaced, kept as
// their specification: tests check that the direct encoders write byte-identical output and the
// direct decoders give equal values, and the direct decoders hand every input they do not
// accept to these for the exact error the receiver reports. Not for the hot path.
#pragma once

#include "teepsim/codec/cose.h"
#include "teepsim/codec/eat.h"
#include "teepsim/codec/teep.h"
#include "teepsim/codec/teep_signed.h"

namespace teepsim::reference
{

/// cose::ParseSigned through a full cbor::Value tree (any COSE_Sign1/COSE_Sign, every error).
cbor::Result<cose::SignedMessage> ParseSigned(cbor::ByteView in);

cbor::Bytes EncodeEvidence(const eat::Evidence& e);
eat::Result<eat::Evidence> DecodeEvidence(cbor::ByteView claims);
cbor::Bytes EncodeAttestationResult(const eat::AttestationResult& ar);
eat::Result<eat::AttestationResult> DecodeAttestationResult(cbor::ByteView claims);

/// teep::Decode with every element decoded into a cbor::Value tree and read from it.
teep::Result<teep::Message> DecodeTeep(cbor::ByteView bytes, const teep::Profile& profile,
                                       const teep::ReceiverCaps& caps = {});
/// teep::DecodeVerified through a cose::SignedMessage (ParseSigned + Verify), never the in-place
/// COSE_Sign1 path.
teep::Result<teep::VerifiedMessage> DecodeVerified(cbor::ByteView bytes,
                                                   const teep::Profile& profile,
                                                   const std::vector<crypto::Key>& trusted,
                                                   const teep::ReceiverCaps& caps = {});
/// cbor::Encode(teep::ToCbor(m, profile)).
cbor::Bytes EncodeTeep(const teep::Message& m, const teep::Profile& profile);

} // namespace teepsim::reference
