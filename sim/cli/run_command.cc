// `teepsim run FILE [options]` (see --help):
// validate, simulate, compare with theory, write one transaction into SQLite, print a summary.
#include "teepsim/sim/analytic_warnings.h"
#include "teepsim/sim/cli.h"
#include "teepsim/sim/deployment.h"
#include "teepsim/sim/resource_budget.h"
#include "teepsim/sim/results.h"
#include "teepsim/sim/run_report.h"
#include "teepsim/sim/scenario.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>

#include "sim/cli/common/progress.h"
#include "sim/cli/run_options.h"

namespace teepsim::cli
{

const char* GitCommit(); // generated at build time (sim/cli/git_commit.cmake)

namespace
{
constexpr uint64_t kMaxSeed = 0xffffffffULL;
constexpr uint64_t kMaxRun = ~0ULL >> 1;

// Declares every option of `teepsim run` on `cl`, filling `a`.
void DefineRunOptions(CommandLine& cl, RunOptions& a, std::vector<std::string>& files)
{
    cl.Positionals("FILE", "scenario file (YAML; see scenarios/README.md)", files);
    cl.app()
        .add_option("--out", a.out,
                    "SQLite database to add the run to; several runs may share one database")
        ->type_name("DB")
        ->default_str("outputs.database, else teepsim.db");
    cl.app()
        .add_option("--seed", a.seed, "RNG seed, overriding the scenario's seed")
        ->type_name("N")
        ->default_str("the scenario's seed")
        ->check(IntegerIn(1, kMaxSeed));
    cl.app()
        .add_option("--run", a.run, "RNG run number: an independent replication of the same seed")
        ->type_name("N")
        ->default_str("the scenario's run")
        ->check(IntegerIn(0, kMaxRun));
    cl.AddSet(a.overrides);
    cl.AddQuiet(a.quiet, "no progress and no summary table");
    cl.AddForce(a.force);
    cl.AddProgress(a.progress);
    // Internal: set by `teepsim sweep` on its child runs, which record failures themselves.
    cl.app().add_flag("--sweep-child", a.sweepChild)->group("");
}

} // namespace

int RunCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    RunOptions a;
    std::vector<std::string> files;
    CommandLine cl("run", "FILE [options]",
                   "Validates the scenario, simulates it, compares the results with theory, "
                   "writes the run into a SQLite database (one transaction) and prints a summary "
                   "table.");
    DefineRunOptions(cl, a, files);
    cl.SetFooter(sim::FormatKnobHelp()); // every key --set takes
    if (auto done = cl.Parse(args, out, err))
    {
        return *done;
    }
    if (files.empty())
    {
        return cl.UsageError(err, "missing scenario FILE");
    }
    a.file = files.front();

    sim::LoadResult loaded = sim::LoadScenario(a.file, a.overrides);
    for (const sim::Diagnostic& d : loaded.diagnostics)
    {
        err << d.ToString() << "\n";
    }
    if (!loaded.ok())
    {
        return 2; // nothing was created
    }
    sim::Scenario s = loaded.scenario;
    if (a.seed)
    {
        s.seed = static_cast<uint32_t>(*a.seed);
    }
    if (a.run)
    {
        s.run = *a.run;
    }
    // Refuse a fleet that cannot fit before anything is built or written (--force overrides).
    if (auto refusal = sim::CheckMemoryBudget(s, a.force))
    {
        err << "teepsim run: " << *refusal << "\n";
        return 2;
    }
    const std::string dbPath =
        !a.out.empty() ? a.out : (!s.outputs.database.empty() ? s.outputs.database : "teepsim.db");

    results::RunRecord record;
    record.scenarioName = s.name;
    record.scenarioText = s.source.text;
    record.scenarioHash = s.source.hash;
    record.seed = s.seed;
    record.run = s.run;
    // The commit too, so a report can name the exact source of every run.
    record.teepsimVersion = std::string(TEEPSIM_VERSION) + " (commit " + GitCommit() + ")";
    record.startedAt = results::NowUtcIso8601();
    const results::RunParams params = sim::RunParameters(s);

    // Open (or create) the database before simulating, so a bad path fails fast.
    std::optional<results::ResultsDb> db;
    try
    {
        db.emplace(results::ResultsDb::Open(dbPath));
    }
    catch (const std::exception& e)
    {
        err << "teepsim run: " << dbPath << ": " << e.what() << "\n";
        return 2;
    }

    ProgressPrinter progress(err, ResolveProgressStyle(a.progress, a.quiet, isatty(STDERR_FILENO)),
                             a.progress.intervalSeconds, "teepsim run");
    const auto wallStart = std::chrono::steady_clock::now();
    try
    {
        sim::Deployment deployment(s);
        deployment.Build();
        if (s.outputs.pcap)
        {
            deployment.EnablePcap(s.outputs.pcap_dir);
        }
        deployment.Run(progress.style() == ProgressStyle::None
                           ? std::function<void(const sim::Progress&)>{}
                           : [&progress](const sim::Progress& p)
                           { progress.Update(p.wallSeconds, sim::FormatProgress(p)); });
        record.wallSeconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
        progress.Finish(record.wallSeconds,
                        sim::FormatProgress({s.horizon_ns, s.horizon_ns, deployment.GetEventCount(),
                                             record.wallSeconds}));
        record.events = deployment.GetEventCount();
        record.peakRssKib = results::PeakRssKib();

        std::vector<std::string> notes;
        const analytic::Prediction prediction =
            analytic::Predict(sim::AnalyticInputsFor(s, &notes));
        const auto analyticRows = sim::AnalyticSummaries(prediction);
        const auto analyticSeries = sim::AnalyticSeries(prediction);
        const auto analyticWarnings =
            sim::AnalyticWarnings(prediction, deployment.GetRecorder()); // why values are NULL
        const int64_t runId = db->WriteRun(record, deployment.GetRecorder(), params, analyticRows,
                                           analyticSeries, analyticWarnings);
        const auto& rec = deployment.GetRecorder();
        if (!a.quiet)
        {
            sim::PrintSummary(out, s, rec, prediction, notes, record, runId, dbPath);
        }
        sim::PrintTheoryWarnings(err, rec, prediction);
    }
    catch (const std::exception& e)
    {
        record.error = e.what();
        record.wallSeconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
        if (!a.sweepChild)
        {
            try
            {
                db->RecordFailedRun(record, params);
            }
            catch (const std::exception&)
            {
                // The failure itself is what we report; a second error adds nothing.
            }
        }
        err << "teepsim run: " << a.file << ": simulation failed: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

} // namespace teepsim::cli
