// Internal pieces of Predict(), shared by the files of sim/analytic (not a public header).
#pragma once

#include "teepsim/sim/analytic.h"

#include <optional>
#include <string>
#include <vector>

namespace teepsim::analytic::detail
{

/// A delay below this fraction of P is called negligible (and left out, with a note).
constexpr double kNegligibleFraction = 1e-4;

/// Expectations over the affected devices of R, R², T_trust, W_danger = min, W_clean = max.
struct Windows
{
    double r = 0, t = 0, danger = 0, clean = 0, r2 = 0;
};

/// The coupled windows for the cases with a closed form (THEORY §3.4 and §1 of
/// THEORY-EXTENSIONS for push); nullopt with a note otherwise. `in.sessionDelay` must already
/// include the TAM's queueing and service shift.
std::optional<Windows> CoupledWindows(const Inputs& in, std::vector<std::string>& notes);

/// TAM queue per request: the stationary wait (used for R) and whether it is also the
/// run-average that the recorder's tam_queue_delay measures.
struct TamQueue
{
    std::optional<double> utilisation;
    std::optional<double> stationaryWait; // per request, before t0 (normal sessions)
    bool runAverage = false;              // stationaryWait is also the mean over the whole run
    /// Added to R: waits and service of the requests up to the Update (empty POST, QueryResponse).
    std::optional<double> removalShift;
};
TamQueue PredictTamQueue(const Inputs& in, std::vector<std::string>& notes);

/// Predict() for inputs with Broker delay (THEORY-EXTENSIONS §2): the delayed devices are the
/// same model with shifted d_T, δ and push latency; a mixed fleet mixes the two predictions.
Prediction PredictWithBrokerDelay(const Inputs& in);

/// Epoch or nonce freshness (THEORY-FRESHNESS): replaces the timestamp T_trust, W_danger and
/// W_clean of `out` (R is unchanged) by this mechanism's, or by nothing with a note.
void ApplyFreshness(const Inputs& in, Prediction& out);

} // namespace teepsim::analytic::detail
