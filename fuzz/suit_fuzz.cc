// libFuzzer target: SUIT envelope parse + verify + install/uninstall interpretation on arbitrary
// bytes. Verification fails for fuzzed input (no valid signature), so the interpreter is also
// run directly on whatever parsed, as an Agent with a buggy verifier would.
#include "teepsim/codec/crypto.h"
#include "teepsim/codec/suit.h"

#include <cstddef>
#include <cstdint>

namespace
{

using namespace teepsim;

const std::vector<crypto::Key>& Anchors()
{
    static const std::vector<crypto::Key> keys{crypto::Key::GenerateP256(cbor::Bytes(32, 1)),
                                               crypto::Key::GenerateEd25519(cbor::Bytes(32, 2))};
    return keys;
}

const suit::Device& TheDevice()
{
    static const suit::Device d = []
    {
        suit::Device dev;
        dev.vendorId = cbor::Bytes(16, 0xC0);
        dev.classId = cbor::Bytes(16, 0xDB);
        dev.kek = crypto::Key::GenerateP256(cbor::Bytes(32, 3));
        return dev;
    }();
    return d;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    cbor::ByteView in(data, size);
    suit::Callbacks cb;
    // Stub fetch: serves a small image for any URI, except one that "fails".
    cb.fetch = [](std::string_view uri) -> std::optional<cbor::Bytes>
    {
        if (uri.size() > 3 && uri[3] == 'x')
        {
            return std::nullopt;
        }
        return cbor::Bytes(uri.begin(), uri.end());
    };
    cb.dependencyPresent = [](const suit::ComponentId& id) { return id.size() % 2 == 0; };

    suit::Limits limits;
    limits.maxSteps = 512;
    limits.maxImageSize = 1 << 16;

    (void)suit::ProcessUpdate(in, Anchors(), TheDevice(), cb, 1, limits);
    auto env = suit::ParseEnvelope(in);
    if (env)
    {
        (void)suit::CheckManifestDigest(*env);
        (void)suit::RunInstall(*env, TheDevice(), cb, std::nullopt, limits);
        (void)suit::RunUninstall(*env, TheDevice(), cb, limits);
    }
    return 0;
}
