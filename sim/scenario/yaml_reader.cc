// Walks the YAML document against the knob table: unknown keys, wrong types, bad values.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <map>

#include "sim/scenario/load_context.h"

namespace teepsim::sim::detail
{
namespace
{

KeyOrigin At(const YAML::Mark& m)
{
    // yaml-cpp marks are 0-based; diagnostics are 1-based. Marks of nodes built without a source
    // position are -1: keep them at 0 ("unknown").
    return KeyOrigin{.line = m.line >= 0 ? m.line + 1 : 0,
                     .column = m.column >= 0 ? m.column + 1 : 0,
                     .override_text = {}};
}

std::string_view Describe(const YAML::Node& n)
{
    switch (n.Type())
    {
        case YAML::NodeType::Map:
            return "a map";
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Scalar:
            return "a single value";
        default:
            return "nothing";
    }
}

std::string_view Example(const Knob& k)
{
    switch (k.kind)
    {
        case KnobKind::Duration:
            return " (e.g. 90s)";
        case KnobKind::Size:
            return " (e.g. 64KiB)";
        case KnobKind::Rate:
            return " (e.g. 1Mbps)";
        case KnobKind::Probability:
            return " (e.g. 0.05 or 5%)";
        case KnobKind::Integer:
            return " (e.g. 10)";
        case KnobKind::Bool:
            return " (true or false)";
        default:
            return "";
    }
}

std::string Join(std::string_view prefix, std::string_view key)
{
    return prefix.empty() ? std::string(key) : fmt::format("{}.{}", prefix, key);
}

std::size_t Depth(std::string_view pattern)
{
    std::size_t n = 0;
    for (char c : pattern)
    {
        n += c == '*';
    }
    return n;
}

class Reader
{
  public:
    Reader(Scenario& s, DiagnosticSink& sink) : s_(s), sink_(sink) {}

