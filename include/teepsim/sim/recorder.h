// Recorder: turns the model events of one run into exposure windows, summaries, time series and
// session aggregates (docs/THEORY.md §1 and §3.7). Pure C++ (no ns-3): the deployment
// connects ns-3 trace sources to the On* methods, passing times as integer nanoseconds.
//
// Contract: events arrive in non-decreasing simulation time (as ns-3 delivers them), and
// OnMaliciousDeclared(ta, t0) is called at t0 (not earlier), so the set of affected devices is
// "had the TA installed at t0". Memory is O(devices x malicious TAs + buckets), independent of
// the number of sessions: ARs are folded into running maxima, never stored.
//
// Definitions, for each affected device d and malicious TA m declared at t0 (the Verifier learns
// at tV = OnVerifierLearned time; never, if not called):
//   removed    first OnTaRemoved(d, m) after t0
//   trust_end  the largest expiry of the *affirming* ARs for d with iat < tV and iat <= removed
//              (ARs issued after the Verifier learned, or after the TA was gone, do not vouch for
//              the TA; contraindicated/warning ARs never extend trust). With a constant validity
//              this is the expiry of the last such AR.
//   R = removed - t0;  T_trust = max(0, trust_end - t0) (0 if no affirming AR at all)
//   W_danger = min(R, T_trust);  W_clean = max(R, T_trust)
// Execution-time authorization (docs/THEORY-AUTHORIZATION.md): for a device marked with
// MarkExecutionTime the TA runs only while its TEE holds a valid status;
//   auth_end   the end of the last authorization the device received for m before removal (a good
//              status: its expiry; a revoked one cuts the current authorization at its arrival);
//              none held at all: t0
//   exec_end = min(removed, auth_end);  X = max(0, exec_end - t0);  W_danger = min(X, T_trust)
// X is known when removed by H, or when the status service revoked m by H (OnAuthorizationRevoked)
// and auth_end <= H. For install-time devices the TA runs until removed: X = R, exec_end = removed.
// Censoring at the horizon H: R is censored if not removed by H; T_trust is censored if
// trust_end > H, or if neither removal nor tV happened by H (more ARs could still count).
// W_danger is known when either side is (the censored side exceeds H - t0 >= the known one);
// W_clean only when both are. Censored values are nullopt, never dropped: every affected
// (device, TA) pair has one Exposure.
//
// Warm-up: queue waits of requests that arrived before RecorderConfig::warmup and every time
// series bucket before it are left out (series start at the warm-up's end). Exposures are not
// affected (t0 is never inside the warm-up) and session counts cover the whole run, because
// the accounting below must add up.
//
// Accounting (checked by Finish; a violation throws AccountingError, nothing is reported):
// every device is affected by a malicious TA or not; every affected (device, TA) pair is
// removed or censored, and its trust end known or censored; every session started
// (OnSessionStart) has exactly one outcome (OnSessionEnd, or "open-at-horizon" when it had not
// ended by the horizon) from the list of known outcomes; the session totals per cause sum to
// the session count. Finish also lists warnings (Warnings()): a device class or Broker
// behaviour with no affected device, a class with more than warnFailedFraction of its
// sessions failed, a metric censored for more than half of a class's exposures.
//
// Groups: every device belongs to group "class=<name>" and, with an REE, "broker=<behaviour>";
// session aggregates and group accounting are given for "all" and for each group.
//
// Summaries (units: seconds) are over the uncensored values only: n = uncensored count,
// n_censored = censored count, mean, sd (sample, n-1), se = sd/sqrt(n), quantiles of type 7
// (linear interpolation between order statistics, R's default), max. Because large values are
// the ones censored, the summaries are biased low when n_censored > 0: use the S(t) curves.
#pragma once

