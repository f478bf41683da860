// Internal to models/teep: the process-wide codec settings the models honour (wire profile,
// real or modelled signatures, CPU time charged per signature operation) as ns-3 GlobalValues,
// and the mapping of the codec's message types onto the trace vocabulary.
//
// GlobalValues (set with GlobalValue::Bind / Config::SetGlobal / NS_GLOBAL_VALUE, before the
// simulation starts; defined in teep-globals.cc):
//   "TeepWireProfile"  EnumValue Draft26|Legacy   numbering of every TEEP message (default Draft26)
//   "TeepCryptoMode"   EnumValue Real|Modelled    setting it also calls
//                      teepsim::crypto::SetSignatureMode (default Real)
//   "TeepCryptoOpTime" TimeValue                  CPU time per sign/verify in Modelled mode (0)
#pragma once

#include "teepsim/codec/teep_profile.h"
#include "teepsim/teep-trace.h"

#include "ns3/nstime.h"

#include <cstdint>

namespace ns3::teepwire
{

/// Values of the "TeepWireProfile" GlobalValue (the codec's ProfileId numbering).
enum WireProfile : int
{
    WIRE_DRAFT26 = static_cast<int>(teepsim::teep::ProfileId::Draft26),
    WIRE_LEGACY = static_cast<int>(teepsim::teep::ProfileId::Legacy),
};

/// Values of the "TeepCryptoMode" GlobalValue.
enum CryptoMode : int
{
    CRYPTO_REAL = 0,
    CRYPTO_MODELLED = 1,
};

/// The wire profile selected by "TeepWireProfile". Wire() and CryptoCharge() read a copy of the
/// three GlobalValues, reloaded after any of them is set (their checkers see every SetValue:
/// Bind, BindFailSafe, Config::SetGlobal, the command line). ns-3's Config::Reset restores
/// GlobalValues without their checkers: call RefreshCodecGlobals() (or ResetCodecGlobals())
/// after it.
const teepsim::teep::Profile& Wire();

/// CPU time a party pays for `ops` signature operations (crypto::OperationCount() deltas):
/// ops x "TeepCryptoOpTime" in Modelled mode, zero in Real mode (real signatures are not
/// charged simulated time). Also re-applies "TeepCryptoMode" to the codec if the codec's mode
/// drifted from it (crypto::SetSignatureMode called directly).
Time CryptoCharge(uint64_t ops);

/// Restores the three GlobalValues to their defaults (tests; a new scenario in one process).
void ResetCodecGlobals();

/// Rereads the three GlobalValues and applies "TeepCryptoMode" to the codec: for values that
/// changed without their checkers (ns-3's Config::Reset, GlobalValue::ResetInitialValue).
void RefreshCodecGlobals();

/// The codec's logical MessageType (0-based) as the trace's TeepMessageType (draft-26 values).
inline TeepMessageType TraceType(teepsim::teep::MessageType t)
{
    return static_cast<TeepMessageType>(static_cast<uint8_t>(t) + 1);
}

} // namespace ns3::teepwire
