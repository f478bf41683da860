// Sweeps: the runs of a scenario's `sweep:` section by index (SweepPlan, built one run at a time
// so that listing or running run I of a large sweep costs no more than one run), and the results
// across replications: per sweep point (runs sharing a scenario hash, i.e. the same file and
// overrides) and metric, the mean over replications with a 95% confidence interval (Student t),
// in the table point_summaries.
#pragma once

#include "teepsim/sim/scenario.h"

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace teepsim::sim
{

/// The runs of a sweep by index: index = point * replications + replication, points in product
/// order (last axis fastest) or zipped, exactly the order of ExpandSweep(). Copies are cheap
/// (shared, immutable).
class SweepPlan
{
  public:
    /// Checks the sweep's axes and run count (the points themselves were checked by
    /// LoadScenario); on an error the plan is empty and `diagnostics` say why.
    static SweepPlan Make(const Scenario& base, std::vector<Diagnostic>& diagnostics);

    /// Runs in the sweep (points x replications); 0 for an invalid plan.
    std::size_t size() const;
    /// The run key of run `index`, e.g. "policy_check.interval=30m,verifier.validity=1h#r0",
    /// without building the run.
    std::string Key(std::size_t index) const;
    /// Run `index`, fully resolved (scenario.run set, scenario hash over canonical overrides).
    /// Throws std::out_of_range for an index >= size().
    SweepRun Run(std::size_t index) const;

  private:
    struct Impl;
    std::shared_ptr<Impl> m_impl;
};

/// Rebuilds point_summaries in `dbPath` from the completed runs, in one transaction. A run
/// (scenario hash, seed, run number) completed more than once counts once, its first completion.
/// Columns: scenario_hash, scenario_name, metric, scope, replications, mean, sd, ci95_low,
/// ci95_high (seconds; ci bounds NULL with one replication). Throws std::runtime_error.
void WritePointSummaries(const std::string& dbPath);

/// Two-sided 97.5% quantile of Student's t with `df` degrees of freedom (Boost.Math; NaN for
/// df < 1).
double StudentT975(int df);

} // namespace teepsim::sim
