// The timeouts a scenario resolves (issue 16): `response_timeout` per device class and
// `tam.session_timeout`, either given or `auto` (computed here from links, messages and the
// TAM's queue). Kept apart from the build so the rule can be tested and documented on its own.
#pragma once

#include "teepsim/sim/scenario.h"

#include <cstdint>

namespace teepsim::sim
{

/// The client response timeout of devices of class `c`, in ns. `auto` (kAutoDuration) is
///   30 s + QueueWaitBound(s) + 4 one-way latencies + twice the transfer time of
///   - message transport: the largest message (LargestMessageBytes) over the access link,
///   - full transport: a full device queue (ns-3's 100 packets of 1500 B) over the access link,
/// i.e. the fixed 30 s of silence the models always allowed, plus what the scenario makes
/// unavoidable: waiting behind the TAM's queue and pushing a TA image through a slow link.
int64_t ResponseTimeoutNs(const Scenario& s, const DeviceClass& c);

/// The TAM session timeout, in ns. `auto` is max(10 min, 3 x the largest ResponseTimeoutNs of
/// any class): a session is at most three client exchanges after the TAM opens it
/// (QueryRequest, QueryResponse -> Update, Success), each bounded by the client's own timeout,
/// so the TAM never gives up on a session its client is still waiting for.
int64_t SessionTimeoutNs(const Scenario& s);

/// The longest a message can wait for a TAM worker: the queue holds at most
/// min(queue_limit, devices) messages (a device has one request outstanding at a time), served
/// by `workers` in parallel at the slower of service_time and remediation_service_time (with
/// tam.service per-session: 3 x service_time per queued opening request), plus four modelled
/// signature operations per message in crypto.mode modelled.
int64_t QueueWaitBoundNs(const Scenario& s);

/// An upper bound on the largest HTTP message of a session: every catalogue TA (image and
/// personalization data) in one Update, plus 4 KiB for SUIT, COSE, TEEP and HTTP framing.
int64_t LargestMessageBytes(const Scenario& s);

} // namespace teepsim::sim
