#include "teepsim/teep-session-driver.h"

#include "teepsim/codec/crypto.h"

#include "ns3/abort.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include "teep-wire.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TeepSessionDriver");
NS_OBJECT_ENSURE_REGISTERED(TeepSessionDriver);

TypeId TeepSessionDriver::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::teepsim::TeepSessionDriver")
            .SetParent<Application>()
            .SetGroupName("Teep")
            .AddAttribute("Law", "Interval law of the RequestPolicyCheck timer.",
                          EnumValue(POLICY_CHECK_FIXED),
                          MakeEnumAccessor(&TeepSessionDriver::m_law),
                          MakeEnumChecker(POLICY_CHECK_FIXED, "Fixed", POLICY_CHECK_UNIFORM,
                                          "Uniform", POLICY_CHECK_EXPONENTIAL, "Exponential"))
            .AddAttribute("Interval", "Mean policy-check interval P.", TimeValue(Hours(1)),
                          MakeTimeAccessor(&TeepSessionDriver::m_interval), MakeTimeChecker())
            .AddAttribute("Jitter", "Uniform law: interval ~ U[P(1-j), P(1+j)].", DoubleValue(0),
                          MakeDoubleAccessor(&TeepSessionDriver::m_jitter),
                          MakeDoubleChecker<double>(0, 1))
            .AddAttribute("Start", "First policy check: equilibrium residual or synchronized.",
                          EnumValue(POLICY_START_EQUILIBRIUM),
                          MakeEnumAccessor(&TeepSessionDriver::m_startMode),
                          MakeEnumChecker(POLICY_START_EQUILIBRIUM, "Equilibrium",
                                          POLICY_START_SYNCHRONIZED, "Synchronized"))
            .AddAttribute("SynchronizedOffset",
                          "Synchronized start: first check this long after the app starts.",
                          TimeValue(Seconds(0)), MakeTimeAccessor(&TeepSessionDriver::m_syncOffset),
                          MakeTimeChecker())
            .AddAttribute("RetryCount", "Retries after a failed session before the schedule.",
                          UintegerValue(0), MakeUintegerAccessor(&TeepSessionDriver::m_retryCount),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("RetrySpacing", "Time between a failure and the retry.",
                          TimeValue(Minutes(1)),
                          MakeTimeAccessor(&TeepSessionDriver::m_retrySpacing), MakeTimeChecker())
            .AddTraceSource("PolicyCheck", "The RequestPolicyCheck timer fired (or a retry).",
                            MakeTraceSourceAccessor(&TeepSessionDriver::m_policyCheckTrace),
                            "ns3::TeepDeviceTracedCallback")
            .AddTraceSource("SessionStart", "A TEEP session starts (empty POST).",
                            MakeTraceSourceAccessor(&TeepSessionDriver::m_sessionStartTrace),
                            "ns3::TeepDeviceTracedCallback")
            .AddTraceSource("SessionEnd", "A TEEP session ended, with its outcome.",
                            MakeTraceSourceAccessor(&TeepSessionDriver::m_sessionEndTrace),
                            "ns3::TeepSessionEndTracedCallback")
            .AddTraceSource("TamperVerdict", "The fate of a message the Broker tampered with.",
                            MakeTraceSourceAccessor(&TeepSessionDriver::m_tamperVerdictTrace),
                            "ns3::TeepTamperVerdictTracedCallback");
    return tid;
}

TeepSessionDriver::TeepSessionDriver()
    : m_law(POLICY_CHECK_FIXED), m_interval(Hours(1)), m_jitter(0),
      m_startMode(POLICY_START_EQUILIBRIUM), m_syncOffset(Seconds(0)), m_retryCount(0),
      m_retrySpacing(Minutes(1))
{
}

TeepSessionDriver::~TeepSessionDriver() = default;

