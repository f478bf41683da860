// `teepsim analytic FILE [--set KEY=VALUE]...`: what theory predicts for a scenario.
#include "teepsim/sim/cli.h"
#include "teepsim/sim/deployment.h"
#include "teepsim/sim/scenario.h"

#include <fmt/format.h>

#include <ostream>

#include "sim/cli/common/command_line.h"

namespace teepsim::cli
{

namespace
{
// A NULL says where its reason is: the model states why on the "theory:" lines it prints.
std::string Seconds(const std::optional<double>& s, bool reasonsGiven)
{
    if (s)
    {
        return fmt::format("{:.6g} s ({:.4f} h)", *s, *s / 3600);
    }
    return reasonsGiven ? "NULL (why: the theory:/note: lines below)" : "NULL (no closed form)";
}
} // namespace

int AnalyticCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    std::vector<std::string> files, overrides;
    CommandLine cl("analytic", "FILE [options]",
                   "Prints the closed-form predictions (THEORY.md) for the scenario; NULL where no "
                   "closed form applies. Nothing is simulated.");
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
    const sim::LoadResult loaded = sim::LoadScenario(file, overrides);
    for (const sim::Diagnostic& d : loaded.diagnostics)
    {
        err << d.ToString() << "\n";
    }
    if (!loaded.ok())
    {
        return 2;
    }
    std::vector<std::string> notes;
    const analytic::Inputs in = sim::AnalyticInputsFor(loaded.scenario, &notes);
    const analytic::Prediction p = analytic::Predict(in);
    const bool why = !notes.empty() || !p.notes.empty();
    const auto Hours = [why](const std::optional<double>& v) { return Seconds(v, why); };
    out << "scenario: " << loaded.scenario.name << "\n";
    out << "E[R]            " << Hours(p.meanR) << "\n";
    out << "sd(R)           " << Hours(p.sdR) << "\n";
    out << "p50/p90/p95/p99 R  " << Hours(p.quantR.p50) << " / " << Hours(p.quantR.p90) << " / "
        << Hours(p.quantR.p95) << " / " << Hours(p.quantR.p99) << "\n";
    out << "E[max R] fleet  " << Hours(p.fleetMaxR) << "\n";
    out << "E[T_trust]      " << Hours(p.meanTtrust) << "\n";
    out << "E[W_danger]     " << Hours(p.meanWdanger) << "\n";
    out << "E[W_clean]      " << Hours(p.meanWclean) << "\n";
    out << "TAM utilisation " << (p.utilisation ? fmt::format("{:.4f}", *p.utilisation) : "NULL")
        << "\n";
    out << "E[queue wait]   " << Hours(p.meanQueueWait) << "\n";
    for (const std::string& n : notes)
    {
        out << "note: " << n << "\n";
    }
    for (const std::string& n : p.notes)
    {
        out << "theory: " << n << "\n";
    }
    return 0;
}

} // namespace teepsim::cli
