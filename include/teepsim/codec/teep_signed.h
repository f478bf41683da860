// The COSE layer of TEEP messages: a TEEP message is the attached payload of a COSE_Sign1
// (one signer, the normal case) or a COSE_Sign (several signers: the TAM's first QueryRequest,
// signed once per algorithm it offers).
//
// Verification failures (our choice, documented for the models): DecodeVerified returns a
// Failure of Kind::Authentication. The draft says the TAM drops invalid messages and the
// Agent answers them with an Error; the code carried is
//   - ERR_UNSUPPORTED_CIPHER_SUITES: the signature algorithm is not one of the profile's;
//   - ERR_BAD_CERTIFICATE: unknown signer (its kid names none of the trusted keys, or no
//     trusted key fits the algorithm);
//   - ERR_PERMANENT_ERROR: a signature by a trusted (or unnamed) key that does not verify,
//     not a COSE_Sign1/COSE_Sign, a detached payload, or a `crit` header.
// A payload that verifies but is not a valid TEEP message gets the Decode() failure.
#pragma once

#include "teepsim/codec/cose.h"
#include "teepsim/codec/teep.h"

#include <vector>

namespace teepsim::teep
{

struct SignOptions
{
    bool tagged = true; // COSE_Sign1_Tagged (18) / COSE_Sign_Tagged (98), as libteep does
};

/// COSE_Sign1 when `signers` has one element, COSE_Sign when it has several. Throws
/// std::invalid_argument for no signers or an algorithm the profile does not accept.
Bytes EncodeSigned(const Message& m, const Profile& profile,
                   const std::vector<cose::Signer>& signers, const SignOptions& opt = {});

struct VerifiedMessage
{
    Message message;
    int keyIndex = -1;    // index into the trusted keys that verified it
    int signerIndex = -1; // which COSE_Signature (0 for COSE_Sign1)
    crypto::Alg alg = crypto::Alg::ESP256;
    Bytes kid; // kid of the verifying signature (empty if none sent)
    bool multiSigner = false;
    Bytes payload; // the TEEP message bytes that were signed
};

/// Parses COSE_Sign1/COSE_Sign (tagged or untagged), verifies with `trusted` keys, then
/// decodes the payload under `profile`. Never throws on any input.
Result<VerifiedMessage> DecodeVerified(ByteView bytes, const Profile& profile,
                                       const std::vector<crypto::Key>& trusted,
                                       const ReceiverCaps& caps = {});

} // namespace teepsim::teep
