// `teepsim report DB... -o DIR [options]`: the HTML report of analysis/report.py, run with
// Debian's /usr/bin/python3 (the one with pandas and matplotlib; scripts/bootstrap.sh). The
// figures and tables are Python's; this command only finds the script in the build or install
// tree and passes the checked options on, so that both entry points behave the same.
#include "teepsim/sim/cli.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <ostream>

#include "sim/cli/common/command_line.h"

namespace teepsim::cli
{

namespace
{
constexpr const char* kPython = "/usr/bin/python3";

// Where analysis/report.py may be: $TEEPSIM_ANALYSIS_DIR, the install tree next to the binary
// (PREFIX/bin/teepsim -> PREFIX/share/teepsim/analysis), then the source tree of this build.
std::vector<std::filesystem::path> Candidates()
{
    std::vector<std::filesystem::path> dirs;
    if (const char* env = std::getenv("TEEPSIM_ANALYSIS_DIR"); env && *env)
    {
        dirs.emplace_back(env);
    }
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec)
    {
        dirs.push_back(exe.parent_path().parent_path() / "share" / "teepsim" / "analysis");
    }
    dirs.emplace_back(TEEPSIM_ANALYSIS_SOURCE_DIR);
    return dirs;
}

// Runs argv, copying the child's stdout to `out` and stderr to `err` as they come (the report
// prints little: one line per page and per skipped figure). Returns its exit code, or -1 when
// it could not be started.
int RunChild(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err)
{
    std::array<int, 2> o{}, e{};
    if (pipe2(o.data(), O_CLOEXEC) != 0 || pipe2(e.data(), O_CLOEXEC) != 0)
    {
        return -1;
    }
    std::vector<char*> args; // built before fork: the child only calls async-signal-safe code
    for (const std::string& a : argv)
    {
        args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    const pid_t pid = fork();
    if (pid < 0)
    {
        return -1;
    }
    if (pid == 0)
    {
        dup2(o[1], STDOUT_FILENO);
        dup2(e[1], STDERR_FILENO);
        execv(args[0], args.data());
        _exit(127);
    }
    close(o[1]);
    close(e[1]);
    std::array<pollfd, 2> fds{pollfd{o[0], POLLIN, 0}, pollfd{e[0], POLLIN, 0}};
    std::array<std::ostream*, 2> sinks{&out, &err};
    int open = 2;
    std::array<char, 4096> buf{};
    while (open > 0)
    {
        if (poll(fds.data(), fds.size(), -1) < 0)
        {
            if (errno == EINTR)
            {
                continue;
            }
            break;
        }
        for (size_t i = 0; i < fds.size(); ++i)
        {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
            {
                continue;
            }
            const ssize_t n = read(fds[i].fd, buf.data(), buf.size());
            if (n > 0)
            {
                sinks[i]->write(buf.data(), n);
                sinks[i]->flush();
            }
            else if (n == 0 || errno != EINTR)
            {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open;
            }
        }
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    {
    }
    if (WIFEXITED(status))
    {
        return WEXITSTATUS(status) == 127 ? -1 : WEXITSTATUS(status);
    }
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
} // namespace

int ReportCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    std::vector<std::string> dbs;
    std::string dir, threshold = "1h", formats = "png";
    CommandLine cl("report", "DB... -o DIR [options]",
                   "Writes one self-contained HTML page per results database into DIR "
                   "(DIR/<name>.html, figures in DIR/<name>-figures/): every sweep point against "
                   "theory, every figure the database supports, warnings, session outcomes, "
                   "provenance and the scenario text. Runs analysis/report.py with " +
                       std::string(kPython) + " (pandas, matplotlib).");
    cl.Positionals("DB", "results database(s) written by teepsim run or sweep", dbs, 1000);
    cl.app()
        .add_option("-o,--out", dir, "directory for the pages (created if missing)")
        ->type_name("DIR");
    cl.app()
        .add_option("--threshold", threshold, "design chart target: W_danger at most this")
        ->type_name("DURATION")
        ->default_str("1h");
    cl.app()
        .add_option("--formats", formats,
                    "figure formats written beside the page, png first (png,pdf,svg for drafts)")
        ->type_name("LIST")
        ->default_str("png");
    if (auto done = cl.Parse(args, out, err))
    {
        return *done;
    }
    if (dbs.empty())
    {
        return cl.UsageError(err, "missing DB");
    }
    if (dir.empty())
    {
        return cl.UsageError(err, "missing -o DIR");
    }
    std::filesystem::path script;
    std::string looked;
    for (const auto& d : Candidates())
    {
        std::error_code ec;
        if (std::filesystem::is_regular_file(d / "report.py", ec))
        {
            script = d / "report.py";
            break;
        }
        looked += (looked.empty() ? "" : ", ") + d.string();
    }
    if (script.empty())
    {
        err << "teepsim report: analysis/report.py not found (looked in " << looked
            << "); set TEEPSIM_ANALYSIS_DIR\n";
        return kExitUsage;
    }
    std::vector<std::string> argv{kPython, script.string()};
    argv.insert(argv.end(), dbs.begin(), dbs.end());
    argv.insert(argv.end(), {"-o", dir, "--threshold", threshold, "--formats", formats});
    const int code = RunChild(argv, out, err);
    if (code < 0)
    {
        err << "teepsim report: cannot run " << kPython
            << " (scripts/bootstrap.sh installs python3-pandas and python3-matplotlib)\n";
        return kExitUsage;
    }
    return code;
}

} // namespace teepsim::cli