#include "teepsim/sim/timeline.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace teepsim::recorder
{

struct RecorderConfig
{
    TimeNs bucketWidth = 60 * kNsPerSecond; ///< time-series bucket for queue and session rates
    uint32_t curvePoints = 257;             ///< grid points of S(t) over [0, H - t0]
    uint32_t tamWorkers = 0;                ///< > 0: also emit "tam_load" = busy / workers
    TimeNs warmup = 0;                      ///< queue waits and time series exclude [0, warmup)
    /// Every outcome OnSessionEnd may report (empty: any); another one violates the accounting.
    std::vector<std::string> outcomes;
    /// Outcomes that are not failures.
    std::vector<std::string> nonFailureOutcomes = {"success", "tampered-accepted",
                                                   "open-at-horizon"};
    /// Outcome given by Finish to sessions still running at the horizon.
    std::string openOutcome = "open-at-horizon";
    /// Warn when more than this fraction of a class's sessions failed.
    double warnFailedFraction = 0.5;
};

/// Finish found the run's accounting inconsistent (see the header comment): a bug, not data.
class AccountingError : public std::runtime_error
{
  public:
    using std::runtime_error::runtime_error;
};

/// Something in the run that makes its results doubtful, with a stable code.
struct Warning
{
    std::string code;  ///< "no-affected-devices", "failed-fraction", "censored-majority"
    std::string scope; ///< the group it concerns, e.g. "class=phones", "broker=drop-all"
    std::string text;  ///< one readable sentence
};

/// Accounting of one group of devices ("all", "class=<name>", "broker=<behaviour>").
struct GroupAccount
{
    std::string group;
    uint64_t devices = 0;
    uint64_t affected = 0; ///< devices running a malicious TA at its t0
    uint64_t removed = 0;  ///< affected (device, TA) pairs removed by the horizon
    uint64_t censored = 0; ///< affected pairs still installed at the horizon
    uint64_t sessions = 0; ///< sessions of its devices (open-at-horizon included)
    uint64_t failed = 0;   ///< the failed ones
};

/// Distribution summary of one metric (see the header comment for the definitions).
struct Summary
{
    uint64_t n = 0;
    uint64_t nCensored = 0;
    std::optional<double> mean, sd, se, p50, p90, p95, p99, max;
};

/// Type-7 quantile of sorted data (p in [0, 1]); nullopt for empty data.
std::optional<double> Quantile(std::span<const double> sorted, double p);
/// Summary of `values` (sorted in place) with `censored` additional censored observations.
Summary Summarize(std::vector<double>& values, uint64_t censored);

struct MetricSummary
{
    std::string metric; ///< "R", "T_trust", "W_danger", "W_clean", "tam_queue_delay", ...
    std::string scope;  ///< "all", "ta=<name>" or "class=<name>"
    std::string unit;   ///< "s" for durations
    Summary summary;
};

struct Exposure
{
    DeviceId device = 0;
    TaId ta = 0;
    TimeNs t0 = 0;
    std::optional<TimeNs> removed;  ///< nullopt: censored
    std::optional<TimeNs> trustEnd; ///< nullopt: censored, or no affirming AR (T_trust = 0)
    std::optional<TimeNs> r, tTrust, wDanger, wClean;
    bool rCensored = false;
    bool tTrustCensored = false;
    bool executionTime = false;    ///< the device authorizes TAs at execution time
    std::optional<TimeNs> execEnd; ///< when the TA could no longer execute; nullopt: censored
    std::optional<TimeNs> x;       ///< X = exec_end - t0 (= R for install-time devices)
    bool xCensored = false;
};

struct SeriesPoint
{
    TimeNs t;
    double value;
};

struct Series
{
    std::string name; ///< e.g. "removal_curve", "tam_queue_length", "sessions_per_s"
    std::string unit;
    std::vector<SeriesPoint> points;
};

struct SessionAggregate
{
    std::string group = "all"; ///< "all", "class=<name>" or "broker=<behaviour>"
    std::string cause;         ///< the outcome as given to OnSessionEnd
    bool failure = false;
    uint64_t count = 0;
    uint64_t bytesUp = 0;
    uint64_t bytesDown = 0;
};

struct DeviceInfo
{
    std::string deviceClass;
    bool hasRee = true;
    std::string broker; ///< Broker behaviour ("honest", "drop-all", ...), empty without REE
};

class Recorder
{
  public:
    explicit Recorder(RecorderConfig config = {});

    // ---- inputs (in simulation-time order) ----
    void RegisterDevice(DeviceId device, std::string_view deviceClass, bool hasRee,
                        std::string_view broker);
    void OnTaInstalled(DeviceId device, std::string_view ta, TimeNs t);
    void OnTaRemoved(DeviceId device, std::string_view ta, TimeNs t);
    void OnArIssued(DeviceId device, bool affirming, TimeNs iat, TimeNs exp);
    void OnMaliciousDeclared(std::string_view ta, TimeNs t0);
    /// The Verifier's policy now contraindicates `ta` (t0 + d_V).
    void OnVerifierLearned(std::string_view ta, TimeNs t);
    /// `device` runs TAs only while it holds a valid authorization status (execution time).
    void MarkExecutionTime(DeviceId device);
    /// The device's authorization of `ta` changed at t: good (valid until `validUntil`) or
    /// revoked (validUntil = t).
    void OnAuthorizationStatus(DeviceId device, std::string_view ta, bool good, TimeNs validUntil,
                               TimeNs t);
    /// The status service answers "revoked" for `ta` from t on (t0 + d_T).
    void OnAuthorizationRevoked(std::string_view ta, TimeNs t);
    /// A session of `device` starts; it must end (OnSessionEnd) before the next one starts.
    void OnSessionStart(DeviceId device, TimeNs t);
    void OnSessionEnd(DeviceId device, std::string_view outcome, uint64_t bytesUp,
                      uint64_t bytesDown, TimeNs t);
    /// Queue length and busy workers of TAM `tam` from t on (the series sum over TAMs).
    void OnTamQueue(uint32_t tam, TimeNs t, uint32_t queueLength, uint32_t busyWorkers);
    void OnTamQueue(TimeNs t, uint32_t queueLength, uint32_t busyWorkers)
    {
        OnTamQueue(0, t, queueLength, busyWorkers);
    }
    void OnQueueDelay(TimeNs t, TimeNs delay);
    void Count(std::string_view counter, int64_t delta = 1);

    /// Computes every output at horizon H (absolute simulation time) and checks the
    /// accounting (throws AccountingError on a violation). Call once.
    void Finish(TimeNs horizon);
    bool Finished() const { return m_finished; }

    // ---- outputs (valid after Finish; deterministic order) ----
    TimeNs Horizon() const { return m_horizon; }
    /// Width of the time-series buckets (queue, load, session rates), from the config.
    TimeNs BucketWidth() const { return m_config.bucketWidth; }
    const std::vector<Exposure>& Exposures() const { return m_exposures; }
    const std::vector<MetricSummary>& Summaries() const { return m_summaries; }
    const std::vector<Series>& AllSeries() const { return m_series; }
    /// Per group ("all" first, then the others by name) and cause (by name).
    const std::vector<SessionAggregate>& Sessions() const { return m_sessions; }
    /// "all" first, then "class=..." and "broker=..." groups by name.
    const std::vector<GroupAccount>& Groups() const { return m_groups; }
    const std::vector<Warning>& Warnings() const { return m_warnings; }
    /// Counters sorted by name (own: ta_installed, ta_removed, ar_issued, ar_affirming,
    /// ar_affirming_after_verifier_knew, sessions, sessions_failed, unknown_device_events).
    std::vector<std::pair<std::string, int64_t>> Counters() const;
    const std::vector<DeviceInfo>& Devices() const { return m_devices; }
    const std::string& TaName(TaId ta) const { return m_taNames[ta]; }
    TaId InternTa(std::string_view ta);

  private:
    struct DeviceState
    {
        TimeNs maxAffirmingExp = kNoAr;
        std::vector<TaId> installed; ///< small: a device holds a handful of TAs
        bool executionTime = false;
        std::vector<std::pair<TaId, TimeNs>> authorizedUntil; ///< execution time: per TA
    };
    struct OpenExposure
    {
        DeviceId device;
        TimeNs removed = kNever;
        TimeNs trustEnd = kNoAr;
        bool frozen = false;    ///< removed: later ARs no longer count
        TimeNs authEnd = kNoAr; ///< execution time: end of the last authorization held
    };
    struct Malicious
    {
        TaId ta;
        TimeNs t0;
        TimeNs verifierKnows = kNever;
        TimeNs revoked = kNever;        ///< the status service says "revoked" from then on
        std::vector<uint32_t> byDevice; ///< device -> index into open, or kNone
        std::vector<OpenExposure> open;
    };
    struct StringHash
    {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    static constexpr uint32_t kNone = 0xffffffffu;
    /// Indices of the recorder's own counters in m_counters (created in this order).
    enum OwnCounter : size_t
    {
        kTaInstalled,
        kTaRemoved,
        kArIssued,
        kArAffirming,
        kArAffirmingLate,
        kSessions,
        kSessionsFailed,
        kUnknownDeviceEvents,
    };
    static constexpr TimeNs kNoAr = std::numeric_limits<TimeNs>::min(); ///< no affirming AR

    DeviceState& Device(DeviceId d);
    size_t CounterIndex(std::string_view name);
    void BuildExposures();
    void BuildSummaries();
    void BuildSeries();
    void BuildSessions();
    void BuildGroups();
    void CheckAccounting() const;
    void BuildWarnings();
    size_t GroupIndex(const std::string& name);
    size_t CauseIndex(std::string_view cause);

    RecorderConfig m_config;
    std::vector<DeviceState> m_state;
    std::vector<DeviceInfo> m_devices;
    std::unordered_map<std::string, TaId, StringHash, std::equal_to<>> m_taIds;
    std::vector<std::string> m_taNames;
    std::vector<TimeNs> m_verifierKnows; ///< per TA, learned before/after declaration
    std::vector<TimeNs> m_revoked;       ///< per TA: status service revocation time
    bool m_anyExecutionTime = false;
    /// Execution-time columns of one exposure (recorder-authorization.cc).
    void FillExecution(Exposure& x, const Malicious& m, const OpenExposure& e) const;
    std::vector<Malicious> m_malicious;

    // Session accounting: counts per group (0 = "all") and interned cause.
    struct CauseCount
    {
        uint64_t count = 0, bytesUp = 0, bytesDown = 0;
    };
    struct DeviceGroups
    {
        uint32_t cls = kNone, broker = kNone;
    };
    std::vector<std::string> m_groupNames{"all"};
    std::vector<std::vector<CauseCount>> m_causeCounts{{}}; ///< [group][cause]
    std::vector<std::string> m_causeNames;
    std::vector<uint8_t> m_causeFailure;
    std::vector<DeviceGroups> m_deviceGroups;
    std::vector<uint8_t> m_sessionOpen; ///< per device
    std::vector<std::string> m_violations;
    std::vector<SessionAggregate> m_sessions;
    std::vector<GroupAccount> m_groups;
    std::vector<Warning> m_warnings;
    std::vector<std::pair<std::string, int64_t>> m_counters;
    BucketSeries m_sessionRate;
    BucketSeries m_failedRate;
    BucketSeries m_queueDelayBuckets;
    LogHistogram m_queueDelay;
    struct TamLevel
    {
        uint32_t queue = 0, busy = 0;
    };
    std::vector<TamLevel> m_tams;
    uint64_t m_queueTotal = 0, m_busyTotal = 0;
    StepSeries m_queueSeries;
    StepSeries m_busySeries;

    bool m_finished = false;
    TimeNs m_horizon = 0;
    std::vector<Exposure> m_exposures;
    std::vector<MetricSummary> m_summaries;
    std::vector<Series> m_series;
};

} // namespace teepsim::recorder
