// Maps the freshness keys onto analytic::FreshnessInputs (docs/THEORY-FRESHNESS.md).
#include "freshness-inputs.h"

namespace teepsim::sim
{

namespace
{
double Seconds(int64_t ns)
{
    return static_cast<double>(ns) / 1e9;
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
}

} // namespace teepsim::sim
