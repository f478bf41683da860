#include "teepsim/teep-broker.h"

#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/nstime.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TeepBroker");
NS_OBJECT_ENSURE_REGISTERED(TeepBroker);

TypeId TeepBroker::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::teepsim::TeepBroker")
            .SetParent<TeepSessionDriver>()
            .SetGroupName("Teep")
            .AddConstructor<TeepBroker>()
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
            .AddTraceSource("Tampered", "A byte of a message was flipped (tamper mode).",
                            MakeTraceSourceAccessor(&TeepBroker::m_tamperTrace),
                            "ns3::TeepTamperTracedCallback")
            .AddTraceSource("Dropped",
                            "A session (or the rest of a running one) was dropped by the Broker.",
                            MakeTraceSourceAccessor(&TeepBroker::m_droppedTrace),
                            "ns3::TeepDeviceTracedCallback");
    return tid;
}

TeepBroker::TeepBroker()
    : m_behaviour(BROKER_HONEST), m_dropProbability(0), m_delay(Seconds(0)),
      m_tamperTarget(TAMPER_TO_AGENT), m_tamperProbability(1)
{
}

TeepBroker::~TeepBroker() = default;

void TeepBroker::DoDispose()
{
    // Like the session driver's: sinks may hold a Ptr back to this Broker (cycle), drop them.
    m_tamperTrace = TracedCallback<uint32_t, TamperDirection>();
    m_droppedTrace = TracedCallback<uint32_t>();
    m_behaviourRng.Dispose();
    TeepSessionDriver::DoDispose();
}

int64_t TeepBroker::AssignStreams(int64_t stream)
{
    const int64_t used = TeepSessionDriver::AssignStreams(stream);
    m_behaviourRng.SetStream(stream + used);
    return used + 1;
}

bool TeepBroker::SuppressesTimer() const
{
    return m_behaviour == BROKER_SUPPRESS_TIMER;
}

bool TeepBroker::DropsSession()
{
    if (m_behaviour == BROKER_DROP_FRACTION)
    {
        m_decidedGeneration = SessionGeneration(); // one draw per session
    }
    if (m_behaviour == BROKER_DROP_ALL ||
        (m_behaviour == BROKER_DROP_FRACTION && m_behaviourRng.GetValue() < m_dropProbability))
    {
        NS_LOG_INFO("device " << DeviceId() << ": session dropped by the Broker");
        m_droppedTrace(DeviceId());
        return true;
    }
    return false;
}

bool TeepBroker::DropsMessage()
{
    // The behaviour applies to every message relayed from the moment it is set, so a session
    // in flight when the Broker turns bad loses its remaining messages too. A dropping Broker
    // draws once for such a session, at its first message under the new behaviour.
    bool drop = m_behaviour == BROKER_DROP_ALL;
    if (m_behaviour == BROKER_DROP_FRACTION && m_decidedGeneration != SessionGeneration())
    {
        m_decidedGeneration = SessionGeneration();
        drop = m_behaviourRng.GetValue() < m_dropProbability;
    }
    if (drop)
    {
        NS_LOG_INFO("device " << DeviceId() << ": session in flight dropped by the Broker");
        m_droppedTrace(DeviceId());
    }
    return drop;
}

Time TeepBroker::MessageDelay() const
{
    return m_behaviour == BROKER_DELAY ? m_delay : Seconds(0);
}

bool TeepBroker::MayTamper() const
{
    return m_behaviour == BROKER_TAMPER;
}

bool TeepBroker::Tamper(std::vector<uint8_t>& msg, TamperDirection dir)
{
    if (m_behaviour != BROKER_TAMPER || msg.empty())
    {
        return false;
    }
    const bool wanted = m_tamperTarget == TAMPER_BOTH ||
                        (m_tamperTarget == TAMPER_TO_AGENT && dir == TamperDirection::ToAgent) ||
                        (m_tamperTarget == TAMPER_TO_TAM && dir == TamperDirection::ToTam);
    if (!wanted || m_behaviourRng.GetValue() >= m_tamperProbability)
    {
        return false;
    }
    const auto pos = static_cast<size_t>(m_behaviourRng.GetInteger(0, msg.size() - 1));
    const auto mask = static_cast<uint8_t>(m_behaviourRng.GetInteger(1, 255));
    msg[pos] ^= mask;
    NS_LOG_INFO("device " << DeviceId() << ": tampered byte " << pos);
    m_tamperTrace(DeviceId(), dir);
    return true;
}

} // namespace ns3
