// `teepsim sweep FILE --out DB [--jobs N] [--dry-run] [--set KEY=VALUE]...`: every sweep point
// x replication as its own `teepsim run` process (ns-3's simulator is a process-wide
// singleton), N at a time, into one database. Runs already complete in the database are
// skipped, so an interrupted or extended sweep only runs what is missing. A failed run is
// recorded with the tail of its stderr and does not stop the sweep.
#include "teepsim/sim/cli.h"
#include "teepsim/sim/results.h"
#include "teepsim/sim/scenario.h"
#include "teepsim/sim/sweep.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>
#include <thread>

extern char** environ;

namespace teepsim::cli
{

namespace
{
struct SweepArgs
{
    std::string file, out;
    int jobs = 1;
    bool dryRun = false;
    std::vector<std::string> overrides;
};

std::string ParseSweepArgs(const std::vector<std::string>& args, SweepArgs& a, bool& help)
{
    for (size_t i = 0; i < args.size(); ++i)
    {
        const std::string& arg = args[i];
        const bool hasValue = i + 1 < args.size();
        if (arg == "--help" || arg == "-h")
        {
            help = true;
        }
        else if (arg == "--dry-run")
        {
            a.dryRun = true;
        }
        else if (arg == "--out" && hasValue)
        {
            a.out = args[++i];
        }
        else if (arg == "--jobs" && hasValue)
        {
            const std::string v = args[++i];
            if (v.empty() || v.size() > 4 ||
                v.find_first_not_of("0123456789") != std::string::npos || std::stoi(v) < 1)
            {
                return "--jobs needs a positive integer, got '" + v + "'";
            }
            a.jobs = std::stoi(v);
        }
        else if (arg == "--set" && hasValue && args[i + 1].find('=') != std::string::npos)
        {
            a.overrides.push_back(args[++i]);
        }
        else if (!arg.empty() && arg[0] == '-')
        {
            return "unknown or incomplete option '" + arg + "'";
        }
        else if (a.file.empty())
        {
            a.file = arg;
        }
        else
        {
            return "more than one scenario file given";
        }
    }
    if (help)
    {
        return {};
    }
    if (a.file.empty())
    {
        return "missing scenario FILE";
    }
    if (a.out.empty() && !a.dryRun)
    {
        return "--out DB is required";
    }
    return {};
}

std::string SelfExe()
{
    std::error_code ec;
    auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("teepsim") : p.string();
}

std::string Tail(const std::string& path, size_t maxBytes = 2000)
{
    std::ifstream f(path, std::ios::binary);
    std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    return s.size() > maxBytes ? s.substr(s.size() - maxBytes) : s;
}

struct Child
{
    pid_t pid;
    size_t index;
    std::string stderrPath;
};
} // namespace

int SweepCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    SweepArgs a;
    bool help = false;
    if (std::string e = ParseSweepArgs(args, a, help); !e.empty())
    {
        err << "teepsim sweep: " << e << "\n";
        return 2;
    }
    if (help)
    {
        out << "usage: teepsim sweep FILE --out DB [--jobs N] [--dry-run] [--set KEY=VALUE]...\n"
               "Runs every point x replication of the scenario's `sweep:` section, each as its "
               "own process,\nN at a time, into one database; runs already complete there are "
               "skipped.\n";
        return 0;
    }
    const sim::LoadResult loaded = sim::LoadScenario(a.file, a.overrides);
    for (const sim::Diagnostic& d : loaded.diagnostics)
    {
        err << d.ToString() << "\n";
    }
    if (!loaded.ok())
    {
        return 2;
    }
    const sim::SweepExpansion expansion = sim::ExpandSweep(loaded.scenario);
    for (const sim::Diagnostic& d : expansion.diagnostics)
    {
        err << d.ToString() << "\n";
    }
    if (!expansion.ok())
    {
        return 2;
    }
    if (a.dryRun)
    {
        for (const sim::SweepRun& r : expansion.runs)
        {
            out << r.key << "  (seed " << r.scenario.seed << ", run " << r.scenario.run << ")\n";
        }
        out << expansion.runs.size() << " runs\n";
        return 0;
    }

    std::optional<results::ResultsDb> db;
    try
    {
        db.emplace(results::ResultsDb::Open(a.out));
    }
    catch (const std::exception& e)
    {
        err << "teepsim sweep: " << a.out << ": " << e.what() << "\n";
        return 2;
    }

