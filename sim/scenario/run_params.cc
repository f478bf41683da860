// RunParameters: every resolved knob with its number in a canonical SI unit and its swept flag,
// for the results database. The kind of each key comes from the knob table (never the text).
#include "teepsim/sim/run_params.h"

#include <fmt/format.h>

#include <set>

#include "sim/scenario/load_context.h"

namespace teepsim::sim
{
namespace
{

using detail::Knob;
using detail::KnobKind;
using detail::Value;

// The number and unit the database stores beside the text (see run_params.h).
void SetNumber(const Knob& k, const Value& v, results::RunParam& p)
{
    switch (k.kind)
    {
        case KnobKind::Duration:
            p.unit = "s";
            if (!(k.allow_auto && std::get<std::int64_t>(v) == kAutoDuration))
            {
                p.num = static_cast<double>(std::get<std::int64_t>(v)) / 1e9;
            }
            return; // "auto" is resolved by the deployment: no number here
        case KnobKind::Size:
            p.unit = "B";
            p.num = static_cast<double>(std::get<std::int64_t>(v));
            return;
        case KnobKind::Rate:
            p.unit = "bit/s";
            p.num = static_cast<double>(std::get<std::int64_t>(v));
            return;
        case KnobKind::Probability:
        case KnobKind::Real:
            p.unit = "1";
            p.num = std::get<double>(v);
            return;
        case KnobKind::Integer:
            p.unit = "count";
            p.num = static_cast<double>(std::get<std::int64_t>(v));
            return;
        case KnobKind::Bool:
            p.unit = "bool";
            p.num = std::get<bool>(v) ? 1.0 : 0.0;
            return;
        default:
            return; // text, names and choices: the text is the value
    }
}

// Concrete keys ("fleet.0.count") of the sweep axes this scenario is a point of: an axis counts
// when one of the scenario's overrides sets the same concrete key.
std::set<std::string> SweptKeys(const Scenario& s)
{
    std::set<std::string> overridden;
    for (const std::string& o : s.source.overrides)
    {
        const detail::ResolvedKey r = detail::ResolveKey(s, o.substr(0, o.find('=')));
        if (r.error.empty())
        {
            overridden.insert(r.concrete);
        }
    }
    std::set<std::string> swept;
    for (const SweepAxis& axis : s.sweep.grid)
    {
        const detail::ResolvedKey r = detail::ResolveKey(s, axis.key);
        if (r.error.empty() && overridden.count(r.concrete) != 0)
        {
            swept.insert(r.concrete);
        }
    }
    return swept;
}

} // namespace

results::RunParams RunParameters(const Scenario& s)
{
    const std::set<std::string> swept = SweptKeys(s);
    results::RunParams out;
    auto emit = [&](const Knob& k, const detail::Indices& at)
    {
        const Value v = k.get(s, at);
        results::RunParam& p = out.emplace_back();
        p.key = detail::ConcreteKey(k.key, at);
        p.value = detail::FormatKnobValue(k, v);
        SetNumber(k, v, p);
        p.swept = swept.count(p.key) != 0;
    };
    for (const Knob& k : detail::Knobs())
    {
        if (k.key.starts_with("sweep") || k.key.find('*') != std::string_view::npos)
        {
            continue; // sweeps describe a set of runs; list entries come with their list
        }
        if (k.IsScalar())
        {
            emit(k, {});
        }
        else if (k.kind == KnobKind::List)
        {
            const std::string prefix = fmt::format("{}.*.", k.key);
            for (std::size_t i = 0; i < k.size(s, {}); ++i)
            {
                for (const Knob& e : detail::Knobs())
                {
                    if (e.IsScalar() && e.key.starts_with(prefix))
                    {
                        emit(e, {i, 0});
                    }
                }
            }
        }
    }
    return out;
}

} // namespace teepsim::sim
