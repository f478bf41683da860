// Trace-source vocabulary of the TEEP models: the enums every event carries and the callback
// signature of every trace source, so that a recorder can subscribe without including model
// internals. Times are not passed: a listener reads Simulator::Now() (ns-3 convention).
//
// Trace sources (model -> name -> callback type):
//   TeepSessionDriver (TeepBroker, TeepTeeSessionDriver):
//     PolicyCheck      TeepDeviceTracedCallback      timer fired (or retry)
//     SessionStart     TeepDeviceTracedCallback      empty POST about to be sent
//     SessionEnd       TeepSessionEndTracedCallback  outcome of the session (one per start)
//     TamperVerdict    TeepTamperVerdictTracedCallback  fate of each tampered message
//   TeepBroker only:
//     Tampered         TeepTamperTracedCallback      a byte was flipped (tamper mode)
//     Dropped          TeepDeviceTracedCallback      session (or its rest) dropped by a bad Broker
//   TeepAgent:
//     MessageReceived  TeepMessageTracedCallback     TEEP message handed to the TEE
//     MessageSent      TeepMessageTracedCallback     TEEP message the TEE answered
//     TaInstalled      TeepTaTracedCallback          SUIT install done
//     TaRemoved        TeepTaTracedCallback          unlinked (unneeded-manifest-list)
//     ArReceived       TeepArTracedCallback          verified AR stored by the Agent
//     Rejected         TeepRejectTracedCallback      message rejected, Error sent
//   TamServer:
//     SessionStart     TeepDeviceTracedCallback      device id unknown: kUnknownDevice
//     SessionEnd       TeepSessionEndTracedCallback  TAM view: success, agent-error,
//                                                    tam-session-timeout, attestation-failed
//     MessageReceived  TeepMessageTracedCallback
//     MessageSent      TeepMessageTracedCallback
//     Rejected         TeepRejectTracedCallback      message dropped (bad sig, token)
//     ErrorReceived    TeepErrorTracedCallback       TEEP Error from an Agent
//     PolicyUpdate     TeepPolicyTracedCallback      TAM learned a TA is malicious
//     QueueDelay       TeepQueueDelayTracedCallback  wait before a worker took a request
//     Overload         TeepDeviceTracedCallback      QueueLimit turned a request away
//   Verifier:
//     ArIssued         TeepArTracedCallback          signed AR sent to the TAM
//     PolicyUpdate     TeepPolicyTracedCallback      Verifier learned a TA is malicious
//     Rejected         TeepRejectTracedCallback      evidence that failed appraisal
#pragma once

#include "ns3/nstime.h"

#include <cstdint>
#include <string>

