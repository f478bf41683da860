// A whole experiment as one typed value: parsed from a YAML scenario file, with units, defaults,
// --set overrides, validation (FILE:LINE:COL diagnostics) and sweep expansion.
//
// Every key, its type, unit, default and meaning lives in one table (KnobReference()); parsing,
// `teepsim run --help`, run_params and scenarios/README.md are all driven by it.
// Times are integer nanoseconds, sizes bytes, rates bits/s, probabilities doubles in [0, 1].
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace teepsim::sim
{

// ---- the typed scenario ----

struct LinkProfile
{
    std::int64_t latency_ns = 0;    // one-way latency of the device's access link
    std::int64_t bandwidth_bps = 0; // access link rate
    double loss = 0;                // per-message (full transport: per-packet) loss probability
};

enum class AvailabilityModel
{
    Always,      // always reachable
    Exponential, // on/off periods drawn from exponential laws with means on_ns / off_ns
    Fixed,       // on for exactly on_ns, then off for exactly off_ns, repeating
};

struct Availability
{
    AvailabilityModel model = AvailabilityModel::Always;
    std::int64_t on_ns = 0;
    std::int64_t off_ns = 0;
    bool check_on_reconnect = false; // run a policy check at each off -> on transition
};

// Fractions of the class's devices whose Broker behaves in each way; they sum to 1.
struct BrokerMix
{
    double honest = 1;
    double drop = 0;            // drops each session with probability drop_probability (d)
    double drop_all = 0;        // drops every TEEP message
    double delay = 0;           // delays every message by delay_by_ns (Delta)
    double suppress_timers = 0; // never fires RequestPolicyCheck
    double tamper = 0;          // alters bytes (always detected by the Agent/TAM)
    double drop_probability = 0;
    std::int64_t delay_by_ns = 0;
};

enum class TaAuthorization
{
    InstallTime,   // a TA runs until it is removed (TEEP architecture -08 and later)
    ExecutionTime, // a TA runs only while the TEE holds a valid signed status (-07, issue #158)
};

// The TEE's authorization of TAs (docs/THEORY-AUTHORIZATION.md).
struct TeeConfig
{
    TaAuthorization authorization = TaAuthorization::InstallTime;
    std::int64_t status_validity_ns = 3'600'000'000'000; // V_a (1h)
    std::int64_t status_refresh_ns = -1; // R_a; -1 (kAutoDuration, declared below): V_a / 2
    double status_refresh_jitter = 0;    // j: U[R_a(1-j), R_a(1+j)]
};

struct DeviceClass
{
    std::string name;
    std::int64_t count = 0;
    bool ree = true; // false: no REE and no Broker, the Agent owns the transport
    LinkProfile link;
    Availability availability;
    BrokerMix broker;
    TeeConfig tee;
};

enum class OverloadResponse
{
    Http503,   // HTTP 503 Service Unavailable
    TeepError, // TEEP Error with ERR_TEMPORARY_ERROR
};

/// What a TAM worker charges (tam.service).
enum class TamService
{
    PerRequest, // every request: service_time (remediation_service_time in a removal session)
    PerSession, // a session's opening request: 3 x service_time; its later requests unqueued
};

struct OutageWindow
{
    std::int64_t start_ns = 0;
    std::int64_t duration_ns = 0;
};

struct PushConfig
{
    bool enabled = false;
    double reach_probability = 0; // chance a device reachable right now gets the notification
    std::int64_t latency_ns = 0;
};

/// A duration key set to `auto`: the deployment computes the value from the scenario.
inline constexpr std::int64_t kAutoDuration = -1;

struct TamConfig
{
    std::int64_t count = 1;
    std::int64_t workers = 1;
    std::int64_t service_time_ns = 0;             // per TEEP message
    std::int64_t remediation_service_time_ns = 0; // per message of a session that removes a TA
    TamService service = TamService::PerRequest;
    std::int64_t queue_limit = 0;
    std::int64_t session_timeout_ns = kAutoDuration; // unanswered TAM session dropped after it
    OverloadResponse overload_response = OverloadResponse::Http503;
    std::vector<OutageWindow> outages; // sorted by start, non-overlapping
    PushConfig push;
};

enum class AttestationModel
{
    Passport,
    BackgroundCheck,
};

enum class SignatureAlgorithm
{
    Esp256,  // ECDSA P-256 (ESP256 -9; ES256 -7 in the legacy profile)
    Ed25519, // EdDSA Ed25519 (Ed25519 -19; EdDSA -8 in the legacy profile)
};

// How a relying party judges an attestation result fresh (RFC 9334 §10,
// docs/THEORY-FRESHNESS.md): its expiry, its epoch ID, or the answer to its own nonce.
enum class Freshness
{
    Timestamp, // accepted until iat + V
    Epoch,     // accepted while its epoch is among the relying party's last w epochs
    Nonce,     // accepted until the relying party's next challenge is answered
};

// Law of a per-device delay with mean `mean`: exactly it, U[0, 2 mean] or Exp(mean).
enum class DelayLaw
{
    Fixed,
    Uniform,
    Exponential,
};

struct EpochConfig
{
    std::int64_t duration_ns = 0; // E
    std::int64_t window = 1;      // w: epochs a relying party accepts
    DelayLaw delivery_law = DelayLaw::Fixed;
    std::int64_t delivery_delay_ns = 0; // mean delay of the feed at each device's relying party
};

struct VerifierConfig
{
    std::int64_t validity_ns = 0;     // V: lifetime of an attestation result
    std::int64_t policy_delay_ns = 0; // d_V: t0 -> the Verifier knows the TA is malicious
    AttestationModel model = AttestationModel::BackgroundCheck;
    SignatureAlgorithm algorithm = SignatureAlgorithm::Esp256;
    Freshness freshness = Freshness::Timestamp;
    EpochConfig epoch;
};

struct TrustedApp
{
    std::string name;
    std::int64_t image_size = 0;
    bool personalization = false;
    std::int64_t personalization_size = 0;
    bool preinstalled = false; // on every device from t = 0 (factory provisioning), no session
};

struct MaliciousEvent
{
    std::string ta;                // a name from the catalogue
    std::int64_t t0_ns = 0;        // when the TA is declared malicious
    std::int64_t tam_delay_ns = 0; // d_T: t0 -> the TAM knows
};

enum class PolicyCheckLaw
{
    Fixed,
    UniformJitter, // interval ~ U[P(1-j), P(1+j)]
    Exponential,   // interval ~ Exp(mean P)
};

enum class PolicyCheckStart
{
    Equilibrium,  // first fire drawn from the stationary residual
    Synchronized, // every device fires at t = 0, then per the law
};

struct PolicyCheck
{
    PolicyCheckLaw law = PolicyCheckLaw::Fixed;
    std::int64_t interval_ns = 0; // P (the mean for jittered and exponential laws)
    double jitter = 0;            // j, for UniformJitter
    PolicyCheckStart start = PolicyCheckStart::Equilibrium;
    std::int64_t retry_count = 0;      // immediate retries after a failed session
    std::int64_t retry_spacing_ns = 0; // b: time between retries
};

// The nonce relying party: challenges each device every check_interval (law as policy checks);
// a challenge with no valid answer within timeout ends trust.
struct RelyingPartyConfig
{
    std::int64_t check_interval_ns = 0; // C
    PolicyCheckLaw check_law = PolicyCheckLaw::Fixed;
    std::int64_t timeout_ns = 0; // τ
};

enum class Transport
{
    Full,    // ns-3 TCP/IP, HTTP
    Message, // message-level latency/bandwidth/loss, no TCP
};

enum class CryptoMode
{
    Real,     // real COSE signatures (OpenSSL)
    Modelled, // COSE structure kept, each operation charged op_time_ns of CPU time
};

struct CryptoConfig
{
    CryptoMode mode = CryptoMode::Real;
    std::int64_t op_time_ns = 0;
};

enum class Profile
{
    Draft26, // draft-ietf-teep-protocol-26 numbering and algorithms
    Legacy,  // <= draft-25 numbering, ES256/EdDSA
};

struct Outputs
{
    std::string database;
    bool pcap = false;
    std::string pcap_dir;
    double warn_failed_fraction = 0.5; // warn when more of a class's sessions fail
};

// Where a value was given: a file position (1-based) or a --set override.
struct KeyOrigin
{
    int line = 0;
    int column = 0;
    std::string override_text; // non-empty for a --set override
};

// A sweep axis: a dotted key and its values, as written (validated against the key's type).
struct SweepAxis
{
    std::string key;
    std::vector<std::string> values;
    KeyOrigin key_origin;
    std::vector<KeyOrigin> value_origins; // one per value
};

struct SweepSpec
{
    std::vector<SweepAxis> grid; // in file order
    bool zip = false;            // false: Cartesian product; true: i-th values together
    std::int64_t replications = 1;
    bool common_random_numbers = true; // replication r uses run number base + r at every point
    bool empty() const { return grid.empty() && replications == 1; }
};

// Where a scenario came from; the hash identifies it in the runs table.
struct ScenarioSource
{
    std::string path;                   // as given to LoadScenario ("<text>" for in-memory)
    std::string text;                   // the file bytes
    std::vector<std::string> overrides; // applied KEY=VALUE overrides, in order
    // What the overrides (--set, then sweep point values) finally set: concrete key
    // ("fleet.0.count") -> canonical value text ("4h"), the last one of a key winning.
    std::map<std::string, std::string> applied;
    std::string hash; // ScenarioHash(text, CanonicalOverrides(*this)): not order-dependent
    // Keys given explicitly (file or override), by concrete dotted key ("fleet.0.count"); keys
    // absent here took their default. Used to place diagnostics and to derive defaults.
    std::map<std::string, KeyOrigin> origins;
};

struct Scenario
{
    std::string name;
    std::string description;
    std::int64_t horizon_ns = 0;
    std::int64_t warmup_ns = 0;
    std::uint32_t seed = 1;
    std::uint64_t run = 1;
    std::vector<DeviceClass> fleet;
    TamConfig tam;
    VerifierConfig verifier;
    RelyingPartyConfig relying_party;
    std::vector<TrustedApp> catalogue;
    MaliciousEvent malicious;
    PolicyCheck policy_check;
    Transport transport = Transport::Full;
    std::int64_t response_timeout_ns = kAutoDuration; // client wait for each HTTP answer
    CryptoConfig crypto;
    Profile profile = Profile::Draft26;
    Outputs outputs;
    SweepSpec sweep;
    ScenarioSource source;

    std::int64_t TotalDevices() const;
    const TrustedApp* FindTa(std::string_view ta_name) const;
};

// A scenario with every knob at its default (one device class, one TA).
Scenario DefaultScenario();

// ---- diagnostics ----

enum class Severity
{
    Error,
    Warning,
};

// One problem, located in the file (line/column 1-based) or in a --set override.
struct Diagnostic
{
    Severity severity = Severity::Error;
    std::string file;          // empty when the problem is in an override or has no file
    int line = 0;              // 1-based; 0 when unknown
    int column = 0;            // 1-based; 0 when unknown
    std::string override_text; // "KEY=VALUE" when the problem is in a --set override
    std::string message;

    // "FILE:LINE:COL: error: MESSAGE" or "--set KEY=VALUE: error: MESSAGE".
    std::string ToString() const;
};

struct LoadResult
{
    Scenario scenario; // fully resolved when ok(); best effort otherwise
    std::vector<Diagnostic> diagnostics;

    bool ok() const; // no diagnostic of severity Error
};

// Reads, parses and validates a scenario file, then applies overrides ("KEY=VALUE", dotted keys
// such as "verifier.validity=4h", "fleet.0.count=50", "fleet.phones.count=50") in order. Every
// error is collected, not only the first. Declared sweep points are validated too.
LoadResult LoadScenario(const std::string& path, const std::vector<std::string>& overrides = {});
// Same from text in memory; `path` is used only in diagnostics.
LoadResult LoadScenarioText(std::string_view text, const std::string& path,
                            const std::vector<std::string>& overrides = {});

// SHA-256 (lowercase hex) of the file bytes followed by, for each override, a NUL byte and the
// override text: stable across machines, different whenever the file or an override differs.
std::string ScenarioHash(std::string_view file_bytes, const std::vector<std::string>& overrides);

// The overrides of `source` as the hash sees them: "KEY=VALUE" with the concrete key and the
// canonical value, one per key (the last one written wins), sorted by key. Two --set lists that
// set the same values (in any order, "fleet.phones.count" or "fleet.0.count", "240m" or "4h")
// give the same list, hence the same scenario hash.
std::vector<std::string> CanonicalOverrides(const ScenarioSource& source);

// Every resolved knob as (dotted key, value text), in table order, list entries by index
// ("fleet.0.count", "300"). Values are in canonical unit text ("4h", "64KiB", "10Mbps") and read
// back to the same scenario with --set. Sweep settings are not included (they describe a set).
std::vector<std::pair<std::string, std::string>> ResolvedParameters(const Scenario& scenario);

// ---- sweeps ----

struct SweepRun
{
    std::string key; // stable: "policy_check.interval=30m,verifier.validity=1h#r0"
    std::size_t point = 0;
    std::int64_t replication = 0;
    std::vector<std::string> overrides; // the point's KEY=VALUE overrides (canonical values)
    Scenario scenario;                  // fully resolved; scenario.run set per replication
};

struct SweepExpansion
{
    std::vector<SweepRun> runs; // points in product order (last axis fastest), replications inner
    std::vector<Diagnostic> diagnostics;
    bool ok() const;
};

// Expands scenario.sweep into runs. A scenario without a sweep gives one run (the scenario).
// Run numbers: with common random numbers, replication r of every point uses run = base + r;
// without, run = base + point * replications + r.
SweepExpansion ExpandSweep(const Scenario& scenario);

// ---- reference (one table) ----

struct KnobDoc
{
    std::string key; // dotted pattern; "<class>", "<ta>", "<i>" stand for list entries
    std::string type;
    std::string unit;
    std::string default_text;
    std::string meaning;
};

std::vector<KnobDoc> KnobReference();
// Plain-text list for `teepsim run --help`.
std::string FormatKnobHelp();
// Markdown table for scenarios/README.md (between the reference markers).
std::string FormatKnobReferenceMarkdown();

// ---- `teepsim validate FILE [--set K=V]...` ----

// args excludes the program and subcommand names. Prints diagnostics to err and a one-line
// summary to out. Returns 0 when valid (warnings allowed), 2 when invalid or on bad usage.
int ValidateCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

} // namespace teepsim::sim
