// Recognises TEEP / COSE / SUIT / EAT / COSE_Key structures in decoded CBOR, checks their
// signatures with the given keys and opens encrypted SUIT payloads. Internal to `decode`.
#pragma once

#include "teepsim/codec/cbor.h"
#include "teepsim/codec/cose.h"
#include "teepsim/codec/crypto.h"
#include "teepsim/codec/suit.h"
#include "teepsim/codec/teep_profile.h"

#include <optional>
#include <string>
#include <vector>

namespace teepsim::decode
{

struct NamedKey
{
    std::string path;
    crypto::Key key;
};

struct InspectOptions
{
    const teep::Profile* profile = &teep::Profile::Draft26();
    std::vector<NamedKey> keys;
    std::optional<NamedKey> kek;
};

/// Walks one input. Report lines name what was found and the outcome of every check; the
/// counters decide the exit code.
class Inspector
{
  public:
    explicit Inspector(const InspectOptions& options) : o_(options) {}

    /// Names the structure of `bytes` (already known to be well-formed CBOR `v`).
    std::string Inspect(cbor::ByteView bytes, const cbor::Value& v);

    const std::vector<std::string>& lines() const { return lines_; }
    /// First structural problem (input is malformed as TEEP/COSE/SUIT), if any.
    const std::optional<std::string>& malformed() const { return malformed_; }
    int signaturesSeen() const { return seen_; }
    int signaturesValid() const { return valid_; }
    int failures() const { return failures_; } // invalid signature, digest or decryption
    /// Signed structures none of whose signatures any given key could check.
    int unmatched() const { return unmatched_; }
    /// TEEP messages the other profile reads differently (another message type, or valid only
    /// there): one sentence each, naming both readings and the --profile to use.
    const std::vector<std::string>& otherProfileReadings() const { return otherReadings_; }

  private:
    std::string Recognise(cbor::ByteView bytes, const cbor::Value& v, const std::string& where,
                          int depth);
    std::string Signed(const cose::SignedMessage& msg, const std::string& where, int depth);
    std::string Teep(cbor::ByteView bytes, const std::string& where, int depth);
    std::string Suit(cbor::ByteView bytes, const std::string& where);
    std::string Map(const cbor::Value& v, cbor::ByteView bytes, const std::string& where);
    enum class Check
    {
        NotChecked, // no keys given, or payload unavailable
        Valid,
        Invalid,   // a given key of the right type was tried and failed
        Unmatched, // no given key fits the signature
    };
    Check CheckSignature(const cose::Signature& sig, cbor::ByteView sigStructure,
                         const std::string& label);
    /// Per signed structure: one valid signature is enough; none checkable is "unmatched".
    void Tally(const std::vector<Check>& checks);
    /// The other profile's reading of a TEEP message when it differs from ours (a legacy
    /// Success, wire type 5, is a draft26 Error); `readsHere` says whether ours decodes it.
    std::optional<std::string> OtherReading(cbor::ByteView bytes, bool readsHere);
    void Encrypted(const suit::Envelope& env, const std::string& where);
    void Malformed(const std::string& where, const std::string& reason);
    void Line(const std::string& s) { lines_.push_back(s); }

    const InspectOptions& o_;
    std::vector<std::string> lines_;
    std::optional<std::string> malformed_;
    std::vector<std::string> otherReadings_;
    int seen_ = 0;
    int valid_ = 0;
    int failures_ = 0;
    int unmatched_ = 0;
};

/// Shapes, before any validation: a COSE_Sign1/COSE_Sign array (tagged or not), a
/// SUIT_Envelope (tag 107, or a map with the authentication wrapper and a bstr manifest), a
/// TEEP message ([uint, map, ...]).
bool LooksLikeCose(const cbor::Value& v);
bool LooksLikeSuit(const cbor::Value& v);
bool LooksLikeTeep(const cbor::Value& v);

/// "ES256 (-7)", "ESP256 (-9)", ...
std::string AlgName(int64_t alg);
std::string Hex(cbor::ByteView b);

} // namespace teepsim::decode
