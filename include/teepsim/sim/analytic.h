// Closed-form and Markov-chain predictions of exposure windows (docs/THEORY.md §3).
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

/// Freshness mechanism of the relying party (docs/THEORY-FRESHNESS.md, sim/analytic/freshness.cc).
enum class FreshnessKind
{
    Timestamp, // T_trust from the expiry iat + V (THEORY.md)
    Epoch,     // epoch IDs: accepted while among the last w epochs
    Nonce,     // the relying party's own challenges every C
};

/// Law of the per-device epoch-feed delay D with mean `delayMean`.
enum class DelayDistribution
{
    Fixed,       // D = mean
    Uniform,     // U[0, 2 mean]
    Exponential, // Exp(mean)
};

/// Inputs of the epoch and nonce models, seconds (ignored for Timestamp).
struct FreshnessInputs
{
    FreshnessKind kind = FreshnessKind::Timestamp;
    double epochDuration = 3600; // E
    int epochWindow = 1;         // w
    /// φ: how far t0 + d_V lies into its epoch at the Verifier, in [0, E).
    double epochPhase = 0;
    DelayDistribution delayLaw = DelayDistribution::Fixed;
    double delayMean = 0;
    IntervalLaw challengeLaw = IntervalLaw::Fixed; // the relying party's challenges
    double challengeInterval = 3600;               // C (mean)
    // The nonce challenge exchange on the network (THEORY-FRESHNESS §4): timeout τ, probability
    // p that an exchange gets no valid answer (independent per challenge), and, from the
    // challenge, the delays to the device signing its evidence (a_R), to the Verifier's
    // appraisal (a_V) and to the answer at the relying party (ρ).
    double challengeTimeout = 30;         // τ
    double challengeLoss = 0;             // p
    double signingDelay = 0;              // a_R
    double appraisalDelay = 0;            // a_V
    double answerDelay = 0;               // ρ
    bool challengeLossUnmodelled = false; // e.g. on/off availability: losses not independent
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
    /// Probability that a session before t0 fails and so starts (or continues) a retry burst:
    /// any lost message fails a session, not only one before the removal; < 0: sessionLoss.
    double retryTriggerLoss = -1;
    /// Probability that a compromised Broker drops a session from t0 on (already part of
    /// sessionLoss). A dropped session is never started, so no failure is seen and no retry
    /// follows: with retries only the loss part of sessionLoss triggers the next attempt
    /// (THEORY-EXTENSIONS §4).
    double brokerDrop = 0;

    // Exponential on/off availability (disabled when meanOff == 0).
    double meanOn = 0;
    double meanOff = 0;
    bool pollOnReconnect = false;

    double validity = 4 * 3600; // V
    double verifierDelay = 0;   // d_V
    double tamDelay = 0;        // d_T
    double sessionDelay = 0;    // δ: duration of a successful removal session

    bool brokerDropsAll = false; // R = ∞, W_danger = T_trust
    /// Set when the AR process after t0 differs from the one before it in a way no formula here
    /// covers (e.g. Brokers that start dropping at t0 while the Verifier learns only at t0 + d_V):
    /// T_trust and the coupled windows are then NULL, R is still predicted.
    bool trustUnmodelled = false;

    /// Set when the scenario has a feature no formula here covers: Predict returns only notes.
    bool unmodelled = false;

