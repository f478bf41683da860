// TeepTeeSessionDriver: a device with no REE (seed issue #150). The TEE's own network stack
// carries the TEEP sessions: the same RequestPolicyCheck timer laws, retries and TEEP-over-HTTP
// session loop as a Broker (TeepSessionDriver), and nothing a compromised REE could do — there
// is no REE to compromise, so it has no drop, delay, suppress or tamper attributes at all.
#pragma once

#include "teepsim/teep-session-driver.h"

namespace ns3
{

/// Session driver of a device without an REE: TeepSessionDriver's timer, retries and session
/// loop with no Broker behaviours (TeepDeviceHelper::SetRee(false) installs it).
///
/// \par Attributes
/// Those of TeepSessionDriver (Law, Interval, Jitter, Start, SynchronizedOffset, RetryCount,
/// RetrySpacing); none of its own.
///
/// \par Trace sources
/// Those of TeepSessionDriver (PolicyCheck, SessionStart, SessionEnd, TamperVerdict, which never
/// fires here).
class TeepTeeSessionDriver : public TeepSessionDriver
{
  public:
    /// The ns-3 TypeId ("ns3::teepsim::TeepTeeSessionDriver").
    static TypeId GetTypeId();
    TeepTeeSessionDriver();
    ~TeepTeeSessionDriver() override;
};

} // namespace ns3
