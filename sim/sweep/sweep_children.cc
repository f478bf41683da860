// Running a sweep's runs as child processes: each its own `teepsim run` process (ns-3's
// simulator is a process-wide singleton), N at a time, into one database. A failed run is
// recorded with the tail of its stderr and does not stop the sweep. SIGINT/SIGTERM/SIGHUP stop
// the running children and leave nothing behind: each child's stderr goes to an
// already-unlinked temporary file.
#include "teepsim/sim/results.h"

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
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "sim/sweep/sweep_steps.h"

extern char** environ;

namespace teepsim::cli::sweep
{

namespace
{

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

// The `teepsim run` command line of one run: the sweep's file, the run's overrides, seed and run.
std::vector<std::string> ChildArgv(const SweepArgs& a, const std::string& exe,
                                   const sim::SweepRun& r)
{
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
    return argv;
}

Child Spawn(const std::string& exe, std::vector<std::string> argv, size_t index)
{
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
    return {pid, index, errFd};
}

// Records a run whose process failed (status 'failed', the tail of its stderr).
std::string RecordFailure(results::ResultsDb& db, const sim::SweepRun& r, int status, int errFd)
{
    results::RunRecord rec;
    rec.scenarioName = r.scenario.name;
    rec.scenarioText = r.scenario.source.text;
    rec.scenarioHash = r.scenario.source.hash;
    rec.seed = r.scenario.seed;
    rec.run = r.scenario.run;
    rec.teepsimVersion = TEEPSIM_VERSION;
    rec.startedAt = results::NowUtcIso8601();
    rec.error = (WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                     : "exit code " + std::to_string(WEXITSTATUS(status))) +
                "\n" + Tail(errFd);
    db.RecordFailedRun(rec, sim::RunParameters(r.scenario));
    return rec.error.substr(0, rec.error.find('\n'));
}

} // namespace

std::string SelfExe()
{
    std::error_code ec;
    auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("teepsim") : p.string();
}

ChildrenOutcome RunChildren(const SweepArgs& a, const SweepPlanned& planned,
                            const std::vector<std::size_t>& todo, std::ostream& out,
                            std::ostream& err)
{
    results::ResultsDb db = results::ResultsDb::Open(a.out);
    ChildrenOutcome o{.todo = todo.size()};
    const std::string exe = SelfExe();
    std::vector<Child> running;
    size_t next = 0;
    const auto start = std::chrono::steady_clock::now();
    auto wallSeconds = [&start]
    { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    // Remaining wall time from the mean so far; unknown before the first run ends.
    auto eta = [&] { return o.done > 0 ? wallSeconds() / o.done * (todo.size() - o.done) : -1.0; };
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
        progress.Update(wall, std::to_string(o.done) + "/" + std::to_string(todo.size()) +
                                  " runs done (" + std::to_string(o.failed) + " failed), " +
                                  std::to_string(running.size()) + " running, " +
                                  cli::FormatEta(eta()));
    };

    const StopSignals stopSignals;
    try
    {
        while ((next < todo.size() || !running.empty()) && g_stopSignal == 0)
        {
            while (next < todo.size() && running.size() < a.jobs)
            {
                const std::size_t index = todo[next++];
                running.push_back(Spawn(exe, ChildArgv(a, exe, planned.plan.Run(index)), index));
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
            ++o.done;
            const std::string key = planned.plan.Key(child.index);
            const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
            progress.Clear();
            if (!ok)
            {
                ++o.failed;
                const std::string why =
                    RecordFailure(db, planned.plan.Run(child.index), status, child.stderrFd);
                err << "sweep: " << key << " failed (" << why << ")\n" << std::flush;
            }
            close(child.stderrFd);
            out << "sweep: " << o.done << "/" << todo.size() << " " << key
                << (ok ? " ok" : " FAILED") << " (" << static_cast<int>(wallSeconds()) << " s, "
                << cli::FormatEta(eta()) << ")\n"
                << std::flush;
            showProgress(true);
        }
        progress.Clear();
        if (g_stopSignal != 0)
        {
            o.stopSignal = g_stopSignal;
            const size_t stopped = running.size();
            StopChildren(running);
            err << "teepsim sweep: stopped by signal " << o.stopSignal << " ("
                << strsignal(o.stopSignal) << "): " << stopped << " running run(s) ended, "
                << o.done << " of " << todo.size()
                << " finished; run the same command again to resume\n"
                << std::flush;
        }
    }
    catch (...)
    {
        progress.Clear();
        StopChildren(running);
        throw;
    }
    return o;
}

} // namespace teepsim::cli::sweep
