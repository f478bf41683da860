// SUIT directives that change what the device holds: fetch, write, copy (images, decrypted
// when encryption-info is set), unlink, and collecting the written images at the end.
#include "teepsim/codec/cose.h"

#include <cstdint>
#include <string>

#include "suit_interpreter.h"

namespace teepsim::suit::detail
{

// Stores an image, decrypting it first when encryption-info is set.
bool Interpreter::Store(size_t s, ImageBytes data, size_t i, int64_t code)
{
    Slot& slot = slots_[s];
    if (const cbor::Value* info = slot.Param(param::kEncryptionInfo))
    {
        if (!info->isBstr())
        {
            return Failed(Status::Malformed, i, code, "encryption-info is not a bstr");
        }
        out_.deviceSpecific = true; // the outcome depends on this device's key
        const crypto::Key& kek =
            device_.kek.valid() || !device_.kekSource ? device_.kek : device_.kekSource();
        if (!kek.valid())
        {
            return Failed(Status::DecryptFailed, i, code, "device has no decryption key");
        }
        auto dr = cose::Decrypt(info->bytes(), kek, data.view());
        if (dr.status != cose::CoseStatus::Ok)
        {
            return Failed(Status::DecryptFailed, i, code, cose::ToString(dr.status));
        }
        data = std::move(dr.plaintext);
    }
    if (data.size() > limits_.maxImageSize)
    {
        return Failed(Status::LimitExceeded, i, code, "image larger than the limit");
    }
    slot.image = std::move(data);
    slot.written = true;
    return true;
}

bool Interpreter::Fetch(size_t s, size_t i, int64_t code)
{
    const cbor::Value* uri = slots_[s].Param(param::kUri);
    if (!uri)
    {
        return Failed(Status::MissingParameter, i, code, "uri not set");
    }
    if (!uri->isTstr())
    {
        return Failed(Status::Malformed, i, code, "uri is not a tstr");
    }
    const std::string& u = uri->text();
    if (!u.empty() && u[0] == '#')
    {
        const ImageBytes* payload = env_.FindIntegrated(u);
        if (!payload)
        {
            return Failed(Status::FetchFailed, i, code,
                          "integrated payload \"" + u + "\" not in the envelope");
        }
        if (payload->size() > limits_.maxImageSize)
        {
            return Failed(Status::LimitExceeded, i, code, "image larger than the limit");
        }
        slots_[s].image = *payload; // a view: the payload stays in the envelope's bytes
        slots_[s].written = true;
        return true;
    }
    std::optional<Bytes> data = cb_.fetch ? cb_.fetch(u) : std::nullopt;
    if (!data)
    {
        return Failed(Status::FetchFailed, i, code, "\"" + u + "\" unavailable");
    }
    if (data->size() > limits_.maxImageSize)
    {
        return Failed(Status::LimitExceeded, i, code, "image larger than the limit");
    }
    slots_[s].image = std::move(*data);
    slots_[s].written = true;
    return true;
}

bool Interpreter::Write(size_t s, size_t i, int64_t code)
{
    const cbor::Value* content = slots_[s].Param(param::kContent);
    if (!content)
    {
        return Failed(Status::MissingParameter, i, code, "content not set");
    }
    if (!content->isBstr())
    {
        return Failed(Status::Malformed, i, code, "content is not a bstr");
    }
    return Store(s, content->bytes(), i, code);
}

bool Interpreter::Copy(size_t s, size_t i, int64_t code)
{
    const cbor::Value* src = slots_[s].Param(param::kSourceComponent);
    if (!src || !src->isUint())
    {
        return Failed(Status::MissingParameter, i, code, "source-component not set");
    }
    auto from = SlotOf(src->rawUint());
    if (!from || !slots_[*from].image)
    {
        return Failed(Status::FetchFailed, i, code, "source component holds no image");
    }
    return Store(s, *slots_[*from].image, i, code);
}

bool Interpreter::Unlink(size_t s, size_t i, int64_t code)
{
    if (IsDependencySlot(s))
    {
        return Failed(Status::BadComponentIndex, i, code, "cannot unlink a dependency manifest");
    }
    out_.unlinked.push_back(m_.components[s]);
    return true;
}

void Interpreter::CollectWritten()
{
    for (size_t i = 0; i < m_.components.size(); ++i)
    {
        if (slots_[i].written)
        {
            out_.written.emplace_back(m_.components[i], std::move(*slots_[i].image));
        }
    }
}

} // namespace teepsim::suit::detail
