// Internal to models/teep: the wire profile the models speak and the mapping of the codec's
// message types onto the trace vocabulary, shared by the Agent and the TAM.
#pragma once

#include "teepsim/codec/teep_profile.h"
#include "teepsim/teep-trace.h"

namespace ns3::teepwire
{

/// The models speak draft-26 numbering (the scenario's `profile` key is not honoured yet).
inline const teepsim::teep::Profile& Wire()
{
    return teepsim::teep::Profile::Draft26();
}

/// The codec's logical MessageType (0-based) as the trace's TeepMessageType (draft-26 values).
inline TeepMessageType TraceType(teepsim::teep::MessageType t)
{
    return static_cast<TeepMessageType>(static_cast<uint8_t>(t) + 1);
}

} // namespace ns3::teepwire
