// libFuzzer target for the TEEP message decoder (both profiles) and the signed layer.
// Properties: no crash/hang/leak on any input; an accepted message re-encodes (the encoder
// must not refuse it) to bytes that decode to an equal message; the in-place decoder agrees with
// the tree decoder (reference::DecodeTeep) on every input, value or failure, and the direct
// encoder writes the tree encoder's bytes.
#include "teepsim/codec/teep_signed.h"
#include "teepsim/codec/tree_reference.h"

#include <cstdint>
#include <cstdlib>

using namespace teepsim;

namespace
{

void CheckRoundTrip(cbor::ByteView in, const teep::Profile& p)
{
    auto r = teep::Decode(in, p);
    auto tree = reference::DecodeTeep(in, p);
    if (r.ok() != tree.ok() || (r.ok() && !(*r == *tree)) ||
        (!r.ok() && r.failure().ToString() != tree.failure().ToString()))
    {
        std::abort();
    }
    if (!r)
    {
        return;
    }
    const cbor::Bytes again = teep::Encode(*r, p); // throwing here is a bug: abort
    if (again != reference::EncodeTeep(*r, p))
    {
        std::abort();
    }
    auto r2 = teep::Decode(again, p);
    if (!r2 || !(*r2 == *r))
    {
        std::abort();
    }
}

const crypto::Key& FixedKey()
{
    static const crypto::Key k = crypto::Key::GenerateP256(cbor::Bytes(32, 0x5a));
    return k;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const cbor::ByteView in(data, size);
    CheckRoundTrip(in, teep::Profile::Draft26());
    CheckRoundTrip(in, teep::Profile::Legacy());
    for (const teep::Profile* p : {&teep::Profile::Draft26(), &teep::Profile::Legacy()})
    {
        // The in-place COSE_Sign1 path and the general one give the same outcome.
        const auto fast = teep::DecodeVerified(in, *p, {FixedKey()});
        const auto general = reference::DecodeVerified(in, *p, {FixedKey()});
        if (fast.ok() != general.ok() ||
            (!fast.ok() && fast.failure().ToString() != general.failure().ToString()) ||
            (fast.ok() && (fast->payload != general->payload || fast->kid != general->kid ||
                           !(fast->message == general->message))))
        {
            std::abort();
        }
    }
    return 0;
}
