#include "teepsim/teep-trace.h"

#include <iterator>

namespace ns3
{

const char* ToString(TeepMessageType t)
{
    switch (t)
    {
        case TeepMessageType::QueryRequest:
            return "QueryRequest";
        case TeepMessageType::QueryResponse:
            return "QueryResponse";
        case TeepMessageType::Update:
            return "Update";
        case TeepMessageType::Success:
            return "Success";
        case TeepMessageType::Error:
            return "Error";
        case TeepMessageType::Unknown:
            break;
    }
    return "Unknown";
}

const char* ToString(AttestationStatus s)
{
    switch (s)
    {
        case AttestationStatus::Affirming:
            return "affirming";
        case AttestationStatus::Warning:
            return "warning";
        case AttestationStatus::Contraindicated:
            return "contraindicated";
        case AttestationStatus::None:
            break;
    }
    return "none";
}

namespace
{
// The one table of session causes (docs/DATABASE.md "Session outcomes" repeats it).
struct OutcomeRow
{
    SessionOutcome outcome;
    const char* name;
    bool failure;
    const char* meaning;
};
constexpr OutcomeRow kOutcomes[] = {
    {SessionOutcome::Success, "success", false, "the session ended normally (204)"},
    {SessionOutcome::DroppedByBroker, "dropped-by-broker", true,
     "a compromised Broker dropped the session, before it started or in flight"},
    {SessionOutcome::TamperedRejected, "tampered-rejected", true,
     "the Broker altered a message and its receiver (Agent or TAM) rejected it"},
    {SessionOutcome::TamperedAccepted, "tampered-accepted", false,
     "the Broker altered a message, yet the session completed: only unsigned bytes changed"},
    {SessionOutcome::ClientTimeout, "client-timeout", true,
     "no answer before the client's response timeout (loss, outage, slow link)"},
    {SessionOutcome::TransportFailed, "transport-failed", true,
     "connection or HTTP failure other than a timeout (reset, refused, unexpected status)"},
    {SessionOutcome::TamBusy, "tam-busy", true,
     "the TAM turned the request away: HTTP 503 or TEEP Error ERR_TEMPORARY_ERROR"},
    {SessionOutcome::TamError, "tam-error", true,
     "any other verified TEEP error report from the TAM, or HTTP 5xx"},
    {SessionOutcome::RejectedSignature, "rejected-signature", true,
     "a message failed the signature or key check of the Agent or the TAM"},
    {SessionOutcome::RejectedToken, "rejected-token", true,
     "a message carried a missing, unknown, expired, replayed or foreign token"},
    {SessionOutcome::RejectedMalformed, "rejected-malformed", true,
     "a message was not a well-formed TEEP message of the expected type"},
    {SessionOutcome::AgentError, "agent-error", true,
     "the Agent failed on its own account (SUIT manifest or install failure)"},
    {SessionOutcome::AttestationFailed, "attestation-failed", true,
     "the Verifier could not appraise the evidence (HTTP 502)"},
    {SessionOutcome::TamSessionTimeout, "tam-session-timeout", true,
     "the TAM had already dropped the session (its SessionTimeout) when the device answered"},
    {SessionOutcome::OpenAtHorizon, "open-at-horizon", false,
     "the session was still running when the run stopped"},
};
static_assert(std::size(kOutcomes) == std::size(kAllSessionOutcomes));

constexpr bool InEnumOrder()
{
    for (size_t i = 0; i < std::size(kOutcomes); ++i)
    {
        if (static_cast<size_t>(kOutcomes[i].outcome) != i)
        {
            return false;
        }
    }
    return true;
}
static_assert(InEnumOrder(), "kOutcomes must list the causes in enum order");

const OutcomeRow& Row(SessionOutcome o)
{
    return kOutcomes[static_cast<size_t>(o)];
}
} // namespace

const char* ToString(SessionOutcome o)
{
    return static_cast<size_t>(o) < std::size(kOutcomes) ? Row(o).name : "?";
}

bool IsFailure(SessionOutcome o)
{
    return static_cast<size_t>(o) < std::size(kOutcomes) && Row(o).failure;
}

const char* Meaning(SessionOutcome o)
{
    return static_cast<size_t>(o) < std::size(kOutcomes) ? Row(o).meaning : "?";
}

SessionOutcome OutcomeOf(RejectReason r)
{
    switch (r)
    {
        case RejectReason::BadSignature:
        case RejectReason::UnknownKey:
            return SessionOutcome::RejectedSignature;
        case RejectReason::TokenMismatch:
        case RejectReason::Replay:
            return SessionOutcome::RejectedToken;
        case RejectReason::Malformed:
        case RejectReason::UnexpectedType:
            return SessionOutcome::RejectedMalformed;
        case RejectReason::BadEvidence:
            return SessionOutcome::AttestationFailed;
        case RejectReason::BadManifest:
            return SessionOutcome::AgentError;
    }
    return SessionOutcome::RejectedMalformed;
}

const char* ToString(TamperVerdict v)
{
    switch (v)
    {
        case TamperVerdict::Rejected:
            return "rejected";
        case TamperVerdict::Accepted:
            return "accepted";
        case TamperVerdict::Undelivered:
            return "undelivered";
    }
    return "?";
}

const char* ToString(RejectReason r)
{
    switch (r)
    {
        case RejectReason::Malformed:
            return "malformed";
        case RejectReason::BadSignature:
            return "bad-signature";
        case RejectReason::UnknownKey:
            return "unknown-key";
        case RejectReason::TokenMismatch:
            return "token-mismatch";
        case RejectReason::Replay:
            return "replay";
        case RejectReason::UnexpectedType:
            return "unexpected-type";
        case RejectReason::BadEvidence:
            return "bad-evidence";
        case RejectReason::BadManifest:
            return "bad-manifest";
    }
    return "?";
}

} // namespace ns3
