// Maps a Scenario onto the analytic model's inputs (THEORY.md's parameters), saying in notes
// where the mapping is approximate or impossible.
#include "teepsim/sim/deployment.h"

#include <cmath>

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
    in.retries = static_cast<int>(pc.retry_count);
    in.retrySpacing = Seconds(pc.retry_spacing_ns);
    in.validity = Seconds(s.verifier.validity_ns);
    in.verifierDelay = Seconds(s.verifier.policy_delay_ns);
    in.tamDelay = Seconds(s.malicious.tam_delay_ns);
    in.devices = static_cast<size_t>(s.TotalDevices());
    in.tamWorkers = static_cast<int>(s.tam.workers);
    in.serviceTime = kTamRequestsPerSession * Seconds(s.tam.service_time_ns);

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
    }
    else if (c.link.loss > 0)
    {
        note("full transport: TCP turns packet loss into delay, not session failure");
    }
    // δ: two device round trips before the Update is processed (empty POST, QueryResponse).
    in.sessionDelay = 4 * Seconds(c.link.latency_ns);

    const BrokerMix& m = c.broker;
    if (c.ree && (m.drop_all >= 1 || m.suppress_timers >= 1))
    {
        in.brokerDropsAll = true;
    }
    else if (c.ree && m.drop >= 1)
    {
        p = 1 - (1 - p) * (1 - m.drop_probability);
        pA = 1 - (1 - pA) * (1 - m.drop_probability);
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
    if (!s.tam.outages.empty() || s.tam.push.enabled)
    {
        in.unmodelled = true;
        note("TAM outages or push notifications: no closed form");
    }
    return in;
}

} // namespace teepsim::sim
