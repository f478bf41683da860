// TeepTeeSessionDriver: a device with no REE (seed issue #150). The TEE's own network stack
// carries the TEEP sessions: the same RequestPolicyCheck timer laws, retries and TEEP-over-HTTP
// session loop as a Broker (TeepSessionDriver), and nothing a compromised REE could do — there
// is no REE to compromise, so it has no drop, delay, suppress or tamper attributes at all.
#pragma once

#include "teepsim/teep-session-driver.h"

namespace ns3
{

class TeepTeeSessionDriver : public TeepSessionDriver
{
  public:
    static TypeId GetTypeId();
    TeepTeeSessionDriver();
    ~TeepTeeSessionDriver() override;
};

} // namespace ns3
