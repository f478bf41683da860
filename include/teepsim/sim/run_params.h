// A run's resolved scenario knobs as the results database stores them (table run_params): the
// text as written, the number in a canonical SI unit, and whether the sweep varies the key.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace teepsim::results
{

/// One resolved knob. `num`/`unit` come from the knob's kind in the scenario knob table, never
/// from the text: duration -> seconds "s", size -> bytes "B", rate -> "bit/s", probability and
/// plain numbers -> "1" (dimensionless), integers -> "count", booleans -> "bool" (0/1); text,
/// names and choices have neither (num nullopt, unit empty, stored as NULL).
struct RunParam
{
    std::string key;   ///< concrete dotted key, e.g. "fleet.0.count"
    std::string value; ///< canonical text, e.g. "4h", "64KiB", "auto"
    std::optional<double> num;
    std::string unit;
    bool swept = false; ///< a sweep axis of this run's sweep point (0 for a plain `run`)

    bool operator==(const RunParam&) const = default;
};

/// Resolved knobs of one run; keys must be unique.
using RunParams = std::vector<RunParam>;

} // namespace teepsim::results

namespace teepsim::sim
{

struct Scenario;

/// Every resolved knob of `scenario` (the keys and texts of ResolvedParameters, in the same
/// order) with its number and unit. A key is swept when it is an axis of the scenario's
/// `sweep.grid` and one of the scenario's overrides sets it, i.e. the scenario is one point of
/// its sweep (`teepsim sweep` and its child runs); a plain `teepsim run` of the same file sweeps
/// nothing.
results::RunParams RunParameters(const Scenario& scenario);

} // namespace teepsim::sim