void TeepSessionDriver::DoDispose()
{
    m_timerEvent.Cancel();
    m_retryEvent.Cancel();
    m_agent = nullptr;
    m_transport = nullptr;
    // Sinks may hold a Ptr to this driver (the deployment's SessionEnd sink reads its transport):
    // a trace source owning a Ptr to its owner is a cycle that outlives Simulator::Destroy, so
    // drop every sink here (LeakSanitizer found 1,256 bytes per device otherwise).
    m_policyCheckTrace = TracedCallback<uint32_t>();
    m_sessionStartTrace = TracedCallback<uint32_t>();
    m_sessionEndTrace = TracedCallback<uint32_t, SessionOutcome>();
    m_timerRng.Dispose();
    Application::DoDispose();
}

void TeepSessionDriver::SetAgent(Ptr<TeepAgent> agent)
{
    m_agent = agent;
}

void TeepSessionDriver::SetTransport(Ptr<TeepClientTransport> transport)
{
    m_transport = transport;
}

int64_t TeepSessionDriver::AssignStreams(int64_t stream)
{
    m_timerRng.SetStream(stream);
    return 1;
}

uint32_t TeepSessionDriver::DeviceId() const
{
    return m_agent ? m_agent->GetDeviceId() : kUnknownDevice;
}

void TeepSessionDriver::StartApplication()
{
    if (!m_agent)
    {
        m_agent = GetNode()->GetObject<TeepAgent>();
    }
    NS_ABORT_MSG_IF(!m_agent, GetInstanceTypeId().GetName()
                                  << " needs a TeepAgent (SetAgent or aggregated to the node)");
    NS_ABORT_MSG_IF(!m_transport, GetInstanceTypeId().GetName() << " needs a TeepClientTransport");
    m_schedule = PolicyCheckSchedule(m_law, m_interval, m_jitter);
    if (SuppressesTimer())
    {
        NS_LOG_INFO("device " << DeviceId() << ": policy-check timer suppressed");
        return;
    }
    const Time first = m_startMode == POLICY_START_SYNCHRONIZED
                           ? m_syncOffset
                           : m_schedule.EquilibriumResidual(m_timerRng.Get());
    if (m_schedule.law() == POLICY_CHECK_FIXED)
    {
        // A fixed interval never draws again (OnTimer): free the variable and its RngStream
        // (~150 bytes per device for the rest of the run).
        m_timerRng.Dispose();
    }
    ScheduleNextCheck(first);
}

void TeepSessionDriver::StopApplication()
{
    m_timerEvent.Cancel();
    m_retryEvent.Cancel();
    if (m_inSession)
    {
        ++m_sessionGeneration;
        m_inSession = false;
        m_transport->CloseSession();
    }
}

void TeepSessionDriver::ScheduleNextCheck(Time delay)
{
    m_timerEvent = Simulator::Schedule(delay, &TeepSessionDriver::OnTimer, this);
}

void TeepSessionDriver::OnTimer()
{
    // The renewal process runs on regardless of session outcomes (THEORY.md §3.2).
    // A fixed interval draws nothing: do not create the timer's random variable for it.
    ScheduleNextCheck(m_schedule.law() == POLICY_CHECK_FIXED
                          ? m_schedule.mean()
                          : m_schedule.NextInterval(m_timerRng.Get()));
    if (SuppressesTimer())
    {
        return; // an REE turned bad after the start: the timer no longer reaches the Agent
    }
    m_policyCheckTrace(DeviceId());
    if (m_inSession)
    {
        NS_LOG_INFO("device " << DeviceId() << ": policy check while in session, skipped");
        return;
    }
    m_retryEvent.Cancel();
    m_retriesLeft = m_retryCount;
    StartSession();
}

void TeepSessionDriver::OnRetry()
{
    if (!m_inSession && !SuppressesTimer())
    {
        m_policyCheckTrace(DeviceId());
        StartSession();
    }
}

bool TeepSessionDriver::TriggerPolicyCheck()
{
    if (m_inSession || SuppressesTimer())
    {
        return false;
    }
    m_retryEvent.Cancel();
    m_retriesLeft = m_retryCount;
    return StartSession();
}

