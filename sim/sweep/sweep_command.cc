// `teepsim sweep FILE --out DB [options]` (see --help): every sweep point x replication as its
// own `teepsim run` process (ns-3's simulator is a process-wide singleton), N at a time, into
// one database. Runs already complete in the database are skipped, so an interrupted or
// extended sweep only runs what is missing. A failed run is recorded with the tail of its stderr
// and does not stop the sweep. SIGINT/SIGTERM/SIGHUP stop the running children and leave
// nothing behind: each child's stderr goes to an already-unlinked temporary file.
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
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>
#include <thread>

#include "sim/cli/common/command_line.h"
#include "sim/cli/common/progress.h"
#include "sim/sweep/emit_slurm.h"

extern char** environ;

namespace teepsim::cli
{

namespace
{
struct SweepArgs
{
    std::string file, out;
    uint64_t jobs = 1;
    bool dryRun = false;
    bool force = false; // passed on to every run
    std::vector<std::string> overrides;
    cli::ProgressOptions progress;
    SlurmOptions slurm; // --emit slurm, --resubmit (emit_slurm.h)
};

void DefineSweepOptions(cli::CommandLine& cl, SweepArgs& a, std::vector<std::string>& files)
{
    cl.Positionals("FILE", "scenario file with a `sweep:` section", files);
    cl.app()
        .add_option("--out", a.out,
                    "SQLite database of the sweep (required unless --dry-run); runs already "
                    "complete in it are skipped")
        ->type_name("DB");
    cl.app()
        .add_option("--jobs", a.jobs, "runs at a time, each its own process")
        ->type_name("N")
        ->default_str("1")
        ->check(cli::IntegerIn(1, 1024));
    cl.app().add_flag("--dry-run", a.dryRun,
                      "list the runs (point key, seed, run) and their count; run nothing");
    cl.AddSet(a.overrides);
    cl.AddForce(a.force);
    cl.AddProgress(a.progress);
    AddSlurmOptions(cl, a.slurm);
}

// The signal that asked the sweep to stop (SIGINT, SIGTERM, SIGHUP), 0 while none did.
volatile std::sig_atomic_t g_stopSignal = 0;

extern "C" void OnStopSignal(int signal)
{
    g_stopSignal = signal;
}

// Installs OnStopSignal for the sweep's lifetime (without SA_RESTART, so sleeps end early) and
// restores the previous handlers afterwards.
class StopSignals
{
  public:
    StopSignals()
    {
        g_stopSignal = 0;
        struct sigaction sa
        {
        };
        sa.sa_handler = OnStopSignal;
        sigemptyset(&sa.sa_mask);
        for (size_t i = 0; i < kSignals.size(); ++i)
        {
            sigaction(kSignals[i], &sa, &m_old[i]);
        }
    }
    ~StopSignals()
    {
        for (size_t i = 0; i < kSignals.size(); ++i)
        {
            sigaction(kSignals[i], &m_old[i], nullptr);
        }
    }
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

