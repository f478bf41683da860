// `teepsim decode`: argument handling, input reading, key loading and the report layout.
#include "teepsim/sim/decode.h"

#include <cstdint>
#include <fstream>
#include <istream>
#include <iterator>
#include <ostream>
#include <sstream>

#include "annotated_diagnostic.h"
#include "inspector.h"
#include "sim/cli/common/command_line.h"

namespace teepsim::decode
{

namespace
{

constexpr const char* kDescription =
    "Prints the CBOR in diagnostic notation, names the TEEP message or structure "
    "(COSE_Sign1/COSE_Sign, TEEP message, SUIT_Envelope, EAT evidence, attestation result, "
    "COSE_Key) and checks every signature with the given keys. By default the diagnostic "
    "names labels as the drafts print them (/ token / 19: h'..', / type: / 1, -7 / ES256 /; "
    "TEEP labels per --profile); --numeric prints plain CBOR diagnostic notation. A TEEP "
    "message that the other profile reads as another message type gets a warning on stderr.";
// Without --key nothing is checked, so decode stays an inspection tool (exit 0) and the result
// line says "not verified"; verification is asked for by giving keys.
constexpr const char* kExitStatus =
    "exit status: 0 well-formed, and every signature checked with a given --key is valid\n"
    "  (without --key no signature is checked: exit 0, \"result: not verified: no key given\";\n"
    "  give --key to make the exit status mean verified); 1 a signature, digest or decryption\n"
    "  failed, or no given key matches a signed structure; 2 malformed input or usage.\n";

struct Args
{
    const teep::Profile* profile = &teep::Profile::Draft26();
    std::vector<std::string> keyPaths;
    std::optional<std::string> kekPath;
    bool hex = false;
    bool numeric = false;
    std::string input;
};

int Usage(std::ostream& err, const std::string& reason)
{
    err << cli::UsageLine("decode", reason) << "\n";
    return kExitMalformed;
}

std::optional<cbor::Bytes> HexText(std::string_view text, std::string& why)
{
    cbor::Bytes out;
    int high = -1;
    for (size_t i = 0; i < text.size(); ++i)
    {
        const char c = text[i];
        if (c == '#')
        {
            while (i < text.size() && text[i] != '\n')
            {
                ++i;
            }
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        {
            continue;
        }
        int v = -1;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v = c - 'A' + 10;
        if (v < 0)
        {
            why = "--hex input: '" + std::string(1, c) + "' at character " + std::to_string(i) +
                  " is not a hex digit";
            return std::nullopt;
        }
        if (high < 0)
        {
            high = v;
        }
        else
        {
            out.push_back(uint8_t(high << 4 | v));
            high = -1;
        }
    }
    if (high >= 0)
    {
        why = "--hex input has an odd number of hex digits";
        return std::nullopt;
    }
    return out;
}

// The draft's Appendix E KEK text: "x: HEX", "y: HEX", "d: HEX" lines (P-256).
std::optional<crypto::Key> KeyFromAppendixEText(const std::string& path)
{
    std::ifstream f(path);
    std::string line;
    std::optional<cbor::Bytes> x, y, d;
    while (std::getline(f, line))
    {
        const auto start = line.find_first_not_of(" \t");
        if (start == std::string::npos || line.size() < start + 2 || line[start + 1] != ':')
        {
            continue;
        }
        auto value = crypto::FromHex(std::string_view(line).substr(start + 2));
        switch (line[start])
        {
            case 'x':
                x = value;
                break;
            case 'y':
                y = value;
                break;
            case 'd':
                d = value;
                break;
            default:
                break;
        }
    }
    if (!x || !y || !d)
    {
        return std::nullopt;
    }
    cbor::Value k = cbor::Value::MakeMap();
    k.set(1, cbor::Value::Uint(2))
        .set(-1, cbor::Value::Uint(1))
        .set(-2, cbor::Value::Bstr(*x))
        .set(-3, cbor::Value::Bstr(*y))
        .set(-4, cbor::Value::Bstr(*d));
    return crypto::Key::FromCoseKey(k);
}

std::optional<NamedKey> LoadKey(const std::string& path, bool allowText, std::string& why)
{
    try
    {
        return NamedKey{path, crypto::Key::FromFile(path)};
    }
    catch (const std::exception& e)
    {
        why = e.what();
    }
    if (allowText)
    {
        try
        {
            if (auto k = KeyFromAppendixEText(path))
            {
                return NamedKey{path, *k};
            }
        }
        catch (const std::exception& e)
        {
            why = e.what();
        }
    }
    return std::nullopt;
}

// Parses the arguments; returns an exit code when done (usage error or --help).
std::optional<int> ParseArgs(const std::vector<std::string>& args, Args& a, std::ostream& out,
                             std::ostream& err)
{
    std::vector<std::string> inputs, keks;
    std::string profile = "draft26";
    cli::CommandLine cl("decode", "[options] FILE|-", kDescription);
    // Any number here: the check below words the error as it always has.
    cl.Positionals("FILE", "the CBOR input; - reads standard input", inputs, SIZE_MAX);
    cl.app()
        .add_option("--profile", profile,
                    "TEEP wire numbering: draft26, or legacy (drafts up to -25)")
        ->type_name("draft26|legacy")
        ->default_str("draft26");
    cl.app()
        .add_option("--key", a.keyPaths,
                    "verification key: PEM (public or private), DER or COSE_Key (repeatable)")
        ->type_name("PATH")
        ->expected(1)
        ->allow_extra_args(false)
        ->take_all();
    cl.app()
        .add_option("--kek", keks,
                    "recipient private key: decrypts encrypted SUIT payloads (PEM, DER, "
                    "COSE_Key, or the draft's Appendix E text with x:/y:/d: hex lines)")
        ->type_name("PATH")
        ->expected(1)
        ->allow_extra_args(false)
        ->take_all();
    cl.app().add_flag("--hex", a.hex, "the input is hex text (whitespace and #-comments ignored)");
    cl.app().add_flag("--numeric", a.numeric,
                      "plain CBOR diagnostic notation: integer labels without the drafts' "
                      "/ name / comments (default: named)");
    cl.SetFooter(kExitStatus);
    if (auto done = cl.Parse(args, out, err))
    {
        return *done;
    }
    a.profile = teep::Profile::ByName(profile);
    if (!a.profile)
    {
        return Usage(err, "unknown profile '" + profile + "' (draft26 or legacy)");
    }
    if (keks.size() > 1)
    {
        return Usage(err, "--kek given twice");
    }
    if (!keks.empty())
    {
        a.kekPath = keks.front();
    }
    if (inputs.size() > 1)
    {
        return Usage(err, "more than one input file ('" + inputs[0] + "', '" + inputs[1] + "')");
    }
    if (inputs.empty())
    {
        return Usage(err, "no input file (FILE or - for standard input)");
    }
    a.input = inputs.front();
    return std::nullopt;
}

} // namespace

int RunDecode(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
              std::ostream& err)
{
    Args a;
    if (auto done = ParseArgs(args, a, out, err))
    {
        return *done;
    }
    InspectOptions opt;
    opt.profile = a.profile;
    std::string why;
    for (const auto& path : a.keyPaths)
    {
        auto k = LoadKey(path, false, why);
        if (!k)
            return Usage(err, "cannot load --key: " + why);
        opt.keys.push_back(std::move(*k));
    }
    if (a.kekPath)
    {
        opt.kek = LoadKey(*a.kekPath, true, why);
        if (!opt.kek)
            return Usage(err, "cannot load --kek: " + why);
    }

    std::string raw;
    if (a.input == "-")
    {
        raw.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    else
    {
        std::ifstream f(a.input, std::ios::binary);
        if (!f)
            return Usage(err, "cannot open '" + a.input + "'");
        raw.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    }
    cbor::Bytes bytes;
    if (a.hex)
    {
        auto b = HexText(raw, why);
        if (!b)
        {
            err << "teepsim decode: " << why << "\n";
            return kExitMalformed;
        }
        bytes = std::move(*b);
    }
    else
    {
        bytes.assign(raw.begin(), raw.end());
    }

    auto value = cbor::Decode(bytes);
    if (!value)
    {
        err << "teepsim decode: malformed CBOR at byte " << value.error().offset << ": "
            << value.error().message << "\n";
        return kExitMalformed;
    }

    Inspector inspector(opt);
    const std::string name = inspector.Inspect(bytes, *value);
    out << "structure: " << name << "\n";
    if (a.numeric)
    {
        cbor::DiagnosticOptions diag;
        diag.indent = 2;
        diag.expandEmbedded = true;
        out << cbor::Diagnostic(*value, diag) << "\n";
    }
    else
    {
        out << AnnotatedDiagnostic(*value, *a.profile) << "\n";
    }
    for (const auto& line : inspector.lines())
    {
        out << line << "\n";
    }

    if (inspector.malformed())
    {
        // The one error line carries the other profile's reading, if any (inspector).
        out << "result: malformed\n";
        err << "teepsim decode: malformed " << *inspector.malformed() << "\n";
        return kExitMalformed;
    }
    for (const auto& reading : inspector.otherProfileReadings())
    {
        err << "teepsim decode: warning: " << reading << "\n";
    }
    if (inspector.failures() > 0)
    {
        out << "result: FAILED (" << inspector.failures() << " invalid signature, digest or "
            << "decryption)\n";
        return kExitBadSig;
    }
    if (inspector.unmatched() > 0)
    {
        out << "result: FAILED (no given key matches the signature of " << inspector.unmatched()
            << " signed structure(s))\n";
        return kExitBadSig;
    }
    if (opt.keys.empty() && inspector.signaturesSeen() > 0)
    {
        out << "result: not verified: no key given (" << inspector.signaturesSeen()
            << " signature(s) not checked; give --key)\n";
        return kExitOk;
    }
    out << "result: ok (" << inspector.signaturesValid() << " of " << inspector.signaturesSeen()
        << " signatures verified)\n";
    return kExitOk;
}

} // namespace teepsim::decode
