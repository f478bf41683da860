// Epoch and nonce freshness (issue 13, docs/THEORY-FRESHNESS.md): what a relying party accepts
// is reported to the Recorder as an affirming or other AR whose "expiry" is the instant that
// relying party stops accepting it, so the Recorder's trust_end (the largest such instant over
// the affirming ARs that still vouch for the TA) is the single definition of T_trust for every
// mechanism. Timestamp freshness (iat + V) is wired in trace-wiring.cc.
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/random-variable-stream.h"
#include "ns3/simulator.h"

#include <cmath>
#include <memory>
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
    else if (v.freshness == Freshness::Nonce)
    {
        const RelyingPartyConfig& rp = scenario.relying_party;
        relyingParty = CreateObject<RelyingParty>();
        relyingParty->SetAttribute("Law", EnumValue(RpLawOf(rp.check_law)));
        relyingParty->SetAttribute("CheckInterval", TimeValue(NanoSeconds(rp.check_interval_ns)));
        relyingParty->SetVerifier(verifier);
        for (const Ptr<TeepSessionDriver>& driver : brokers)
        {
            relyingParty->AddDevice(driver->GetAgent());
        }
        relyingParty->AssignStreams(firstStream + 1);
        relyingParty->TraceConnectWithoutContext(
            "Answered", Callback<void, uint32_t, AttestationStatus, Time>(
                            [rec](uint32_t dev, AttestationStatus st, Time acceptedUntil)
                            {
                                rec->OnArIssued(dev, st == AttestationStatus::Affirming,
                                                Simulator::Now().GetNanoSeconds(),
                                                acceptedUntil.GetNanoSeconds());
                            }));
        relyingParty->Start();
    }
}

} // namespace teepsim::sim
