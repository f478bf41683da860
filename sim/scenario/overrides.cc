// Dotted keys into a scenario ("verifier.validity", "fleet.0.count", "fleet.phones.count") and
// KEY=VALUE overrides, validated exactly like file values.
#include <fmt/format.h>

#include "sim/scenario/load_context.h"
#include "sim/scenario/yaml_scan.h"

namespace teepsim::sim::detail
{
namespace
{

std::vector<std::string_view> SplitDots(std::string_view key)
{
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true)
    {
        std::size_t dot = key.find('.', start);
        parts.push_back(key.substr(start, dot == std::string_view::npos ? dot : dot - start));
        if (dot == std::string_view::npos)
        {
            return parts;
        }
        start = dot + 1;
    }
}

bool AllDigits(std::string_view s)
{
    if (s.empty() || s.size() > 9)
    {
        return false;
    }
    for (char c : s)
    {
        if (c < '0' || c > '9')
        {
            return false;
        }
    }
    return true;
}

std::string_view Trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    {
        s.remove_suffix(1);
    }
    return s;
}

} // namespace

ResolvedKey ResolveKey(const Scenario& s, std::string_view dotted)
{
    ResolvedKey r;
    std::string pattern;
    std::size_t depth = 0;
    const Knob* current = nullptr;
    const std::vector<std::string_view> parts = SplitDots(dotted);
    for (std::string_view part : parts)
    {
        if (part.empty())
        {
            r.error = fmt::format("malformed key '{}': empty part between dots", dotted);
            return r;
        }
    }
    for (std::string_view part : parts)
    {
        if (current != nullptr && current->IsScalar())
        {
            r.error = fmt::format("'{}' is a single value and has no key '{}'",
                                  ConcreteKey(current->key, r.indices), part);
            return r;
        }
        if (current != nullptr && current->kind == KnobKind::List)
        {
            // A list entry: by index, or by name for named lists (fleet, catalogue).
            std::size_t size = ListSize(s, *current, r.indices);
            std::size_t index = size;
            if (AllDigits(part))
            {
                index = std::stoul(std::string(part));
                if (index > size)
                {
                    r.error = fmt::format("index {} is out of range: '{}' has {} entries", index,
                                          ConcreteKey(current->key, r.indices), size);
                    return r;
                }
                r.appends = index == size;
            }
            else
            {
                std::vector<std::string> names;
                for (std::size_t i = 0; i < size; ++i)
                {
                    names.push_back(EntryName(s, *current, i));
                    if (names.back() == part)
                    {
                        index = i;
                    }
                }
                if (index == size)
                {
                    std::vector<std::string_view> views(names.begin(), names.end());
                    std::string_view near = ClosestMatch(part, views);
                    r.error = fmt::format(
                        "no entry named '{}' in '{}'{}", part, ConcreteKey(current->key, r.indices),
                        near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near));
                    return r;
                }
            }
            r.indices[depth++] = index;
            pattern += ".*";
            current = nullptr;
            continue;
        }
        std::string next =
            pattern.empty() ? std::string(part) : fmt::format("{}.{}", pattern, part);
        const Knob* knob = part.find('*') == std::string_view::npos ? FindKnob(next) : nullptr;
        if (knob == nullptr)
        {
            auto candidates = ChildNames(pattern);
            std::string_view near = ClosestMatch(part, candidates);
            r.error = fmt::format("unknown key '{}'{}", part,
                                  near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near));
            return r;
        }
        pattern = std::move(next);
        current = knob;
    }
    r.knob = current;
    r.concrete = ConcreteKey(pattern, r.indices);
    return r;
}

std::string SetKey(Scenario& s, std::string_view dotted, std::string_view value,
                   const KeyOrigin& origin, DiagnosticSink& sink)
{
    ResolvedKey r = ResolveKey(s, dotted);
    if (!r.error.empty())
    {
        sink.Error(origin, r.error);
        return {};
    }
    if (r.knob->kind == KnobKind::Grid || r.knob->key.starts_with("sweep.grid"))
    {
        sink.Error(origin,
                   "the sweep grid cannot be overridden; edit the file or use --set on its keys");
        return {};
    }
    if (!r.knob->IsScalar())
    {
        auto children = ChildNames(r.knob->kind == KnobKind::List ? std::string(r.knob->key) + ".*"
                                                                  : std::string(r.knob->key));
        std::string example;
        for (std::string_view c : children)
        {
            if (FindKnob(std::string(r.knob->key) + (r.knob->kind == KnobKind::List ? ".*." : ".") +
                         std::string(c))
                    ->IsScalar())
            {
                example = r.knob->kind == KnobKind::List ? fmt::format("{}.0.{}", r.concrete, c)
                                                         : fmt::format("{}.{}", r.concrete, c);
                break;
            }
        }
        sink.Error(origin,
                   fmt::format("'{}' is a {}, not a single value: set one of its keys, e.g. '{}'",
                               r.concrete, r.knob->kind == KnobKind::List ? "list" : "section",
                               example));
        return {};
    }
    auto parsed = ParseKnobValue(*r.knob, Trim(value));
    if (!parsed)
    {
        sink.Error(origin, fmt::format("{}: {}", r.concrete, parsed.error()));
        return {};
    }
    if (r.appends)
    {
        // Setting a key of entry == size appends an entry with defaults (e.g. a new outage window).
        std::string list_pattern(r.knob->key.substr(0, r.knob->key.rfind(".*.")));
        const Knob* list = FindKnob(list_pattern);
        Indices parent = r.indices;
        AppendListEntry(s, *list, parent);
    }
    r.knob->set(s, r.indices, parsed.value());
    s.source.origins[r.concrete] = origin;
    return r.concrete;
}

std::string ApplyOverride(Scenario& s, std::string_view text, const KeyOrigin& origin,
                          DiagnosticSink& sink)
{
    // Values end up in run_params: the same bytes as in a file are refused.
    if (auto bad = FindBadBytes(text, /*file=*/false))
    {
        sink.Error(origin, bad->message);
        return {};
    }
    std::size_t eq = text.find('=');
    if (eq == std::string_view::npos)
    {
        sink.Error(origin, "expected KEY=VALUE, e.g. verifier.validity=4h");
        return {};
    }
    std::string_view key = Trim(text.substr(0, eq));
    if (key.empty())
    {
        sink.Error(origin,
                   "missing key before '=' (expected KEY=VALUE, e.g. verifier.validity=4h)");
        return {};
    }
    return SetKey(s, key, text.substr(eq + 1), origin, sink);
}

} // namespace teepsim::sim::detail