bool TeepSessionDriver::StartSession()
{
    std::optional<TamContact> tam = m_agent->RequestPolicyCheck();
    if (!tam)
    {
        return false;
    }
    m_tam = *tam;
    m_agentRejection.reset();
    m_tamperInFlight.reset();
    m_tamperRejected = false;
    m_tamperAccepted = false;
    ++m_sessionGeneration;
    ++m_sessionsStarted;
    m_sessionStartTrace(DeviceId());
    if (DropsSession())
    {
        // Counted as a session with its own cause, so that dropped sessions are never silent;
        // nothing is sent, and the Broker does not retry what it dropped.
        m_retriesLeft = 0;
        m_inSession = true;
        EndSession(SessionOutcome::DroppedByBroker);
        return false;
    }
    m_inSession = true;
    Send({});
    return true;
}

void TeepSessionDriver::DropRunningSession()
{
    NS_LOG_INFO("device " << DeviceId() << ": rest of the session dropped by the Broker");
    m_retriesLeft = 0;
    EndSession(SessionOutcome::DroppedByBroker);
}

void TeepSessionDriver::Send(std::vector<uint8_t> body)
{
    const Time delay = MessageDelay();
    if (delay.IsStrictlyPositive())
    {
        const uint64_t gen = m_sessionGeneration;
        Simulator::Schedule(delay,
                            [this, gen, b = std::move(body)]() mutable
                            {
                                if (gen == m_sessionGeneration && m_inSession)
                                {
                                    PostNow(std::move(b));
                                }
                            });
        return;
    }
    PostNow(std::move(body));
}

void TeepSessionDriver::PostNow(std::vector<uint8_t> body)
{
    if (DropsMessage())
    {
        DropRunningSession();
        return;
    }
    TeepHttpRequest req;
    req.path = m_tam.uri;
    if (body.empty())
    {
        req.contentType.clear(); // session-opening POST: empty body, no Content-Type
    }
    else if (Tamper(body, TamperDirection::ToTam))
    {
        m_tamperInFlight = TamperDirection::ToTam;
    }
    req.body = std::move(body);
    const uint64_t gen = m_sessionGeneration;
    m_transport->PostOwned(m_tam.address, std::move(req),
                           TeepClientTransport::ResponseCallback(
                               [this, gen](const TeepHttpResponse& rsp) { OnResponse(gen, rsp); }));
}

void TeepSessionDriver::SettleTamper(TamperVerdict verdict)
{
    if (!m_tamperInFlight)
    {
        return;
    }
    const TamperDirection dir = *m_tamperInFlight;
    m_tamperInFlight.reset();
    m_tamperRejected = m_tamperRejected || verdict == TamperVerdict::Rejected;
    m_tamperAccepted = m_tamperAccepted || verdict == TamperVerdict::Accepted;
    m_tamperVerdictTrace(DeviceId(), dir, verdict);
}

SessionOutcome TeepSessionDriver::HttpFailure(const TeepHttpResponse& rsp) const
{
    switch (rsp.status)
    {
        case 0:
            return rsp.timedOut ? SessionOutcome::ClientTimeout : SessionOutcome::TransportFailed;
        case 400:
            // The TAM dropped the message; HTTP says not why (see the class comment).
            return SessionOutcome::RejectedMalformed;
        case 502:
            return SessionOutcome::AttestationFailed;
        case 503:
            return SessionOutcome::TamBusy;
        default:
            return rsp.status >= 500 ? SessionOutcome::TamError : SessionOutcome::TransportFailed;
    }
}

void TeepSessionDriver::OnResponse(uint64_t gen, const TeepHttpResponse& rsp)
{
    if (gen != m_sessionGeneration || !m_inSession)
    {
        return; // late answer of a session that already ended
    }
    if (rsp.status == 200 && !rsp.body.empty())
    {
        // The TAM took the (tampered) message and answered it.
        SettleTamper(TamperVerdict::Accepted);
        const Time delay = MessageDelay();
        if (delay.IsStrictlyPositive())
        {
            Simulator::Schedule(delay,
                                [this, gen, b = rsp.body]()
                                {
                                    if (gen == m_sessionGeneration && m_inSession)
                                    {
                                        DeliverToAgent(b);
                                    }
                                });
            return;
        }
        DeliverToAgent(rsp.body);
        return;
    }
    if (rsp.status == 204 || rsp.status == 200)
    {
        SettleTamper(TamperVerdict::Accepted);
        EndSession(m_agentRejection.value_or(SessionOutcome::Success));
        return;
    }
    SettleTamper(rsp.status == 400 ? TamperVerdict::Rejected : TamperVerdict::Undelivered);
    NS_LOG_INFO("device " << DeviceId() << ": HTTP status " << rsp.status << ", ProcessError");
    m_agent->ProcessError();
    EndSession(HttpFailure(rsp));
}

