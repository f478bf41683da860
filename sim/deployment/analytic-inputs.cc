// Maps a Scenario onto the analytic model's inputs (THEORY.md's parameters), saying in notes
// where the mapping is approximate or impossible.
#include "teepsim/sim/deployment.h"

#include "ns3/nstime.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "authorization-inputs.h"
#include "freshness-inputs.h"
#include "timeouts.h"

namespace teepsim::sim
{

namespace
{
double Seconds(int64_t ns)
{
    return static_cast<double>(ns) / 1e9;
}
// A removal session is 3 HTTP exchanges on the device link (THEORY §3.2), but the TA is gone
// once the 4th message (the Update) arrives, and the Verifier issued the AR after the 3rd
// (the QueryResponse); passport-mode Agents hold it after the 4th. Later losses do not matter.
constexpr int kMessagesToRemoval = 4;
constexpr int kMessagesToArIssued = 3;
// Requests a TAM serves per session: empty POST, QueryResponse, Success.
constexpr int kTamRequestsPerSession = 3;
// Messages of a whole session (3 requests, 3 answers): losing any one fails it.
constexpr int kMessagesPerSession = 6;

} // namespace

analytic::Inputs AnalyticInputsFor(const Scenario& s, std::vector<std::string>* notes)
{
    auto note = [&](std::string n)
    {
        if (notes)
        {
            notes->push_back(std::move(n));
        }
    };
    analytic::Inputs in;
    AddFreshnessInputs(s, in);
    const PolicyCheck& pc = s.policy_check;
    switch (pc.law)
    {
        case PolicyCheckLaw::Fixed:
            in.law = analytic::IntervalLaw::Fixed;
            break;
        case PolicyCheckLaw::UniformJitter:
            in.law = analytic::IntervalLaw::UniformJitter;
            break;
        case PolicyCheckLaw::Exponential:
            in.law = analytic::IntervalLaw::Exponential;
            break;
    }
    in.interval = Seconds(pc.interval_ns);
    in.jitter = pc.jitter;
    in.synchronized = pc.start == PolicyCheckStart::Synchronized;
    if (in.synchronized && pc.law == PolicyCheckLaw::Fixed && pc.interval_ns > 0)
    {
        // Synchronized devices poll at 0, P, 2P, ...: the next poll after d_T is φ later.
        const int64_t dT = s.malicious.t0_ns + s.malicious.tam_delay_ns;
        in.herdPhase = Seconds((pc.interval_ns - dT % pc.interval_ns) % pc.interval_ns);
    }
    in.retries = static_cast<int>(pc.retry_count);
    in.retrySpacing = Seconds(pc.retry_spacing_ns);
    in.validity = Seconds(s.verifier.validity_ns);
    in.verifierDelay = Seconds(s.verifier.policy_delay_ns);
    in.tamDelay = Seconds(s.malicious.tam_delay_ns);
    in.devices = static_cast<size_t>(s.TotalDevices());
    in.tamWorkers = static_cast<int>(s.tam.workers);
    // Workers = 0: unlimited, no queue and no service time at all (the TAM ignores both).
    const bool limited = s.tam.workers > 0;
    in.serviceTime = limited ? kTamRequestsPerSession * Seconds(s.tam.service_time_ns) : 0;
    in.tamMessagesPerSession = kTamRequestsPerSession;
    // Per session the whole session's service is charged at its opening request, which cannot
    // know yet that the session removes a TA: no remediation service time (validation).
    in.tamPerSession = s.tam.service == TamService::PerSession;
    in.remediationServiceTime =
        limited && !in.tamPerSession ? Seconds(s.tam.remediation_service_time_ns) : 0;
    // Requests arrive Poisson-like only when the devices' round trips differ by several
    // service times (docs/THEORY-EXTENSIONS.md §3): here, at least 5 classes whose latencies
    // are pairwise 2 service times apart (2 one-way latencies per round trip).
    {
        std::vector<int64_t> lat;
        for (const DeviceClass& dc : s.fleet)
        {
            lat.push_back(dc.link.latency_ns);
            // A follow-up request leaves the device a round trip after the answer to the last.
            in.roundTripClasses.emplace_back(2 * Seconds(dc.link.latency_ns),
                                             static_cast<size_t>(dc.count));
        }
        std::sort(lat.begin(), lat.end());
        bool spread = lat.size() >= 5;
        for (size_t i = 1; i < lat.size() && spread; ++i)
        {
            spread = lat[i] - lat[i - 1] >= s.tam.service_time_ns;
        }
        in.spreadRoundTrips = spread;
        // A follow-up request leaves the device a round trip (two latencies) after the answer.
        in.minRoundTrip = lat.empty() ? 0 : 2 * Seconds(lat.front());
    }

    if (s.fleet.empty())
    {
        in.unmodelled = true;
        return in;
    }
    if (s.fleet.size() > 1)
    {
        note("several device classes: the analytic model describes the first class only");
    }
    const DeviceClass& c = s.fleet.front();

    // Session loss: per-message loss on the message transport; TCP turns loss into delay.
    double p = 0;
    double pA = 0;
    if (s.transport == Transport::Message)
    {
        p = 1 - std::pow(1 - c.link.loss, kMessagesToRemoval);
        const int arMessages = s.verifier.model == AttestationModel::Passport ? kMessagesToRemoval
                                                                              : kMessagesToArIssued;
        pA = 1 - std::pow(1 - c.link.loss, arMessages);
        // Any lost message fails the session (and starts a retry burst), detected only at the
        // client's timeout: attempts of a burst are retry spacing + timeout apart.
        in.retryTriggerLoss = 1 - std::pow(1 - c.link.loss, kMessagesPerSession);
        in.retrySpacing += Seconds(ResponseTimeoutNs(s, c)); // the scenario's (or auto) value
    }
    else if (c.link.loss > 0)
    {
        note("full transport: TCP turns packet loss into delay, not session failure");
    }
    // δ: two device round trips before the Update is processed (empty POST, QueryResponse).
    in.sessionDelay = 4 * Seconds(c.link.latency_ns);

    const BrokerMix& m = c.broker;
    // Compromised Brokers turn bad at t0: the AR held at t0 comes from honest sessions (pA
    // unchanged), but ARs the Verifier still affirms in (t0, t0 + d_V) would be dropped too.
    const bool verifierLate = s.verifier.policy_delay_ns > 0;
    if (c.ree &&
        (m.drop_all >= 1 || m.suppress_timers >= 1 || (m.drop >= 1 && m.drop_probability >= 1)))
    {
        in.brokerDropsAll = true;
        in.trustUnmodelled = verifierLate;
    }
    else if (c.ree && m.drop >= 1)
    {
        // A dropped session is never started, so it is not retried (THEORY-EXTENSIONS §4).
        p = 1 - (1 - p) * (1 - m.drop_probability);
        in.brokerDrop = m.drop_probability;
        in.trustUnmodelled = verifierLate;
    }
    else if (c.ree && m.delay > 0 && m.honest + m.delay >= 1 - 1e-12)
    {
        in.brokerDelayFraction = m.delay; // honest + delay only (THEORY-EXTENSIONS §2)
        in.brokerDelay = Seconds(m.delay_by_ns);
    }
    else if (c.ree && m.honest < 1)
    {
        in.unmodelled = true;
        note("mixed Broker behaviours: no single closed form");
    }
    in.sessionLoss = p;
    in.arSessionLoss = pA;

    switch (c.availability.model)
    {
        case AvailabilityModel::Always:
            break;
        case AvailabilityModel::Exponential:
            in.meanOn = Seconds(c.availability.on_ns);
            in.meanOff = Seconds(c.availability.off_ns);
            in.pollOnReconnect = c.availability.check_on_reconnect;
            break;
        case AvailabilityModel::Fixed:
            in.unmodelled = true;
            note("fixed on/off periods: no closed form");
            break;
    }
    if (s.tam.push.enabled)
    {
        in.pushReach = s.tam.push.reach_probability; // THEORY-EXTENSIONS §1
        in.pushLatency = Seconds(s.tam.push.latency_ns);
    }
    if (!s.tam.outages.empty())
    {
        in.unmodelled = true;
        note("TAM outages: no closed form");
    }
    AuthorizationInputsFor(s, c, in, note);
    return in;
}

} // namespace teepsim::sim
