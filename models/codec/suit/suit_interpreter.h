// The SUIT command interpreter behind RunInstall / RunUninstall (suit_process.cc). Its work is
// split by job: command sequencing, try-each and the work budget (suit_interpreter.cc),
// component selection and parameters (suit_selection.cc), conditions (suit_conditions.cc) and
// directives that store or unlink images (suit_directives.cc). Every command is checked against
// its argument's shape and every loop is bounded by Limits, so a hostile (even if signed)
// manifest cannot crash or hang the Agent.
#pragma once

#include "teepsim/codec/suit.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace teepsim::suit::detail
{

class Interpreter
{
  public:
    Interpreter(const Envelope& env, const Device& device, const Callbacks& callbacks,
                const Limits& limits, ProcessOutcome& out);

    /// Runs shared-sequence then `seq` with fresh parameters (images persist across sections).
    bool RunSection(const char* name, const CommandSequence& seq);
    /// Moves every written image into the outcome.
    void CollectWritten();

  private:
    // One component (or dependency) with its parameters and image.
    struct Slot
    {
        std::vector<std::pair<int64_t, cbor::Value>> params;
        std::optional<ImageBytes> image; // a view of an integrated payload, or owned bytes
        bool written = false;

        const cbor::Value* Param(int64_t key) const;
        void SetParam(int64_t key, const cbor::Value& v, bool override);
    };

    // ---- sequencing (suit_interpreter.cc) ----
    bool Failed(Status s, size_t index, int64_t code, const std::string& detail);
    bool Charge(uint64_t units, size_t i, int64_t code);
    bool Run(const CommandSequence& seq, uint32_t depth);
    bool Execute(const Command& c, uint32_t depth, size_t i);
    bool ExecuteOn(const Command& c, size_t s, size_t i);
    bool RunNested(const cbor::Value& seqBytes, uint32_t depth, size_t i, int64_t code);
    bool Recovered();
    bool TryEach(const cbor::Value& arg, uint32_t depth, size_t i, int64_t code);

    // ---- selection and parameters (suit_selection.cc) ----
    void Select(size_t slot) { selected_.assign(1, slot); }
    std::optional<size_t> SlotOf(uint64_t index) const;
    bool IsDependencySlot(size_t slot) const { return slot >= m_.components.size(); }
    const ComponentId& IdOf(size_t slot) const;
    bool SetComponentIndex(const cbor::Value& arg, size_t i, int64_t code);
    bool SetParameters(const cbor::Value& arg, bool override, size_t i, int64_t code);

    // ---- conditions (suit_conditions.cc) ----
    bool CompareIdentifier(size_t s, int64_t key, const Bytes& mine, Status mismatch, size_t i,
                           int64_t code);
    bool ImageMatch(size_t s, size_t i, int64_t code);
    bool CheckContent(size_t s, size_t i, int64_t code);
    bool IsDependency(size_t s, size_t i, int64_t code);
    bool DependencyPresent(size_t s, size_t i, int64_t code);

    // ---- directives (suit_directives.cc) ----
    bool Store(size_t s, ImageBytes data, size_t i, int64_t code);
    bool Fetch(size_t s, size_t i, int64_t code);
    bool Write(size_t s, size_t i, int64_t code);
    bool Copy(size_t s, size_t i, int64_t code);
    bool Unlink(size_t s, size_t i, int64_t code);

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

} // namespace teepsim::suit::detail