    std::vector<size_t> todo;
    for (size_t i = 0; i < expansion.runs.size(); ++i)
    {
        const sim::Scenario& s = expansion.runs[i].scenario;
        if (!db->HasCompletedRun(s.source.hash, s.seed, s.run))
        {
            todo.push_back(i);
        }
    }
    out << "sweep: " << expansion.runs.size() << " runs, " << expansion.runs.size() - todo.size()
        << " already in " << a.out << ", " << todo.size() << " to run with " << a.jobs
        << " job(s)\n";

    const std::string exe = SelfExe();
    const std::string tmpDir =
        std::filesystem::temp_directory_path() / ("teepsim-sweep-" + std::to_string(getpid()));
    std::filesystem::create_directories(tmpDir);
    std::vector<Child> running;
    size_t next = 0, done = 0, failed = 0;
    const auto start = std::chrono::steady_clock::now();

    auto launch = [&](size_t index)
    {
        const sim::SweepRun& r = expansion.runs[index];
        std::vector<std::string> argv{exe,
                                      "run",
                                      a.file,
                                      "--out",
                                      a.out,
                                      "--quiet",
                                      "--sweep-child",
                                      "--seed",
                                      std::to_string(r.scenario.seed),
                                      "--run",
                                      std::to_string(r.scenario.run)};
        for (const std::string& o : r.scenario.source.overrides)
        {
            argv.push_back("--set");
            argv.push_back(o);
        }
        std::vector<char*> cargv;
        for (std::string& s : argv)
        {
            cargv.push_back(s.data());
        }
        cargv.push_back(nullptr);
        const std::string errPath = tmpDir + "/run-" + std::to_string(index) + ".err";
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, errPath.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0644);
        pid_t pid = -1;
        const int rc = posix_spawn(&pid, exe.c_str(), &fa, nullptr, cargv.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        if (rc != 0)
        {
            throw std::runtime_error(std::string("cannot start ") + exe + ": " + std::strerror(rc));
        }
        running.push_back({pid, index, errPath});
    };

    try
    {
        while (next < todo.size() || !running.empty())
        {
            while (next < todo.size() && running.size() < static_cast<size_t>(a.jobs))
            {
                launch(todo[next++]);
            }
            int status = 0;
            const pid_t pid = waitpid(-1, &status, 0);
            if (pid < 0)
            {
                break;
            }
            auto it = std::find_if(running.begin(), running.end(),
                                   [pid](const Child& c) { return c.pid == pid; });
            if (it == running.end())
            {
                continue;
            }
            const Child child = *it;
            running.erase(it);
            ++done;
            const sim::SweepRun& r = expansion.runs[child.index];
            const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
            if (!ok)
            {
                ++failed;
                results::RunRecord rec;
                rec.scenarioName = r.scenario.name;
                rec.scenarioText = r.scenario.source.text;
                rec.scenarioHash = r.scenario.source.hash;
                rec.seed = r.scenario.seed;
                rec.run = r.scenario.run;
                rec.teepsimVersion = TEEPSIM_VERSION;
                rec.startedAt = results::NowUtcIso8601();
                rec.error =
                    (WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                         : "exit code " + std::to_string(WEXITSTATUS(status))) +
                    "\n" + Tail(child.stderrPath);
                db->RecordFailedRun(rec, sim::ResolvedParameters(r.scenario));
                err << "sweep: " << r.key << " failed ("
                    << rec.error.substr(0, rec.error.find('\n')) << ")\n";
            }
            std::filesystem::remove(child.stderrPath);
            const double wall =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            out << "sweep: " << done << "/" << todo.size() << " " << r.key
                << (ok ? " ok" : " FAILED") << " (" << static_cast<int>(wall) << " s)\n"
                << std::flush;
        }
        sim::WritePointSummaries(a.out);
    }
    catch (const std::exception& e)
    {
        for (const Child& c : running)
        {
            kill(c.pid, SIGTERM);
            waitpid(c.pid, nullptr, 0);
        }
        err << "teepsim sweep: " << e.what() << "\n";
        return 1;
    }
    std::filesystem::remove_all(tmpDir);
    out << "sweep: " << done - failed << " ok, " << failed << " failed\n";
    return failed == 0 ? 0 : 1;
}

} // namespace teepsim::cli
