// Names of TEEP enums and small accessors shared by encoder, decoder and tools.
#include "teepsim/codec/teep.h"

namespace teepsim::teep
{

const char* ToString(MessageType t)
{
    switch (t)
    {
        case MessageType::QueryRequest:
            return "QueryRequest";
        case MessageType::QueryResponse:
            return "QueryResponse";
        case MessageType::Update:
            return "Update";
        case MessageType::Success:
            return "Success";
        case MessageType::Error:
            return "Error";
    }
    return "?";
}

const char* ToString(ErrorCode c)
{
    switch (c)
    {
        case ErrorCode::PermanentError:
            return "ERR_PERMANENT_ERROR";
        case ErrorCode::UnsupportedExtension:
            return "ERR_UNSUPPORTED_EXTENSION";
        case ErrorCode::UnsupportedFreshnessMechanisms:
            return "ERR_UNSUPPORTED_FRESHNESS_MECHANISMS";
        case ErrorCode::UnsupportedMsgVersion:
            return "ERR_UNSUPPORTED_MSG_VERSION";
        case ErrorCode::UnsupportedCipherSuites:
            return "ERR_UNSUPPORTED_CIPHER_SUITES";
        case ErrorCode::BadCertificate:
            return "ERR_BAD_CERTIFICATE";
        case ErrorCode::AttestationRequired:
            return "ERR_ATTESTATION_REQUIRED";
        case ErrorCode::UnsupportedSuitReport:
            return "ERR_UNSUPPORTED_SUIT_REPORT";
        case ErrorCode::CertificateExpired:
            return "ERR_CERTIFICATE_EXPIRED";
        case ErrorCode::TemporaryError:
            return "ERR_TEMPORARY_ERROR";
        case ErrorCode::ManifestProcessingFailed:
            return "ERR_MANIFEST_PROCESSING_FAILED";
    }
    return "ERR_?";
}

std::string Failure::ToString() const
{
    std::string s = teep::ToString(code);
    if (offset)
    {
        s += " at byte " + std::to_string(*offset);
    }
    s += ": ";
    s += reason;
    return s;
}

MessageType TypeOf(const Message& m)
{
    return static_cast<MessageType>(m.index());
}

const std::optional<Bytes>& TokenOf(const Message& m)
{
    return std::visit([](const auto& msg) -> const std::optional<Bytes>& { return msg.token; }, m);
}

CipherSuite Sign1Suite(crypto::Alg alg)
{
    return {CipherSuiteOp{18, static_cast<int64_t>(alg)}};
}

} // namespace teepsim::teep
