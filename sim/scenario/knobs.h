// The one table of scenario keys (internal to teepsim_scenario). Each row knows how to parse,
// store, read back and document one key; YAML reading, --set, run_params and docs all use it.
#pragma once

#include "teepsim/sim/scenario.h"
#include "teepsim/sim/units.h"

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace teepsim::sim::detail
{

enum class KnobKind
{
    Section,     // a map of further keys
    List,        // a sequence of maps (fleet, catalogue, tam.outages)
    Grid,        // sweep.grid: a map of dotted keys to value lists
    Duration,    // int64 ns
    Size,        // int64 bytes
    Rate,        // int64 bits/s
    Probability, // double in [0, 1]
    Real,        // double in [real_lo, real_hi)
    Integer,     // int64 in [lo, hi]
    Bool,
    String, // free text
    Name,   // identifier: letters, digits, '_', '-', not all digits
    Choice, // one of `choices`, stored as the index
};

// Up to two list indices along a key ("fleet.*.count" uses index[0]).
using Indices = std::array<std::size_t, 2>;
// A parsed value: int64 for Duration/Size/Rate/Integer/Choice, double for Probability/Real.
using Value = std::variant<std::int64_t, double, bool, std::string>;

struct Knob
{
    std::string_view key; // dotted pattern, '*' for a list index
    KnobKind kind;
    std::string_view default_text; // as it would be written in a file; empty: none/derived
    std::string_view meaning;
    std::int64_t lo = INT64_MIN; // Integer/Duration/Size/Rate: inclusive range
    std::int64_t hi = INT64_MAX;
    double real_lo = 0; // Real: [real_lo, real_hi)
    double real_hi = 0;
    std::span<const std::string_view> choices = {};
    bool derived_default = false;  // default computed at resolve time (documented in text)
    bool allow_auto = false;       // Duration: the word "auto" is accepted (kAutoDuration)
    std::size_t default_count = 0; // List: number of entries when the key is absent
    // Scalars: store and read the field. Lists: size and resize the vector (no defaults applied).
    void (*set)(Scenario&, const Indices&, const Value&) = nullptr;
    Value (*get)(const Scenario&, const Indices&) = nullptr;
    std::size_t (*size)(const Scenario&, const Indices&) = nullptr;
    void (*resize)(Scenario&, const Indices&, std::size_t) = nullptr;

    bool IsScalar() const
    {
        return kind != KnobKind::Section && kind != KnobKind::List && kind != KnobKind::Grid;
    }
};

std::span<const Knob> Knobs();
// The default as a value text: `""` in the table stands for the empty string.
inline std::string_view DefaultValueText(const Knob& k)
{
    return k.default_text == "\"\"" ? std::string_view() : k.default_text;
}
const Knob* FindKnob(std::string_view pattern);
// Keys one level below `prefix` ("" for the top level; "fleet.*" for a class), for did-you-mean.
std::vector<std::string_view> ChildNames(std::string_view prefix);

// Parses scalar text for a knob (unit, type and range checks). Error text names the problem.
Parsed<Value> ParseKnobValue(const Knob& knob, std::string_view text);
// Canonical text for a value (reads back to the same value through ParseKnobValue).
std::string FormatKnobValue(const Knob& knob, const Value& value);
// Type and unit names for docs and messages ("duration", "s, m, h, ...").
std::string_view KindName(const Knob& knob);
std::string UnitText(const Knob& knob);

// Adds a default entry (all element defaults applied) at the end of a list knob.
void AppendListEntry(Scenario& s, const Knob& list, const Indices& parent);
std::size_t ListSize(const Scenario& s, const Knob& list, const Indices& parent);
void ResizeList(Scenario& s, const Knob& list, const Indices& parent, std::size_t n);
// The "name" of list entry i (fleet, catalogue), or empty when entries have no names.
std::string EntryName(const Scenario& s, const Knob& list, std::size_t i);

// Did-you-mean: the closest candidate by edit distance, or empty if none is close enough.
std::string_view ClosestMatch(std::string_view word, std::span<const std::string_view> candidates);

// Replaces the '*' in a pattern with the given indices ("fleet.*.count" -> "fleet.2.count").
std::string ConcreteKey(std::string_view pattern, const Indices& indices);

// SHA-256 of data, lowercase hex.
std::string Sha256Hex(std::string_view data);

} // namespace teepsim::sim::detail
