#include "teepsim/teep-broker.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TeepBroker");
NS_OBJECT_ENSURE_REGISTERED(TeepBroker);

TypeId TeepBroker::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::TeepBroker")
            .SetParent<Application>()
            .SetGroupName("Teep")
            .AddConstructor<TeepBroker>()
            .AddAttribute("Law", "Interval law of the RequestPolicyCheck timer.",
                          EnumValue(POLICY_CHECK_FIXED), MakeEnumAccessor(&TeepBroker::m_law),
                          MakeEnumChecker(POLICY_CHECK_FIXED, "Fixed", POLICY_CHECK_UNIFORM,
                                          "Uniform", POLICY_CHECK_EXPONENTIAL, "Exponential"))
            .AddAttribute("Interval", "Mean policy-check interval P.", TimeValue(Hours(1)),
                          MakeTimeAccessor(&TeepBroker::m_interval), MakeTimeChecker())
            .AddAttribute("Jitter", "Uniform law: interval ~ U[P(1-j), P(1+j)].", DoubleValue(0),
                          MakeDoubleAccessor(&TeepBroker::m_jitter),
                          MakeDoubleChecker<double>(0, 1))
            .AddAttribute("Start", "First policy check: equilibrium residual or synchronized.",
                          EnumValue(POLICY_START_EQUILIBRIUM),
                          MakeEnumAccessor(&TeepBroker::m_startMode),
                          MakeEnumChecker(POLICY_START_EQUILIBRIUM, "Equilibrium",
                                          POLICY_START_SYNCHRONIZED, "Synchronized"))
            .AddAttribute("SynchronizedOffset",
                          "Synchronized start: first check this long after the app starts.",
                          TimeValue(Seconds(0)), MakeTimeAccessor(&TeepBroker::m_syncOffset),
                          MakeTimeChecker())
            .AddAttribute("RetryCount", "Retries after a failed session before the schedule.",
                          UintegerValue(0), MakeUintegerAccessor(&TeepBroker::m_retryCount),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("RetrySpacing", "Time between a failure and the retry.",
                          TimeValue(Minutes(1)), MakeTimeAccessor(&TeepBroker::m_retrySpacing),
                          MakeTimeChecker())
            .AddAttribute("Behaviour", "Honest or compromised REE behaviour.",
                          EnumValue(BROKER_HONEST), MakeEnumAccessor(&TeepBroker::m_behaviour),
                          MakeEnumChecker(BROKER_HONEST, "Honest", BROKER_DROP_FRACTION,
                                          "DropFraction", BROKER_DROP_ALL, "DropAll", BROKER_DELAY,
                                          "Delay", BROKER_SUPPRESS_TIMER, "SuppressTimer",
                                          BROKER_TAMPER, "Tamper"))
            .AddAttribute("DropProbability", "DropFraction: probability a session is dropped.",
                          DoubleValue(0), MakeDoubleAccessor(&TeepBroker::m_dropProbability),
                          MakeDoubleChecker<double>(0, 1))
            .AddAttribute("Delay", "Delay: each message is held this long before passing on.",
                          TimeValue(Seconds(0)), MakeTimeAccessor(&TeepBroker::m_delay),
                          MakeTimeChecker())
            .AddAttribute("TamperTarget", "Tamper: which messages get a flipped byte.",
                          EnumValue(TAMPER_TO_AGENT), MakeEnumAccessor(&TeepBroker::m_tamperTarget),
                          MakeEnumChecker(TAMPER_TO_AGENT, "ToAgent", TAMPER_TO_TAM, "ToTam",
                                          TAMPER_BOTH, "Both"))
            .AddAttribute("TamperProbability", "Tamper: probability per message.", DoubleValue(1),
                          MakeDoubleAccessor(&TeepBroker::m_tamperProbability),
                          MakeDoubleChecker<double>(0, 1))
            .AddTraceSource("PolicyCheck", "The RequestPolicyCheck timer fired.",
                            MakeTraceSourceAccessor(&TeepBroker::m_policyCheckTrace),
                            "ns3::TeepDeviceTracedCallback")
            .AddTraceSource("SessionStart", "A TEEP session starts (empty POST).",
                            MakeTraceSourceAccessor(&TeepBroker::m_sessionStartTrace),
                            "ns3::TeepDeviceTracedCallback")
            .AddTraceSource("SessionEnd", "A TEEP session ended, with its outcome.",
                            MakeTraceSourceAccessor(&TeepBroker::m_sessionEndTrace),
                            "ns3::TeepSessionEndTracedCallback")
            .AddTraceSource("Tampered", "A byte of a message was flipped (tamper mode).",
                            MakeTraceSourceAccessor(&TeepBroker::m_tamperTrace),
                            "ns3::TeepTamperTracedCallback")
            .AddTraceSource("Dropped", "A session was silently dropped by the Broker.",
                            MakeTraceSourceAccessor(&TeepBroker::m_droppedTrace),
                            "ns3::TeepDeviceTracedCallback");
    return tid;
}

