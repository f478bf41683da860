// Which option labels the CDDL defines for each message type (all others are extensions): the
// labels of that message type's option table.
#include "teepsim/codec/teep_limits.h"

#include "options.h"

namespace teepsim::teep::limits
{

namespace
{

template<typename M> bool Defines(const Labels& L, uint64_t label)
{
    return detail::FindOptionEntry<M>(L, label) != nullptr;
}

} // namespace

bool IsDefinedOption(MessageType t, const Labels& L, uint64_t label)
{
    switch (t)
    {
        case MessageType::QueryRequest:
            return Defines<QueryRequest>(L, label);
        case MessageType::QueryResponse:
            return Defines<QueryResponse>(L, label);
        case MessageType::Update:
            return Defines<Update>(L, label);
        case MessageType::Success:
            return Defines<Success>(L, label);
        case MessageType::Error:
            return Defines<Error>(L, label);
    }
    return false;
}

} // namespace teepsim::teep::limits
