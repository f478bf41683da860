// Walks the YAML document against the knob table: unknown keys, wrong types, bad values.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>

#include "sim/scenario/load_context.h"
#include "sim/scenario/yaml_scan.h"

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
    Reader(Scenario& s, DiagnosticSink& sink, const YamlShape& shape)
        : s_(s), sink_(sink), shape_(shape)
    {
    }

    void ReadMap(const YAML::Node& map, const std::string& prefix, const Indices& idx)
    {
        // YAML merge keys ("<<: *defaults") first, so that the map's own keys override them;
        // yaml-cpp leaves merging to the reader.
        for (const auto& entry : map)
        {
            if (entry.first.IsScalar() && entry.first.Scalar() == "<<")
            {
                AliasScope via(*this, entry.second, Offset(entry.first), ValueIsAlias(entry));
                ReadMerge(entry.second, prefix, idx, Here(entry.first.Mark()));
            }
        }
        std::map<std::string, KeyOrigin> seen;
        for (const auto& entry : map)
        {
            const YAML::Node& key_node = entry.first;
            const YAML::Node& value = entry.second;
            KeyOrigin key_at = Here(key_node.Mark());
            if (!key_node.IsScalar())
            {
                Error(key_at, fmt::format("keys must be plain names, got {}", Describe(key_node)));
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
                Error(key_at, fmt::format("duplicate key '{}' in {} (first given at line {})", key,
                                          where, first->second.line));
                continue;
            }
            const std::string pattern = Join(prefix, key);
            const Knob* knob =
                key.find_first_of(".*") == std::string::npos ? FindKnob(pattern) : nullptr;
            if (knob == nullptr)
            {
                auto candidates = ChildNames(prefix);
                std::string_view near = ClosestMatch(key, candidates);
                Error(key_at,
                      fmt::format("unknown key '{}' in {}{}", key, where,
                                  near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
                continue;
            }
            AliasScope via(*this, value, Offset(key_node), ValueIsAlias(entry));
            ReadValue(*knob, value, idx, key_at);
        }
    }

  private:
    // While reading a node reached through an alias, every position is the alias's use site
    // (where the user wrote `*name`), not the anchored node's (the anchor's line), and messages
    // name the anchor.
    struct AliasSite
    {
        KeyOrigin at;
        std::string note;
    };

    class AliasScope
    {
      public:
        // `node` is read where the text reaches byte offset `after`; is_alias says whether it is
        // written elsewhere (an alias).
        AliasScope(Reader& r, const YAML::Node& node, std::size_t after, bool is_alias) : r_(r)
        {
            if (r.alias_ || !is_alias)
            {
                return; // an alias inside an aliased node: keep the outermost use site
            }
            if (const AliasUse* use = r.shape_.FindUse(after, Offset(node)))
            {
                r.alias_ = AliasSite{
                    .at = KeyOrigin{.line = use->line, .column = use->column, .override_text = {}},
                    .note = fmt::format(" (in *{}, the value anchored as &{} "
                                        "at line {})",
                                        use->anchor, use->anchor, use->anchor_line)};
                active_ = true;
            }
        }
        ~AliasScope()
        {
            if (active_)
            {
                r_.alias_.reset();
            }
        }
        AliasScope(const AliasScope&) = delete;
        AliasScope& operator=(const AliasScope&) = delete;

      private:
        Reader& r_;
        bool active_ = false;
    };

    static std::size_t Offset(const YAML::Node& n)
    {
        return n.Mark().pos >= 0 ? static_cast<std::size_t>(n.Mark().pos) : 0;
    }
    // Anchors come before their aliases and a value after its key: a value that starts before
    // its key is an alias.
    template<class Entry> static bool ValueIsAlias(const Entry& entry)
    {
        return entry.second.Mark().pos >= 0 && entry.second.Mark().pos < entry.first.Mark().pos;
    }
    // The same for list items: an item that does not start after the previous one (or after the
    // list's start) is an alias. `last` is the previous item's offset (its alias use if any).
    std::size_t ItemAfter(const YAML::Node& item, std::size_t last, bool& is_alias) const
    {
        is_alias = item.Mark().pos >= 0 && Offset(item) <= last;
        if (is_alias && alias_ == std::nullopt)
        {
            if (const AliasUse* use = shape_.FindUse(last, Offset(item)))
            {
                return use->pos;
            }
        }
        return is_alias ? last : Offset(item);
    }

    KeyOrigin Here(const YAML::Mark& m) const { return alias_ ? alias_->at : At(m); }
    void Error(const KeyOrigin& at, std::string message)
    {
        if (alias_)
        {
            message += alias_->note;
        }
        sink_.Error(at, std::move(message));
    }

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
                    Error(at, fmt::format("more than {} merges ('<<'): the document is too "
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
            std::size_t last = Offset(value);
            for (const auto& item : value)
            {
                bool is_alias = false;
                const std::size_t after = last;
                last = ItemAfter(item, last, is_alias);
                AliasScope via(*this, item, after, is_alias);
                if (!item.IsMap())
                {
                    Error(Here(item.Mark()), "'<<' merges maps only (e.g. <<: *defaults)");
                    continue;
                }
                ReadMerge(item, prefix, idx, at);
            }
            return;
        }
        Error(at,
              fmt::format("'<<' merges maps only (e.g. <<: *defaults), got {}", Describe(value)));
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
                    Error(Here(value.Mark()), fmt::format("'{}' must be a map of keys, got {}",
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
            KeyOrigin at = value.IsNull() ? key_at : Here(value.Mark());
            const std::string_view kind = KindName(knob);
            const bool vowel =
                !kind.empty() && std::string_view("aeiou").find(kind[0]) != std::string_view::npos;
            Error(at, fmt::format("'{}' expects {} {}{}, got {}", concrete, vowel ? "an" : "a",
                                  kind, Example(knob), Describe(value)));
            return;
        }
        auto parsed = ParseKnobValue(knob, value.Scalar());
        if (!parsed)
        {
            Error(Here(value.Mark()), fmt::format("{}: {}", concrete, parsed.error()));
            return;
        }
        knob.set(s_, idx, parsed.value());
        s_.source.origins[concrete] = Here(value.Mark());
    }

    void ReadList(const Knob& knob, const YAML::Node& value, const Indices& idx,
                  const KeyOrigin& key_at)
    {
        const std::string concrete = ConcreteKey(knob.key, idx);
        if (!value.IsNull() && !value.IsSequence())
        {
            Error(Here(value.Mark()),
                  fmt::format("'{}' must be a list (entries start with '- '), got {}", concrete,
                              Describe(value)));
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
        std::size_t last = Offset(value);
        for (std::size_t i = 0; i < value.size(); ++i)
        {
            Indices at = idx;
            at[Depth(knob.key)] = i;
            const YAML::Node& entry = value[i];
            bool is_alias = false;
            const std::size_t after = last;
            last = ItemAfter(entry, last, is_alias);
            AliasScope via(*this, entry, after, is_alias);
            if (!entry.IsMap())
            {
                Error(Here(entry.Mark()), fmt::format("'{}.{}' must be a map of keys, got {}",
                                                      concrete, i, Describe(entry)));
                continue;
            }
            s_.source.origins[ConcreteKey(element, at)] = Here(entry.Mark());
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
            Error(Here(value.Mark()),
                  fmt::format("'sweep.grid' must be a map of key: [values], got {}",
                              Describe(value)));
            return;
        }
        for (const auto& entry : value)
        {
            KeyOrigin at = Here(entry.first.Mark());
            if (!entry.first.IsScalar())
            {
                Error(at, "sweep.grid keys must be dotted keys such as verifier.validity");
                continue;
            }
            SweepAxis axis{
                .key = entry.first.Scalar(), .values = {}, .key_origin = at, .value_origins = {}};
            const YAML::Node& list = entry.second;
            AliasScope via_list(*this, list, Offset(entry.first), ValueIsAlias(entry));
            if (!list.IsSequence() || list.size() == 0)
            {
                Error(
                    list.IsNull() ? at : Here(list.Mark()),
                    fmt::format("sweep.grid.{} must be a non-empty list of values such as [1h, 4h]",
                                axis.key));
                continue;
            }
            bool ok = true;
            std::size_t last = Offset(list);
            for (const auto& v : list)
            {
                bool is_alias = false;
                const std::size_t after = last;
                last = ItemAfter(v, last, is_alias);
                AliasScope via(*this, v, after, is_alias);
                if (!v.IsScalar())
                {
                    Error(Here(v.Mark()),
                          fmt::format("sweep.grid.{}: each value must be a single value, got {}",
                                      axis.key, Describe(v)));
                    ok = false;
                    continue;
                }
                axis.values.push_back(v.Scalar());
                axis.value_origins.push_back(Here(v.Mark()));
            }
            if (ok)
            {
                s_.sweep.grid.push_back(std::move(axis));
            }
        }
    }

    Scenario& s_;
    DiagnosticSink& sink_;
    const YamlShape& shape_;
    std::optional<AliasSite> alias_;
    int merges_ = 0;
};

} // namespace

void ReadDocument(const YAML::Node& root, Scenario& s, DiagnosticSink& sink, const YamlShape& shape)
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
    Reader(s, sink, shape).ReadMap(root, "", Indices{});
}

} // namespace teepsim::sim::detail
