// SUIT conditions: identifiers, image digest and size, content, and dependencies.
#include "teepsim/codec/crypto.h"

#include <cstdint>
#include <string>

#include "suit_interpreter.h"

namespace teepsim::suit::detail
{

bool Interpreter::CompareIdentifier(size_t s, int64_t key, const Bytes& mine, Status mismatch,
                                    size_t i, int64_t code)
{
    const cbor::Value* p = slots_[s].Param(key);
    if (!p)
    {
        return Failed(Status::MissingParameter, i, code, "parameter not set");
    }
    if (!p->isBstr())
    {
        return Failed(Status::Malformed, i, code, "parameter is not a bstr");
    }
    if (p->bytes() != mine)
    {
        return Failed(mismatch, i, code,
                      "manifest names another identifier than the device's (component " +
                          ComponentIdToString(IdOf(s)) + ")");
    }
    return true;
}

bool Interpreter::ImageMatch(size_t s, size_t i, int64_t code)
{
    const Slot& slot = slots_[s];
    const cbor::Value* dp = slot.Param(param::kImageDigest);
    if (!dp)
    {
        return Failed(Status::MissingParameter, i, code, "image-digest not set");
    }
    if (!dp->isBstr())
    {
        return Failed(Status::Malformed, i, code, "image-digest is not a bstr");
    }
    auto dv = cbor::Decode(dp->bytes());
    std::optional<Digest> digest = dv ? DigestFromCbor(dv.value()) : std::nullopt;
    if (!digest)
    {
        return Failed(Status::Malformed, i, code, "image-digest is not a SUIT_Digest");
    }
    if (digest->alg != kDigestSha256)
    {
        return Failed(Status::UnsupportedAlgorithm, i, code,
                      "digest algorithm " + std::to_string(digest->alg));
    }
    if (!slot.image)
    {
        return Failed(Status::ImageMismatch, i, code,
                      "component " + ComponentIdToString(IdOf(s)) + " has no image");
    }
    if (const cbor::Value* sp = slot.Param(param::kImageSize))
    {
        if (!sp->isUint() || sp->rawUint() != slot.image->size())
        {
            return Failed(Status::ImageMismatch, i, code,
                          "size " + std::to_string(slot.image->size()) + " differs from " +
                              cbor::Diagnostic(*sp));
        }
    }
    if (crypto::Sha256(*slot.image) != digest->bytes)
    {
        return Failed(Status::ImageMismatch, i, code, "SHA-256 of the image differs");
    }
    return true;
}

bool Interpreter::CheckContent(size_t s, size_t i, int64_t code)
{
    const cbor::Value* content = slots_[s].Param(param::kContent);
    if (!content || !content->isBstr())
    {
        return Failed(Status::MissingParameter, i, code, "content not set");
    }
    if (!slots_[s].image || *slots_[s].image != content->bytes())
    {
        return Failed(Status::ImageMismatch, i, code, "image differs from content");
    }
    return true;
}

bool Interpreter::IsDependency(size_t s, size_t i, int64_t code)
{
    if (!IsDependencySlot(s))
    {
        return Failed(Status::BadComponentIndex, i, code, "not a dependency");
    }
    return true;
}

// process-dependency and dependency-integrity: the dependency manifest must be present.
bool Interpreter::DependencyPresent(size_t s, size_t i, int64_t code)
{
    if (!IsDependencySlot(s))
    {
        return Failed(Status::BadComponentIndex, i, code, "component index is not a dependency");
    }
    if (cb_.dependencyPresent && !cb_.dependencyPresent(IdOf(s)))
    {
        return Failed(Status::FetchFailed, i, code,
                      "dependency " + ComponentIdToString(IdOf(s)) + " not present");
    }
    return true;
}
} // namespace teepsim::suit::detail