    size_t devices = 1; // N affected devices (fleet maxima, queueing)
    int tamWorkers = 1;
    /// TAM work per policy-check session: the sum over its tamMessagesPerSession requests, each
    /// a separate arrival at the worker pool (0 = infinite capacity).
    double serviceTime = 0;
    int tamMessagesPerSession = 3; // empty POST, QueryResponse, Success
    /// Service time per request of a session that removes a TA (0 = the normal per-request time).
    double remediationServiceTime = 0;
    /// tam.service per-session: a session's opening request queues for the whole serviceTime
    /// and its later requests are not queued, so the TAM is one queue of sessions (M/D/1,
    /// N*D/D/1 at session level; THEORY-EXTENSIONS §6). remediationServiceTime does not apply.
    bool tamPerSession = false;
    /// Synchronized fleet: the time φ from d_T to the fleet's next poll instant, when the
    /// schedule fixes it (seconds); < 0: unknown, results are averaged over φ ~ U(0, P).
    double herdPhase = -1;
    /// True when a session's follow-up requests reach the TAM after round trips that differ
    /// between devices by several service times (e.g. classes with distinct latencies), so that
    /// Poisson sessions give Poisson requests. With one fixed round trip for every device a
    /// follow-up request replays a departure (spaced >= s): the stream is smoother than Poisson
    /// and waits less (THEORY-EXTENSIONS §3), so the run-average wait is then NULL.
    bool spreadRoundTrips = false;
    /// Shortest time from the answer to one request of a session to the session's next request
    /// at the TAM (a device round trip), seconds. M/D/1 per request holds only while the queue
    /// forgets its state well within it (THEORY-EXTENSIONS §3); 0 = not given: spreadRoundTrips
    /// alone then declares the requests Poisson (the deployment mapping always sets it).
    double minRoundTrip = 0;
    /// The device round trips r between a session's requests with the number of devices of
    /// each (one entry per device class; the deployment mapping sets it). The per-request wait
    /// corrects M/D/1 for follow-ups that arrive r after their predecessor's departure
    /// (THEORY-EXTENSIONS §3.1); empty: one class at minRoundTrip, or none if that is 0.
    std::vector<std::pair<double, size_t>> roundTripClasses;

    // Push at t0 + d_T (docs/THEORY-EXTENSIONS.md §1): each device is told with probability
    // pushReach, independently, and starts a session pushLatency later; the rest wait for their
    // next policy check. pushReach = 0: no push.
    double pushReach = 0;
    double pushLatency = 0;

    // Compromised Brokers of the `delay` behaviour (docs/THEORY-EXTENSIONS.md §2): from t0 on,
    // a fraction brokerDelayFraction of the devices have every relayed message held brokerDelay.
    double brokerDelayFraction = 0;
    double brokerDelay = 0;

