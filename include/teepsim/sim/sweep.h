// Sweep results across replications: per sweep point (runs sharing a scenario hash, i.e. the
// same file and overrides) and metric, the mean over replications with a 95% confidence
// interval (Student t), in the table point_summaries.
#pragma once

#include <string>

namespace teepsim::sim
{

/// Rebuilds point_summaries in `dbPath` from the completed runs, in one transaction.
/// Columns: scenario_hash, scenario_name, metric, scope, replications, mean, sd, ci95_low,
/// ci95_high (seconds; ci bounds NULL with one replication). Throws std::runtime_error.
void WritePointSummaries(const std::string& dbPath);

/// Two-sided 97.5% quantile of Student's t with `df` degrees of freedom.
double StudentT975(int df);

} // namespace teepsim::sim