  private:
    static constexpr std::array<int, 3> kSignals{SIGINT, SIGTERM, SIGHUP};
    std::array<struct sigaction, 3> m_old{};
};

std::string SelfExe()
{
    std::error_code ec;
    auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("teepsim") : p.string();
}

// An anonymous file for one child's stderr: created and unlinked at once, so that nothing is
// left behind however the sweep ends; close-on-exec, so that only its own child inherits it.
int AnonymousFile()
{
    std::string path = (std::filesystem::temp_directory_path() / "teepsim-sweep-XXXXXX").string();
    const int fd = mkstemp(path.data());
    if (fd < 0)
    {
        throw std::runtime_error("cannot create a temporary file in " +
                                 std::filesystem::temp_directory_path().string() + ": " +
                                 std::strerror(errno));
    }
    unlink(path.c_str());
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

// The last `maxBytes` of what was written to `fd`.
std::string Tail(int fd, size_t maxBytes = 2000)
{
    const off_t size = lseek(fd, 0, SEEK_END);
    const off_t from = size > static_cast<off_t>(maxBytes) ? size - maxBytes : 0;
    std::string s(static_cast<size_t>(std::max<off_t>(0, size - from)), '\0');
    const ssize_t n = pread(fd, s.data(), s.size(), from);
    s.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return s;
}

struct Child
{
    pid_t pid;
    size_t index;
    int stderrFd; // AnonymousFile(), closed once the child is reaped
};

// Stops every running child (SIGTERM) and reaps it.
void StopChildren(std::vector<Child>& running)
{
    for (const Child& c : running)
    {
        kill(c.pid, SIGTERM);
    }
    for (const Child& c : running)
    {
        while (waitpid(c.pid, nullptr, 0) < 0 && errno == EINTR)
        {
        }
        close(c.stderrFd);
    }
    running.clear();
}
} // namespace

int SweepCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    SweepArgs a;
    std::vector<std::string> files;
    cli::CommandLine cl(
        "sweep", "FILE --out DB [options]",
        "Runs every point x replication of the scenario's `sweep:` section, each as its own "
        "`teepsim run` process, N at a time, into one database; runs already complete there are "
        "skipped, so an interrupted sweep resumes where it stopped. Prints one line per finished "
        "run on stdout. SIGINT or SIGTERM stops the running children (exit 128 + signal).");
    DefineSweepOptions(cl, a, files);
    if (auto done = cl.Parse(args, out, err))
    {
        return *done;
    }
    if (files.empty())
    {
        return cl.UsageError(err, "missing scenario FILE");
    }
    a.file = files.front();
    if (auto bad = CheckSlurmOptions(a.slurm, a.out))
    {
        return cl.UsageError(err, *bad);
    }
    if (a.out.empty() && !a.dryRun && !SlurmModeRequested(a.slurm))
    {
        return cl.UsageError(err, "--out DB is required (or --dry-run)");
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
    if (SlurmModeRequested(a.slurm))
    {
        return RunSlurmMode(
            a.slurm, MakeSlurmSweep(a.file, a.out, a.overrides, a.force, loaded.scenario.name),
            expansion.runs, out, err);
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
        << " job(s)\n"
        << std::flush;

    const std::string exe = SelfExe();
    std::vector<Child> running;
    size_t next = 0, done = 0, failed = 0;
    const auto start = std::chrono::steady_clock::now();
    auto wallSeconds = [&start]
    { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    // Remaining wall time from the mean so far; unknown before the first run ends.
    auto eta = [&] { return done > 0 ? wallSeconds() / done * (todo.size() - done) : -1.0; };
    cli::ProgressPrinter progress(
        err, cli::ResolveProgressStyle(a.progress, false, isatty(STDERR_FILENO)),
        a.progress.intervalSeconds, "teepsim sweep");
    double lastProgress = -1;
    // `runEnded`: shown at once; otherwise at most once a wall second (the loop polls faster).
    auto showProgress = [&](bool runEnded)
    {
        const double wall = wallSeconds();
        if (!runEnded && wall - lastProgress < 1)
        {
            return;
        }
        lastProgress = wall;
        progress.Update(wall, std::to_string(done) + "/" + std::to_string(todo.size()) +
                                  " runs done (" + std::to_string(failed) + " failed), " +
                                  std::to_string(running.size()) + " running, " +
                                  cli::FormatEta(eta()));
    };

    auto launch = [&](size_t index)
    {
        const sim::SweepRun& r = expansion.runs[index];
        std::vector<std::string> argv{exe,
                                      "run",
                                      a.file,
                                      "--out",
                                      a.out,
                                      "--quiet",
                                      "--progress",
                                      "never",
                                      "--sweep-child",
                                      "--seed",
                                      std::to_string(r.scenario.seed),
                                      "--run",
                                      std::to_string(r.scenario.run)};
        if (a.force)
        {
            argv.push_back("--force");
        }
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
        const int errFd = AnonymousFile();
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_adddup2(&fa, errFd, STDERR_FILENO);
        pid_t pid = -1;
        const int rc = posix_spawn(&pid, exe.c_str(), &fa, nullptr, cargv.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        if (rc != 0)
        {
            close(errFd);
            throw std::runtime_error(std::string("cannot start ") + exe + ": " + std::strerror(rc));
        }
        running.push_back({pid, index, errFd});
    };

    const StopSignals stopSignals;
    try
    {
        while ((next < todo.size() || !running.empty()) && g_stopSignal == 0)
        {
            while (next < todo.size() && running.size() < a.jobs)
            {
                launch(todo[next++]);
            }
            int status = 0;
            const pid_t pid = waitpid(-1, &status, WNOHANG);
            if (pid == 0 || (pid < 0 && errno == EINTR))
            {
                showProgress(false);
                // Short sleeps: a finished run is noticed within 50 ms; a signal ends it early.
                usleep(50'000);
                continue;
            }
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
            if (g_stopSignal != 0)
            {
                // The child most likely died of the same signal (a terminal's Ctrl-C reaches
                // the whole process group): not a failure of the run.
                close(child.stderrFd);
                break;
            }
            ++done;
            const sim::SweepRun& r = expansion.runs[child.index];
            const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
            progress.Clear();
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
                    "\n" + Tail(child.stderrFd);
                db->RecordFailedRun(rec, sim::ResolvedParameters(r.scenario));
                err << "sweep: " << r.key << " failed ("
                    << rec.error.substr(0, rec.error.find('\n')) << ")\n"
                    << std::flush;
            }
            close(child.stderrFd);
            out << "sweep: " << done << "/" << todo.size() << " " << r.key
                << (ok ? " ok" : " FAILED") << " (" << static_cast<int>(wallSeconds()) << " s, "
                << cli::FormatEta(eta()) << ")\n"
                << std::flush;
            showProgress(true);
        }
        progress.Clear();
        if (g_stopSignal != 0)
        {
            const int signal = g_stopSignal;
            const size_t stopped = running.size();
            StopChildren(running);
            err << "teepsim sweep: stopped by signal " << signal << " (" << strsignal(signal)
                << "): " << stopped << " running run(s) ended, " << done << " of " << todo.size()
                << " finished; run the same command again to resume\n"
                << std::flush;
            return 128 + signal;
        }
        sim::WritePointSummaries(a.out);
    }
    catch (const std::exception& e)
    {
        progress.Clear();
        StopChildren(running);
        err << "teepsim sweep: " << e.what() << "\n";
        return 1;
    }
    out << "sweep: " << done - failed << " ok, " << failed << " failed\n" << std::flush;
    return failed == 0 ? 0 : 1;
}

} // namespace teepsim::cli
