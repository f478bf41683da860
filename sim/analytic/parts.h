// Internal pieces of Predict(), shared by the files of sim/analytic (not a public header).
#pragma once

#include "teepsim/sim/analytic.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace teepsim::analytic::detail
{

/// A delay below this fraction of P is called negligible (and left out, with a note).
constexpr double kNegligibleFraction = 1e-4;

/// Expectations over the affected devices of R, R², T_trust, W_danger = min, W_clean = max.
class AuthorizationCap;

struct Windows
{
    double r = 0, t = 0, danger = 0, clean = 0, r2 = 0;
    /// Execution time: E[min(R, T_trust, X_a)] (X_a independent of R and T_trust), accumulated
    /// through `cap` when it is set (docs/THEORY-AUTHORIZATION.md §3).
    double dangerExec = 0;
    std::shared_ptr<const AuthorizationCap> cap;
};

/// The law of X_a (THEORY-AUTHORIZATION §2) as a mixture over the length-biased interval Y*
/// between the successful refreshes around d_T: X_a | Y* = max(0, d_T + min(V_a, Y*) - B),
/// B ~ U(0, Y*). Integral(w) = E[min(w, X_a)] = ∫_0^w P(X_a > u) du, tabulated.
class AuthorizationCap
{
  public:
    explicit AuthorizationCap(const Inputs& in);
    /// The law for `in`'s status parameters, built once per parameter set (d_T, V_a, R_a, j,
    /// q) and shared: a KS test or an integral asks for thousands of values of the same law.
    static std::shared_ptr<const AuthorizationCap> For(const Inputs& in);
    double Survival(double t) const;
    double Mean() const { return mean_; }
    double Integral(double w) const;
    /// Windows with this cap set when `in` is execution time, plain Windows otherwise.
    static Windows Start(const Inputs& in);

  private:
    std::vector<std::pair<double, double>> atoms_; // (y, probability)
    double tamDelay_ = 0, validity_ = 0, mean_ = 0, step_ = 0;
    std::vector<double> integral_; // Integral on the grid k * step_
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
    /// Why the run-average wait is NULL (runAverage false), as in the notes.
    std::optional<std::string> whyNoWait;
};
TamQueue PredictTamQueue(const Inputs& in, std::vector<std::string>& notes);

/// Execution time (THEORY-AUTHORIZATION §3): E[X] = ∫ P(R > t) P(X_a > t) dt where R's
/// curve is known (`rShift`: R = rShift + the policy-check residual), and W_danger = min(X,
/// T_trust) from the coupled windows `w`; both NULL with a note otherwise.
void PredictAuthorization(const Inputs& in, std::optional<double> rShift,
                          const std::optional<Windows>& w, Prediction& out);

/// Predict() for inputs with Broker delay (THEORY-EXTENSIONS §2): the delayed devices are the
/// same model with shifted d_T, δ and push latency; a mixed fleet mixes the two predictions.
Prediction PredictWithBrokerDelay(const Inputs& in);

/// Epoch or nonce freshness (THEORY-FRESHNESS): replaces the timestamp T_trust, W_danger and
/// W_clean of `out` (R is unchanged) by this mechanism's, or by nothing with a note.
void ApplyFreshness(const Inputs& in, Prediction& out);

} // namespace teepsim::analytic::detail
