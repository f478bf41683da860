// libFuzzer target for the CBOR decoder: any byte string either decodes or is rejected with an
// offset inside the input; the non-allocating reader (SkipWellFormed) accepts exactly what the
// tree decoder accepts and ends where it ends, and the pull reader's Skip never reads past it; what
// decodes must survive encode -> decode unchanged, and its diagnostic notation must parse back to
// the same value.
#include "teepsim/codec/cbor.h"
#include "teepsim/codec/cbor_reader.h"

#include <cstdlib>
#include <cstring>

using namespace teepsim::cbor;

namespace
{

[[noreturn]] void Fail(const char* what)
{
    __builtin_trap(); // libFuzzer reports the crash with the input
    (void)what;
}

bool ContainsFloat(const Value& v)
{
    switch (v.type())
    {
        case Type::Float:
            return true;
        case Type::Array:
            for (const auto& e : v.array())
                if (ContainsFloat(e))
                    return true;
            return false;
        case Type::Map:
            for (const auto& [k, e] : v.map())
                if (ContainsFloat(k) || ContainsFloat(e))
                    return true;
            return false;
        case Type::Tag:
            return ContainsFloat(v.tagged());
        default:
            return false;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const ByteView in(data, size);
    auto r = Decode(in);
    if (IsWellFormed(in) != r.ok())
        Fail("SkipWellFormed disagrees with the tree decoder");
    {
        size_t treePos = 0, fastPos = 0;
        const bool treeOk = DecodeOne(in, treePos).ok();
        if (SkipWellFormed(in, fastPos) != treeOk || (treeOk && fastPos != treePos))
            Fail("SkipWellFormed ends elsewhere than DecodeOne");
        Reader reader(in);
        while (!reader.atEnd() && reader.Skip())
        {
        }
        if (reader.pos() > size)
            Fail("Reader::Skip went past the input");
    }
    if (!r.ok())
    {
        if (r.error().offset > size || r.error().message.empty())
            Fail("error offset outside the input or no message");
        return 0;
    }
    const Bytes again = Encode(*r);
    auto r2 = Decode(again);
    if (!r2.ok() || !(*r2 == *r))
        Fail("encode/decode round trip changed the value");
    if (Encode(*r2) != again)
        Fail("preferred encoding is not a fixed point");

    const std::string diag = Diagnostic(*r);
    const std::string pretty = Diagnostic(*r, DiagnosticOptions{2, true});
    (void)pretty;
    // NaN payloads are not representable in diagnostic notation; other values round-trip.
    auto parsed = ParseDiagnostic(diag);
    if (!parsed.ok())
        Fail("diagnostic output does not parse");
    if (!ContainsFloat(*r) || diag.find("NaN") == std::string::npos)
    {
        if (!(*parsed == *r))
            Fail("diagnostic round trip changed the value");
    }

    // DecodeOne over the same input agrees with Decode.
    size_t off = 0;
    auto one = DecodeOne(in, off);
    if (!one.ok() || off != size || !(*one == *r))
        Fail("DecodeOne disagrees with Decode");
    return 0;
}
