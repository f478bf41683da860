// `teepsim validate FILE [--set KEY=VALUE]...`: load and check only; exit 0 valid, 2 invalid.
#include "teepsim/sim/resource_budget.h"
#include "teepsim/sim/scenario.h"
#include "teepsim/sim/units.h"

#include <fmt/format.h>

#include <ostream>

#include "sim/cli/common/command_line.h"
#include "sim/scenario/load_context.h"

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
    // The file name as given may hold anything (control characters, megabytes): print it clean.
    const std::string shown = detail::CleanMessage(file, 160);
    std::size_t errors = 0;
    for (const Diagnostic& d : r.diagnostics)
    {
        err << d.ToString() << '\n';
        errors += d.severity == Severity::Error;
    }
    if (errors > 0)
    {
        err << fmt::format("{}: {} error{}; nothing was run\n", shown, errors,
                           errors == 1 ? "" : "s");
        return 2;
    }
    const Scenario& s = r.scenario;
    std::string sweep;
    if (!s.sweep.empty())
    {
        // Counted, not expanded: validating a large sweep must not build every run.
        sweep = fmt::format(", sweep of {} runs", detail::CountSweepRuns(s));
    }
    out << fmt::format("{}: valid: '{}', {} devices in {} class{}, horizon {}, transport {}{}\n",
                       shown, detail::CleanMessage(s.name, 80), s.TotalDevices(), s.fleet.size(),
                       s.fleet.size() == 1 ? "" : "es", FormatDuration(s.horizon_ns),
                       s.transport == Transport::Full ? "full" : "message", sweep);
    // Informational: `teepsim run` refuses a run that does not fit unless --force is given.
    out << fmt::format("{}: memory per run: about {}\n", shown,
                       EstimateDeploymentMemory(s).breakdown);
    if (auto refusal = CheckMemoryBudget(s, /*force=*/false))
    {
        out << fmt::format("{}: note: {}\n", shown, *refusal);
    }
    return 0;
}

} // namespace teepsim::sim
