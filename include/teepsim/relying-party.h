// RelyingParty: a relying party that judges freshness by nonces (RFC 9334 §10.2). It challenges
// every device it watches at its own rate (a renewal process with the PolicyCheckSchedule laws,
// started in its stationary phase), the device's Agent answers with signed EAT evidence for
// that nonce (TeepAgent::SignedEvidence), the Verifier appraises it (Verifier::Appraise: real
// COSE/CBOR bytes and signatures) and the relying party checks the signed result (Verifier key,
// cnf = the device's key, eat_nonce = its nonce). It accepts each answer until its next
// challenge is answered, so an affirming answer vouches for the device until then; the
// "Answered" trace reports (device, status, accepted-until).
// Modelling choice: the challenge exchange is instantaneous and lossless (no transport), so the
// relying party's view changes exactly at its challenge instants (docs/THEORY-FRESHNESS.md §4).
#pragma once

#include "teepsim/policy-check.h"
#include "teepsim/teep-agent.h"
#include "teepsim/teep-trace.h"
#include "teepsim/verifier.h"

#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <vector>

namespace ns3
{

/// A relying party that judges attestation results fresh by its own nonce challenges
/// (RFC 9334 §10.2): see the file comment.
///
/// \par Attributes
/// - **Law** (Fixed, UniformJitter or Exponential; default Fixed): law of the interval between
///   two challenges of one device.
/// - **CheckInterval** (Time, 1 h): C, the (mean) interval between two challenges.
///
/// \par Trace sources
/// - **Answered** (TeepRpAnsweredTracedCallback): a challenge was answered with a verified
///   attestation result: (device, status, accepted until the next challenge).
class RelyingParty : public Object
{
  public:
    /// The ns-3 TypeId ("ns3::teepsim::RelyingParty").
    static TypeId GetTypeId();
    RelyingParty();
    ~RelyingParty() override;

    /// The Verifier that appraises the devices' evidence (its key signs the results).
    void SetVerifier(Ptr<Verifier> verifier);
    /// Watches the device of `agent` from Start on.
    void AddDevice(Ptr<TeepAgent> agent);
    /// Schedules every device's first challenge (equilibrium residual from now).
    void Start();
    /// Fixes the random stream of the challenge schedule and nonces; returns streams used (1).
    int64_t AssignStreams(int64_t stream);

    /// Challenges sent so far (every device).
    uint64_t GetChallengeCount() const { return m_challenges; }
    /// Answers whose result did not verify (signature, cnf or nonce) so far.
    uint64_t GetRejectedCount() const { return m_rejected; }

  protected:
    /// Cancels the pending challenges and drops the Agents and the Verifier.
    void DoDispose() override;

  private:
    void Challenge(size_t index);

    PolicyCheckLaw m_law;
    Time m_interval;
    Ptr<Verifier> m_verifier;
    Ptr<UniformRandomVariable> m_uniform;
    std::vector<Ptr<TeepAgent>> m_agents;
    std::vector<EventId> m_events;
    uint64_t m_challenges = 0;
    uint64_t m_rejected = 0;

    TracedCallback<uint32_t, AttestationStatus, Time> m_answeredTrace;
};

/// RelyingParty "Answered" trace: the answer to a challenge of `deviceId` had `status` and is
/// accepted until `acceptedUntil` (the next challenge).
typedef void (*TeepRpAnsweredTracedCallback)(uint32_t deviceId, AttestationStatus status,
                                             Time acceptedUntil);

} // namespace ns3
