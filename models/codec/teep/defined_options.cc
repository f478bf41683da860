// Which option labels the CDDL defines for each message type (all others are extensions).
#include "teepsim/codec/teep_limits.h"

#include <initializer_list>

namespace teepsim::teep::limits
{

namespace
{

bool OneOf(uint64_t label, std::initializer_list<uint64_t> set)
{
    for (uint64_t l : set)
    {
        if (l == label)
        {
            return true;
        }
    }
    return false;
}

} // namespace

bool IsDefinedOption(MessageType t, const Labels& L, uint64_t label)
{
    switch (t)
    {
        case MessageType::QueryRequest:
            return OneOf(label, {L.token, L.supportedFreshnessMechanisms, L.challenge, L.versions,
                                 L.attestationPayloadFormat, L.attestationPayload, L.suitReports});
        case MessageType::QueryResponse:
            return OneOf(label, {L.token, L.selectedVersion, L.attestationPayloadFormat,
                                 L.attestationPayload, L.suitReports, L.tcList, L.requestedTcList,
                                 L.unneededManifestList, L.extList});
        case MessageType::Update:
            return OneOf(label, {L.token, L.unneededManifestList, L.manifestList,
                                 L.attestationPayloadFormat, L.attestationPayload, L.errCode,
                                 L.errMsg, L.errLang});
        case MessageType::Success:
            return OneOf(label, {L.token, L.msg, L.suitReports});
        case MessageType::Error:
            return OneOf(label, {L.token, L.errMsg, L.errLang, L.supportedCipherSuites,
                                 L.supportedFreshnessMechanisms, L.supportedSuitCoseProfiles,
                                 L.challenge, L.versions, L.suitReports});
    }
    return false;
}

} // namespace teepsim::teep::limits
