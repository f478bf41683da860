// Canonical overrides: what the scenario hash sees of --set and sweep values, so that the hash
// (and with it resume and per-point grouping) does not depend on how the overrides were written.
#include <fmt/format.h>

#include "sim/scenario/load_context.h"

namespace teepsim::sim
{

namespace detail
{
std::string CanonicalValue(const Scenario& s, std::string_view key)
{
    const ResolvedKey r = ResolveKey(s, key);
    if (!r.error.empty() || r.knob == nullptr || !r.knob->IsScalar() || r.knob->get == nullptr)
    {
        return {}; // not reached for a key SetKey accepted
    }
    return FormatKnobValue(*r.knob, r.knob->get(s, r.indices));
}
} // namespace detail

std::vector<std::string> CanonicalOverrides(const ScenarioSource& source)
{
    std::vector<std::string> out;
    out.reserve(source.applied.size());
    for (const auto& [key, value] : source.applied) // std::map: sorted by key
    {
        out.push_back(fmt::format("{}={}", key, value));
    }
    return out;
}

} // namespace teepsim::sim
