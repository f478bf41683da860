#include "timeouts.h"

#include <algorithm>
#include <cmath>

namespace teepsim::sim
{

namespace
{
constexpr int64_t kNsPerSecond = 1'000'000'000;
constexpr int64_t kBaseResponseTimeoutNs = 30 * kNsPerSecond; // the models' silence limit
constexpr int64_t kBaseSessionTimeoutNs = 600 * kNsPerSecond; // the TAM's former fixed 10 min
constexpr int64_t kFramingBytes = 4096;                       // SUIT + COSE + TEEP + HTTP
constexpr double kDeviceQueueBytes = 100.0 * 1500;            // ns-3 default device queue
constexpr int64_t kSignatureOpsPerMessage = 4;                // verify + sign, AR, evidence
constexpr int64_t kRequestsPerSession = 3;                    // empty POST, QueryResponse, Success

int64_t TransferNs(double bytes, int64_t bandwidthBps)
{
    return static_cast<int64_t>(
        std::ceil(bytes * 8 / static_cast<double>(std::max<int64_t>(bandwidthBps, 1)) * 1e9));
}
} // namespace

int64_t LargestMessageBytes(const Scenario& s)
{
    int64_t bytes = kFramingBytes;
    for (const TrustedApp& ta : s.catalogue)
    {
        bytes += ta.image_size + (ta.personalization ? ta.personalization_size : 0);
    }
    return bytes;
}

int64_t QueueWaitBoundNs(const Scenario& s)
{
    // queue_limit 0 lets the TAM model queue without bound (TamServer::QueueLimit): then every
    // device may be waiting.
    const int64_t waiting = s.tam.queue_limit == 0
                                ? s.TotalDevices()
                                : std::min<int64_t>(s.tam.queue_limit, s.TotalDevices());
    // Per session only the opening requests queue, each for the whole session's service.
    int64_t perMessage = s.tam.service == TamService::PerSession
                             ? kRequestsPerSession * s.tam.service_time_ns
                             : std::max(s.tam.service_time_ns, s.tam.remediation_service_time_ns);
    if (s.crypto.mode == CryptoMode::Modelled)
    {
        perMessage += kSignatureOpsPerMessage * s.crypto.op_time_ns;
    }
    const int64_t workers = std::max<int64_t>(s.tam.workers, 1);
    // Rounds of `workers` messages ahead of the last one in the queue, and its own service.
    return ((waiting + workers - 1) / workers + 1) * perMessage;
}

int64_t ResponseTimeoutNs(const Scenario& s, const DeviceClass& c)
{
    if (s.response_timeout_ns != kAutoDuration)
    {
        return s.response_timeout_ns;
    }
    const double transferred = s.transport == Transport::Message
                                   ? static_cast<double>(LargestMessageBytes(s))
                                   : kDeviceQueueBytes;
    return kBaseResponseTimeoutNs + QueueWaitBoundNs(s) +
           2 * TransferNs(transferred, c.link.bandwidth_bps) + 4 * c.link.latency_ns;
}

int64_t SessionTimeoutNs(const Scenario& s)
{
    if (s.tam.session_timeout_ns != kAutoDuration)
    {
        return s.tam.session_timeout_ns;
    }
    int64_t longest = 0;
    for (const DeviceClass& c : s.fleet)
    {
        longest = std::max(longest, ResponseTimeoutNs(s, c));
    }
    return std::max(kBaseSessionTimeoutNs, 3 * longest);
}

} // namespace teepsim::sim
