// `teepsim decode`: print a TEEP / COSE / SUIT / EAT CBOR structure in diagnostic notation,
// name what it is, check its signatures and (with a KEK) open encrypted SUIT payloads.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace teepsim::decode
{

/// Exit codes of RunDecode.
constexpr int kExitOk = 0;        // well-formed, every signature checked is valid
constexpr int kExitBadSig = 1;    // a signature (or digest) is invalid, or no given key matches
constexpr int kExitMalformed = 2; // malformed input or a usage error (one-line reason on err)

/// `args` are the arguments after "decode":
///   [--profile draft26|legacy] [--key PATH]... [--kek PATH] [--hex] FILE|-
/// FILE "-" reads `in`. Keys: PEM (public or private), DER, or an encoded COSE_Key.
/// --hex: the input is hex text (whitespace and #-comments ignored).
int RunDecode(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
              std::ostream& err);

} // namespace teepsim::decode
