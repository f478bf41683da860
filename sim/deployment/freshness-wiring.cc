// Epoch and nonce freshness (issue 13, docs/THEORY-FRESHNESS.md): what a relying party accepts
// is reported to the Recorder as an affirming or other AR whose "expiry" is the instant that
// relying party stops accepting it, so the Recorder's trust_end (the largest such instant over
// the affirming ARs that still vouch for the TA) is the single definition of T_trust for every
// mechanism. Timestamp freshness (iat + V) is wired in trace-wiring.cc.
#include "ns3/address.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/random-variable-stream.h"
#include "ns3/simulator.h"

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "deployment-impl.h"

namespace teepsim::sim
{

using namespace ns3;

namespace
{

// The per-device delay law of the epoch feed (scenario key verifier.epoch.delivery_law).
Ptr<RandomVariableStream> DelayLawOf(const EpochConfig& e)
{
    const double mean = static_cast<double>(e.delivery_delay_ns);
    switch (e.delivery_law)
    {
        case DelayLaw::Uniform:
        {
            auto u = CreateObject<UniformRandomVariable>();
            u->SetAttribute("Min", DoubleValue(0));
            u->SetAttribute("Max", DoubleValue(2 * mean));
            return u;
        }
        case DelayLaw::Exponential:
        {
            auto x = CreateObject<ExponentialRandomVariable>();
            x->SetAttribute("Mean", DoubleValue(mean));
            return x;
        }
        case DelayLaw::Fixed:
            break;
    }
    auto c = CreateObject<ConstantRandomVariable>();
    c->SetAttribute("Constant", DoubleValue(mean));
    return c;
}

ns3::LinkProfile AccessLinkOf(const sim::LinkProfile& l)
{
    ns3::LinkProfile out;
    out.oneWayDelay = NanoSeconds(l.latency_ns);
    out.bandwidthBps = static_cast<uint64_t>(l.bandwidth_bps);
    out.lossProbability = l.loss;
    return out;
}

ns3::PolicyCheckLaw RpLawOf(sim::PolicyCheckLaw law)
{
    switch (law)
    {
        case sim::PolicyCheckLaw::UniformJitter:
            return POLICY_CHECK_UNIFORM;
        case sim::PolicyCheckLaw::Exponential:
            return POLICY_CHECK_EXPONENTIAL;
        case sim::PolicyCheckLaw::Fixed:
            break;
    }
    return POLICY_CHECK_FIXED;
}

} // namespace

void Deployment::Impl::WireFreshness(int64_t firstStream)
{
    recorder::Recorder* rec = &recorder;
    const VerifierConfig& v = scenario.verifier;
    if (v.freshness == Freshness::Epoch)
    {
        verifier->SetAttribute("EpochDuration", TimeValue(NanoSeconds(v.epoch.duration_ns)));
        // Each device's relying party receives the epoch ticks late by its own delay, drawn
        // once: a constant skew against the Verifier's epoch clock (RFC 9334 §10.3, §12.3).
        Ptr<RandomVariableStream> law = DelayLawOf(v.epoch);
        law->SetStream(firstStream);
        auto delays = std::make_shared<std::vector<int64_t>>(brokers.size());
        for (int64_t& d : *delays)
        {
            d = std::llround(law->GetValue());
        }
        const EpochFeed feed(NanoSeconds(v.epoch.duration_ns),
                             static_cast<uint32_t>(v.epoch.window));
        verifier->TraceConnectWithoutContext(
            "ArEpoch",
            Callback<void, uint32_t, AttestationStatus, uint64_t>(
                [rec, delays, feed](uint32_t dev, AttestationStatus st, uint64_t epoch)
                {
                    const int64_t delay = dev < delays->size() ? (*delays)[dev] : 0;
                    rec->OnArIssued(dev, st == AttestationStatus::Affirming,
                                    Simulator::Now().GetNanoSeconds(),
                                    feed.AcceptedUntil(epoch, NanoSeconds(delay)).GetNanoSeconds());
                }));
    }
    if (v.freshness != Freshness::Nonce)
    {
        return;
    }
    const RelyingPartyConfig& rp = scenario.relying_party;
    relyingParty = CreateObject<RelyingParty>();
    relyingParty->SetAttribute("Law", EnumValue(RpLawOf(rp.check_law)));
    relyingParty->SetAttribute("CheckInterval", TimeValue(NanoSeconds(rp.check_interval_ns)));
    relyingParty->SetAttribute("Timeout", TimeValue(NanoSeconds(rp.timeout_ns)));
    relyingParty->SetVerifier(verifier);
    // The relying party sits where the TAM does and reaches the Verifier the way it does: a
    // client of the scenario's transport on the TAM's node, to the address the TAM uses.
    AddressValue verifierAddress;
    tam->GetAttribute("VerifierAddress", verifierAddress);
    relyingParty->SetVerifierPath(Transports().GetClientFactory(), tam->GetNode(),
                                  verifierAddress.Get());
    // Each device over its class's access link, through its Broker (none without an REE).
    size_t device = 0;
    for (const DeviceClass& c : scenario.fleet)
    {
        for (int64_t k = 0; k < c.count; ++k)
        {
            const Ptr<TeepSessionDriver>& driver = brokers[device++];
            relyingParty->AddDevice(driver->GetAgent(), AccessLinkOf(c.link),
                                    DynamicCast<TeepBroker>(driver));
        }
    }
    // deviceUp is filled by ScheduleScenarioEvents, after this: read it when a message goes.
    relyingParty->SetDeviceUpCallback(Callback<bool, uint32_t>(
        [this](uint32_t dev) { return dev >= deviceUp.size() || deviceUp[dev] != 0; }));
    relyingParty->AssignStreams(firstStream + 1);
    // An affirming answer counts for the Recorder once its acceptance is over (the next
    // challenge resolved), as an AR "issued" when the device signed its evidence and expiring
    // then: trust_end is then the largest such instant, as for every mechanism.
    relyingParty->TraceConnectWithoutContext(
        "Held", Callback<void, uint32_t, AttestationStatus, Time, Time>(
                    [rec](uint32_t dev, AttestationStatus st, Time signedAt, Time acceptedUntil)
                    {
                        rec->OnArIssued(dev, st == AttestationStatus::Affirming,
                                        signedAt.GetNanoSeconds(), acceptedUntil.GetNanoSeconds());
                    }));
    relyingParty->TraceConnectWithoutContext(
        "Answered",
        Callback<void, uint32_t, AttestationStatus, Time>(
            [rec](uint32_t, AttestationStatus st, Time)
            { rec->Count(st == AttestationStatus::None ? "rp_rejected" : "rp_answered"); }));
    relyingParty->TraceConnectWithoutContext(
        "Unanswered", Callback<void, uint32_t, RpNoAnswerCause>(
                          [rec](uint32_t, RpNoAnswerCause cause)
                          { rec->Count(std::string("rp_unanswered_") + ToString(cause)); }));
    relyingParty->Start();
    // Answers still accepted at the horizon: their acceptance outlives the run (censored).
    Simulator::Schedule(NanoSeconds(scenario.horizon_ns), &RelyingParty::Flush, relyingParty);
}

} // namespace teepsim::sim
