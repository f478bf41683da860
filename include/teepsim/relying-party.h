// RelyingParty: a relying party that judges freshness by nonces (RFC 9334 §10.2). It challenges
// every device it watches at its own rate (a renewal process with the PolicyCheckSchedule laws,
// started in its stationary phase). Each challenge travels like any other message
// (relying-party-exchange.cc): the 16-byte nonce goes down the device's access link
// (LinkProfile: delay, size / rate, loss; refused while the device is unavailable; dropped or
// delayed by a compromised Broker in the device's REE, none without an REE), the device's Agent
// answers with signed EAT evidence for that nonce (TeepAgent::SignedEvidence) back up the same
// link, the relying party forwards the evidence to the Verifier over the Verifier's path (a
// client transport of the scenario's kind, on the node it is given: the TAM's, so the path the
// TAM uses; background check) and checks the signed result it gets back (Verifier key, cnf =
// the device's key, eat_nonce = its nonce).
// A challenge resolves once: answered (a verified result in time), rejected (an answer that
// does not verify, or evidence the Verifier refused) or unanswered (no valid answer within
// Timeout of the challenge: lost on a link, device offline, dropped by the Broker, Verifier
// unreachable or too slow; counted by cause). An affirming answer is accepted until the device's
// next challenge resolves, whatever the outcome: an unanswered challenge ends trust like a
// rejected one. The "Held" trace reports each verified answer once its acceptance is over
// (affirming: at the next resolution, or at Flush; any other status: at once).
// The device side is message-level on every transport (no TCP connection to the device); the
// Verifier leg is TCP on the full transport (docs/THEORY-FRESHNESS.md §2).
#pragma once

#include "teepsim/link-profile.h"
#include "teepsim/policy-check.h"
#include "teepsim/teep-agent.h"
#include "teepsim/teep-broker.h"
#include "teepsim/teep-trace.h"
#include "teepsim/teep-transport.h"
#include "teepsim/verifier.h"