    FreshnessInputs freshness; // epoch or nonce freshness instead of the expiry iat + V
    // Execution-time TA authorization (docs/THEORY-AUTHORIZATION.md): the TA runs only while the
    // TEE holds a valid status (validity V_a, refreshed every R_a, each refresh failing with
    // probability statusLoss; "revoked" from d_T). false: install time, X = R.
    bool executionTime = false;
    double statusValidity = 3600;  // V_a
    double statusRefresh = 1800;   // R_a (the mean with jitter)
    double statusJitter = 0;       // j: refresh intervals ~ U[R_a(1-j), R_a(1+j)]
    double statusLoss = 0;         // q: a refresh gets no statement
    bool statusUnmodelled = false; // e.g. device availability: X has no closed form here
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
    std::optional<double> meanX; // X = t0 -> the TA can no longer execute (= R at install time)
    std::optional<double> utilisation; // ρ = N s / (P c), s per session
    /// Mean wait for a TAM worker per request (each TEEP message is one arrival), over the run:
    /// the quantity the recorder's tam_queue_delay measures.
    std::optional<double> meanQueueWait;
    /// (metric, why) for the analytic values left NULL whose cause is known precisely (today
    /// tam_queue_delay); written as `analytic-null` warnings beside the run's results.
    std::vector<std::pair<std::string, std::string>> nullCauses;
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
/// THEORY §3.2 retries: p is the per-attempt removal loss after t0 of the sessions that take
/// place, pTrigger (< 0: p) the per-attempt failure probability of the sessions before t0 that
/// keep a retry burst going, drop the probability that an attempt after t0 is dropped by the
/// Broker, which ends the burst without a retry (THEORY-EXTENSIONS §4).
double FixedIntervalRetryMean(double P, double p, int r, double b, double pTrigger = -1,
                              double drop = 0);
/// E[R] with exponential on/off availability, solved as a Markov chain (THEORY §3.3).
double AvailabilityMeanResidual(const Inputs& in);
/// E[max of N i.i.d. R] = ∫ 1 - (1 - S(t))^N dt, S from ResidualSurvival.
std::optional<double> FleetMax(const Inputs& in);
/// Mean wait in an M/D/1 queue: ρ s / (2 (1 - ρ)).
double MD1Wait(double rho, double s);
/// Mean R - d_T of a synchronized herd at the TAM's FIFO worker (THEORY-EXTENSIONS §5): P/2 +
/// δ/4 (the POSTs' way in) + the mean time from their arrival to the QueryResponses' departure
/// + δ/4 (the Updates' way out); nullopt, with the reason in *why, where no closed form applies
/// (loss, several workers, a herd longer than P, no fixed interval).
std::optional<double> SynchronizedHerdMeanR(const Inputs& in, std::string* why = nullptr);
/// Mean and expected last removal time, R - d_T, of the devices of a herd case
/// (THEORY-EXTENSIONS §5, §6).
struct HerdTimes
{
    double mean = 0; // E[R] - d_T
    double last = 0; // E[max_i R_i] - d_T
};
/// A synchronized herd: per request (§5, the herd instant P/2 after d_T on average, the herd
/// before it fully decided) or per session (§6: device i decides (φ + iS + 3ℓ) mod P after d_T
/// and is clean one latency ℓ later, at φ = herdPhase, or averaged over φ ~ U(0, P) when it is
/// unknown); nullopt with the reason where no closed form applies.
std::optional<HerdTimes> SynchronizedHerd(const Inputs& in, std::string* why = nullptr);
/// Per-session TAM, fixed interval, random phases, every device pushed at d_T + L
/// (THEORY-EXTENSIONS §6): the herd of pushed sessions queues behind the stationary workload
/// ρ(W + S/2); devices already in a session at the push (N D/P of them) or removed by their
/// own poll before it (N L/P) shorten the herd. nullopt with the reason where it does not apply
/// (per request, reach < 1, loss, retries, availability, several workers, Poisson or jittered
/// polls, the herd N S not below P).
std::optional<HerdTimes> PushHerd(const Inputs& in, std::string* why = nullptr);
/// E[U(d + r)] for each r: the M/D/1 workload (load ρ, service s) a time r after a departure
/// d (which leaves n ~ the embedded chain's law waiting, U(d+) = n s), computed on a grid of
/// s/20 (THEORY-EXTENSIONS §3.1). Tends to ρs/(2(1 − ρ)) as r grows.
std::vector<double> MD1WorkloadAfterDeparture(double rho, double s, const std::vector<double>& r);
/// Σ w_i (E[U(d + r_i)] − ρs/(2(1 − ρ))) / Σ w_i over (r_i, w_i): the mean excess workload a
/// follow-up request meets over a Poisson arrival, M/D/1 at load ρ (THEORY-EXTENSIONS §3.1).
double FollowUpExcess(double rho, double s, const std::vector<std::pair<double, double>>& trips);
/// Mean wait in the N·D/D/1 queue (Roberts & Virtamo), N sources of period P, service s.
double NDD1Wait(size_t n, double period, double s);
/// ∫_L^∞ P(residual > u) du for the law and loss of `in` (closed forms, THEORY-EXTENSIONS §1):
/// what a push after latency L saves a reached device; nullopt where S has no closed form.
std::optional<double> ResidualTailIntegral(const Inputs& in, double L);
/// P(X_a > t): X_a = the end of the TA's last authorization - t0 (docs/THEORY-AUTHORIZATION.md
/// §2), for the refresh law and loss of `in`; X = min(R, X_a) with R independent of X_a.
double AuthorizationSurvival(const Inputs& in, double t);
/// E[X_a] (THEORY-AUTHORIZATION §2).
double AuthorizationMean(const Inputs& in);
/// E[residual] with push (d_T, δ and queueing excluded): E[Res] - r (1 - p) ∫_L^∞ S(u) du.
std::optional<double> PushMeanResidual(const Inputs& in);
/// P(T_trust <= t) under epoch or nonce freshness (THEORY-FRESHNESS §3, §4); nullopt where the
/// law has no closed form here (timestamp freshness, nonce with d_V > 0 unless the Broker drops
/// everything, other laws).
std::optional<double> FreshnessTrustCdf(const Inputs& in, double t);
/// Nonce freshness: the long-run fraction of time a healthy device is trusted (holds an
/// affirming answer), q (1 + p (τ - ρ) / C) with q = 1 - p (THEORY-FRESHNESS §4.3).
std::optional<double> NonceTrustAvailability(const Inputs& in);
/// E[T_trust] under epoch freshness (THEORY-FRESHNESS §3); nullopt outside the model.
std::optional<double> EpochMeanTtrust(const Inputs& in);

} // namespace teepsim::analytic
