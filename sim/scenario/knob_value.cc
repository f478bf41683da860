// Parsing and formatting of one knob's value, and default-filled list entries.
#include <fmt/format.h>

#include "sim/scenario/knobs.h"

namespace teepsim::sim::detail
{
namespace
{

std::string FormatBound(const Knob& knob, std::int64_t v)
{
    switch (knob.kind)
    {
        case KnobKind::Duration:
            return FormatDuration(v);
        case KnobKind::Size:
            return FormatSize(v);
        case KnobKind::Rate:
            return FormatRate(v);
        default:
            return std::to_string(v);
    }
}

Parsed<Value> CheckRange(const Knob& knob, std::int64_t v)
{
    bool unit_kind = knob.kind == KnobKind::Duration || knob.kind == KnobKind::Size ||
                     knob.kind == KnobKind::Rate;
    if (v < knob.lo)
    {
        if (unit_kind && knob.lo == 1)
        {
            return Parsed<Value>::Error(
                fmt::format("must be greater than 0, got {}", FormatBound(knob, v)));
        }
        return Parsed<Value>::Error(fmt::format("must be at least {}, got {}",
                                                FormatBound(knob, knob.lo), FormatBound(knob, v)));
    }
    if (v > knob.hi)
    {
        return Parsed<Value>::Error(fmt::format("must be at most {}, got {}",
                                                FormatBound(knob, knob.hi), FormatBound(knob, v)));
    }
    return Parsed<Value>::Ok(v);
}

template<class T> Parsed<Value> Lift(const Parsed<T>& p)
{
    return p ? Parsed<Value>::Ok(p.value()) : Parsed<Value>::Error(p.error());
}

bool IsNameChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

} // namespace

Parsed<Value> ParseKnobValue(const Knob& knob, std::string_view text)
{
    switch (knob.kind)
    {
        case KnobKind::Duration:
        case KnobKind::Size:
        case KnobKind::Rate:
        {
            if (knob.allow_auto && text == "auto")
            {
                return Parsed<Value>::Ok(kAutoDuration); // computed by the deployment
            }
            auto p = knob.kind == KnobKind::Duration ? ParseDuration(text)
                     : knob.kind == KnobKind::Size   ? ParseSize(text)
                                                     : ParseRate(text);
            return p ? CheckRange(knob, p.value()) : Lift(p);
        }
        case KnobKind::Integer:
        {
            auto p = ParseInteger(text);
            return p ? CheckRange(knob, p.value()) : Lift(p);
        }
        case KnobKind::Probability:
            return Lift(ParseProbability(text));
        case KnobKind::Real:
        {
            auto p = ParseReal(text);
            if (!p)
            {
                return Lift(p);
            }
            if (p.value() < knob.real_lo || p.value() >= knob.real_hi)
            {
                return Parsed<Value>::Error(fmt::format("must be in [{}, {}), got {}",
                                                        FormatReal(knob.real_lo),
                                                        FormatReal(knob.real_hi), text));
            }
            return Lift(p);
        }
        case KnobKind::Bool:
            if (text == "true")
            {
                return Parsed<Value>::Ok(true);
            }
            if (text == "false")
            {
                return Parsed<Value>::Ok(false);
            }
            return Parsed<Value>::Error(fmt::format("expected true or false, got '{}'", text));
        case KnobKind::String:
            return Parsed<Value>::Ok(std::string(text));
        case KnobKind::Name:
        {
            bool all_digits = !text.empty();
            for (char c : text)
            {
                if (!IsNameChar(c))
                {
                    return Parsed<Value>::Error(
                        fmt::format("invalid name '{}': use letters, digits, '_' and '-'", text));
                }
                all_digits = all_digits && c >= '0' && c <= '9';
            }
            if (text.empty() || all_digits)
            {
                return Parsed<Value>::Error(
                    fmt::format("invalid name '{}': a name must not be empty or all digits", text));
            }
            return Parsed<Value>::Ok(std::string(text));
        }
        case KnobKind::Choice:
        {
            for (std::size_t i = 0; i < knob.choices.size(); ++i)
            {
                if (knob.choices[i] == text)
                {
                    return Parsed<Value>::Ok(static_cast<std::int64_t>(i));
                }
            }
            std::string_view near = ClosestMatch(text, knob.choices);
            std::string hint = near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near);
            return Parsed<Value>::Error(
                fmt::format("unknown value '{}': expected {}{}", text, UnitText(knob), hint));
        }
        case KnobKind::Section:
        case KnobKind::List:
        case KnobKind::Grid:
            break;
    }
    return Parsed<Value>::Error("not a single value");
}

