// Stops ns-3's bookkeeping of live Time objects for the rest of the process (what
// Simulator::Run does first anyway), so that building a large fleet does not pay for it.
#pragma once

namespace teepsim::sim
{

/// Until the first Simulator::Run, ns-3 records the address of every live ns3::Time in a
/// std::set (so that a later Time::SetResolution could rescale them): each Time member of
/// every per-device object costs a ~48-byte tree node and a tree insert/erase, ~0.4 KiB and
/// thousands of instructions per device at set-up. The deployment never changes the
/// resolution (nanoseconds), so it ends the recording when it starts building, exactly as
/// Simulator::Run would a moment later. Idempotent; no Time value changes.
void StopMarkingTimes();

} // namespace teepsim::sim