TeepBroker::TeepBroker()
    : m_law(POLICY_CHECK_FIXED), m_interval(Hours(1)), m_jitter(0),
      m_startMode(POLICY_START_EQUILIBRIUM), m_syncOffset(Seconds(0)), m_retryCount(0),
      m_retrySpacing(Minutes(1)), m_behaviour(BROKER_HONEST), m_dropProbability(0),
      m_delay(Seconds(0)), m_tamperTarget(TAMPER_TO_AGENT), m_tamperProbability(1),
      m_timerRng(CreateObject<UniformRandomVariable>()),
      m_behaviourRng(CreateObject<UniformRandomVariable>())
{
}

TeepBroker::~TeepBroker() = default;

void TeepBroker::DoDispose()
{
    m_timerEvent.Cancel();
    m_retryEvent.Cancel();
    m_agent = nullptr;
    m_transport = nullptr;
    Application::DoDispose();
}

void TeepBroker::SetAgent(Ptr<TeepAgent> agent)
{
    m_agent = agent;
}

void TeepBroker::SetTransport(Ptr<TeepClientTransport> transport)
{
    m_transport = transport;
}

int64_t TeepBroker::AssignStreams(int64_t stream)
{
    m_timerRng->SetStream(stream);
    m_behaviourRng->SetStream(stream + 1);
    return 2;
}

uint32_t TeepBroker::DeviceId() const
{
    return m_agent ? m_agent->GetDeviceId() : kUnknownDevice;
}

void TeepBroker::StartApplication()
{
    if (!m_agent)
    {
        m_agent = GetNode()->GetObject<TeepAgent>();
    }
    NS_ABORT_MSG_IF(!m_agent, "TeepBroker needs a TeepAgent (SetAgent or aggregated to the node)");
    NS_ABORT_MSG_IF(!m_transport, "TeepBroker needs a TeepClientTransport");
    m_schedule = PolicyCheckSchedule(m_law, m_interval, m_jitter);
    if (m_behaviour == BROKER_SUPPRESS_TIMER)
    {
        NS_LOG_INFO("device " << DeviceId() << ": policy-check timer suppressed");
        return;
    }
    const Time first = m_startMode == POLICY_START_SYNCHRONIZED
                           ? m_syncOffset
                           : m_schedule.EquilibriumResidual(m_timerRng);
    ScheduleNextCheck(first);
}

void TeepBroker::StopApplication()
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

void TeepBroker::ScheduleNextCheck(Time delay)
{
    m_timerEvent = Simulator::Schedule(delay, &TeepBroker::OnTimer, this);
}

