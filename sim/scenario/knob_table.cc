// The one table of scenario keys: key, type, range, default, meaning and the field it fills.
// Adding a key here makes it parseable, --set-able, listed in run_params, --help and the README.
#include <type_traits>
#include <vector>

#include "sim/scenario/knobs.h"

namespace teepsim::sim::detail
{
namespace
{

template<class T> void Assign(T& field, const Value& v)
{
    if constexpr (std::is_same_v<T, bool>)
    {
        field = std::get<bool>(v);
    }
    else if constexpr (std::is_enum_v<T> || std::is_integral_v<T>)
    {
        field = static_cast<T>(std::get<std::int64_t>(v));
    }
    else if constexpr (std::is_floating_point_v<T>)
    {
        field = std::get<double>(v);
    }
    else
    {
        field = std::get<std::string>(v);
    }
}

template<class T> Value Read(const T& field)
{
    if constexpr (std::is_same_v<T, bool>)
    {
        return field;
    }
    else if constexpr (std::is_enum_v<T> || std::is_integral_v<T>)
    {
        return static_cast<std::int64_t>(field);
    }
    else if constexpr (std::is_floating_point_v<T>)
    {
        return static_cast<double>(field);
    }
    else
    {
        return field;
    }
}

// F is a captureless generic lambda (s, indices) -> field&; C++20 lets us default-construct it.
template<class F> void SetVia(Scenario& s, const Indices& i, const Value& v)
{
    Assign(F{}(s, i), v);
}
template<class F> Value GetVia(const Scenario& s, const Indices& i)
{
    return Read(F{}(s, i));
}
template<class F> std::size_t SizeVia(const Scenario& s, const Indices& i)
{
    return F{}(s, i).size();
}
template<class F> void ResizeVia(Scenario& s, const Indices& i, std::size_t n)
{
    F{}(s, i).resize(n);
}

template<class F>
Knob Field(std::string_view key, KnobKind kind, std::string_view def, std::string_view meaning, F)
{
    Knob k;
    k.key = key;
    k.kind = kind;
    k.default_text = def;
    k.meaning = meaning;
    k.set = &SetVia<F>;
    k.get = &GetVia<F>;
    return k;
}

Knob Section(std::string_view key, std::string_view meaning)
{
    Knob k;
    k.key = key;
    k.kind = KnobKind::Section;
    k.meaning = meaning;
    return k;
}

template<class F>
Knob List(std::string_view key, std::size_t default_count, std::string_view meaning, F)
{
    Knob k;
    k.key = key;
    k.kind = KnobKind::List;
    k.meaning = meaning;
    k.default_count = default_count;
    k.size = &SizeVia<F>;
    k.resize = &ResizeVia<F>;
    return k;
}

Knob Range(Knob k, std::int64_t lo, std::int64_t hi = INT64_MAX)
{
    k.lo = lo;
    k.hi = hi;
    return k;
}

Knob Choices(Knob k, std::span<const std::string_view> choices)
{
    k.choices = choices;
    return k;
}

Knob Auto(Knob k)
{
    k.allow_auto = true;
    k.lo = 1;
    return k;
}

Knob Derived(Knob k)
{
    k.derived_default = true;
    return k;
}

// Choice spellings, in enum order.
constexpr std::string_view kTransport[] = {"full", "message"};
constexpr std::string_view kProfile[] = {"draft26", "legacy"};
constexpr std::string_view kAvailability[] = {"always", "exponential", "fixed"};
constexpr std::string_view kOverload[] = {"503", "teep-error"};
constexpr std::string_view kTamService[] = {"per-request", "per-session"};
constexpr std::string_view kAttestation[] = {"passport", "background-check"};
constexpr std::string_view kAlgorithm[] = {"esp256", "ed25519"};
constexpr std::string_view kLaw[] = {"fixed", "uniform-jitter", "exponential"};
constexpr std::string_view kStart[] = {"equilibrium", "synchronized"};
constexpr std::string_view kCrypto[] = {"real", "modelled"};
constexpr std::string_view kFreshness[] = {"timestamp", "epoch", "nonce"};
constexpr std::string_view kDelayLaw[] = {"fixed", "uniform", "exponential"};
constexpr std::string_view kCheckLaw[] = {"fixed", "uniform-jitter", "exponential"};
constexpr std::string_view kAuthorization[] = {"install-time", "execution-time"};

using K = KnobKind;
#define AT(expr)                                                                                   \
    [](auto& s, const Indices& i) -> auto&                                                         \
    {                                                                                              \
        return expr;                                                                               \
    }

std::vector<Knob> BuildTable()
{
    constexpr std::int64_t kMaxSeed = 4'294'967'295; // ns-3 seeds are 32-bit and non-zero
    std::vector<Knob> t;
    // -- run --
    t.push_back(Derived(Field("name", K::String, "",
                              "Scenario name (default: the file name without its extension).",
                              AT(s.name))));
    t.push_back(Field("description", K::String, "\"\"",
                      "Free text describing the question the scenario asks.", AT(s.description)));
    t.push_back(Range(
        Field("horizon", K::Duration, "3d",
              "Simulated time at which the run stops; devices still exposed then are censored.",
              AT(s.horizon_ns)),
        1));
    t.push_back(Range(Field("warmup", K::Duration, "0s",
                            "Initial period excluded from queue-wait and time-series statistics; "
                            "must end before the horizon and no later than malicious.t0.",
                            AT(s.warmup_ns)),
                      0));
    t.push_back(Range(Field("seed", K::Integer, "1",
                            "ns-3 RNG seed (1 to 2^32-1). Same seed + run => identical results.",
                            AT(s.seed)),
                      1, kMaxSeed));
    t.push_back(Range(Field("run", K::Integer, "1",
                            "ns-3 RNG run number (independent replications use different runs).",
                            AT(s.run)),
                      0));
    t.push_back(Choices(Field("transport", K::Choice, "full",
                              "full: ns-3 TCP/IP + HTTP; message: message-level "
                              "latency/bandwidth/loss, no TCP (much faster).",
                              AT(s.transport)),
                        kTransport));
    t.push_back(Choices(Field("profile", K::Choice, "draft26",
                              "TEEP protocol profile: draft26 (draft-ietf-teep-protocol-26) or "
                              "legacy (<= draft-25 numbering, ES256/EdDSA).",
                              AT(s.profile)),
                        kProfile));

    // -- fleet --
    t.push_back(List("fleet", 1,
                     "Device classes (a list; --set addresses a class by index or by name, e.g. "
                     "fleet.0.count or fleet.phones.count).",
                     AT(s.fleet)));
    t.push_back(Derived(Field("fleet.*.name", K::Name, "",
                              "Class name (letters, digits, '_' and '-'; default: class<index>).",
                              AT(s.fleet[i[0]].name))));
    t.push_back(Range(Field("fleet.*.count", K::Integer, "100", "Number of devices in the class.",
                            AT(s.fleet[i[0]].count)),
                      1, 10'000'000));
    t.push_back(Field("fleet.*.ree", K::Bool, "true",
                      "true: a TEEP Broker in the REE carries TEEP over HTTP; false: no REE, the "
                      "Agent owns the transport (no Broker).",
                      AT(s.fleet[i[0]].ree)));
    t.push_back(Section("fleet.*.link", "Access link profile of every device of the class."));
    t.push_back(
        Range(Field("fleet.*.link.latency", K::Duration, "10ms",
                    "One-way latency of the access link.", AT(s.fleet[i[0]].link.latency_ns)),
              0));
    t.push_back(
        Range(Field("fleet.*.link.bandwidth", K::Rate, "10Mbps", "Access link rate (must be > 0).",
                    AT(s.fleet[i[0]].link.bandwidth_bps)),
              1));
    t.push_back(
        Field("fleet.*.link.loss", K::Probability, "0",
              "Loss probability per packet (full transport) or per message (message transport).",
              AT(s.fleet[i[0]].link.loss)));
    t.push_back(
        Section("fleet.*.availability", "When devices of the class can reach the network."));
    t.push_back(Choices(Field("fleet.*.availability.model", K::Choice, "always",
                              "always; exponential (on/off periods with means on/off); fixed (on "
                              "for exactly `on`, then off for exactly `off`).",
                              AT(s.fleet[i[0]].availability.model)),
                        kAvailability));
    t.push_back(Range(Field("fleet.*.availability.on", K::Duration, "1d",
                            "Online period (mean for exponential, exact for fixed).",
                            AT(s.fleet[i[0]].availability.on_ns)),
                      1));
    t.push_back(Range(Field("fleet.*.availability.off", K::Duration, "1h",
                            "Offline period (mean for exponential, exact for fixed).",
                            AT(s.fleet[i[0]].availability.off_ns)),
                      1));
    t.push_back(Field("fleet.*.availability.check_on_reconnect", K::Bool, "false",
                      "Run a policy check at every offline -> online transition.",
                      AT(s.fleet[i[0]].availability.check_on_reconnect)));
    t.push_back(Section(
        "fleet.*.broker",
        "Broker behaviour mix: fractions of the class's devices per behaviour (sum to 1)."));
    t.push_back(Derived(Field("fleet.*.broker.honest", K::Probability, "",
                              "Fraction with an honest Broker (default: 1 minus the other "
                              "fractions; if given, all fractions must sum to 1).",
                              AT(s.fleet[i[0]].broker.honest))));
    t.push_back(
        Field("fleet.*.broker.drop", K::Probability, "0",
              "Fraction whose Broker drops each session with probability drop_probability (d).",
              AT(s.fleet[i[0]].broker.drop)));
    t.push_back(Field("fleet.*.broker.drop_probability", K::Probability, "0.5",
                      "d: per-session drop probability of a dropping Broker.",
                      AT(s.fleet[i[0]].broker.drop_probability)));
    t.push_back(Field("fleet.*.broker.drop_all", K::Probability, "0",
                      "Fraction whose Broker drops every TEEP message from t0 on, also the rest "
                      "of a session in flight at t0 (DoS).",
                      AT(s.fleet[i[0]].broker.drop_all)));
    t.push_back(Field("fleet.*.broker.delay", K::Probability, "0",
                      "Fraction whose Broker delays every message by delay_by.",
                      AT(s.fleet[i[0]].broker.delay)));
    t.push_back(Range(Field("fleet.*.broker.delay_by", K::Duration, "30s",
                            "Delta: delay added by a delaying Broker to each message.",
                            AT(s.fleet[i[0]].broker.delay_by_ns)),
                      0));
    t.push_back(Field("fleet.*.broker.suppress_timers", K::Probability, "0",
                      "Fraction whose Broker never fires RequestPolicyCheck.",
                      AT(s.fleet[i[0]].broker.suppress_timers)));
    t.push_back(
        Field("fleet.*.broker.tamper", K::Probability, "0",
              "Fraction whose Broker flips a byte of each message (from t0). A signed byte is "
              "detected (session tampered-rejected); a byte outside the signature (unprotected "
              "header) may pass (tampered-accepted). Counted per message by verdict.",
              AT(s.fleet[i[0]].broker.tamper)));

    // -- TEE authorization of TAs (issue #158, docs/THEORY-AUTHORIZATION.md) --
    t.push_back(Section("fleet.*.tee", "How the class's TEE authorizes the TAs it runs."));
    t.push_back(Choices(
        Field("fleet.*.tee.authorization", K::Choice, "install-time",
              "install-time: a TA runs until it is removed; execution-time: it runs only while "
              "the TEE holds a valid signed status for it (revoked from t0 + d_T), so X = t0 -> "
              "the TA can no longer execute = min(removal, status end).",
              AT(s.fleet[i[0]].tee.authorization)),
        kAuthorization));
    t.push_back(Range(Field("fleet.*.tee.status_validity", K::Duration, "1h",
                            "V_a: a good status authorizes execution until its issue time + V_a "
                            "(execution-time only).",
                            AT(s.fleet[i[0]].tee.status_validity_ns)),
                      1'000'000'000));
    t.push_back(Auto(Field("fleet.*.tee.status_refresh", K::Duration, "auto",
                           "R_a: mean time between status refreshes, over the device's link like "
                           "any message (loss, delay, availability); a failed refresh extends "
                           "nothing. auto: V_a / 2.",
                           AT(s.fleet[i[0]].tee.status_refresh_ns))));
    t.push_back(Field("fleet.*.tee.status_refresh_jitter", K::Probability, "0",
                      "j: refresh intervals ~ U[R_a(1-j), R_a(1+j)]; 0 = every R_a exactly.",
                      AT(s.fleet[i[0]].tee.status_refresh_jitter)));

    // -- TAM --
    t.push_back(Section("tam", "Trusted Application Manager(s) and their capacity."));
    t.push_back(Range(
        Field("tam.count", K::Integer, "1", "Number of TAM servers.", AT(s.tam.count)), 1, 64));
    t.push_back(
        Range(Field("tam.workers", K::Integer, "4",
                    "Worker pool size per TAM (messages served in parallel).", AT(s.tam.workers)),
              1, 1'000'000));
    t.push_back(Range(Field("tam.service_time", K::Duration, "2ms",
                            "TAM CPU time per TEEP message.", AT(s.tam.service_time_ns)),
                      0));
    t.push_back(Range(Field("tam.remediation_service_time", K::Duration, "5ms",
                            "TAM CPU time per message of a session that removes a TA.",
                            AT(s.tam.remediation_service_time_ns)),
                      0));
    t.push_back(Choices(
        Field("tam.service", K::Choice, "per-request",
              "What a worker charges: per-request (every TEEP message queues for service_time, "
              "remediation_service_time in a removal session) or per-session (a session's "
              "opening request queues for 3 x service_time, its later messages are not queued; "
              "the TAM is then one queue of sessions, remediation_service_time does not apply).",
              AT(s.tam.service)),
        kTamService));
    t.push_back(Range(Field("tam.queue_limit", K::Integer, "1000",
                            "Messages that may wait for a worker; beyond it the TAM answers with "
                            "overload_response (0: unlimited, nothing is turned away).",
                            AT(s.tam.queue_limit)),
                      0, 1'000'000'000));
    t.push_back(Choices(Field("tam.overload_response", K::Choice, "503",
                              "Answer when the queue is full: 503 (HTTP Service Unavailable) or "
                              "teep-error (TEEP Error, ERR_TEMPORARY_ERROR).",
                              AT(s.tam.overload_response)),
                        kOverload));
    t.push_back(
        List("tam.outages", 0,
             "TAM outage windows (a list; none by default): the TAM answers nothing during each.",
             AT(s.tam.outages)));
    t.push_back(
        Range(Field("tam.outages.*.start", K::Duration, "0s",
                    "Start of the outage (simulated time).", AT(s.tam.outages[i[0]].start_ns)),
              0));
    t.push_back(Range(Field("tam.outages.*.duration", K::Duration, "1h", "Length of the outage.",
                            AT(s.tam.outages[i[0]].duration_ns)),
                      1));
    t.push_back(Section("tam.push", "Push notifications when the TAM learns of a malicious TA."));
    t.push_back(Field(
        "tam.push.enabled", K::Bool, "false",
        "Notify devices that are reachable right now; the rest learn at their next policy check.",
        AT(s.tam.push.enabled)));
    t.push_back(Field("tam.push.reach_probability", K::Probability, "1",
                      "Chance that a reachable device receives the notification.",
                      AT(s.tam.push.reach_probability)));
    t.push_back(Range(Field("tam.push.latency", K::Duration, "1s",
                            "Delay from the TAM learning to the device's policy check.",
                            AT(s.tam.push.latency_ns)),
                      0));

    // -- timeouts (issue 16): `auto` scales them with the links, messages and TAM queue --
    t.push_back(Auto(Field(
        "response_timeout", K::Duration, "auto",
        "How long a device's client (its Broker, or its Agent without an REE) waits for each HTTP "
        "answer before the session fails. auto: 30s + the longest TAM queue wait + twice the "
        "transfer time on the class's access link (message transport: the largest message; "
        "full: a full device queue of 100 x 1500 B) + 4 one-way latencies.",
        AT(s.response_timeout_ns))));
    t.push_back(Auto(Field("tam.session_timeout", K::Duration, "auto",
                           "A TAM session not finished after this is dropped. auto: the larger of "
                           "10m and 3 x the longest response_timeout of any class (a session is "
                           "at most three exchanges).",
                           AT(s.tam.session_timeout_ns))));
    // -- Verifier --
    t.push_back(Section("verifier", "RATS Verifier and attestation results (ARs)."));
    t.push_back(Range(Field("verifier.validity", K::Duration, "24h",
                            "V: how long an attestation result stays valid after issue.",
                            AT(s.verifier.validity_ns)),
                      1));
    t.push_back(
        Range(Field("verifier.policy_delay", K::Duration, "0s",
                    "d_V: delay from t0 until the Verifier's policy rejects the malicious TA.",
                    AT(s.verifier.policy_delay_ns)),
              0));
    t.push_back(Choices(Field("verifier.model", K::Choice, "background-check",
                              "Attestation model: passport (device carries its AR) or "
                              "background-check (each use appraised afresh).",
                              AT(s.verifier.model)),
                        kAttestation));
    t.push_back(
        Choices(Field("verifier.algorithm", K::Choice, "esp256",
                      "Signature algorithm of evidence and ARs: esp256 (ECDSA P-256) or ed25519.",
                      AT(s.verifier.algorithm)),
                kAlgorithm));
    // -- freshness (issue 13; docs/THEORY-FRESHNESS.md) --
    t.push_back(Choices(
        Field("verifier.freshness", K::Choice, "timestamp",
              "How a relying party judges an AR fresh (RFC 9334 10): timestamp (until iat + V), "
              "epoch (while its epoch ID is among the last verifier.epoch.window epochs) or "
              "nonce (until its own next challenge is answered or times out, every "
              "relying_party.check_interval).",
              AT(s.verifier.freshness)),
        kFreshness));
    t.push_back(Section("verifier.epoch", "Epoch feed of epoch freshness (RFC 9334 10.3)."));
    t.push_back(Range(Field("verifier.epoch.duration", K::Duration, "1h",
                            "E: epoch length; epoch k is [kE, (k+1)E) at the Verifier, whose ARs "
                            "carry the epoch ID current at appraisal.",
                            AT(s.verifier.epoch.duration_ns)),
                      1));
    t.push_back(Range(Field("verifier.epoch.window", K::Integer, "1",
                            "w: a relying party accepts an AR while its epoch is among its own "
                            "last w epochs.",
                            AT(s.verifier.epoch.window)),
                      1, 1'000'000));
    t.push_back(Range(Field("verifier.epoch.delivery_delay", K::Duration, "0s",
                            "Mean delay with which each device's relying party receives the "
                            "epoch ticks (drawn once per device: its skew).",
                            AT(s.verifier.epoch.delivery_delay_ns)),
                      0));
    t.push_back(Choices(Field("verifier.epoch.delivery_law", K::Choice, "fixed",
                              "Law of the per-device delivery delay: fixed (exactly the mean), "
                              "uniform (U[0, 2 x mean]) or exponential.",
                              AT(s.verifier.epoch.delivery_law)),
                        kDelayLaw));
    t.push_back(Section("relying_party",
                        "The relying party of nonce freshness: it challenges each device."));
    t.push_back(Range(Field("relying_party.check_interval", K::Duration, "1h",
                            "C: (mean) interval between its challenges of one device (used with "
                            "verifier.freshness: nonce).",
                            AT(s.relying_party.check_interval_ns)),
                      1));
    t.push_back(Choices(Field("relying_party.check_law", K::Choice, "fixed",
                              "Interval law of the challenges: fixed, uniform-jitter (with "
                              "policy_check.jitter) or exponential; phases are stationary.",
                              AT(s.relying_party.check_law)),
                        kCheckLaw));
    t.push_back(Range(Field("relying_party.timeout", K::Duration, "30s",
                            "Tau: a challenge with no valid answer (its messages cross the "
                            "device's access link and the Verifier's path) this long after it "
                            "was sent is unanswered and ends trust like a rejected answer.",
                            AT(s.relying_party.timeout_ns)),
                      1));

    // -- TA catalogue and the malicious-TA event --
    t.push_back(List("catalogue", 1,
                     "Trusted Applications installed on the fleet (a list; by index or name, e.g. "
                     "catalogue.wallet.image_size).",
                     AT(s.catalogue)));
    t.push_back(Derived(Field("catalogue.*.name", K::Name, "",
                              "TA name (letters, digits, '_' and '-'; default: ta<index>).",
                              AT(s.catalogue[i[0]].name))));
    t.push_back(Range(Field("catalogue.*.image_size", K::Size, "64KiB",
                            "Size of the TA image carried in the SUIT manifest.",
                            AT(s.catalogue[i[0]].image_size)),
                      1));
    t.push_back(Field(
        "catalogue.*.personalization", K::Bool, "false",
        "Whether the TA comes with per-device personalization data (encrypted to the device).",
        AT(s.catalogue[i[0]].personalization)));
    t.push_back(Field("catalogue.*.preinstalled", K::Bool, "false",
                      "Installed on every device at t = 0 (factory provisioning, the real SUIT "
                      "procedure without a session): devices that never polled before t0 still "
                      "hold the TA at t0. false: each device gets it at its first policy check.",
                      AT(s.catalogue[i[0]].preinstalled)));
    t.push_back(Range(Field("catalogue.*.personalization_size", K::Size, "1KiB",
                            "Size of the personalization data.",
                            AT(s.catalogue[i[0]].personalization_size)),
                      1));
    t.push_back(Section("malicious", "The event under study: a TA declared malicious."));
    t.push_back(
        Derived(Field("malicious.ta", K::Name, "",
                      "Name of the catalogue TA declared malicious (default: the first TA).",
                      AT(s.malicious.ta))));
    t.push_back(Range(
        Field("malicious.t0", K::Duration, "1d",
              "t0: when the TA is declared malicious (before the horizon, not before warmup).",
              AT(s.malicious.t0_ns)),
        0));
    t.push_back(Range(Field("malicious.tam_delay", K::Duration, "0s",
                            "d_T: delay from t0 until the TAM's policy wants the TA removed.",
                            AT(s.malicious.tam_delay_ns)),
                      0));

    // -- RequestPolicyCheck --
    t.push_back(Section("policy_check", "RequestPolicyCheck schedule and retries (all devices)."));
    t.push_back(Choices(
        Field(
            "policy_check.law", K::Choice, "fixed",
            "Interval law: fixed (P), uniform-jitter (U[P(1-j), P(1+j)]) or exponential (mean P).",
            AT(s.policy_check.law)),
        kLaw));
    t.push_back(Range(Field("policy_check.interval", K::Duration, "1h",
                            "P: the (mean) interval between policy checks.",
                            AT(s.policy_check.interval_ns)),
                      1));
    Knob jitter =
        Field("policy_check.jitter", K::Real, "0.5",
              "j: relative jitter of uniform-jitter, in [0, 1).", AT(s.policy_check.jitter));
    jitter.real_lo = 0;
    jitter.real_hi = 1;
    t.push_back(jitter);
    t.push_back(Choices(Field("policy_check.start", K::Choice, "equilibrium",
                              "First fire: equilibrium (stationary residual, no accidental herd) "
                              "or synchronized (all at t = 0).",
                              AT(s.policy_check.start)),
                        kStart));
    t.push_back(Section("policy_check.retries",
                        "Immediate retries after a failed session, then back to the schedule."));
    t.push_back(
        Range(Field("policy_check.retries.count", K::Integer, "0",
                    "r: number of retries after a failed session.", AT(s.policy_check.retry_count)),
              0, 1000));
    t.push_back(Range(Field("policy_check.retries.spacing", K::Duration, "1m",
                            "b: time between retries (count x spacing must be below the interval).",
                            AT(s.policy_check.retry_spacing_ns)),
                      1));

    // -- crypto --
    t.push_back(Section("crypto", "Cost of cryptography."));
    t.push_back(Choices(Field("crypto.mode", K::Choice, "real",
                              "real: OpenSSL signatures on every message; modelled: same COSE "
                              "structure, CPU time charged instead.",
                              AT(s.crypto.mode)),
                        kCrypto));
    t.push_back(Range(Field("crypto.op_time", K::Duration, "100us",
                            "CPU time charged per sign/verify operation in modelled mode.",
                            AT(s.crypto.op_time_ns)),
                      0));

    // -- outputs --
    t.push_back(Section("outputs", "Where results go."));
    t.push_back(Field(
        "outputs.database", K::String, "teepsim.db",
        "SQLite database path (relative to the working directory); several runs may share one.",
        AT(s.outputs.database)));
    t.push_back(Field("outputs.pcap", K::Bool, "false",
                      "Write pcap traces (full transport only; costly at scale). With "
                      "crypto.mode modelled the signatures in them are placeholders that do "
                      "not verify.",
                      AT(s.outputs.pcap)));
    t.push_back(Field("outputs.pcap_dir", K::String, "pcap", "Directory for pcap files.",
                      AT(s.outputs.pcap_dir)));
    // -- outputs: accounting warnings (outcomes helper; keep these rows together) --
    t.push_back(Field("outputs.warn_failed_fraction", K::Probability, "0.5",
                      "Warn (printed and in the warnings table) when more than this fraction of "
                      "a device class's sessions fail.",
                      AT(s.outputs.warn_failed_fraction)));

    // -- sweep --
    t.push_back(Section("sweep", "Optional: a grid of runs over other keys (see Sweeps)."));
    Knob grid;
    grid.key = "sweep.grid";
    grid.kind = K::Grid;
    grid.meaning = "Map of dotted key -> list of values, e.g. verifier.validity: [1h, 4h].";
    t.push_back(grid);
    t.push_back(Field("sweep.zip", K::Bool, "false",
                      "false: Cartesian product of the grid; true: the i-th values of every key "
                      "together (equal lengths).",
                      AT(s.sweep.zip)));
    t.push_back(Range(Field("sweep.replications", K::Integer, "1",
                            "Replications per grid point (different run numbers).",
                            AT(s.sweep.replications)),
                      1, 1'000'000));
    t.push_back(
        Field("sweep.common_random_numbers", K::Bool, "true",
              "true: replication r uses the same run number at every point (variance reduction).",
              AT(s.sweep.common_random_numbers)));
    return t;
}
#undef AT

} // namespace

std::span<const Knob> Knobs()
{
    static const std::vector<Knob> table = BuildTable();
    return table;
}

const Knob* FindKnob(std::string_view pattern)
{
    for (const Knob& k : Knobs())
    {
        if (k.key == pattern)
        {
            return &k;
        }
    }
    return nullptr;
}

std::vector<std::string_view> ChildNames(std::string_view prefix)
{
    std::vector<std::string_view> names;
    for (const Knob& k : Knobs())
    {
        std::string_view key = k.key;
        if (!prefix.empty())
        {
            if (key.size() <= prefix.size() + 1 || key.substr(0, prefix.size()) != prefix ||
                key[prefix.size()] != '.')
            {
                continue;
            }
            key.remove_prefix(prefix.size() + 1);
        }
        if (key.find('.') == std::string_view::npos)
        {
            names.push_back(key);
        }
    }
    return names;
}

std::string ConcreteKey(std::string_view pattern, const Indices& indices)
{
    std::string out;
    std::size_t next = 0;
    for (char c : pattern)
    {
        if (c == '*')
        {
            out += std::to_string(indices[next++]);
        }
        else
        {
            out += c;
        }
    }
    return out;
}

} // namespace teepsim::sim::detail
