// `teepsim validate FILE [--set KEY=VALUE]...`: load and check only; exit 0 valid, 2 invalid.
#include "teepsim/sim/scenario.h"
#include "teepsim/sim/units.h"

#include <fmt/format.h>

#include <ostream>

#include "sim/cli/common/command_line.h"

namespace teepsim::sim
{
int ValidateCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    std::vector<std::string> files, overrides;
    cli::CommandLine cl("validate", "FILE [options]",
                        "Checks a scenario file and its overrides and prints FILE:LINE:COL "
                        "diagnostics; runs nothing. Exit 0 when valid, 2 when not.");
    cl.Positionals("FILE", "scenario file (YAML; see scenarios/README.md)", files);
    cl.AddSet(overrides);
    if (auto done = cl.Parse(args, out, err))
    {
        return *done;
    }
    if (files.empty())
    {
        return cl.UsageError(err, "missing scenario FILE");
    }
    const std::string& file = files.front();
    LoadResult r = LoadScenario(file, overrides);
    std::size_t errors = 0;
    for (const Diagnostic& d : r.diagnostics)
    {
        err << d.ToString() << '\n';
        errors += d.severity == Severity::Error;
    }
    if (errors > 0)
    {
        err << fmt::format("{}: {} error{}; nothing was run\n", file, errors,
                           errors == 1 ? "" : "s");
        return 2;
    }
    const Scenario& s = r.scenario;
    std::string sweep;
    if (!s.sweep.empty())
    {
        SweepExpansion e = ExpandSweep(s);
        sweep = fmt::format(", sweep of {} runs", e.runs.size());
    }
    out << fmt::format("{}: valid: '{}', {} devices in {} class{}, horizon {}, transport {}{}\n",
                       file, s.name, s.TotalDevices(), s.fleet.size(),
                       s.fleet.size() == 1 ? "" : "es", FormatDuration(s.horizon_ns),
                       s.transport == Transport::Full ? "full" : "message", sweep);
    return 0;
}

} // namespace teepsim::sim
