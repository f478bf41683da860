// Nonce freshness with the challenge exchange on the network (docs/THEORY-FRESHNESS.md §4):
// freshness.cc dispatches here.
#pragma once

#include "teepsim/sim/analytic.h"

#include <optional>

namespace teepsim::analytic::detail
{

/// Fills T_trust, W_danger and W_clean of `out` for nonce freshness (R already in `out`).
void ApplyNonce(const Inputs& in, Prediction& out);
/// P(T_trust <= t) for nonce freshness; nullopt where the law has no closed form here.
std::optional<double> NonceTrustCdf(const Inputs& in, double t);

} // namespace teepsim::analytic::detail
