// The memory estimate of a run grows with the fleet and the transport, and the budget check
// refuses a run that cannot fit with one line naming the estimate, the limit and --force.
#include "teepsim/sim/resource_budget.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace teepsim::sim
{
namespace
{

Scenario WithDevices(std::int64_t n, Transport t)
{
    Scenario s = DefaultScenario();
    s.fleet[0].count = n;
    s.transport = t;
    return s;
}

TEST(MemoryEstimate, GrowsLinearlyWithDevicesAndFullCostsMoreThanMessage)
{
    for (Transport t : {Transport::Message, Transport::Full})
    {
        const auto e1 = EstimateDeploymentMemory(WithDevices(1000, t)).bytes;
        const auto e2 = EstimateDeploymentMemory(WithDevices(2000, t)).bytes;
        const auto e3 = EstimateDeploymentMemory(WithDevices(3000, t)).bytes;
        EXPECT_GT(e2, e1);
        EXPECT_EQ(e3 - e2, e2 - e1); // a fixed base plus a constant per device
    }
    EXPECT_GT(EstimateDeploymentMemory(WithDevices(1000, Transport::Full)).bytes,
              EstimateDeploymentMemory(WithDevices(1000, Transport::Message)).bytes);
    // Classes add up.
    Scenario two = WithDevices(1000, Transport::Message);
    two.fleet.push_back(two.fleet[0]);
    EXPECT_EQ(EstimateDeploymentMemory(two).bytes,
              EstimateDeploymentMemory(WithDevices(2000, Transport::Message)).bytes);
}

TEST(MemoryEstimate, BreakdownNamesTheParts)
{
    const MemoryEstimate e = EstimateDeploymentMemory(WithDevices(300, Transport::Full));
    EXPECT_NE(e.breakdown.find("300 devices x "), std::string::npos) << e.breakdown;
    EXPECT_NE(e.breakdown.find("(full transport)"), std::string::npos) << e.breakdown;
}

TEST(MemoryBudget, RefusesARunThatDoesNotFitWithOneLineNamingEstimateLimitAndForce)
{
    const Scenario big = WithDevices(10'000'000, Transport::Full);
    const std::uint64_t limit = std::uint64_t{2} << 30; // 2 GiB
    auto refusal = CheckMemoryBudget(big, /*force=*/false, limit);
    ASSERT_TRUE(refusal.has_value());
    EXPECT_EQ(refusal->find('\n'), std::string::npos);
    EXPECT_LT(refusal->size(), 300u) << *refusal;
    EXPECT_NE(refusal->find("would need about"), std::string::npos) << *refusal;
    EXPECT_NE(refusal->find("than the 2.0 GiB available"), std::string::npos) << *refusal;
    EXPECT_NE(refusal->find("--force"), std::string::npos) << *refusal;
    EXPECT_FALSE(CheckMemoryBudget(big, /*force=*/true, limit).has_value());
    EXPECT_FALSE(CheckMemoryBudget(WithDevices(10, Transport::Full), false, limit).has_value());
    EXPECT_FALSE(CheckMemoryBudget(big, false, /*unknown*/ 0).has_value());
}

TEST(MemoryBudget, TheAddressSpaceLimitCountsWhenLowerThanFreeMemory)
{
    // In a child: RLIMIT_AS = 512 MiB makes the available memory at most 512 MiB, and a fleet of
    // a million devices is refused.
    const pid_t pid = fork();
    if (pid == 0)
    {
        rlimit as{.rlim_cur = rlim_t{512} << 20, .rlim_max = rlim_t{512} << 20};
        setrlimit(RLIMIT_AS, &as);
        const std::uint64_t available = AvailableMemoryBytes();
        const bool refused =
            CheckMemoryBudget(WithDevices(1'000'000, Transport::Full), false).has_value();
        _exit(available > 0 && available <= (std::uint64_t{512} << 20) && refused ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

} // namespace
} // namespace teepsim::sim