#include "ns3/callback.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/object-factory.h"
#include "ns3/object.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace ns3
{

/// Why a challenge of the nonce relying party got no valid answer within its timeout.
enum class RpNoAnswerCause : uint8_t
{
    Lost,           ///< the challenge or the answer was lost on the device's access link
    Offline,        ///< the device was unavailable when the challenge arrived
    BrokerDropped,  ///< the device's compromised Broker dropped the exchange
    VerifierFailed, ///< the Verifier leg failed (lost, unreachable, no answer)
    Timeout,        ///< nothing failed, but the answer was not back within the timeout
};
/// Number of RpNoAnswerCause values.
inline constexpr std::size_t kRpNoAnswerCauses = 5;
/// "lost", "offline", "broker-dropped", "verifier-failed", "timeout".
const char* ToString(RpNoAnswerCause c);

/// A relying party that judges attestation results fresh by its own nonce challenges
/// (RFC 9334 §10.2), sent over the simulated network: see the file comment.
///
/// \par Attributes
/// - **Law** (Fixed, UniformJitter or Exponential; default Fixed): law of the interval between
///   two challenges of one device.
/// - **CheckInterval** (Time, 1 h): C, the (mean) interval between two challenges.
/// - **Timeout** (Time, 30 s): τ, a challenge with no valid answer this long after it was sent
///   is unanswered (the relying party stops trusting the device).
///
/// \par Trace sources
/// - **Answered** (TeepRpAnsweredTracedCallback): a challenge got an answer in time: (device,
///   status; None when the answer did not verify, round trip).
/// - **Unanswered** (TeepRpUnansweredTracedCallback): a challenge got no valid answer within the
///   timeout: (device, cause).
/// - **Held** (TeepRpHeldTracedCallback): the acceptance of a verified answer is over: (device,
///   status, when the device signed the evidence, accepted until).
class RelyingParty : public Object
{
  public:
    /// The ns-3 TypeId ("ns3::teepsim::RelyingParty").
    static TypeId GetTypeId();
    RelyingParty();
    ~RelyingParty() override;

    /// The Verifier whose key signs the results the relying party accepts.
    void SetVerifier(Ptr<Verifier> verifier);
    /// The Verifier's path: clients made by `clientFactory` (a TeepClientTransport type) on
    /// `node` post the evidence to `verifierAddress`, as the TAM does.
    void SetVerifierPath(const ObjectFactory& clientFactory, Ptr<Node> node,
                         const Address& verifierAddress);
    /// Watches the device of `agent`, reached over its access link `access`, through `broker`
    /// (its REE's Broker; null for a device without an REE) from Start on.
    void AddDevice(Ptr<TeepAgent> agent, const LinkProfile& access, Ptr<TeepBroker> broker);
    /// Whether device `id` can be reached now (the availability model); default: always.
    void SetDeviceUpCallback(Callback<bool, uint32_t> up);
    /// Schedules every device's first challenge (equilibrium residual from now).
    void Start();
    /// Reports every affirming answer still accepted as accepted until Time::Max() (their
    /// acceptance outlives the run: the Recorder then censors T_trust), e.g. at the horizon.
    void Flush();
    /// Fixes the random streams: the schedule and nonces draw from `stream`, link losses and
    /// Broker drops from `stream + 1`, the k-th Verifier client (if its path is lossy) from
    /// `stream + 2 + k`. Returns 2 (the clients' streams come after, one per client made).
    int64_t AssignStreams(int64_t stream);

    /// Challenges sent so far (every device).
    uint64_t GetChallengeCount() const { return m_challenges; }
    /// Challenges answered in time with a verified result so far.
    uint64_t GetAnsweredCount() const { return m_answered; }
    /// Challenges whose answer did not verify (signature, cnf or nonce) or whose evidence the
    /// Verifier refused, so far.
    uint64_t GetRejectedCount() const { return m_rejected; }
    /// Challenges with no valid answer within the timeout so far (every cause).
    uint64_t GetUnansweredCount() const;
    /// Unanswered challenges of one cause so far.
    uint64_t GetUnansweredCount(RpNoAnswerCause cause) const
    {
        return m_unanswered[static_cast<size_t>(cause)];
    }
    /// Answers arriving after their challenge had timed out (ignored) so far.
    uint64_t GetLateCount() const { return m_late; }
    /// Total time, over every device, during which an affirming answer was accepted, up to now.
    Time GetTrustedTime() const;

  protected:
    /// Cancels the pending events and drops the Agents, clients and the Verifier.
    void DoDispose() override;

  private:
    /// A challenge on its way (at most a few per device).
    struct Outstanding
    {
        uint64_t seq = 0;
        teepsim::cbor::Bytes nonce;
        Time sentAt;
        EventId timeout;
        std::optional<RpNoAnswerCause> fate; // why it cannot be answered any more
    };
    struct Device
    {
        Ptr<TeepAgent> agent;
        LinkProfile access;
        Ptr<TeepBroker> broker;
        EventId next;
        uint64_t seq = 0;          // challenges sent
        uint64_t lastResolved = 0; // highest seq resolved (answers of older ones are stale)
        std::vector<Outstanding> outstanding;
        bool holding = false; // an affirming answer is accepted now
        Time heldIat;         // ... signed at this instant
        Time heldSince;       // ... accepted since this instant
    };

    void Challenge(size_t index);
    Outstanding* Find(size_t index, uint64_t seq);

    // ---- the exchange (relying-party-exchange.cc) ----
    /// Sends the challenge `seq` down the device's access link.
    void SendChallenge(size_t index, uint64_t seq);
    void ArriveAtDevice(size_t index, uint64_t seq);
    void ArriveAtRelyingParty(size_t index, uint64_t seq, std::vector<uint8_t> evidence,
                              Time signedAt);
    void OnVerifierAnswer(size_t index, uint64_t seq, Time signedAt,
                          Ptr<TeepClientTransport> client, const TeepHttpResponse& rsp);
    Ptr<TeepClientTransport> TakeVerifierClient();
    /// Whether one message on `link` is lost (draws only on lossy links).
    bool Lost(const LinkProfile& link);
    /// What the device's Broker does to the exchange: true when it drops it.
    bool BrokerDrops(const Device& d);
    /// How long the device's Broker holds each message.
    Time BrokerDelay(const Device& d) const;
    /// The challenge can no longer be answered (the timeout will resolve it): keeps the first.
    void Fail(size_t index, uint64_t seq, RpNoAnswerCause cause);

    // ---- trust bookkeeping (relying-party.cc) ----
    /// The challenge resolved with a verified result of `status` (None: did not verify).
    void Resolve(size_t index, uint64_t seq, AttestationStatus status, Time signedAt);
    void TimeOut(size_t index, uint64_t seq);
    /// A later challenge resolved: the affirming answer held so far is accepted until now.
    void EndHeld(Device& d, Time until);

    PolicyCheckLaw m_law;
    Time m_interval;
    Time m_timeout;
    Ptr<Verifier> m_verifier;
    ObjectFactory m_clientFactory;
    Ptr<Node> m_clientNode;
    Address m_verifierAddress;
    std::vector<Ptr<TeepClientTransport>> m_idleClients;
    std::vector<Ptr<TeepClientTransport>> m_clients; // every client made (for Dispose)
    int64_t m_clientStream = -1;
    Callback<bool, uint32_t> m_up;
    Ptr<UniformRandomVariable> m_uniform; // schedule and nonces
    Ptr<UniformRandomVariable> m_loss;    // link losses and Broker drops
    std::vector<Device> m_devices;
    uint64_t m_challenges = 0;
    uint64_t m_answered = 0;
    uint64_t m_rejected = 0;
    uint64_t m_late = 0;
    std::array<uint64_t, kRpNoAnswerCauses> m_unanswered{};
    Time m_trusted; // accumulated over ended holds

    TracedCallback<uint32_t, AttestationStatus, Time> m_answeredTrace;
    TracedCallback<uint32_t, RpNoAnswerCause> m_unansweredTrace;
    TracedCallback<uint32_t, AttestationStatus, Time, Time> m_heldTrace;
};

/// RelyingParty "Answered" trace: a challenge of `deviceId` got an answer in time, with `status`
/// (None: it did not verify), `roundTrip` after the challenge was sent.
typedef void (*TeepRpAnsweredTracedCallback)(uint32_t deviceId, AttestationStatus status,
                                             Time roundTrip);
/// RelyingParty "Unanswered" trace: a challenge of `deviceId` got no valid answer in time.
typedef void (*TeepRpUnansweredTracedCallback)(uint32_t deviceId, RpNoAnswerCause cause);
/// RelyingParty "Held" trace: a verified answer of `deviceId` with `status`, for evidence signed
/// at `signedAt`, was accepted until `acceptedUntil` (now for any status but affirming).
typedef void (*TeepRpHeldTracedCallback)(uint32_t deviceId, AttestationStatus status, Time signedAt,
                                         Time acceptedUntil);

} // namespace ns3