namespace ns3
{

/// Device id used before a TAM knows which device a session belongs to (empty POST).
constexpr uint32_t kUnknownDevice = 0xffffffffu;

/// TEEP message types (draft-26 numbering: Success 4, Error 5).
enum class TeepMessageType : uint8_t
{
    Unknown = 0,
    QueryRequest = 1,
    QueryResponse = 2,
    Update = 3,
    Success = 4,
    Error = 5,
};
/// The message type's name ("QueryRequest", ...).
const char* ToString(TeepMessageType t);

/// EAR-style trust tiers (draft-ietf-rats-ear): the status of an attestation result.
enum class AttestationStatus : uint8_t
{
    None = 0,
    Affirming = 2,
    Warning = 32,
    Contraindicated = 96,
};
/// "none", "affirming", "warning" or "contraindicated".
const char* ToString(AttestationStatus s);

/// How a TEEP session ended: exactly one cause per session, from this list only (the table in
/// teep-trace.cc holds the names, the failure flag and the meaning; docs/DATABASE.md repeats it).
/// The device's session driver reports every cause but TamSessionTimeout (TAM side) and
/// OpenAtHorizon (recorder: the session had not ended when the run stopped).
enum class SessionOutcome : uint8_t
{
    Success,           // ended with 204 after Success (or 204 with nothing to do)
    DroppedByBroker,   // a compromised Broker dropped the session (before or during it)
    TamperedRejected,  // a message altered by the Broker was rejected (Agent or TAM)
    TamperedAccepted,  // a tampered session completed: only unsigned bytes were changed
    ClientTimeout,     // no answer before the client's response timeout
    TransportFailed,   // connection/HTTP failure other than a timeout
    TamBusy,           // HTTP 503, or a TEEP Error ERR_TEMPORARY_ERROR from the TAM
    TamError,          // any other verified error report from the TAM, or HTTP 5xx
    RejectedSignature, // a message failed its signature or key check (Agent or TAM)
    RejectedToken,     // a message carried a missing, unknown, replayed or foreign token
    RejectedMalformed, // a message was not a well-formed TEEP message of the expected type
    AgentError,        // the Agent reported an error of its own (SUIT/manifest failure)
    AttestationFailed, // the Verifier could not appraise the evidence (HTTP 502, TAM side)
    TamSessionTimeout, // TAM: the session timed out at the TAM before the device answered
    OpenAtHorizon,     // recorder only: still running when the run stopped
};
/// Every SessionOutcome, in enum order.
constexpr SessionOutcome kAllSessionOutcomes[] = {
    SessionOutcome::Success,           SessionOutcome::DroppedByBroker,
    SessionOutcome::TamperedRejected,  SessionOutcome::TamperedAccepted,
    SessionOutcome::ClientTimeout,     SessionOutcome::TransportFailed,
    SessionOutcome::TamBusy,           SessionOutcome::TamError,
    SessionOutcome::RejectedSignature, SessionOutcome::RejectedToken,
    SessionOutcome::RejectedMalformed, SessionOutcome::AgentError,
    SessionOutcome::AttestationFailed, SessionOutcome::TamSessionTimeout,
    SessionOutcome::OpenAtHorizon,
};
/// True when the session did not do its job (every cause but success, tampered-accepted and
/// open-at-horizon).
bool IsFailure(SessionOutcome o);
/// One sentence: what the cause means (the docs table says the same).
const char* Meaning(SessionOutcome o);
/// The outcome's name as the results database writes it ("success", ...).
const char* ToString(SessionOutcome o);

/// Why a message was rejected (by an Agent, a TAM or a Verifier).
enum class RejectReason : uint8_t
{
    Malformed,      // not CBOR / not COSE / not a TEEP message of an allowed type
    BadSignature,   // COSE signature did not verify with a trusted key
    UnknownKey,     // kid of no known device (TAM, Verifier)
    TokenMismatch,  // token absent, unknown, expired or of the wrong session
    Replay,         // Agent: token already consumed
    UnexpectedType, // valid message at the wrong point of the session
    BadEvidence,    // Verifier: nonce / cnf / claims wrong
    BadManifest,    // Agent: SUIT envelope failed (digest, signature, rollback, image)
};
/// The reason's name ("malformed", "bad-signature", ...).
const char* ToString(RejectReason r);
/// The session cause of a message rejected for reason `r` (by the Agent or the TAM).
SessionOutcome OutcomeOf(RejectReason r);

/// Where a tampering Broker flipped a byte.
enum class TamperDirection : uint8_t
{
    ToAgent,
    ToTam,
};

/// What became of a tampered message: its receiver rejected it, took it (only bytes outside the
/// signature, such as the unprotected header's kid, were changed), or it never got a verdict
/// (lost in transport, session ended or dropped first).
enum class TamperVerdict : uint8_t
{
    Rejected,
    Accepted,
    Undelivered,
};
/// "rejected", "accepted" or "undelivered".
const char* ToString(TamperVerdict v);

// ---- callback signatures (for TraceConnectWithoutContext / MakeCallback) ----

/// (deviceId)
typedef void (*TeepDeviceTracedCallback)(uint32_t deviceId);
/// (deviceId, outcome)
typedef void (*TeepSessionEndTracedCallback)(uint32_t deviceId, SessionOutcome outcome);
/// (deviceId, type, size of the COSE-signed TEEP message in bytes)
typedef void (*TeepMessageTracedCallback)(uint32_t deviceId, TeepMessageType type, uint32_t bytes);
/// (deviceId, TA name, manifest sequence number)
typedef void (*TeepTaTracedCallback)(uint32_t deviceId, const std::string& ta, uint64_t sequence);
/// (deviceId, status, issued-at, expiry) — times on the simulation clock
typedef void (*TeepArTracedCallback)(uint32_t deviceId, AttestationStatus status, Time iat,
                                     Time exp);
/// (deviceId, reason, TEEP error code sent or 0 when the message was dropped silently)
typedef void (*TeepRejectTracedCallback)(uint32_t deviceId, RejectReason reason, uint32_t errCode);
/// (deviceId, TEEP error code received)
typedef void (*TeepErrorTracedCallback)(uint32_t deviceId, uint32_t errCode);
/// (TA name, malicious) — a policy event at the TAM or Verifier
typedef void (*TeepPolicyTracedCallback)(const std::string& ta, bool malicious);
/// (deviceId, direction)
typedef void (*TeepTamperTracedCallback)(uint32_t deviceId, TamperDirection direction);
/// (deviceId, direction, verdict) — one per tampered message, once its fate is known
typedef void (*TeepTamperVerdictTracedCallback)(uint32_t deviceId, TamperDirection direction,
                                                TamperVerdict verdict);
/// (deviceId or kUnknownDevice, time spent waiting for a worker)
typedef void (*TeepQueueDelayTracedCallback)(uint32_t deviceId, Time wait);

/// TEEP error codes (draft-26 numbering, PROTOCOL.md 4.4).
namespace teeperr
{
/// ERR_PERMANENT_ERROR
constexpr uint32_t kPermanentError = 1;
/// ERR_UNSUPPORTED_EXTENSION
constexpr uint32_t kUnsupportedExtension = 2;
/// ERR_UNSUPPORTED_FRESHNESS_MECHANISMS
constexpr uint32_t kUnsupportedFreshness = 3;
/// ERR_UNSUPPORTED_MSG_VERSION
constexpr uint32_t kUnsupportedMsgVersion = 4;
/// ERR_UNSUPPORTED_CIPHER_SUITES
constexpr uint32_t kUnsupportedCipherSuites = 5;
/// ERR_BAD_CERTIFICATE
constexpr uint32_t kBadCertificate = 6;
/// ERR_ATTESTATION_REQUIRED
constexpr uint32_t kAttestationRequired = 7;
/// ERR_UNSUPPORTED_SUIT_REPORT
constexpr uint32_t kUnsupportedSuitReport = 8;
/// ERR_CERTIFICATE_EXPIRED
constexpr uint32_t kCertificateExpired = 9;
/// ERR_TEMPORARY_ERROR (e.g. an overloaded TAM)
constexpr uint32_t kTemporaryError = 10;
/// ERR_MANIFEST_PROCESSING_FAILED
constexpr uint32_t kManifestProcessingFailed = 11;
} // namespace teeperr

} // namespace ns3
