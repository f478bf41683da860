// COSE (RFC 9052/9053): COSE_Sign1, COSE_Sign (several signers), COSE_Encrypt with
// ECDH-ES+A128KW and AES-128-CTR / AES-128-GCM content encryption.
#pragma once

#include "teepsim/codec/cbor.h"
#include "teepsim/codec/crypto.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace teepsim::cose
{

using cbor::Bytes;
using cbor::ByteView;
using crypto::Alg;
using crypto::Key;

constexpr uint64_t kTagSign1 = 18;
constexpr uint64_t kTagSign = 98;
constexpr uint64_t kTagEncrypt = 96;
constexpr uint64_t kTagEncrypt0 = 16;

// Header labels.
constexpr int64_t kHdrAlg = 1;
constexpr int64_t kHdrContentType = 3;
constexpr int64_t kHdrKid = 4;
constexpr int64_t kHdrIv = 5;
constexpr int64_t kHdrEphemeralKey = -1;
constexpr int64_t kHdrCrit = 2;

/// COSE_KDF_Context SuppPubInfo.other for SUIT payload encryption (draft-ietf-suit-firmware-
/// encryption); carried as a bstr (PROTOCOL.md pitfall 12). EAT/SUIT-report encryption use
/// "EAT Encryption" / "SUIT Report Encryption".
constexpr std::string_view kKdfOtherSuitPayload = "SUIT Payload Encryption";

/// Why a COSE structure was rejected; maps onto TEEP error handling.
enum class CoseStatus
{
    Ok,
    Malformed,      // not a COSE structure of the expected kind
    UnsupportedAlg, // alg missing or not one we implement
    NoMatchingKey,  // no key given matches kid / alg
    BadSignature,   // signature did not verify
    DecryptFailed,  // key unwrap or AEAD failure
};
const char* ToString(CoseStatus s);

/// A signature as received or produced: protected header bytes are kept exactly as on the wire.
struct Signature
{
    Bytes protectedBytes; // serialized protected header map (may be empty)
    cbor::Value unprotected = cbor::Value::MakeMap();
    Bytes signature;
    /// protectedBytes decoded (filled by ParseSigned); when left empty, alg()/kid() decode
    /// protectedBytes on demand.
    cbor::Value protectedHeader = cbor::Value::MakeMap();
    std::optional<Alg> alg() const;   // from the protected header (else unprotected)
    std::optional<Bytes> kid() const; // from either header
};

/// COSE_Sign1 or COSE_Sign, decoded.
struct SignedMessage
{
    bool multi = false; // true: COSE_Sign (tag 98); false: COSE_Sign1 (tag 18)
    bool tagged = true;
    Bytes bodyProtected; // COSE_Sign only: body protected header bytes
    cbor::Value bodyUnprotected = cbor::Value::MakeMap();
    std::optional<Bytes> payload;      // nullopt = detached (nil)
    std::vector<Signature> signatures; // exactly one for COSE_Sign1
};

struct Signer
{
    Alg alg;
    Key key;
    bool includeKid = true; // kid = RFC 9679 thumbprint in the unprotected header
};

/// Builds COSE_Sign1 (protected {1: alg}, unprotected {4: kid}) over `payload`.
/// `detached` leaves the payload nil in the output (SUIT authentication blocks).
Bytes Sign1(const Signer& signer, ByteView payload, bool tagged = true, bool detached = false);
/// Builds COSE_Sign with one COSE_Signature per signer (empty body protected header).
Bytes SignMulti(const std::vector<Signer>& signers, ByteView payload, bool tagged = true);
/// Sign1 with a caller-given protected header map (e.g. to reproduce third-party vectors).
/// An empty protected map is written as h'' (RFC 9052 section 3).
Bytes Sign1WithHeaders(const Signer& signer, const cbor::Value& protectedMap,
                       const cbor::Value& unprotectedMap, ByteView payload, bool tagged,
                       bool detached);
/// Sign1 with the protected header given as exact bytes (kept verbatim, e.g. h'A10126').
Bytes Sign1WithProtectedBytes(const Signer& signer, ByteView protectedBytes,
                              const cbor::Value& unprotectedMap, ByteView payload, bool tagged,
                              bool detached);
/// COSE_Sign with caller-given body protected bytes (libteep uses h'A0', we default to h'').
Bytes SignMultiWithBodyProtected(const std::vector<Signer>& signers, ByteView bodyProtected,
                                 ByteView payload, bool tagged = true);

/// Parses COSE_Sign1 / COSE_Sign, tagged or untagged (untagged: told apart by arity / shape).
cbor::Result<SignedMessage> ParseSigned(ByteView in);

/// A COSE_Sign1 read in place: every field views the input, nothing is allocated. The
/// receive path of TEEP messages and EAT tokens, which only read these fields during the call.
struct Sign1View
{
    bool tagged = true;
    ByteView protectedBytes;         // serialized protected header map (may be empty)
    ByteView unprotected;            // the encoded unprotected header map
    std::optional<ByteView> payload; // nullopt = detached (nil)
    ByteView signature;
    std::optional<Alg> alg;      // what Signature::alg() gives for this signature
    std::optional<ByteView> kid; // what Signature::kid() gives (a view)
};
/// True when ParseSigned(in) gives a COSE_Sign1 (then `out` holds what it would hold, as
/// views). False for anything else (COSE_Sign, any error; also a few valid COSE_Sign1 whose
/// headers hold nested items): call ParseSigned then, for its result or its error text.
bool ParseSign1View(ByteView in, Sign1View& out);

struct VerifyResult
{
    CoseStatus status = CoseStatus::Malformed;
    int signerIndex = -1;     // which signature verified
    int keyIndex = -1;        // which of the given keys verified it
    std::optional<Bytes> kid; // kid of the verified (or first tried) signature
    bool ok() const { return status == CoseStatus::Ok; }
};

/// Verifies; for COSE_Sign succeeds when any signature verifies with any key. Keys whose
/// thumbprint matches a kid are tried first; a kid naming none of the keys still tries all.
/// `detachedPayload` supplies the payload when the structure's payload is nil.
/// Status when nothing verifies: BadSignature if some key of the signature's algorithm was
/// tried; NoMatchingKey if the algorithm is implemented but no key fits it; UnsupportedAlg if
/// no signature uses an implemented algorithm (e.g. ES384); Malformed if the payload is nil
/// and none is supplied. The unprotected header (kid) is not signed: compare the returned kid
/// with keys[keyIndex].Thumbprint() if the kid matters to the caller.
VerifyResult Verify(const SignedMessage& msg, const std::vector<Key>& keys,
                    std::optional<ByteView> detachedPayload = std::nullopt);
/// Verify() of the message ParseSign1View read: the same status and key index (the kid is
/// view.kid), without building a SignedMessage.
struct ViewVerifyResult
{
    CoseStatus status = CoseStatus::Malformed;
    int keyIndex = -1;
    bool ok() const { return status == CoseStatus::Ok; }
};
ViewVerifyResult VerifySign1View(const Sign1View& view, const std::vector<Key>& keys);
/// Sig_structure bytes for signature i ("Signature1" for COSE_Sign1, "Signature" for COSE_Sign).
Bytes SigStructure(const SignedMessage& msg, size_t i, ByteView payload, ByteView externalAad = {});
/// ParseSigned + Verify; a parse failure gives status Malformed.
VerifyResult VerifyBytes(ByteView in, const std::vector<Key>& keys,
                         std::optional<ByteView> detachedPayload = std::nullopt);

// ---- COSE_Encrypt (ECDH-ES + A128KW recipient; A128CTR or A128GCM content) ----

struct EncryptParams
{
    Alg contentAlg = Alg::A128GCM;   // or Alg::A128CTR (SUIT profiles)
    Key recipientPublic;             // P-256
    Bytes ephemeralSeed;             // 32 bytes: makes the ephemeral key deterministic
    Bytes iv;                        // 12 bytes (GCM) or 16 (CTR); empty = derived from seed
    Bytes kidOfRecipient;            // optional recipient kid
    bool detachedCiphertext = false; // SUIT keeps the ciphertext in the payload slot
    bool tagged = true;              // #6.96
    std::string kdfOther = std::string(kKdfOtherSuitPayload); // COSE_KDF_Context other
};

/// Encrypts plaintext to the recipient. With detachedCiphertext the returned structure has
/// nil ciphertext and the ciphertext is written to *detachedOut.
Bytes Encrypt(const EncryptParams& p, ByteView plaintext, Bytes* detachedOut = nullptr);
/// Opens COSE_Encrypt with the recipient's private key (the KEK in SUIT terms). The KDF
/// context follows RFC 9053 §5.2 with SuppPubInfo.other a bstr (PROTOCOL.md pitfall 12).
struct DecryptResult
{
    CoseStatus status = CoseStatus::Malformed;
    Bytes plaintext;
};
/// Never throws on bad input: a structure that is not COSE_Encrypt gives Malformed, an alg we do
/// not implement UnsupportedAlg, a key of the wrong type NoMatchingKey, a failed key unwrap or
/// GCM tag DecryptFailed.
DecryptResult Decrypt(ByteView coseEncrypt, const Key& recipientPrivate,
                      std::optional<ByteView> detachedCiphertext = std::nullopt,
                      std::string_view kdfOther = kKdfOtherSuitPayload);
/// COSE_KDF_Context (RFC 9053 section 5.2) for ECDH-ES+A128KW: [-3, [nil,nil,nil],
/// [nil,nil,nil], [128, recipientProtected, other as bstr]].
Bytes KdfContextA128KW(ByteView recipientProtected, std::string_view other);

} // namespace teepsim::cose
