// Trace-source vocabulary of the TEEP models: the enums every event carries and the callback
// signature of every trace source, so that a recorder can subscribe without including model
// internals. Times are not passed: a listener reads Simulator::Now() (ns-3 convention).
//
// Trace sources (model -> name -> callback type):
//   TeepSessionDriver (TeepBroker, TeepTeeSessionDriver):
//     PolicyCheck      TeepDeviceTracedCallback      timer fired (or retry)
//     SessionStart     TeepDeviceTracedCallback      empty POST about to be sent
//     SessionEnd       TeepSessionEndTracedCallback  outcome of the session
//   TeepBroker only:
//     Tampered         TeepTamperTracedCallback      a byte was flipped (tamper mode)
//     Dropped          TeepDeviceTracedCallback      session dropped by a bad Broker
//   TeepAgent:
//     MessageReceived  TeepMessageTracedCallback     TEEP message handed to the TEE
//     MessageSent      TeepMessageTracedCallback     TEEP message the TEE answered
//     TaInstalled      TeepTaTracedCallback          SUIT install done
//     TaRemoved        TeepTaTracedCallback          unlinked (unneeded-manifest-list)
//     ArReceived       TeepArTracedCallback          verified AR stored by the Agent
//     Rejected         TeepRejectTracedCallback      message rejected, Error sent
//   TamServer:
//     SessionStart     TeepDeviceTracedCallback      device id unknown: kUnknownDevice
//     SessionEnd       TeepSessionEndTracedCallback  Success/Error/timeout/...
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
const char* ToString(TeepMessageType t);

/// EAR-style trust tiers (draft-ietf-rats-ear): the status of an attestation result.
enum class AttestationStatus : uint8_t
{
    None = 0,
    Affirming = 2,
    Warning = 32,
    Contraindicated = 96,
};
const char* ToString(AttestationStatus s);

/// How a TEEP session ended, as seen by the device's session driver (Broker) or the TAM.
enum class SessionOutcome : uint8_t
{
    Success,           // ended with 204 after Success (or 204 with nothing to do)
    AgentError,        // the Agent answered with a TEEP Error (rejected a message, SUIT failure)
    TransportFailed,   // HTTP status 0 / non-2xx: ProcessError was called
    Rejected,          // TAM dropped a message (bad signature, token mismatch, malformed)
    Timeout,           // TAM: no answer before the session timeout
    DroppedByBroker,   // a compromised Broker silently dropped the session
    AttestationFailed, // TAM: the Verifier could not appraise the evidence
    TamBusy,           // device: the TAM answered with a TEEP Error ERR_TEMPORARY_ERROR (overload)
    TamError,          // device: any other verified error report from the TAM
};
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
const char* ToString(RejectReason r);

/// Where a tampering Broker flipped a byte.
enum class TamperDirection : uint8_t
{
    ToAgent,
    ToTam,
};

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
/// (deviceId or kUnknownDevice, time spent waiting for a worker)
typedef void (*TeepQueueDelayTracedCallback)(uint32_t deviceId, Time wait);

/// TEEP error codes (draft-26 numbering, PROTOCOL.md 4.4).
namespace teeperr
{
constexpr uint32_t kPermanentError = 1;
constexpr uint32_t kUnsupportedExtension = 2;
constexpr uint32_t kUnsupportedFreshness = 3;
constexpr uint32_t kUnsupportedMsgVersion = 4;
constexpr uint32_t kUnsupportedCipherSuites = 5;
constexpr uint32_t kBadCertificate = 6;
constexpr uint32_t kAttestationRequired = 7;
constexpr uint32_t kUnsupportedSuitReport = 8;
constexpr uint32_t kCertificateExpired = 9;
constexpr uint32_t kTemporaryError = 10;
constexpr uint32_t kManifestProcessingFailed = 11;
} // namespace teeperr

} // namespace ns3