void TeepBroker::OnTimer()
{
    // The renewal process runs on regardless of session outcomes (THEORY.md §3.2).
    ScheduleNextCheck(m_schedule.NextInterval(m_timerRng));
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

void TeepBroker::OnRetry()
{
    if (!m_inSession)
    {
        m_policyCheckTrace(DeviceId());
        StartSession();
    }
}

bool TeepBroker::TriggerPolicyCheck()
{
    if (m_inSession || m_behaviour == BROKER_SUPPRESS_TIMER)
    {
        return false;
    }
    m_retryEvent.Cancel();
    m_retriesLeft = m_retryCount;
    return StartSession();
}

bool TeepBroker::StartSession()
{
    std::optional<TamContact> tam = m_agent->RequestPolicyCheck();
    if (!tam)
    {
        return false;
    }
    if (m_behaviour == BROKER_DROP_ALL ||
        (m_behaviour == BROKER_DROP_FRACTION && m_behaviourRng->GetValue() < m_dropProbability))
    {
        NS_LOG_INFO("device " << DeviceId() << ": session dropped by the Broker");
        m_droppedTrace(DeviceId());
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

void TeepBroker::Send(std::vector<uint8_t> body)
{
    if (m_behaviour == BROKER_DELAY && m_delay.IsStrictlyPositive())
    {
        const uint64_t gen = m_sessionGeneration;
        Simulator::Schedule(m_delay,
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

void TeepBroker::PostNow(std::vector<uint8_t> body)
{
    TeepHttpRequest req;
    req.path = m_tam.uri;
    if (body.empty())
    {
        req.contentType.clear(); // session-opening POST: empty body, no Content-Type
    }
    else
    {
        MaybeTamper(body, TamperDirection::ToTam);
    }
    req.body = std::move(body);
    const uint64_t gen = m_sessionGeneration;
    m_transport->Post(m_tam.address, req,
                      TeepClientTransport::ResponseCallback([this, gen](const TeepHttpResponse& rsp)
                                                            { OnResponse(gen, rsp); }));
}

void TeepBroker::OnResponse(uint64_t gen, const TeepHttpResponse& rsp)
{
    if (gen != m_sessionGeneration || !m_inSession)
    {
        return; // late answer of a session that already ended
    }
    if (rsp.status == 200 && !rsp.body.empty())
    {
        if (m_behaviour == BROKER_DELAY && m_delay.IsStrictlyPositive())
        {
            Simulator::Schedule(m_delay,
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

void TeepBroker::DeliverToAgent(std::vector<uint8_t> body)
{
    MaybeTamper(body, TamperDirection::ToAgent);
    const uint64_t rejectedBefore = m_agent->GetRejectedCount();
    std::optional<std::vector<uint8_t>> out = m_agent->ProcessTeepMessage(body);
    if (m_agent->GetRejectedCount() != rejectedBefore)
    {
        m_agentErrored = true;
    }
    if (out)
    {
        Send(std::move(*out));
        return;
    }
    EndSession(m_agentErrored ? SessionOutcome::AgentError : SessionOutcome::Success);
}

void TeepBroker::EndSession(SessionOutcome outcome)
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
        m_retryEvent = Simulator::Schedule(m_retrySpacing, &TeepBroker::OnRetry, this);
    }
}

bool TeepBroker::MaybeTamper(std::vector<uint8_t>& msg, TamperDirection dir)
{
    if (m_behaviour != BROKER_TAMPER || msg.empty())
    {
        return false;
    }
    const bool wanted = m_tamperTarget == TAMPER_BOTH ||
                        (m_tamperTarget == TAMPER_TO_AGENT && dir == TamperDirection::ToAgent) ||
                        (m_tamperTarget == TAMPER_TO_TAM && dir == TamperDirection::ToTam);
    if (!wanted || m_behaviourRng->GetValue() >= m_tamperProbability)
    {
        return false;
    }
    const auto pos = static_cast<size_t>(m_behaviourRng->GetInteger(0, msg.size() - 1));
    const auto mask = static_cast<uint8_t>(m_behaviourRng->GetInteger(1, 255));
    msg[pos] ^= mask;
    NS_LOG_INFO("device " << DeviceId() << ": tampered byte " << pos);
    m_tamperTrace(DeviceId(), dir);
    return true;
}

} // namespace ns3
