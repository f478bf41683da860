#include "teepsim/relying-party.h"

#include "teepsim/codec/eat.h"

#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/simulator.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TeepRelyingParty");
NS_OBJECT_ENSURE_REGISTERED(RelyingParty);

namespace eat = teepsim::eat;

TypeId RelyingParty::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::teepsim::RelyingParty")
            .SetParent<Object>()
            .SetGroupName("Teep")
            .AddConstructor<RelyingParty>()
            .AddAttribute("Law", "Law of the interval between two challenges of one device.",
                          EnumValue(POLICY_CHECK_FIXED), MakeEnumAccessor(&RelyingParty::m_law),
                          MakeEnumChecker(POLICY_CHECK_FIXED, "Fixed", POLICY_CHECK_UNIFORM,
                                          "UniformJitter", POLICY_CHECK_EXPONENTIAL, "Exponential"))
            .AddAttribute("CheckInterval", "C: (mean) interval between two challenges.",
                          TimeValue(Hours(1)), MakeTimeAccessor(&RelyingParty::m_interval),
                          MakeTimeChecker(NanoSeconds(1)))
            .AddTraceSource("Answered",
                            "A challenge was answered with a verified attestation result.",
                            MakeTraceSourceAccessor(&RelyingParty::m_answeredTrace),
                            "ns3::TeepRpAnsweredTracedCallback");
    return tid;
}

RelyingParty::RelyingParty()
    : m_law(POLICY_CHECK_FIXED), m_interval(Hours(1)),
      m_uniform(CreateObject<UniformRandomVariable>())
{
}

RelyingParty::~RelyingParty() = default;

void RelyingParty::DoDispose()
{
    for (EventId& e : m_events)
    {
        e.Cancel();
    }
    m_agents.clear();
    m_verifier = nullptr;
    m_uniform = nullptr;
    Object::DoDispose();
}

void RelyingParty::SetVerifier(Ptr<Verifier> verifier)
{
    m_verifier = verifier;
}

void RelyingParty::AddDevice(Ptr<TeepAgent> agent)
{
    m_agents.push_back(agent);
}

int64_t RelyingParty::AssignStreams(int64_t stream)
{
    m_uniform->SetStream(stream);
    return 1;
}

void RelyingParty::Start()
{
    NS_ABORT_MSG_IF(!m_verifier, "RelyingParty needs a Verifier");
    const PolicyCheckSchedule schedule(m_law, m_interval, 0.0);
    m_events.resize(m_agents.size());
    for (size_t i = 0; i < m_agents.size(); ++i)
    {
        // Stationary from the start, like the policy-check timers (THEORY §6.1).
        m_events[i] = Simulator::Schedule(schedule.EquilibriumResidual(m_uniform),
                                          &RelyingParty::Challenge, this, i);
    }
}

void RelyingParty::Challenge(size_t index)
{
    const PolicyCheckSchedule schedule(m_law, m_interval, 0.0);
    // The next challenge is drawn first: the answer to this one is accepted until then.
    const Time next = Simulator::Now() + schedule.NextInterval(m_uniform);
    m_events[index] =
        Simulator::Schedule(next - Simulator::Now(), &RelyingParty::Challenge, this, index);
    ++m_challenges;

    Ptr<TeepAgent> agent = m_agents[index];
    teepsim::cbor::Bytes nonce(16);
    for (uint8_t& b : nonce)
    {
        b = static_cast<uint8_t>(m_uniform->GetInteger(0, 255));
    }
    const std::vector<uint8_t> result = m_verifier->Appraise(agent->SignedEvidence(nonce), nonce);
    // Check the result as a relying party must: the Verifier's signature, bound to this
    // device's key, answering this nonce.
    auto ar = eat::VerifyAttestationResult(result, {m_verifier->GetKey()}, agent->GetKid());
    if (result.empty() || !ar.ok() || ar->result.nonce != nonce)
    {
        ++m_rejected;
        NS_LOG_INFO("device " << agent->GetDeviceId() << ": challenge not answered validly");
        m_answeredTrace(agent->GetDeviceId(), AttestationStatus::None, next);
        return;
    }
    m_answeredTrace(agent->GetDeviceId(), static_cast<AttestationStatus>(ar->result.status), next);
}

} // namespace ns3
