// The freshness part of the analytic inputs (analytic-inputs.cc calls it once).
#pragma once

#include "teepsim/sim/analytic.h"
#include "teepsim/sim/scenario.h"

namespace teepsim::sim
{

/// Fills in.freshness from verifier.freshness, verifier.epoch.* and relying_party.*.
void AddFreshnessInputs(const Scenario& s, analytic::Inputs& in);

} // namespace teepsim::sim
