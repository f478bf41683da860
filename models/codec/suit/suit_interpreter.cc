// A small, bounded interpreter for the SUIT procedure a TEEP Agent runs: shared-sequence,
// payload-fetch, install and validate for an Update; shared-sequence and uninstall for an
// unneeded manifest. Every command is checked against its argument's shape and every loop is
// bounded by Limits, so a hostile (even if signed) manifest cannot crash or hang the Agent.
#include "teepsim/codec/cose.h"
#include "teepsim/codec/crypto.h"
#include "teepsim/codec/suit.h"

#include <algorithm>
#include <cstdint>
#include <string>

namespace teepsim::suit
{
namespace
{

const char* CommandName(int64_t code)
{
    switch (code)
    {
        case cmd::kVendorIdentifier:
            return "condition-vendor-identifier";
        case cmd::kClassIdentifier:
            return "condition-class-identifier";
        case cmd::kImageMatch:
            return "condition-image-match";
        case cmd::kComponentSlot:
            return "condition-component-slot";
        case cmd::kCheckContent:
            return "condition-check-content";
        case cmd::kDependencyIntegrity:
            return "condition-dependency-integrity";
        case cmd::kIsDependency:
            return "condition-is-dependency";
        case cmd::kProcessDependency:
            return "directive-process-dependency";
        case cmd::kSetComponentIndex:
            return "directive-set-component-index";
        case cmd::kAbort:
            return "condition-abort";
        case cmd::kTryEach:
            return "directive-try-each";
        case cmd::kWrite:
            return "directive-write";
        case cmd::kSetParameters:
            return "directive-set-parameters";
        case cmd::kOverrideParameters:
            return "directive-override-parameters";
        case cmd::kFetch:
            return "directive-fetch";
        case cmd::kCopy:
            return "directive-copy";
        case cmd::kInvoke:
            return "directive-invoke";
        case cmd::kDeviceIdentifier:
            return "condition-device-identifier";
        case cmd::kSwap:
            return "directive-swap";
        case cmd::kRunSequence:
            return "directive-run-sequence";
        case cmd::kUnlink:
            return "directive-unlink";
        default:
            return "command";
    }
}

class Interpreter
{
  public:
    Interpreter(const Envelope& env, const Device& device, const Callbacks& callbacks,
                const Limits& limits, ProcessOutcome& out)
        : env_(env), m_(env.manifest), device_(device), cb_(callbacks), limits_(limits), out_(out),
          slots_(m_.components.size() + m_.dependencies.size())
    {
        depSlots_.reserve(m_.dependencies.size());
        for (size_t k = 0; k < m_.dependencies.size(); ++k)
        {
            depSlots_.emplace_back(m_.dependencies[k].componentIndex, m_.components.size() + k);
        }
        std::sort(depSlots_.begin(), depSlots_.end());
    }

    /// Runs shared-sequence then `seq` with fresh parameters (images persist across sections).
    bool RunSection(const char* name, const CommandSequence& seq)
    {
        for (auto& s : slots_)
        {
            s.params.clear();
        }
        if (m_.sharedSequence)
        {
            section_ = "shared-sequence";
            Select(0);
            if (!Run(*m_.sharedSequence, 0))
            {
                return false;
            }
        }
        section_ = name;
        // The component index persists from the shared sequence into the section (RFC draft:
        // the shared sequence is logically prepended), but starts at 0 without one.
        if (!m_.sharedSequence)
        {
            Select(0);
        }
        return Run(seq, 0);
    }

    void CollectWritten()
    {
        for (size_t i = 0; i < m_.components.size(); ++i)
        {
            if (slots_[i].written)
            {
                out_.written.emplace_back(m_.components[i], std::move(*slots_[i].image));
            }
        }
    }

  private:
    struct Slot
    {
        std::vector<std::pair<int64_t, cbor::Value>> params;
        std::optional<Bytes> image;
        bool written = false;

        const cbor::Value* Param(int64_t key) const
        {
            for (const auto& [k, v] : params)
            {
                if (k == key)
                {
                    return &v;
                }
            }
            return nullptr;
        }
        void SetParam(int64_t key, const cbor::Value& v, bool override)
        {
            for (auto& [k, old] : params)
            {
                if (k == key)
                {
                    if (override)
                    {
                        old = v;
                    }
                    return;
                }
            }
            params.emplace_back(key, v);
        }
    };

    bool Failed(Status s, size_t index, int64_t code, const std::string& detail)
    {
        out_.status = s;
        out_.reason =
            section_ + "[" + std::to_string(index) + "]: " + CommandName(code) + ": " + detail;
        return false;
    }

    void Select(size_t slot) { selected_.assign(1, slot); }

