// The analytic inputs of execution-time TA authorization (authorization-wiring.cc), used by
// AnalyticInputsFor for the scenario's first device class.
#pragma once

#include "teepsim/sim/analytic.h"
#include "teepsim/sim/scenario.h"

#include <functional>
#include <string>

namespace teepsim::sim
{

/// Fills in.executionTime, statusValidity, statusRefresh, statusJitter and statusLoss from class
/// `c`; `note` receives why X has no closed form when it has none.
void AuthorizationInputsFor(const Scenario& s, const DeviceClass& c, analytic::Inputs& in,
                            const std::function<void(std::string)>& note);

} // namespace teepsim::sim
