// `analytic-null` warnings: why an analytic value beside a simulated one is NULL, as rows for
// the results database's warnings table (docs/DATABASE.md).
#pragma once

#include "teepsim/sim/analytic.h"
#include "teepsim/sim/recorder.h"

#include <vector>

namespace teepsim::sim
{

/// An `analytic-null` warning (scope "all") for every metric the run simulated whose analytic
/// value is NULL, with the cause (sim/deployment/analytic-warnings.cc).
std::vector<recorder::Warning> AnalyticWarnings(const analytic::Prediction& p,
                                                const recorder::Recorder& rec);

} // namespace teepsim::sim
