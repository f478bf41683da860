// SUIT command sequencing: sections (shared-sequence first), command dispatch, nested
// sequences, try-each with roll-back, and the work budget that bounds all of it.
#include "suit_interpreter.h"

#include <algorithm>
#include <cstdint>
#include <string>

namespace teepsim::suit::detail
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

} // namespace

Interpreter::Interpreter(const Envelope& env, const Device& device, const Callbacks& callbacks,
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

bool Interpreter::RunSection(const char* name, const CommandSequence& seq)
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

bool Interpreter::Failed(Status s, size_t index, int64_t code, const std::string& detail)
{
    out_.status = s;
    out_.reason =
        section_ + "[" + std::to_string(index) + "]: " + CommandName(code) + ": " + detail;
    return false;
}

// Charges work against Limits::maxSteps so that manifests with many components or large
// parameter maps cannot make a few commands arbitrarily expensive.
bool Interpreter::Charge(uint64_t units, size_t i, int64_t code)
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

bool Interpreter::Run(const CommandSequence& seq, uint32_t depth)
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

bool Interpreter::Execute(const Command& c, uint32_t depth, size_t i)
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
bool Interpreter::ExecuteOn(const Command& c, size_t s, size_t i)
{
    switch (c.code)
    {
        case cmd::kVendorIdentifier:
            return CompareIdentifier(s, param::kVendorId, device_.vendorId, Status::VendorMismatch,
                                     i, c.code);
        case cmd::kClassIdentifier:
            return CompareIdentifier(s, param::kClassId, device_.classId, Status::ClassMismatch, i,
                                     c.code);
        case cmd::kDeviceIdentifier:
            out_.deviceSpecific = true; // the outcome depends on this device's identifier
            return CompareIdentifier(s, param::kDeviceId, device_.deviceId, Status::DeviceMismatch,
                                     i, c.code);
        case cmd::kImageMatch:
            return ImageMatch(s, i, c.code);
        case cmd::kCheckContent:
            return CheckContent(s, i, c.code);
        case cmd::kIsDependency:
            return IsDependency(s, i, c.code);
        case cmd::kProcessDependency:
        case cmd::kDependencyIntegrity:
            return DependencyPresent(s, i, c.code);
        case cmd::kFetch:
            return Fetch(s, i, c.code);
        case cmd::kWrite:
            return Write(s, i, c.code);
        case cmd::kCopy:
            return Copy(s, i, c.code);
        case cmd::kInvoke:
            return true; // TCs are not executed by the simulated Agent
        case cmd::kComponentSlot:
            return true; // single-slot TEE storage
        case cmd::kUnlink:
            return Unlink(s, i, c.code);
        default:
            return Failed(Status::UnsupportedCommand, i, c.code,
                          "code " + std::to_string(c.code) + " not in the supported subset");
    }
}

bool Interpreter::RunNested(const cbor::Value& seqBytes, uint32_t depth, size_t i, int64_t code)
{
    if (!seqBytes.isBstr())
    {
        return Failed(Status::Malformed, i, code, "nested sequence is not a bstr");
    }
    // try-each can re-run the same nested bstr many times; bound the decoding work too.
    nestedBytes_ += seqBytes.bytes().size();
    if (nestedBytes_ > limits_.maxNestedBytes)
    {
        return Failed(Status::LimitExceeded, i, code, "nested sequences exceed the byte budget");
    }
    auto seq = ParseCommandSequence(seqBytes.bytes(), section_);
    if (!seq)
    {
        return Failed(Status::Malformed, i, code, seq.error().ToString());
    }
    return Run(seq.value(), depth + 1);
}

// Clears the failure an earlier try-each option left behind.
bool Interpreter::Recovered()
{
    out_.status = Status::Ok;
    out_.reason.clear();
    return true;
}

bool Interpreter::TryEach(const cbor::Value& arg, uint32_t depth, size_t i, int64_t code)
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

} // namespace teepsim::suit::detail