    void ReadMap(const YAML::Node& map, const std::string& prefix, const Indices& idx)
    {
        // YAML merge keys ("<<: *defaults") first, so that the map's own keys override them;
        // yaml-cpp leaves merging to the reader.
        for (const auto& entry : map)
        {
            if (entry.first.IsScalar() && entry.first.Scalar() == "<<")
            {
                ReadMerge(entry.second, prefix, idx, At(entry.first.Mark()));
            }
        }
        std::map<std::string, KeyOrigin> seen;
        for (const auto& entry : map)
        {
            const YAML::Node& key_node = entry.first;
            const YAML::Node& value = entry.second;
            KeyOrigin key_at = At(key_node.Mark());
            if (!key_node.IsScalar())
            {
                sink_.Error(key_at,
                            fmt::format("keys must be plain names, got {}", Describe(key_node)));
                continue;
            }
            const std::string key = key_node.Scalar();
            if (key == "<<" || (prefix.empty() && key.starts_with("x-")))
            {
                continue; // merged above; top-level "x-..." keys hold anchors for merging
            }
            std::string where =
                prefix.empty() ? "the top level" : fmt::format("'{}'", ConcreteKey(prefix, idx));
            auto [first, inserted] = seen.emplace(key, key_at);
            if (!inserted)
            {
                sink_.Error(key_at, fmt::format("duplicate key '{}' in {} (first given at line {})",
                                                key, where, first->second.line));
                continue;
            }
            const std::string pattern = Join(prefix, key);
            const Knob* knob =
                key.find_first_of(".*") == std::string::npos ? FindKnob(pattern) : nullptr;
            if (knob == nullptr)
            {
                auto candidates = ChildNames(prefix);
                std::string_view near = ClosestMatch(key, candidates);
                sink_.Error(
                    key_at,
                    fmt::format("unknown key '{}' in {}{}", key, where,
                                near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
                continue;
            }
            ReadValue(*knob, value, idx, key_at);
        }
    }

  private:
    void ReadMerge(const YAML::Node& value, const std::string& prefix, const Indices& idx,
                   const KeyOrigin& at)
    {
        // Aliases share nodes, so nested merges could multiply work exponentially: cap them.
        constexpr int kMaxMerges = 1000;
        if (value.IsMap())
        {
            if (++merges_ > kMaxMerges)
            {
                if (merges_ == kMaxMerges + 1)
                {
                    sink_.Error(at, fmt::format("more than {} merges ('<<'): the document is too "
                                                "deeply aliased",
                                                kMaxMerges));
                }
                return;
            }
            ReadMap(value, prefix, idx);
            return;
        }
        if (value.IsSequence())
        {
            for (const auto& item : value)
            {
                if (!item.IsMap())
                {
                    sink_.Error(At(item.Mark()), "'<<' merges maps only (e.g. <<: *defaults)");
                    continue;
                }
                ReadMerge(item, prefix, idx, at);
            }
            return;
        }
        sink_.Error(
            at, fmt::format("'<<' merges maps only (e.g. <<: *defaults), got {}", Describe(value)));
    }

    void ReadValue(const Knob& knob, const YAML::Node& value, const Indices& idx,
                   const KeyOrigin& key_at)
    {
        const std::string concrete = ConcreteKey(knob.key, idx);
        switch (knob.kind)
        {
            case KnobKind::Section:
                if (value.IsNull())
                {
                    return; // "verifier:" with nothing under it: all defaults
                }
                if (!value.IsMap())
                {
                    sink_.Error(At(value.Mark()), fmt::format("'{}' must be a map of keys, got {}",
                                                              concrete, Describe(value)));
                    return;
                }
                ReadMap(value, std::string(knob.key), idx);
                return;
            case KnobKind::List:
                ReadList(knob, value, idx, key_at);
                return;
            case KnobKind::Grid:
                ReadGrid(value, key_at);
                return;
            default:
                break;
        }
        if (!value.IsScalar())
        {
            KeyOrigin at = value.IsNull() ? key_at : At(value.Mark());
            sink_.Error(at, fmt::format("'{}' expects a {}{}, got {}", concrete, KindName(knob),
                                        Example(knob), Describe(value)));
            return;
        }
        auto parsed = ParseKnobValue(knob, value.Scalar());
        if (!parsed)
        {
            sink_.Error(At(value.Mark()), fmt::format("{}: {}", concrete, parsed.error()));
            return;
        }
        knob.set(s_, idx, parsed.value());
        s_.source.origins[concrete] = At(value.Mark());
    }

    void ReadList(const Knob& knob, const YAML::Node& value, const Indices& idx,
                  const KeyOrigin& key_at)
    {
        const std::string concrete = ConcreteKey(knob.key, idx);
        if (!value.IsNull() && !value.IsSequence())
        {
            sink_.Error(At(value.Mark()),
                        fmt::format("'{}' must be a list (entries start with '- '), got {}",
                                    concrete, Describe(value)));
            return; // keep the default entries: no follow-on errors
        }
        s_.source.origins[concrete] = key_at;
        ResizeList(s_, knob, idx, 0);
        if (value.IsNull())
        {
            return; // an empty list; whether that is allowed is a consistency check
        }
        ResizeList(s_, knob, idx, value.size());
        const std::string element = fmt::format("{}.*", knob.key);
        for (std::size_t i = 0; i < value.size(); ++i)
        {
            Indices at = idx;
            at[Depth(knob.key)] = i;
            const YAML::Node& entry = value[i];
            if (!entry.IsMap())
            {
                sink_.Error(At(entry.Mark()), fmt::format("'{}.{}' must be a map of keys, got {}",
                                                          concrete, i, Describe(entry)));
                continue;
            }
            s_.source.origins[ConcreteKey(element, at)] = At(entry.Mark());
            ReadMap(entry, element, at);
        }
    }

    void ReadGrid(const YAML::Node& value, const KeyOrigin& key_at)
    {
        s_.source.origins["sweep.grid"] = key_at;
        s_.sweep.grid.clear();
        if (value.IsNull())
        {
            return;
        }
        if (!value.IsMap())
        {
            sink_.Error(At(value.Mark()),
                        fmt::format("'sweep.grid' must be a map of key: [values], got {}",
                                    Describe(value)));
            return;
        }
        for (const auto& entry : value)
        {
            KeyOrigin at = At(entry.first.Mark());
            if (!entry.first.IsScalar())
            {
                sink_.Error(at, "sweep.grid keys must be dotted keys such as verifier.validity");
                continue;
            }
            SweepAxis axis{
                .key = entry.first.Scalar(), .values = {}, .key_origin = at, .value_origins = {}};
            const YAML::Node& list = entry.second;
            if (!list.IsSequence() || list.size() == 0)
            {
                sink_.Error(
                    list.IsNull() ? at : At(list.Mark()),
                    fmt::format("sweep.grid.{} must be a non-empty list of values such as [1h, 4h]",
                                axis.key));
                continue;
            }
            bool ok = true;
            for (const auto& v : list)
            {
                if (!v.IsScalar())
                {
                    sink_.Error(
                        At(v.Mark()),
                        fmt::format("sweep.grid.{}: each value must be a single value, got {}",
                                    axis.key, Describe(v)));
                    ok = false;
                    continue;
                }
                axis.values.push_back(v.Scalar());
                axis.value_origins.push_back(At(v.Mark()));
            }
            if (ok)
            {
                s_.sweep.grid.push_back(std::move(axis));
            }
        }
    }

    Scenario& s_;
    DiagnosticSink& sink_;
    int merges_ = 0;
};

} // namespace

void ReadDocument(const YAML::Node& root, Scenario& s, DiagnosticSink& sink)
{
    if (root.IsNull())
    {
        return; // an empty file: every default
    }
    if (!root.IsMap())
    {
        sink.Error(At(root.Mark()),
                   fmt::format("a scenario must be a map of keys (e.g. 'horizon: 3d'), got {}",
                               Describe(root)));
        return;
    }
    Reader(s, sink).ReadMap(root, "", Indices{});
}

} // namespace teepsim::sim::detail
