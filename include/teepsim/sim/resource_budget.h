// Memory a run will need, estimated from the scenario before any ns-3 object is built, and the
// check that refuses a run that cannot fit (a fleet too large for the machine otherwise grows
// until the kernel kills it, hours later and with nothing recorded).
#pragma once

#include "teepsim/sim/scenario.h"

#include <cstdint>
#include <optional>
#include <string>

namespace teepsim::sim
{

struct MemoryEstimate
{
    std::uint64_t bytes = 0; // peak resident memory of `teepsim run`, roughly (within ~25%)
    std::string breakdown;   // "19 MiB base + 300 devices x 41 KiB (full transport) = ..."
};

// From measured per-device costs of each transport (see resource_budget.cc for how they were
// measured); the constants hold for today's models and should be re-measured when they change.
MemoryEstimate EstimateDeploymentMemory(const Scenario& scenario);

// The memory a run may use: MemAvailable from /proc/meminfo and RLIMIT_AS (if set), whichever
// is lower; 0 when neither is known.
std::uint64_t AvailableMemoryBytes();

// nullopt when the run fits (or force is set); otherwise a one-line refusal naming the estimate
// and the limit and saying that --force overrides.
std::optional<std::string> CheckMemoryBudget(const Scenario& scenario, bool force);
// Same against a given limit in bytes (0: unknown, always fits); for tests and callers that know.
std::optional<std::string> CheckMemoryBudget(const Scenario& scenario, bool force,
                                             std::uint64_t available_bytes);

} // namespace teepsim::sim
