// TeepSessionDriver: what carries TEEP sessions between a device's Agent and the TAM, an ns-3
// Application. It runs the RequestPolicyCheck timer (policy-check.h law; equilibrium first fire
// unless synchronized) and TEEP over HTTP through a TeepClientTransport: an empty POST opens a
// session; 200 + body goes to the Agent; the Agent's answer is POSTed; 204 or an empty body
// ends the session; transport/HTTP errors call the Agent's ProcessError. Every started session
// ends exactly once with one SessionOutcome (teep-trace.h): the Agent's rejection reason
// (rejected-*, agent-error), a verified TEEP Error from the TAM (ERR_TEMPORARY_ERROR: tam-busy,
// else tam-error), the HTTP status (0: client-timeout or transport-failed; 400: the TAM
// rejected the message, reported as rejected-malformed since HTTP carries no reason -- the
// deployment refines it from the TAM's Rejected trace; 502: attestation-failed; 503: tam-busy;
// other 5xx: tam-error), a Broker that dropped the session (dropped-by-broker, also counted
// when it drops the session before it starts) or tampered with it (tampered-rejected when a
// tampered message was rejected, tampered-accepted when the session still succeeded).
// After a failed session it retries RetryCount times, RetrySpacing apart, then waits for the
// regular schedule; a session the Broker dropped is not retried (the Broker runs the retries).
//
// Two kinds derive from it: TeepBroker (in the REE; a compromised REE acts through the
// protected hooks below) and TeepTeeSessionDriver (a device without an REE: the TEE's own
// network stack, always honest). Both have the same Attributes for the timer and retries and
// the same trace sources (PolicyCheck, SessionStart, SessionEnd), so a recorder wires both
// alike.
#pragma once

#include "teepsim/lazy-uniform.h"
#include "teepsim/policy-check.h"
#include "teepsim/teep-agent.h"
#include "teepsim/teep-trace.h"
#include "teepsim/teep-transport.h"

