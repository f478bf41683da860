// Everything the knob table documents: resolved parameters (run_params), --help and README text.
#include "teepsim/sim/run_params.h"

#include <fmt/format.h>

#include "sim/scenario/knobs.h"

namespace teepsim::sim
{
namespace
{

using detail::Knob;
using detail::KnobKind;

// "fleet.*.count" -> "fleet.<class>.count" for readers.
std::string DocKey(std::string_view key)
{
    std::string out(key);
    for (auto [pattern, name] :
         {std::pair{"fleet.*", "fleet.<class>"}, std::pair{"catalogue.*", "catalogue.<ta>"},
          std::pair{"tam.outages.*", "tam.outages.<i>"}})
    {
        std::string_view p = pattern;
        if (out.starts_with(p))
        {
            out = name + out.substr(p.size());
        }
    }
    return out;
}

std::string DocDefault(const Knob& k)
{
    if (k.kind == KnobKind::List)
    {
        return k.default_count == 0 ? "none" : fmt::format("{} entry", k.default_count);
    }
    if (k.derived_default)
    {
        return "derived";
    }
    if (k.IsScalar() && k.default_text == "\"\"")
    {
        return "\"\"";
    }
    return std::string(k.default_text);
}

} // namespace

std::vector<std::pair<std::string, std::string>> ResolvedParameters(const Scenario& s)
{
    std::vector<std::pair<std::string, std::string>> out;
    for (results::RunParam& p : RunParameters(s)) // one walk of the knob table (run_params.cc)
    {
        out.emplace_back(std::move(p.key), std::move(p.value));
    }
    return out;
}

std::vector<KnobDoc> KnobReference()
{
    std::vector<KnobDoc> docs;
    for (const Knob& k : detail::Knobs())
    {
        docs.push_back(KnobDoc{.key = DocKey(k.key),
                               .type = std::string(detail::KindName(k)),
                               .unit = detail::UnitText(k),
                               .default_text = DocDefault(k),
                               .meaning = std::string(k.meaning)});
    }
    return docs;
}

std::string FormatKnobHelp()
{
    std::string out = "Scenario keys (set in the file or with --set KEY=VALUE):\n";
    for (const KnobDoc& d : KnobReference())
    {
        if (d.type == "map")
        {
            out += fmt::format("\n{}: {}\n", d.key, d.meaning);
            continue;
        }
        std::string type = d.unit.empty() ? d.type : fmt::format("{}: {}", d.type, d.unit);
        out += fmt::format("  {:<44} [{}] default {}\n      {}\n", d.key, type, d.default_text,
                           d.meaning);
    }
    return out;
}

std::string FormatKnobReferenceMarkdown()
{
    std::string out = "| key | type | unit / values | default | meaning |\n|---|---|---|---|---|\n";
    for (const KnobDoc& d : KnobReference())
    {
        std::string meaning = d.meaning;
        for (std::size_t pos = 0; (pos = meaning.find('|', pos)) != std::string::npos; pos += 2)
        {
            meaning.replace(pos, 1, "\\|");
        }
        // '<' would start an HTML tag in Markdown ("class<index>").
        for (std::size_t pos = 0; (pos = meaning.find('<', pos)) != std::string::npos; pos += 4)
        {
            meaning.replace(pos, 1, "&lt;");
        }
        std::string def = d.default_text;
        if (def == "derived")
        {
            def = "*derived*";
        }
        else if (!def.empty() && d.type != "list of maps")
        {
            def = fmt::format("`{}`", def);
        }
        out += fmt::format("| `{}` | {} | {} | {} | {} |\n", d.key, d.type, d.unit, def, meaning);
    }
    return out;
}

} // namespace teepsim::sim
