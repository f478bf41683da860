#include "teepsim/teep-tee-session-driver.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(TeepTeeSessionDriver);

TypeId TeepTeeSessionDriver::GetTypeId()
{
    static TypeId tid = TypeId("ns3::teepsim::TeepTeeSessionDriver")
                            .SetParent<TeepSessionDriver>()
                            .SetGroupName("Teep")
                            .AddConstructor<TeepTeeSessionDriver>();
    return tid;
}

TeepTeeSessionDriver::TeepTeeSessionDriver() = default;

TeepTeeSessionDriver::~TeepTeeSessionDriver() = default;

} // namespace ns3
