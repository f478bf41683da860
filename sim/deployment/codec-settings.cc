#include "codec-settings.h"

#include "ns3/global-value.h"
#include "ns3/nstime.h"
#include "ns3/string.h"

namespace teepsim::sim
{

void ApplyCodecSettings(const Scenario& s)
{
    // By name and string (not EnumValue): the enum lives in the models' internal header, and
    // the strings are the GlobalValues' documented spellings.
    ns3::GlobalValue::Bind("TeepWireProfile",
                           ns3::StringValue(s.profile == Profile::Legacy ? "Legacy" : "Draft26"));
    ns3::GlobalValue::Bind(
        "TeepCryptoMode",
        ns3::StringValue(s.crypto.mode == CryptoMode::Modelled ? "Modelled" : "Real"));
    ns3::GlobalValue::Bind("TeepCryptoOpTime",
                           ns3::TimeValue(ns3::NanoSeconds(s.crypto.op_time_ns)));
}

} // namespace teepsim::sim
