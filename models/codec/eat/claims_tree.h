// The cbor::Value-tree encoders and decoders of the EAT claim sets (evidence.cc,
// attestation_result.cc): the specification of the direct ones (*_direct.cc), which hand them
// every claim set they do not accept so that errors stay the same.
#pragma once

#include "teepsim/codec/eat.h"

namespace teepsim::eat
{

/// Map keys of the evidence claims both encoders write: cnf's kid, the digest algorithm, and the
/// installed-TC record (see InstalledTc).
namespace evidence_keys
{
inline constexpr int64_t kCnfKid = 3;
inline constexpr int64_t kSha256 = -16;
inline constexpr int64_t kTcDigest = 0;
inline constexpr int64_t kTcUri = 1;
inline constexpr int64_t kTcSequence = 2;
inline constexpr int64_t kTcComponentId = 5;
} // namespace evidence_keys

/// A verified token's payload and kid as views: into the token itself when it was read in place
/// (the common COSE_Sign1), else into the VerifiedToken the caller keeps alive.
struct TokenView
{
    ByteView payload;
    int keyIndex = -1;
    ByteView kid;
};
/// VerifySign1Token without copying the payload: the same result and failures. `storage` holds
/// the parsed token when the general path had to run.
Result<TokenView> VerifySign1TokenInPlace(ByteView token, const std::vector<crypto::Key>& keys,
                                          VerifiedToken& storage);

Bytes EncodeEvidenceTree(const Evidence& e);
Result<Evidence> DecodeEvidenceTree(ByteView claims);
Bytes EncodeAttestationResultTree(const AttestationResult& ar);
Result<AttestationResult> DecodeAttestationResultTree(ByteView claims);

} // namespace teepsim::eat
