#include "teepsim/teep-trace.h"

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

const char* ToString(SessionOutcome o)
{
    switch (o)
    {
        case SessionOutcome::Success:
            return "success";
        case SessionOutcome::AgentError:
            return "agent-error";
        case SessionOutcome::TransportFailed:
            return "transport-failed";
        case SessionOutcome::Rejected:
            return "rejected";
        case SessionOutcome::Timeout:
            return "timeout";
        case SessionOutcome::DroppedByBroker:
            return "dropped-by-broker";
        case SessionOutcome::AttestationFailed:
            return "attestation-failed";
        case SessionOutcome::TamBusy:
            return "tam-busy";
        case SessionOutcome::TamError:
            return "tam-error";
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