std::string FormatKnobValue(const Knob& knob, const Value& v)
{
    switch (knob.kind)
    {
        case KnobKind::Duration:
            if (knob.allow_auto && std::get<std::int64_t>(v) == kAutoDuration)
            {
                return "auto";
            }
            return FormatDuration(std::get<std::int64_t>(v));
        case KnobKind::Size:
            return FormatSize(std::get<std::int64_t>(v));
        case KnobKind::Rate:
            return FormatRate(std::get<std::int64_t>(v));
        case KnobKind::Integer:
            return std::to_string(std::get<std::int64_t>(v));
        case KnobKind::Probability:
            return FormatProbability(std::get<double>(v));
        case KnobKind::Real:
            return FormatReal(std::get<double>(v));
        case KnobKind::Bool:
            return std::get<bool>(v) ? "true" : "false";
        case KnobKind::String:
        case KnobKind::Name:
            return std::get<std::string>(v);
        case KnobKind::Choice:
            return std::string(knob.choices[static_cast<std::size_t>(std::get<std::int64_t>(v))]);
        default:
            return {};
    }
}

std::string_view KindName(const Knob& knob)
{
    switch (knob.kind)
    {
        case KnobKind::Section:
            return "map";
        case KnobKind::List:
            return "list of maps";
        case KnobKind::Grid:
            return "map of lists";
        case KnobKind::Duration:
            return "duration";
        case KnobKind::Size:
            return "size";
        case KnobKind::Rate:
            return "rate";
        case KnobKind::Probability:
            return "probability";
        case KnobKind::Real:
            return "number";
        case KnobKind::Integer:
            return "integer";
        case KnobKind::Bool:
            return "bool";
        case KnobKind::String:
            return "string";
        case KnobKind::Name:
            return "name";
        case KnobKind::Choice:
            return "choice";
    }
    return "?";
}

std::string UnitText(const Knob& knob)
{
    switch (knob.kind)
    {
        case KnobKind::Duration:
            return knob.allow_auto ? "ns, us, ms, s, m, h, d, or auto" : "ns, us, ms, s, m, h, d";
        case KnobKind::Size:
            return "B, kB, MB, GB, KiB, MiB, GiB";
        case KnobKind::Rate:
            return "bps, kbps, Mbps, Gbps";
        case KnobKind::Probability:
            return "[0, 1] or %";
        case KnobKind::Choice:
        {
            std::string out;
            for (std::size_t i = 0; i < knob.choices.size(); ++i)
            {
                out += (i == 0 ? "" : (i + 1 == knob.choices.size() ? " or " : ", "));
                out += knob.choices[i];
            }
            return out;
        }
        case KnobKind::Integer:
            return knob.hi == INT64_MAX ? fmt::format(">= {}", knob.lo)
                                        : fmt::format("{} to {}", knob.lo, knob.hi);
        case KnobKind::Real:
            return fmt::format("[{}, {})", FormatReal(knob.real_lo), FormatReal(knob.real_hi));
        default:
            return "";
    }
}

namespace
{

// The index slot a list's entries use: one per '*' already in the list's own key.
std::size_t ListDepth(const Knob& list)
{
    std::size_t n = 0;
    for (char c : list.key)
    {
        n += c == '*';
    }
    return n;
}

void ApplyEntryDefaults(Scenario& s, const Knob& list, const Indices& at)
{
    std::string prefix = std::string(list.key) + ".*.";
    for (const Knob& k : Knobs())
    {
        if (!k.IsScalar() || k.derived_default || !k.key.starts_with(prefix) ||
            k.key.substr(prefix.size()).find('*') != std::string_view::npos)
        {
            continue;
        }
        auto v = ParseKnobValue(k, DefaultValueText(k));
        if (v) // the table's defaults are tested to parse
        {
            k.set(s, at, v.value());
        }
    }
}

} // namespace

std::size_t ListSize(const Scenario& s, const Knob& list, const Indices& parent)
{
    return list.size(s, parent);
}

void ResizeList(Scenario& s, const Knob& list, const Indices& parent, std::size_t n)
{
    std::size_t old = list.size(s, parent);
    list.resize(s, parent, n);
    Indices at = parent;
    for (std::size_t i = old; i < n; ++i)
    {
        at[ListDepth(list)] = i;
        ApplyEntryDefaults(s, list, at);
    }
}

void AppendListEntry(Scenario& s, const Knob& list, const Indices& parent)
{
    ResizeList(s, list, parent, list.size(s, parent) + 1);
}

std::string EntryName(const Scenario& s, const Knob& list, std::size_t i)
{
    if (list.key == "fleet")
    {
        return s.fleet[i].name;
    }
    if (list.key == "catalogue")
    {
        return s.catalogue[i].name;
    }
    return {};
}

} // namespace teepsim::sim::detail