void TeepSessionDriver::DeliverToAgent(const std::vector<uint8_t>& body)
{
    if (DropsMessage())
    {
        DropRunningSession();
        return;
    }
    // Only a Broker that may tamper needs its own copy of the message to alter.
    std::vector<uint8_t> altered;
    const std::vector<uint8_t>* msg = &body;
    if (MayTamper())
    {
        altered = body;
        msg = &altered;
        if (Tamper(altered, TamperDirection::ToAgent))
        {
            m_tamperInFlight = TamperDirection::ToAgent;
        }
    }
    const uint64_t opsBefore = teepsim::crypto::OperationCount();
    AgentReply out = m_agent->ProcessTeepMessage(*msg);
    // Modelled crypto: the TEE's answer leaves after the CPU time of its signature operations.
    const Time cpu = teepwire::CryptoCharge(teepsim::crypto::OperationCount() - opsBefore);
    SettleTamper(out.verdict == AgentVerdict::Rejected ? TamperVerdict::Rejected
                                                       : TamperVerdict::Accepted);
    switch (out.verdict)
    {
        case AgentVerdict::TamError:
            // A verified error report from the TAM ends the session as a failure, so that the
            // retry policy applies; "try again later" is told apart from the rest.
            EndSession(out.tamError == teepsim::teep::ErrorCode::TemporaryError
                           ? SessionOutcome::TamBusy
                           : SessionOutcome::TamError);
            return;
        case AgentVerdict::Rejected:
            if (!m_agentRejection)
            {
                m_agentRejection =
                    out.rejectReason ? OutcomeOf(*out.rejectReason) : SessionOutcome::AgentError;
            }
            break;
        case AgentVerdict::Accepted:
            break;
    }
    if (out.reply && cpu.IsStrictlyPositive())
    {
        const uint64_t gen = m_sessionGeneration;
        Simulator::Schedule(cpu,
                            [this, gen, b = std::move(*out.reply)]() mutable
                            {
                                if (gen == m_sessionGeneration && m_inSession)
                                {
                                    Send(std::move(b));
                                }
                            });
        return;
    }
    if (out.reply)
    {
        Send(std::move(*out.reply));
        return;
    }
    EndSession(m_agentRejection.value_or(SessionOutcome::Success));
}

void TeepSessionDriver::EndSession(SessionOutcome outcome)
{
    SettleTamper(TamperVerdict::Undelivered);
    // Tampering explains the session: a rejected tampered message is the cause of whatever
    // failure followed; a session that succeeded despite tampering is counted apart.
    if (m_tamperRejected && outcome != SessionOutcome::DroppedByBroker)
    {
        outcome = SessionOutcome::TamperedRejected;
    }
    else if (m_tamperAccepted && outcome == SessionOutcome::Success)
    {
        outcome = SessionOutcome::TamperedAccepted;
    }
    ++m_sessionGeneration;
    m_inSession = false;
    m_transport->CloseSession();
    m_sessionEndTrace(DeviceId(), outcome);
    if (!IsFailure(outcome))
    {
        ++m_sessionsSucceeded;
        m_retriesLeft = 0;
        return;
    }
    ++m_sessionsFailed;
    if (m_retriesLeft > 0)
    {
        --m_retriesLeft;
        m_retryEvent = Simulator::Schedule(m_retrySpacing, &TeepSessionDriver::OnRetry, this);
    }
}

} // namespace ns3
