// TeepBroker: the TEEP Broker in a device's REE, an ns-3 Application. It runs TEEP over HTTP
// through a TeepClientTransport (empty POST opens a session; 200 + body goes to the Agent; the
// Agent's answer is POSTed; 204 or an empty body ends the session; transport/HTTP errors call
// the Agent's ProcessError) and the RequestPolicyCheck timer (policy-check.h law; equilibrium
// first fire unless synchronized). After a failed session it retries RetryCount times,
// RetrySpacing apart, then waits for the regular schedule.
//
// Behaviour models a compromised REE (THEORY.md §2.3, §6.5): honest; drop each session with
// probability DropProbability; drop everything; delay every message by Delay; suppress the
// timer; tamper (flip one byte of the message passed to the Agent and/or the TAM). A Broker
// never holds a key: tampering is detected by the Agent or TAM signature check.
#pragma once

#include "teepsim/policy-check.h"
#include "teepsim/teep-agent.h"
#include "teepsim/teep-trace.h"
#include "teepsim/teep-transport.h"

#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

namespace ns3
{

enum TeepBrokerBehaviour
{
    BROKER_HONEST = 0,
    BROKER_DROP_FRACTION = 1,  // each session dropped with DropProbability
    BROKER_DROP_ALL = 2,       // every session dropped (DoS)
    BROKER_DELAY = 3,          // each message held for Delay before it is passed on
    BROKER_SUPPRESS_TIMER = 4, // RequestPolicyCheck never called
    BROKER_TAMPER = 5,         // flip a byte (TamperTarget, TamperProbability)
};

enum TeepTamperTarget
{
    TAMPER_TO_AGENT = 0,
    TAMPER_TO_TAM = 1,
    TAMPER_BOTH = 2,
};

class TeepBroker : public Application
{
  public:
    static TypeId GetTypeId();
    TeepBroker();
    ~TeepBroker() override;

    void SetAgent(Ptr<TeepAgent> agent);
    Ptr<TeepAgent> GetAgent() const { return m_agent; }
    void SetTransport(Ptr<TeepClientTransport> transport);
    Ptr<TeepClientTransport> GetTransport() const { return m_transport; }

    /// Starts a session now (outside the timer), e.g. a push notification. False if one is
    /// already running or the Broker suppresses/drops it.
    bool TriggerPolicyCheck();
    bool InSession() const { return m_inSession; }

    /// Fixes the random streams (ns-3 convention); returns the number used.
    int64_t AssignStreams(int64_t stream);

    uint64_t GetSessionsStarted() const { return m_sessionsStarted; }
    uint64_t GetSessionsSucceeded() const { return m_sessionsSucceeded; }
    uint64_t GetSessionsFailed() const { return m_sessionsFailed; }

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;

    void ScheduleNextCheck(Time delay);
    void OnTimer();
    void OnRetry();
    bool StartSession();
    uint32_t DeviceId() const;
    void Send(std::vector<uint8_t> body);
    void PostNow(std::vector<uint8_t> body);
    void OnResponse(uint64_t gen, const TeepHttpResponse& rsp);
    void DeliverToAgent(std::vector<uint8_t> body);
    void EndSession(SessionOutcome outcome);
    bool MaybeTamper(std::vector<uint8_t>& msg, TamperDirection dir);

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
    TeepBrokerBehaviour m_behaviour;
    double m_dropProbability;
    Time m_delay;
    TeepTamperTarget m_tamperTarget;
    double m_tamperProbability;

    PolicyCheckSchedule m_schedule;
    Ptr<UniformRandomVariable> m_timerRng;
    Ptr<UniformRandomVariable> m_behaviourRng;
    EventId m_timerEvent;
    EventId m_retryEvent;
    bool m_inSession = false;
    uint32_t m_retriesLeft = 0;
    uint64_t m_sessionGeneration = 0; // invalidates late callbacks of an ended session
    uint64_t m_sessionsStarted = 0;
    uint64_t m_sessionsSucceeded = 0;
    uint64_t m_sessionsFailed = 0;
    bool m_agentErrored = false;

    TracedCallback<uint32_t> m_policyCheckTrace;
    TracedCallback<uint32_t> m_sessionStartTrace;
    TracedCallback<uint32_t, SessionOutcome> m_sessionEndTrace;
    TracedCallback<uint32_t, TamperDirection> m_tamperTrace;
    TracedCallback<uint32_t> m_droppedTrace;
};

} // namespace ns3
