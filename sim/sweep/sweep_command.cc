// `teepsim sweep FILE --out DB [options]` (see --help), in named steps: parse the options, plan
// the runs (lazily: a run is built only when listed or launched), list them or select the ones
// still missing from the database, run those as child processes (sweep_children.cc), and
// summarize (point_summaries, journal mode, final line).
#include "teepsim/sim/cli.h"
#include "teepsim/sim/results.h"
#include "teepsim/sim/scenario.h"
#include "teepsim/sim/sweep.h"

#include <ostream>

#include "sim/sweep/sweep_steps.h"

namespace teepsim::cli
{

namespace sweep
{

std::optional<int> PlanSweep(const SweepArgs& a, SweepPlanned& planned, std::ostream& err)
{
    sim::LoadResult loaded = sim::LoadScenario(a.file, a.overrides);
    for (const sim::Diagnostic& d : loaded.diagnostics)
    {
        err << d.ToString() << "\n";
    }
    if (!loaded.ok())
    {
        return 2;
    }
    std::vector<sim::Diagnostic> diagnostics;
    planned.plan = sim::SweepPlan::Make(loaded.scenario, diagnostics);
    for (const sim::Diagnostic& d : diagnostics)
    {
        err << d.ToString() << "\n";
    }
    if (planned.plan.size() == 0)
    {
        return 2;
    }
    planned.base = std::move(loaded.scenario);
    if (a.index && *a.index >= planned.plan.size())
    {
        err << UsageLine("sweep", "--index " + std::to_string(*a.index) +
                                      " is out of range: the sweep has " +
                                      std::to_string(planned.plan.size()) + " runs (0 to " +
                                      std::to_string(planned.plan.size() - 1) + ")")
            << "\n";
        return kExitUsage;
    }
    return std::nullopt;
}

namespace
{

// Opens (or creates) the database, records the sweep's identity and returns the selected runs
// not yet complete in it. Throws on a database error.
std::vector<std::size_t> Missing(const SweepArgs& a, const SweepPlanned& planned,
                                 std::size_t& selected)
{
    std::vector<std::size_t> todo;
    {
        const results::ResultsDb db = results::ResultsDb::Open(a.out);
        ForEachSelected(a, planned.plan.size(),
                        [&](std::size_t i)
                        {
                            ++selected;
                            const sim::Scenario s = planned.plan.Run(i).scenario;
                            if (!db.HasCompletedRun(s.source.hash, s.seed, s.run))
                            {
                                todo.push_back(i);
                            }
                        });
    }
    MarkSweep(a.out, planned);
    return todo;
}

// After the runs: point summaries (unless stopped), then the journal mode the file is left in.
int Summarize(const SweepArgs& a, const ChildrenOutcome& o, std::ostream& out)
{
    if (o.stopSignal == 0)
    {
        sim::WritePointSummaries(a.out);
    }
    SetJournalMode(a.out, a.UseWal());
    if (o.stopSignal != 0)
    {
        return 128 + o.stopSignal;
    }
    out << "sweep: " << o.done - o.failed << " ok, " << o.failed << " failed\n" << std::flush;
    return o.failed == 0 ? 0 : 1;
}

} // namespace
} // namespace sweep

int SweepCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    sweep::SweepArgs a;
    if (auto done = sweep::ParseSweepArgs(args, a, out, err))
    {
        return *done;
    }
    sweep::SweepPlanned planned;
    if (auto done = sweep::PlanSweep(a, planned, err))
    {
        return *done;
    }
    if (a.list)
    {
        sweep::ListRuns(a, planned, out);
        return 0;
    }
    if (a.dryRun)
    {
        sweep::DryRun(a, planned, out);
        return 0;
    }
    std::vector<std::size_t> todo;
    std::size_t selected = 0;
    try
    {
        todo = sweep::Missing(a, planned, selected);
    }
    catch (const std::exception& e)
    {
        err << "teepsim sweep: " << a.out << ": " << e.what() << "\n";
        return 2;
    }
    out << "sweep: " << selected << " runs, " << selected - todo.size() << " already in " << a.out
        << ", " << todo.size() << " to run with " << a.jobs << " job(s)\n"
        << std::flush;
    try
    {
        const sweep::ChildrenOutcome o = sweep::RunChildren(a, planned, todo, out, err);
        return sweep::Summarize(a, o, out);
    }
    catch (const std::exception& e)
    {
        err << "teepsim sweep: " << e.what() << "\n";
        return 1;
    }
}

} // namespace teepsim::cli
