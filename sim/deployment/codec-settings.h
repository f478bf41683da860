// Applies a Scenario's codec settings (wire `profile`, `crypto.mode`, `crypto.op_time`) to the
// process-wide GlobalValues the TEEP models read ("TeepWireProfile", "TeepCryptoMode",
// "TeepCryptoOpTime", see models/teep/teep-wire.h).
#pragma once

#include "teepsim/sim/scenario.h"

namespace teepsim::sim
{

/// Binds the three GlobalValues from `s`. Call before any model is built or any message is
/// signed (Deployment::Build does, right after seeding the RNG); the settings stay in force
/// for the process until the next call (or teepwire::ResetCodecGlobals()).
void ApplyCodecSettings(const Scenario& s);

} // namespace teepsim::sim
