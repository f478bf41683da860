// `teepsim run FILE [--out DB] [--seed N] [--run N] [--set KEY=VALUE]... [--quiet]`:
// validate, simulate, compare with theory, write one transaction into SQLite, print a summary.
#include "teepsim/sim/cli.h"
#include "teepsim/sim/deployment.h"
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

namespace teepsim::cli
{

namespace
{
constexpr const char* kRunUsage =
    "usage: teepsim run FILE [--out DB] [--seed N] [--run N] [--set KEY=VALUE]... [--quiet]\n"
    "\n"
    "  --out DB         SQLite database to add the run to (default: outputs.database, or\n"
    "                   teepsim.db); several runs may share one database\n"
    "  --seed N         RNG seed (overrides the scenario's seed)\n"
    "  --run N          RNG run number (independent replication of the same seed)\n"
    "  --set KEY=VALUE  override one scenario knob by its dotted key (repeatable)\n"
    "  --quiet          no progress line and no summary table\n"
    "\n"
    "Scenario knobs (dotted key, type, default, meaning):\n";

struct RunArgs
{
    std::string file;
    std::string out;
    std::optional<uint64_t> seed, run;
    std::vector<std::string> overrides;
    bool quiet = false;
    bool help = false;
    bool sweepChild = false; // the sweep records failures itself, with the stderr tail
};

bool ParseUint(const std::string& text, uint64_t max, uint64_t& value)
{
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
        text.size() > 19)
    {
        return false;
    }
    value = std::stoull(text);
    return value <= max;
}

// Returns an error message, or empty on success.
std::string ParseRunArgs(const std::vector<std::string>& args, RunArgs& a)
{
    for (size_t i = 0; i < args.size(); ++i)
    {
        const std::string& arg = args[i];
        auto value = [&](std::string& dst) -> bool
        {
            if (i + 1 >= args.size())
            {
                return false;
            }
            dst = args[++i];
            return true;
        };
        std::string v;
        if (arg == "--help" || arg == "-h")
        {
            a.help = true;
        }
        else if (arg == "--sweep-child")
        {
            a.sweepChild = true;
        }
        else if (arg == "--quiet" || arg == "-q")
        {
            a.quiet = true;
        }
        else if (arg == "--out")
        {
            if (!value(a.out) || a.out.empty())
            {
                return "--out needs a database path";
            }
        }
        else if (arg == "--seed" || arg == "--run")
        {
            uint64_t n = 0;
            if (!value(v) || !ParseUint(v, arg == "--seed" ? 0xffffffffULL : ~0ULL >> 1, n) ||
                (arg == "--seed" && n == 0))
            {
                return arg + " needs a positive integer" + (v.empty() ? "" : ", got '" + v + "'");
            }
            (arg == "--seed" ? a.seed : a.run) = n;
        }
        else if (arg == "--set")
        {
            if (!value(v) || v.find('=') == std::string::npos)
            {
                return "--set needs KEY=VALUE" + (v.empty() ? "" : ", got '" + v + "'");
            }
            a.overrides.push_back(v);
        }
        else if (!arg.empty() && arg[0] == '-' && arg != "-")
        {
            return "unknown option '" + arg + "'";
        }
        else if (a.file.empty())
        {
            a.file = arg;
        }
        else
        {
            return "more than one scenario file given ('" + a.file + "', '" + arg + "')";
        }
    }
    if (!a.help && a.file.empty())
    {
        return "missing scenario FILE";
    }
    return {};
}

} // namespace

int RunCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    RunArgs a;
    if (std::string e = ParseRunArgs(args, a); !e.empty())
    {
        err << "teepsim run: " << e << "\n"
            << "usage: teepsim run FILE [options] (see --help)\n";
        return 2;
    }
    if (a.help)
    {
        out << kRunUsage << sim::FormatKnobHelp();
        return 0;
    }

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
    const std::string dbPath =
        !a.out.empty() ? a.out : (!s.outputs.database.empty() ? s.outputs.database : "teepsim.db");

    results::RunRecord record;
    record.scenarioName = s.name;
    record.scenarioText = s.source.text;
    record.scenarioHash = s.source.hash;
    record.seed = s.seed;
    record.run = s.run;
    record.teepsimVersion = TEEPSIM_VERSION;
    record.startedAt = results::NowUtcIso8601();
    const results::RunParams params = sim::ResolvedParameters(s);

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

    const bool showProgress = !a.quiet && isatty(STDERR_FILENO);
    const auto wallStart = std::chrono::steady_clock::now();
    try
    {
        sim::Deployment deployment(s);
        deployment.Build();
        if (s.outputs.pcap)
        {
            deployment.EnablePcap(s.outputs.pcap_dir);
        }
        deployment.Run(showProgress ? [&err](const sim::Progress& p) { sim::PrintProgress(err, p); }
                                    : std::function<void(const sim::Progress&)>{});
        if (showProgress)
        {
            err << "\r\033[K";
        }
        record.wallSeconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
        record.events = deployment.GetEventCount();
        record.peakRssKib = results::PeakRssKib();

        std::vector<std::string> notes;
        const analytic::Prediction prediction =
            analytic::Predict(sim::AnalyticInputsFor(s, &notes));
        const auto analyticRows = sim::AnalyticSummaries(prediction);
        const auto analyticSeries = sim::AnalyticSeries(prediction);
        const int64_t runId =
            db->WriteRun(record, deployment.GetRecorder(), params, analyticRows, analyticSeries);
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