    // Slot of a component index: dependencies (trust-domains) live after the components.
    std::optional<size_t> SlotOf(uint64_t index) const
    {
        auto it = std::lower_bound(depSlots_.begin(), depSlots_.end(),
                                   std::pair<uint64_t, size_t>{index, 0});
        if (it != depSlots_.end() && it->first == index)
        {
            return it->second;
        }
        if (index < m_.components.size())
        {
            return static_cast<size_t>(index);
        }
        return std::nullopt;
    }

    bool IsDependencySlot(size_t slot) const { return slot >= m_.components.size(); }

    const ComponentId& IdOf(size_t slot) const
    {
        return IsDependencySlot(slot) ? m_.dependencies[slot - m_.components.size()].prefix
                                      : m_.components[slot];
    }

    // Charges work against Limits::maxSteps so that manifests with many components or large
    // parameter maps cannot make a few commands arbitrarily expensive.
    bool Charge(uint64_t units, size_t i, int64_t code)
    {
        uint64_t total = uint64_t{out_.steps} + units;
        out_.steps = static_cast<uint32_t>(std::min<uint64_t>(total, UINT32_MAX));
        if (total > limits_.maxSteps)
        {
            return Failed(Status::LimitExceeded, i, code,
                          "work budget of " + std::to_string(limits_.maxSteps) + " exhausted");
        }
        return true;
    }

    bool SetComponentIndex(const cbor::Value& arg, size_t i, int64_t code)
    {
        selected_.clear();
        if (arg.isBool() && arg.boolean())
        {
            if (!Charge(m_.components.size(), i, code))
            {
                return false;
            }
            for (size_t s = 0; s < m_.components.size(); ++s)
            {
                selected_.push_back(s);
            }
            return true;
        }
        auto add = [&](const cbor::Value& v)
        {
            if (!v.isUint())
            {
                return false;
            }
            auto slot = SlotOf(v.rawUint());
            if (!slot)
            {
                return false;
            }
            selected_.push_back(*slot);
            return true;
        };
        if (arg.isArray())
        {
            if (!Charge(arg.array().size(), i, code))
            {
                return false;
            }
            for (const auto& v : arg.array())
            {
                if (!add(v))
                {
                    return Failed(Status::BadComponentIndex, i, code,
                                  "index list holds an invalid index");
                }
            }
            return true;
        }
        if (!add(arg))
        {
            return Failed(Status::BadComponentIndex, i, code,
                          "index " + cbor::Diagnostic(arg) + " is not a component or dependency");
        }
        return true;
    }

    bool SetParameters(const cbor::Value& arg, bool override, size_t i, int64_t code)
    {
        if (!arg.isMap())
        {
            return Failed(Status::Malformed, i, code, "argument is not a parameter map");
        }
        if (!Charge(uint64_t{arg.map().size()} * selected_.size(), i, code))
        {
            return false;
        }
        for (const auto& [k, v] : arg.map())
        {
            auto key = k.asInt64();
            if (!k.isInt() || !key)
            {
                return Failed(Status::Malformed, i, code, "parameter key is not an integer");
            }
            for (size_t s : selected_)
            {
                slots_[s].SetParam(*key, v, override);
            }
        }
        return true;
    }

    bool CompareIdentifier(size_t s, int64_t key, const Bytes& mine, Status mismatch, size_t i,
                           int64_t code)
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

    bool ImageMatch(size_t s, size_t i, int64_t code)
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

