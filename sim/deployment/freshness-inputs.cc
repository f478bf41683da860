// Maps the freshness keys onto analytic::FreshnessInputs (docs/THEORY-FRESHNESS.md).
#include "freshness-inputs.h"

#include "ns3/nstime.h"
#include "ns3/type-id.h"

namespace teepsim::sim
{

namespace
{
double Seconds(int64_t ns)
{
    return static_cast<double>(ns) / 1e9;
}
// The one-way delay of the Verifier's path: the relying party reaches the Verifier with a client
// of the scenario's transport left at its defaults, as the TAM does (freshness-wiring.cc).
double VerifierPathDelay()
{
    ns3::TypeId::AttributeInformation info;
    const ns3::TypeId tid = ns3::TypeId::LookupByName("ns3::teepsim::MessageClientTransport");
    if (!tid.LookupAttributeByName("OneWayDelay", &info))
    {
        return 0;
    }
    const auto* delay = dynamic_cast<const ns3::TimeValue*>(PeekPointer(info.initialValue));
    return delay ? delay->Get().GetSeconds() : 0;
}

// The nonce challenge exchange (THEORY-FRESHNESS §4): timeout, loss per exchange and delays,
// from the fleet's one access link. Propagation only: transmission times (< 1 ms for these
// messages at >= 1 Mbit/s) and TCP's handshakes on the full transport are left out.
void AddChallengeExchange(const Scenario& s, analytic::FreshnessInputs& f)
{
    f.challengeTimeout = Seconds(s.relying_party.timeout_ns);
    if (s.fleet.empty())
    {
        return;
    }
    const DeviceClass& c = s.fleet.front();
    for (const DeviceClass& other : s.fleet)
    {
        // Independent losses with one probability need one link, always-on devices, and no
        // Broker that drops a fraction from t0 (dropping all is modelled on its own).
        const bool sameLink =
            other.link.latency_ns == c.link.latency_ns && other.link.loss == c.link.loss;
        const bool dropsSome = other.ree && other.broker.drop > 0;
        if (!sameLink || other.availability.model != AvailabilityModel::Always || dropsSome)
        {
            f.challengeLossUnmodelled = true;
        }
    }
    const double link = Seconds(c.link.latency_ns);
    const double verifier = VerifierPathDelay();
    // Two messages on the access link, two on the Verifier's (lossless by default).
    f.challengeLoss = 1 - (1 - c.link.loss) * (1 - c.link.loss);
    f.signingDelay = link;
    f.appraisalDelay = 2 * link + verifier;
    f.answerDelay = 2 * link + 2 * verifier;
}

} // namespace

void AddFreshnessInputs(const Scenario& s, analytic::Inputs& in)
{
    analytic::FreshnessInputs& f = in.freshness;
    switch (s.verifier.freshness)
    {
        case Freshness::Timestamp:
            f.kind = analytic::FreshnessKind::Timestamp;
            return;
        case Freshness::Epoch:
            f.kind = analytic::FreshnessKind::Epoch;
            break;
        case Freshness::Nonce:
            f.kind = analytic::FreshnessKind::Nonce;
            break;
    }
    const EpochConfig& e = s.verifier.epoch;
    f.epochDuration = Seconds(e.duration_ns);
    f.epochWindow = static_cast<int>(e.window);
    // Epochs start at t = 0 at the Verifier: the phase of t0 + d_V, exact in nanoseconds.
    if (e.duration_ns > 0)
    {
        f.epochPhase = Seconds((s.malicious.t0_ns + s.verifier.policy_delay_ns) % e.duration_ns);
    }
    switch (e.delivery_law)
    {
        case DelayLaw::Fixed:
            f.delayLaw = analytic::DelayDistribution::Fixed;
            break;
        case DelayLaw::Uniform:
            f.delayLaw = analytic::DelayDistribution::Uniform;
            break;
        case DelayLaw::Exponential:
            f.delayLaw = analytic::DelayDistribution::Exponential;
            break;
    }
    f.delayMean = Seconds(e.delivery_delay_ns);
    switch (s.relying_party.check_law)
    {
        case PolicyCheckLaw::Fixed:
            f.challengeLaw = analytic::IntervalLaw::Fixed;
            break;
        case PolicyCheckLaw::UniformJitter:
            f.challengeLaw = analytic::IntervalLaw::UniformJitter;
            break;
        case PolicyCheckLaw::Exponential:
            f.challengeLaw = analytic::IntervalLaw::Exponential;
            break;
    }
    f.challengeInterval = Seconds(s.relying_party.check_interval_ns);
    AddChallengeExchange(s, f);
}

} // namespace teepsim::sim
