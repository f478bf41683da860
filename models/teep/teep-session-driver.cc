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
        TypeId("ns3::TeepSessionDriver")
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
                            "ns3::TeepSessionEndTracedCallback");
    return tid;
}

TeepSessionDriver::TeepSessionDriver()
    : m_law(POLICY_CHECK_FIXED), m_interval(Hours(1)), m_jitter(0),
      m_startMode(POLICY_START_EQUILIBRIUM), m_syncOffset(Seconds(0)), m_retryCount(0),
      m_retrySpacing(Minutes(1)), m_timerRng(CreateObject<UniformRandomVariable>())
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
    m_timerRng = nullptr;
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
    m_timerRng->SetStream(stream);
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
                           : m_schedule.EquilibriumResidual(m_timerRng);
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
    ScheduleNextCheck(m_schedule.NextInterval(m_timerRng));
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
    if (DropsSession())
    {
        return false;
    }
    m_tam = *tam;
    m_inSession = true;
    m_agentErrored = false;
    ++m_sessionGeneration;
    ++m_sessionsStarted;
    m_sessionStartTrace(DeviceId());
    Send({});
    return true;
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
    TeepHttpRequest req;
    req.path = m_tam.uri;
    if (body.empty())
    {
        req.contentType.clear(); // session-opening POST: empty body, no Content-Type
    }
    else
    {
        Tamper(body, TamperDirection::ToTam);
    }
    req.body = std::move(body);
    const uint64_t gen = m_sessionGeneration;
    m_transport->Post(m_tam.address, req,
                      TeepClientTransport::ResponseCallback([this, gen](const TeepHttpResponse& rsp)
                                                            { OnResponse(gen, rsp); }));
}

void TeepSessionDriver::OnResponse(uint64_t gen, const TeepHttpResponse& rsp)
{
    if (gen != m_sessionGeneration || !m_inSession)
    {
        return; // late answer of a session that already ended
    }
    if (rsp.status == 200 && !rsp.body.empty())
    {
        const Time delay = MessageDelay();
        if (delay.IsStrictlyPositive())
        {
            Simulator::Schedule(delay,
                                [this, gen, b = rsp.body]() mutable
                                {
                                    if (gen == m_sessionGeneration && m_inSession)
                                    {
                                        DeliverToAgent(std::move(b));
                                    }
                                });
            return;
        }
        DeliverToAgent(rsp.body);
        return;
    }
    if (rsp.status == 204 || rsp.status == 200)
    {
        EndSession(m_agentErrored ? SessionOutcome::AgentError : SessionOutcome::Success);
        return;
    }
    NS_LOG_INFO("device " << DeviceId() << ": HTTP status " << rsp.status << ", ProcessError");
    m_agent->ProcessError();
    EndSession(SessionOutcome::TransportFailed);
}

void TeepSessionDriver::DeliverToAgent(std::vector<uint8_t> body)
{
    Tamper(body, TamperDirection::ToAgent);
    const uint64_t opsBefore = teepsim::crypto::OperationCount();
    AgentReply out = m_agent->ProcessTeepMessage(body);
    // Modelled crypto: the TEE's answer leaves after the CPU time of its signature operations.
    const Time cpu = teepwire::CryptoCharge(teepsim::crypto::OperationCount() - opsBefore);
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
            m_agentErrored = true;
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
    EndSession(m_agentErrored ? SessionOutcome::AgentError : SessionOutcome::Success);
}

void TeepSessionDriver::EndSession(SessionOutcome outcome)
{
    ++m_sessionGeneration;
    m_inSession = false;
    m_transport->CloseSession();
    m_sessionEndTrace(DeviceId(), outcome);
    if (outcome == SessionOutcome::Success)
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
