// Closed-form and Markov-chain predictions of exposure windows (../shared/THEORY.md §3).
// Every prediction is optional: where no closed form applies to the inputs, the value is
// nullopt and a note says why, so nothing wrong is ever printed beside a simulated value.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace teepsim::analytic
{

enum class IntervalLaw
{
    Fixed,
    UniformJitter, // interval ~ U[P(1-j), P(1+j)]
    Exponential,
};

/// Everything in seconds. Built from a Scenario by FromScenario (deployment) or by hand.
struct Inputs
{
    IntervalLaw law = IntervalLaw::Fixed;
    double interval = 3600; // P (mean)
    double jitter = 0;      // j for UniformJitter
    bool synchronized = false;

    double sessionLoss = 0; // p: probability that one policy-check session fails
    /// Probability that a session yields no new attestation result (the AR is issued earlier in
    /// the session than the removal, so fewer messages must get through); < 0: sessionLoss.
    double arSessionLoss = -1;
    int retries = 0; // immediate retries after a failure (r), spaced retrySpacing (b)
    double retrySpacing = 0;

    // Exponential on/off availability (disabled when meanOff == 0).
    double meanOn = 0;
    double meanOff = 0;
    bool pollOnReconnect = false;

    double validity = 4 * 3600; // V
    double verifierDelay = 0;   // d_V
    double tamDelay = 0;        // d_T
    double sessionDelay = 0;    // δ: duration of a successful removal session

    bool brokerDropsAll = false; // R = ∞, W_danger = T_trust

    /// Set when the scenario has a feature no formula here covers: Predict returns only notes.
    bool unmodelled = false;

    size_t devices = 1; // N affected devices (fleet maxima, queueing)
    int tamWorkers = 1;
    double serviceTime = 0; // s per session at the TAM (0 = infinite capacity)
};

struct Quantiles
{
    std::optional<double> p50, p90, p95, p99;
};

struct Prediction
{
    std::optional<double> meanR, sdR;
    Quantiles quantR;
    std::optional<double> fleetMaxR; // E[max_i R_i]
    std::optional<double> meanTtrust;
    std::optional<double> meanWdanger;
    std::optional<double> meanWclean;
    std::optional<double> utilisation; // ρ = N s / (P c)
    std::optional<double> meanQueueWait;
    /// S(t) = P(R > t) on a grid of t (seconds after t0), empty when unknown.
    std::vector<std::pair<double, double>> survival;
    std::vector<std::string> notes; // why a value is missing, which formula was used
};

Prediction Predict(const Inputs& in);

// Building blocks (exposed for tests and for the plotting of theory curves).

/// P(R > t) for the residual of the policy-check process with session loss p (δ, d_T excluded);
/// nullopt when no closed form exists for the law/loss/availability combination.
std::optional<double> ResidualSurvival(const Inputs& in, double t);
/// E[R] (δ and d_T excluded) for renewal polling with i.i.d. loss: Var(X)/(2m) + m(1+p)/(2(1-p)).
double RenewalMeanResidualWithLoss(const Inputs& in);
/// Exact E[R] for a fixed interval with r immediate retries spaced b (THEORY §3.2).
double FixedIntervalRetryMean(double P, double p, int r, double b);
/// E[R] with exponential on/off availability, solved as a Markov chain (THEORY §3.3).
double AvailabilityMeanResidual(const Inputs& in);
/// E[max of N i.i.d. R] = ∫ 1 - (1 - S(t))^N dt, S from ResidualSurvival.
std::optional<double> FleetMax(const Inputs& in);
/// Mean wait in an M/D/1 queue: ρ s / (2 (1 - ρ)).
double MD1Wait(double rho, double s);
/// Mean wait in the N·D/D/1 queue (Roberts & Virtamo), N sources of period P, service s.
double NDD1Wait(size_t n, double period, double s);

} // namespace teepsim::analytic