#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace ns3
{

/// Carries a device's TEEP sessions between its Agent and the TAM (see the file comment): the
/// base of TeepBroker (in the REE) and TeepTeeSessionDriver (no REE).
///
/// \par Attributes
/// - **Law** (Fixed, Uniform or Exponential; default Fixed): interval law of the
///   RequestPolicyCheck timer.
/// - **Interval** (Time, 1 h): P, the mean policy-check interval.
/// - **Jitter** (0): j of the uniform law, interval ~ U[P(1-j), P(1+j)].
/// - **Start** (Equilibrium or Synchronized; default Equilibrium): where the first policy
///   check falls.
/// - **SynchronizedOffset** (Time, 0): synchronized start: the first check this long after the
///   application starts.
/// - **RetryCount** (0): retries after a failed session before the regular schedule.
/// - **RetrySpacing** (Time, 1 min): time between a failure and the retry.
///
/// \par Trace sources
/// - **PolicyCheck** (TeepDeviceTracedCallback): the timer fired (or a retry).
/// - **SessionStart** (TeepDeviceTracedCallback): a session starts (the empty POST).
/// - **SessionEnd** (TeepSessionEndTracedCallback): a session ended, with its one outcome.
/// - **TamperVerdict** (TeepTamperVerdictTracedCallback): the fate of a message the Broker
///   tampered with.
class TeepSessionDriver : public Application
{
  public:
    /// The ns-3 TypeId ("ns3::teepsim::TeepSessionDriver").
    static TypeId GetTypeId();
    TeepSessionDriver();
    ~TeepSessionDriver() override;

    /// The device's TEEP Agent (the driver hands it every message).
    void SetAgent(Ptr<TeepAgent> agent);
    /// The Agent given to SetAgent.
    Ptr<TeepAgent> GetAgent() const { return m_agent; }
    /// The client transport the sessions travel over.
    void SetTransport(Ptr<TeepClientTransport> transport);
    /// The transport given to SetTransport.
    Ptr<TeepClientTransport> GetTransport() const { return m_transport; }

    /// Starts a session now (outside the timer), e.g. a push notification. False if one is
    /// already running, the Agent names no TAM, or a compromised REE suppresses/drops it.
    bool TriggerPolicyCheck();
    /// Whether a session is running.
    bool InSession() const { return m_inSession; }

    /// Fixes the random streams (ns-3 convention); returns the number used. The timer draws
    /// from `stream` in every kind of driver, so a device's schedule does not depend on it.
    virtual int64_t AssignStreams(int64_t stream);

    /// Sessions started so far.
    uint64_t GetSessionsStarted() const { return m_sessionsStarted; }
    /// Sessions that ended with success (or tampered-accepted) so far.
    uint64_t GetSessionsSucceeded() const { return m_sessionsSucceeded; }
    /// Sessions that ended with any other outcome so far.
    uint64_t GetSessionsFailed() const { return m_sessionsFailed; }

  protected:
    /// Cancels the timers and drops the Agent and the transport.
    void DoDispose() override;
    /// The Agent's DeviceId (the id every trace reports).
    uint32_t DeviceId() const;

    // ---- where a compromised REE acts (the defaults are the honest behaviour) ----
    /// The RequestPolicyCheck timer and push triggers do nothing.
    virtual bool SuppressesTimer() const { return false; }
    /// Called once the Agent named a TAM: true drops the session silently (never sent).
    virtual bool DropsSession() { return false; }
    /// Called before each message of a running session is relayed: true drops it (and so the
    /// rest of the session). A behaviour set while a session runs applies to its next message.
    virtual bool DropsMessage() { return false; }
    /// Every message is held this long before it is passed on (zero: at once).
    virtual Time MessageDelay() const { return Seconds(0); }
    /// May alter a message on its way to the Agent or the TAM; true when it did.
    virtual bool Tamper(std::vector<uint8_t>& /*msg*/, TamperDirection /*dir*/) { return false; }
    /// False when Tamper() certainly returns false without drawing or tracing (an honest
    /// relay): the message to the Agent is then passed on without a mutable copy.
    virtual bool MayTamper() const { return false; }
    /// Generation of the current session (changes at every start and end).
    uint64_t SessionGeneration() const { return m_sessionGeneration; }

  private:
    void StartApplication() override;
    void StopApplication() override;

    void ScheduleNextCheck(Time delay);
    void OnTimer();
    void OnRetry();
    bool StartSession();
    void Send(std::vector<uint8_t> body);
    void PostNow(std::vector<uint8_t> body);
    void OnResponse(uint64_t gen, const TeepHttpResponse& rsp);
    void DeliverToAgent(const std::vector<uint8_t>& body);
    void EndSession(SessionOutcome outcome);
    /// The outcome of a failed HTTP exchange (status != 200/204).
    SessionOutcome HttpFailure(const TeepHttpResponse& rsp) const;
    /// The fate of the tampered message in flight, if any, is now known.
    void SettleTamper(TamperVerdict verdict);
    /// The Broker dropped the rest of the running session.
    void DropRunningSession();

    Ptr<TeepAgent> m_agent;
    Ptr<TeepClientTransport> m_transport;
    TamContact m_tam;

    // Attributes
    PolicyCheckLaw m_law;
    Time m_interval;
    double m_jitter;
    PolicyCheckStart m_startMode;
    Time m_syncOffset;
    uint32_t m_retryCount;
    Time m_retrySpacing;

    PolicyCheckSchedule m_schedule;
    LazyUniform m_timerRng;
    EventId m_timerEvent;
    EventId m_retryEvent;
    bool m_inSession = false;
    uint32_t m_retriesLeft = 0;
    uint64_t m_sessionGeneration = 0; // invalidates late callbacks of an ended session
    uint64_t m_sessionsStarted = 0;
    uint64_t m_sessionsSucceeded = 0;
    uint64_t m_sessionsFailed = 0;
    // What decides the outcome of the running session:
    std::optional<SessionOutcome> m_agentRejection;  // the Agent answered with a TEEP Error
    std::optional<TamperDirection> m_tamperInFlight; // a tampered message awaits its verdict
    bool m_tamperRejected = false;                   // a tampered message was rejected
    bool m_tamperAccepted = false;                   // a tampered message was taken

    TracedCallback<uint32_t> m_policyCheckTrace;
    TracedCallback<uint32_t> m_sessionStartTrace;
    TracedCallback<uint32_t, SessionOutcome> m_sessionEndTrace;
    TracedCallback<uint32_t, TamperDirection, TamperVerdict> m_tamperVerdictTrace;
};

} // namespace ns3
