// A sweep stopped by SIGINT or SIGTERM (sent to the sweep alone, not its process group) stops
// its running child runs, records none of them as failed, leaves no temporary files and exits
// 128 + signal; its first output line was on disk before the signal (flushed).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <thread>

#include "tests/support/run_teepsim.h"

namespace
{

using namespace teepsim::test;

// Pids of the processes whose command line contains `needle`.
std::vector<pid_t> ProcessesWith(const std::string& needle)
{
    std::vector<pid_t> pids;
    for (const auto& e : fs::directory_iterator("/proc"))
    {
        const std::string name = e.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos)
        {
            continue;
        }
        std::string cmdline = ReadFile(e.path() / "cmdline");
        std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
        if (cmdline.find(needle) != std::string::npos)
        {
            pids.push_back(std::stoi(name));
        }
    }
    return pids;
}

class SweepSignal : public TeepsimProcessTest, public testing::WithParamInterface<int>
{
};

TEST_P(SweepSignal, StopsTheRunsAndLeavesNothingBehind)
{
    const int signal = GetParam();
    const std::string db = (m_dir / "sweep.db").string();
    const std::string log = (m_dir / "sweep.out").string();
    const std::string file = kFixtures + "e2e_sweep_slow.yaml";
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0)
    {
        setpgid(0, 0); // its own group: the test signals the sweep alone, and cleans up by group
        freopen(log.c_str(), "w", stdout);
        freopen(log.c_str(), "a", stderr);
        execl(kTeepsim.c_str(), kTeepsim.c_str(), "sweep", file.c_str(), "--jobs", "2", "--out",
              db.c_str(), "--progress", "never", static_cast<char*>(nullptr));
        _exit(127);
    }
    setpgid(pid, pid);
    // Wait until child runs are in flight (their command lines name our database).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (ProcessesWith(db).size() < 2) // the sweep and at least one run
    {
        if (std::chrono::steady_clock::now() > deadline)
        {
            kill(-pid, SIGKILL);
            waitpid(pid, nullptr, 0);
            FAIL() << "no child run started within 30 s\n" << ReadFile(log);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_NE(ReadFile(log).find("sweep: 6 runs, 0 already in"), std::string::npos)
        << "the first line is not flushed:\n"
        << ReadFile(log);

    ASSERT_EQ(kill(pid, signal), 0);
    int status = 0;
    pid_t reaped = 0;
    const auto stopBy = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while ((reaped = waitpid(pid, &status, WNOHANG)) == 0 &&
           std::chrono::steady_clock::now() < stopBy)
    {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const std::vector<pid_t> left = ProcessesWith(db);
    kill(-pid, SIGKILL); // whatever is left of the group, so that a failure leaves no strays
    if (reaped == 0)
    {
        waitpid(pid, &status, 0);
        FAIL() << "the sweep did not stop within 20 s of signal " << signal;
    }
    const std::string output = ReadFile(log);
    ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status) << "\n" << output;
    EXPECT_EQ(WEXITSTATUS(status), 128 + signal) << output;
    EXPECT_TRUE(left.empty()) << left.size() << " process(es) of the sweep still running";
    EXPECT_NE(output.find("stopped by signal " + std::to_string(signal)), std::string::npos)
        << output;
    EXPECT_FALSE(fs::exists(fs::temp_directory_path() / ("teepsim-sweep-" + std::to_string(pid))));
    const SqlRows failed = QueryRows(db, "SELECT COUNT(*) FROM runs WHERE status = 'failed'");
    ASSERT_TRUE(failed.error.empty()) << failed.error;
    EXPECT_EQ(failed.rows, std::vector<std::string>{"0|"}) << "a stopped run is not a failure";
}

INSTANTIATE_TEST_SUITE_P(Cli, SweepSignal, testing::Values(SIGINT, SIGTERM),
                         [](const testing::TestParamInfo<int>& i)
                         { return i.param == SIGINT ? "SIGINT" : "SIGTERM"; });

} // namespace
