// libFuzzer target for the EAT evidence and attestation-result decoders and verifiers.
// Properties: no crash/hang/leak; an accepted claim set re-encodes to bytes that decode to
// an equal value.
#include "teepsim/codec/eat.h"
#include "teepsim/codec/tree_reference.h"

#include <cstdint>
#include <cstdlib>

using namespace teepsim;

namespace
{

const crypto::Key& FixedKey()
{
    static const crypto::Key k = crypto::Key::GenerateP256(cbor::Bytes(32, 0xa5));
    return k;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const cbor::ByteView in(data, size);
    // The direct decoders agree with the tree decoders (value or failure text).
    {
        auto e = eat::DecodeEvidence(in);
        auto te = reference::DecodeEvidence(in);
        auto a = eat::DecodeAttestationResult(in);
        auto ta = reference::DecodeAttestationResult(in);
        if (e.ok() != te.ok() || (e.ok() && !(*e == *te)) ||
            (!e.ok() && e.failure().ToString() != te.failure().ToString()) || a.ok() != ta.ok() ||
            (a.ok() && !(*a == *ta)) ||
            (!a.ok() && a.failure().ToString() != ta.failure().ToString()))
        {
            std::abort();
        }
        if ((e.ok() && eat::EncodeEvidence(*e) != reference::EncodeEvidence(*e)) ||
            (a.ok() && eat::EncodeAttestationResult(*a) != reference::EncodeAttestationResult(*a)))
        {
            std::abort();
        }
    }
    if (auto e = eat::DecodeEvidence(in))
    {
        auto again = eat::DecodeEvidence(eat::EncodeEvidence(*e));
        if (!again || !(*again == *e))
        {
            std::abort();
        }
    }
    if (auto ar = eat::DecodeAttestationResult(in))
    {
        auto again = eat::DecodeAttestationResult(eat::EncodeAttestationResult(*ar));
        if (!again || !(*again == *ar))
        {
            std::abort();
        }
    }
    const cbor::Bytes nonce(16, 0x42);
    (void)eat::VerifyEvidence(in, {FixedKey()}, cbor::ByteView(nonce));
    (void)eat::VerifyAttestationResult(in, {FixedKey()}, std::nullopt, int64_t{0});
    return 0;
}
