// What `teepsim run` prints and the analytic rows it stores beside the simulated ones.
#pragma once

#include "teepsim/sim/analytic.h"
#include "teepsim/sim/deployment.h"
#include "teepsim/sim/recorder.h"
#include "teepsim/sim/results.h"
#include "teepsim/sim/scenario.h"

#include <iosfwd>
#include <string>
#include <vector>

namespace teepsim::sim
{

/// The analytic predictions as summary rows (metric names as the recorder's: R, T_trust, ...;
/// scope "all"; seconds). Metrics without a prediction are left out.
std::vector<recorder::MetricSummary> AnalyticSummaries(const analytic::Prediction& p);
/// The analytic removal curve as series "removal_curve_analytic" (t after t0, fraction).
std::vector<recorder::Series> AnalyticSeries(const analytic::Prediction& p);

/// The progress of a run as one line of text (no newline): simulated time / horizon, events/s,
/// ETA.
std::string FormatProgress(const Progress& p);
/// The readable summary table: every metric's simulated mean with a 95% CI beside theory.
void PrintSummary(std::ostream& out, const Scenario& s, const recorder::Recorder& rec,
                  const analytic::Prediction& prediction, const std::vector<std::string>& notes,
                  const results::RunRecord& record, int64_t runId, const std::string& dbPath);
/// Session totals per cause, then one accounting row per group ("all", "class=...",
/// "broker=...") with its failure causes.
void PrintSessions(std::ostream& out, const recorder::Recorder& rec);
/// A warning line for each of the recorder's warnings (Recorder::Warnings: groups without
/// affected devices, classes with many failed sessions or mostly censored metrics) and for every
/// metric whose simulated mean is more than 4 standard errors from theory. Returns how many
/// were printed.
int PrintTheoryWarnings(std::ostream& err, const recorder::Recorder& rec,
                        const analytic::Prediction& prediction);

} // namespace teepsim::sim
