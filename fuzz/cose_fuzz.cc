// libFuzzer target for the COSE layer: parse COSE_Sign1/COSE_Sign and verify against fixed
// keys (attached, and detached with the input as payload), open COSE_Encrypt with a fixed
// recipient key (attached and detached ciphertext), and load the input as a COSE_Key.
// Must never crash, hang or leak; every outcome is a status or a caught exception.
#include "teepsim/codec/cose.h"
#include "teepsim/codec/tree_reference.h"

#include <cstddef>
#include <cstdint>
#include <exception>

namespace
{

using namespace teepsim;

struct Fixture
{
    crypto::Key p256 = crypto::Key::GenerateP256(cbor::Bytes(32, 0x11));
    crypto::Key ed25519 = crypto::Key::GenerateEd25519(cbor::Bytes(32, 0x22));
    std::vector<crypto::Key> keys{p256, ed25519};
};

const Fixture& F()
{
    static const Fixture f;
    return f;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const Fixture& f = F();
    const cbor::ByteView in(data, size);

    {
        // The tree-free COSE_Sign1 parser agrees with the tree parser.
        auto a = cose::ParseSigned(in);
        auto b = reference::ParseSigned(in);
        if (a.ok() != b.ok() || (!a.ok() && a.error().ToString() != b.error().ToString()) ||
            (a.ok() && (a->payload != b->payload || a->signatures.size() != b->signatures.size() ||
                        a->tagged != b->tagged || a->multi != b->multi)))
        {
            std::abort();
        }
    }
    {
        // The in-place COSE_Sign1 view accepts only what the tree parser reads as a COSE_Sign1,
        // with the same fields, and verifies to the same status and key.
        cose::Sign1View v;
        if (cose::ParseSign1View(in, v))
        {
            auto b = reference::ParseSigned(in);
            if (!b.ok() || b->multi || b->signatures.size() != 1 ||
                v.payload.has_value() != b->payload.has_value() ||
                v.alg != b->signatures[0].alg() ||
                v.kid.has_value() != b->signatures[0].kid().has_value())
            {
                std::abort();
            }
            const auto full = cose::Verify(*b, f.keys);
            const auto fast = cose::VerifySign1View(v, f.keys);
            if (full.status != fast.status || full.keyIndex != fast.keyIndex)
            {
                std::abort();
            }
        }
    }
    if (auto msg = cose::ParseSigned(in))
    {
        cose::Verify(*msg, f.keys);
        cose::Verify(*msg, f.keys, in.first(size / 2));
        for (size_t i = 0; i < msg->signatures.size(); ++i)
        {
            (void)msg->signatures[i].alg();
            (void)msg->signatures[i].kid();
        }
    }
    cose::Decrypt(in, f.p256);
    cose::Decrypt(in, f.p256, in.first(size / 3));
    cose::Decrypt(in, f.ed25519);

    if (auto v = cbor::Decode(in))
    {
        try
        {
            const crypto::Key k = crypto::Key::FromCoseKey(*v);
            (void)k.Thumbprint();
        }
        catch (const std::exception&)
        {
            // Refusing a bad key with an exception is the documented behaviour.
        }
    }
    return 0;
}
