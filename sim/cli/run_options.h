// What `teepsim run` was asked to do: its command line, parsed (see `teepsim run --help`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/cli/common/command_line.h"

namespace teepsim::cli
{

struct RunOptions
{
    std::string file;                   // the scenario file
    std::string out;                    // --out DB; empty: outputs.database or teepsim.db
    std::optional<uint64_t> seed, run;  // --seed N, --run N: override the scenario's
    std::vector<std::string> overrides; // --set KEY=VALUE, in order
    bool quiet = false;                 // -q/--quiet: no progress and no summary table
    /// --force: run even when the estimated memory of the deployment exceeds the available
    /// memory (without it such a scenario is refused before anything is built).
    bool force = false;
    ProgressOptions progress; // --progress, --progress-interval
    bool sweepChild = false;  // hidden --sweep-child: the sweep records failures
};

} // namespace teepsim::cli