    // Stores an image, decrypting it first when encryption-info is set.
    bool Store(size_t s, Bytes data, size_t i, int64_t code)
    {
        Slot& slot = slots_[s];
        if (const cbor::Value* info = slot.Param(param::kEncryptionInfo))
        {
            if (!info->isBstr())
            {
                return Failed(Status::Malformed, i, code, "encryption-info is not a bstr");
            }
            if (!device_.kek.valid())
            {
                return Failed(Status::DecryptFailed, i, code, "device has no decryption key");
            }
            auto dr = cose::Decrypt(info->bytes(), device_.kek, ByteView(data));
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

    bool Fetch(size_t s, size_t i, int64_t code)
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
            const Bytes* payload = env_.FindIntegrated(u);
            if (!payload)
            {
                return Failed(Status::FetchFailed, i, code,
                              "integrated payload \"" + u + "\" not in the envelope");
            }
            if (payload->size() > limits_.maxImageSize)
            {
                return Failed(Status::LimitExceeded, i, code, "image larger than the limit");
            }
            slots_[s].image = *payload;
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

    bool RunNested(const cbor::Value& seqBytes, uint32_t depth, size_t i, int64_t code)
    {
        if (!seqBytes.isBstr())
        {
            return Failed(Status::Malformed, i, code, "nested sequence is not a bstr");
        }
        // try-each can re-run the same nested bstr many times; bound the decoding work too.
        nestedBytes_ += seqBytes.bytes().size();
        if (nestedBytes_ > limits_.maxNestedBytes)
        {
            return Failed(Status::LimitExceeded, i, code,
                          "nested sequences exceed the byte budget");
        }
        auto seq = ParseCommandSequence(seqBytes.bytes(), section_);
        if (!seq)
        {
            return Failed(Status::Malformed, i, code, seq.error().ToString());
        }
        return Run(seq.value(), depth + 1);
    }

    // Clears the failure an earlier try-each option left behind.
    bool Recovered()
    {
        out_.status = Status::Ok;
        out_.reason.clear();
        return true;
    }

    bool TryEach(const cbor::Value& arg, uint32_t depth, size_t i, int64_t code)
    {
        if (!arg.isArray() || arg.array().empty())
        {
            return Failed(Status::Malformed, i, code, "argument is not a non-empty array");
        }
        for (const auto& option : arg.array())
        {
            if (option.isNull())
            {
                return Recovered(); // an empty last option makes try-each succeed
            }
            // A failed option must leave no trace: restore parameters, images and selection.
            uint64_t snapshotCost = slots_.size();
            for (const auto& slot : slots_)
            {
                snapshotCost += slot.params.size() + (slot.image ? slot.image->size() / 4096 : 0);
            }
            if (!Charge(snapshotCost, i, code))
            {
                return false;
            }
            auto savedSlots = slots_;
            auto savedSel = selected_;
            auto savedUnlinked = out_.unlinked.size();
            if (RunNested(option, depth, i, code))
            {
                return Recovered();
            }
            if (out_.status == Status::LimitExceeded)
            {
                return false;
            }
            slots_ = std::move(savedSlots);
            selected_ = std::move(savedSel);
            out_.unlinked.resize(savedUnlinked);
        }
        return false; // keeps the last option's failure reason
    }

    bool Run(const CommandSequence& seq, uint32_t depth)
    {
        if (depth > limits_.maxDepth)
        {
            out_.status = Status::LimitExceeded;
            out_.reason = section_ + ": nesting deeper than " + std::to_string(limits_.maxDepth);
            return false;
        }
        for (size_t i = 0; i < seq.size(); ++i)
        {
            if (!Charge(1, i, seq[i].code))
            {
                return false;
            }
            if (!Execute(seq[i], depth, i))
            {
                return false;
            }
        }
        return true;
    }

    bool Execute(const Command& c, uint32_t depth, size_t i)
    {
        switch (c.code)
        {
            case cmd::kSetComponentIndex:
                return SetComponentIndex(c.arg, i, c.code);
            case cmd::kOverrideParameters:
                return SetParameters(c.arg, true, i, c.code);
            case cmd::kSetParameters:
                return SetParameters(c.arg, false, i, c.code);
            case cmd::kTryEach:
                return TryEach(c.arg, depth, i, c.code);
            case cmd::kRunSequence:
                return RunNested(c.arg, depth, i, c.code);
            case cmd::kAbort:
                return Failed(Status::Aborted, i, c.code, "manifest requested abort");
            default:
                break;
        }
        if (selected_.size() > 1 && !Charge(selected_.size() - 1, i, c.code))
        {
            return false;
        }
        for (size_t s : selected_)
        {
            if (!ExecuteOn(c, s, i))
            {
                return false;
            }
        }
        return true;
    }

    // Commands applied to each selected component.
    bool ExecuteOn(const Command& c, size_t s, size_t i)
    {
        switch (c.code)
        {
            case cmd::kVendorIdentifier:
                return CompareIdentifier(s, param::kVendorId, device_.vendorId,
                                         Status::VendorMismatch, i, c.code);
            case cmd::kClassIdentifier:
                return CompareIdentifier(s, param::kClassId, device_.classId, Status::ClassMismatch,
                                         i, c.code);
            case cmd::kDeviceIdentifier:
                return CompareIdentifier(s, param::kDeviceId, device_.deviceId,
                                         Status::DeviceMismatch, i, c.code);
            case cmd::kImageMatch:
                return ImageMatch(s, i, c.code);
            case cmd::kCheckContent:
            {
                const cbor::Value* content = slots_[s].Param(param::kContent);
                if (!content || !content->isBstr())
                {
                    return Failed(Status::MissingParameter, i, c.code, "content not set");
                }
                if (!slots_[s].image || *slots_[s].image != content->bytes())
                {
                    return Failed(Status::ImageMismatch, i, c.code, "image differs from content");
                }
                return true;
            }
            case cmd::kIsDependency:
                if (!IsDependencySlot(s))
                {
                    return Failed(Status::BadComponentIndex, i, c.code, "not a dependency");
                }
                return true;
            case cmd::kProcessDependency:
            case cmd::kDependencyIntegrity:
                if (!IsDependencySlot(s))
                {
                    return Failed(Status::BadComponentIndex, i, c.code,
                                  "component index is not a dependency");
                }
                if (cb_.dependencyPresent && !cb_.dependencyPresent(IdOf(s)))
                {
                    return Failed(Status::FetchFailed, i, c.code,
                                  "dependency " + ComponentIdToString(IdOf(s)) + " not present");
                }
                return true;
            case cmd::kFetch:
                return Fetch(s, i, c.code);
            case cmd::kWrite:
            {
                const cbor::Value* content = slots_[s].Param(param::kContent);
                if (!content)
                {
                    return Failed(Status::MissingParameter, i, c.code, "content not set");
                }
                if (!content->isBstr())
                {
                    return Failed(Status::Malformed, i, c.code, "content is not a bstr");
                }
                return Store(s, content->bytes(), i, c.code);
            }
            case cmd::kCopy:
            {
                const cbor::Value* src = slots_[s].Param(param::kSourceComponent);
                if (!src || !src->isUint())
                {
                    return Failed(Status::MissingParameter, i, c.code, "source-component not set");
                }
                auto from = SlotOf(src->rawUint());
                if (!from || !slots_[*from].image)
                {
                    return Failed(Status::FetchFailed, i, c.code,
                                  "source component holds no image");
                }
                return Store(s, *slots_[*from].image, i, c.code);
            }
            case cmd::kInvoke:
                return true; // TCs are not executed by the simulated Agent
            case cmd::kComponentSlot:
                return true; // single-slot TEE storage
            case cmd::kUnlink:
                if (IsDependencySlot(s))
                {
                    return Failed(Status::BadComponentIndex, i, c.code,
                                  "cannot unlink a dependency manifest");
                }
                out_.unlinked.push_back(m_.components[s]);
                return true;
            default:
                return Failed(Status::UnsupportedCommand, i, c.code,
                              "code " + std::to_string(c.code) + " not in the supported subset");
        }
    }

    const Envelope& env_;
    const Manifest& m_;
    const Device& device_;
    const Callbacks& cb_;
    const Limits& limits_;
    ProcessOutcome& out_;
    std::vector<Slot> slots_;
    std::vector<size_t> selected_;
    std::vector<std::pair<uint64_t, size_t>> depSlots_; // (component index, slot), sorted
    std::string section_;
    uint64_t nestedBytes_ = 0;
};

} // namespace

ProcessOutcome RunInstall(const Envelope& env, const Device& device, const Callbacks& callbacks,
                          std::optional<uint64_t> installedSequence, const Limits& limits)
{
    ProcessOutcome out;
    const Manifest& m = env.manifest;
    if (installedSequence && m.sequenceNumber <= *installedSequence)
    {
        out.status = Status::Rollback;
        out.reason = "manifest-sequence-number " + std::to_string(m.sequenceNumber) +
                     " is not greater than the installed " + std::to_string(*installedSequence);
        return out;
    }
    if (!m.install)
    {
        out.status = Status::NoSection;
        out.reason = "manifest has no install section (20)";
        for (int64_t k : m.unknownKeys)
        {
            if (k == 17)
            {
                out.reason += "; it has key 17, suit-install in the 2022-2024 numbering";
            }
        }
        return out;
    }
    Interpreter run(env, device, callbacks, limits, out);
    if (m.payloadFetch && !run.RunSection("payload-fetch", *m.payloadFetch))
    {
        return out;
    }
    if (!run.RunSection("install", *m.install))
    {
        return out;
    }
    if (m.validate && !run.RunSection("validate", *m.validate))
    {
        return out;
    }
    run.CollectWritten();
    return out;
}

ProcessOutcome RunUninstall(const Envelope& env, const Device& device, const Callbacks& callbacks,
                            const Limits& limits)
{
    ProcessOutcome out;
    if (!env.manifest.uninstall)
    {
        out.status = Status::NoSection;
        out.reason = "manifest has no uninstall section (24)";
        return out;
    }
    Interpreter run(env, device, callbacks, limits, out);
    run.RunSection("uninstall", *env.manifest.uninstall);
    return out;
}

ProcessOutcome ProcessUpdate(ByteView envelopeBytes, const std::vector<crypto::Key>& trustAnchors,
                             const Device& device, const Callbacks& callbacks,
                             std::optional<uint64_t> installedSequence, const Limits& limits)
{
    ProcessOutcome out;
    Status why = Status::Malformed;
    auto env = ParseEnvelope(envelopeBytes, &why);
    if (!env)
    {
        out.status = why;
        out.reason = env.error().ToString();
        return out;
    }
    VerifyOutcome v = VerifyEnvelope(env.value(), trustAnchors);
    if (!v.ok())
    {
        out.status = v.status;
        out.reason = v.reason;
        return out;
    }
    return RunInstall(env.value(), device, callbacks, installedSequence, limits);
}

} // namespace teepsim::suit
