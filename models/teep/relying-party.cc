// RelyingParty: the challenge schedule and the trust bookkeeping (what an answer vouches for and
// until when). The messages of an exchange are in relying-party-exchange.cc.
#include "teepsim/relying-party.h"

#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/simulator.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TeepRelyingParty");
NS_OBJECT_ENSURE_REGISTERED(RelyingParty);

const char* ToString(RpNoAnswerCause c)
{
    switch (c)
    {
        case RpNoAnswerCause::Lost:
            return "lost";
        case RpNoAnswerCause::Offline:
            return "offline";
        case RpNoAnswerCause::BrokerDropped:
            return "broker-dropped";
        case RpNoAnswerCause::VerifierFailed:
            return "verifier-failed";
        case RpNoAnswerCause::Timeout:
            return "timeout";
    }
    return "?";
}

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
            .AddAttribute("Timeout",
                          "A challenge with no valid answer this long after it was sent is "
                          "unanswered: the relying party stops trusting the device.",
                          TimeValue(Seconds(30)), MakeTimeAccessor(&RelyingParty::m_timeout),
                          MakeTimeChecker(NanoSeconds(1)))
            .AddTraceSource("Answered", "A challenge got an answer in time.",
                            MakeTraceSourceAccessor(&RelyingParty::m_answeredTrace),
                            "ns3::TeepRpAnsweredTracedCallback")
            .AddTraceSource("Unanswered", "A challenge got no valid answer within the timeout.",
                            MakeTraceSourceAccessor(&RelyingParty::m_unansweredTrace),
                            "ns3::TeepRpUnansweredTracedCallback")
            .AddTraceSource("Held", "The acceptance of a verified answer is over.",
                            MakeTraceSourceAccessor(&RelyingParty::m_heldTrace),
                            "ns3::TeepRpHeldTracedCallback");
    return tid;
}

RelyingParty::RelyingParty()
    : m_law(POLICY_CHECK_FIXED), m_interval(Hours(1)), m_timeout(Seconds(30)),
      m_uniform(CreateObject<UniformRandomVariable>()),
      m_loss(CreateObject<UniformRandomVariable>())
{
}

RelyingParty::~RelyingParty() = default;

void RelyingParty::DoDispose()
{
    for (Device& d : m_devices)
    {
        d.next.Cancel();
        for (Outstanding& o : d.outstanding)
        {
            o.timeout.Cancel();
        }
    }
    m_devices.clear();
    for (Ptr<TeepClientTransport>& c : m_clients)
    {
        c->Dispose();
    }
    m_clients.clear();
    m_idleClients.clear();
    m_clientNode = nullptr;
    m_verifier = nullptr;
    m_uniform = nullptr;
    m_loss = nullptr;
    m_up = Callback<bool, uint32_t>();
    // Sinks may hold a Ptr back to this object (cycle): drop them.
    m_answeredTrace = TracedCallback<uint32_t, AttestationStatus, Time>();
    m_unansweredTrace = TracedCallback<uint32_t, RpNoAnswerCause>();
    m_heldTrace = TracedCallback<uint32_t, AttestationStatus, Time, Time>();
    Object::DoDispose();
}

void RelyingParty::SetVerifier(Ptr<Verifier> verifier)
{
    m_verifier = verifier;
}

void RelyingParty::SetVerifierPath(const ObjectFactory& clientFactory, Ptr<Node> node,
                                   const Address& verifierAddress)
{
    m_clientFactory = clientFactory;
    m_clientNode = node;
    m_verifierAddress = verifierAddress;
}

void RelyingParty::AddDevice(Ptr<TeepAgent> agent, const LinkProfile& access,
                             Ptr<TeepBroker> broker)
{
    Device d;
    d.agent = agent;
    d.access = access;
    d.broker = broker;
    m_devices.push_back(std::move(d));
}

void RelyingParty::SetDeviceUpCallback(Callback<bool, uint32_t> up)
{
    m_up = up;
}

int64_t RelyingParty::AssignStreams(int64_t stream)
{
    m_uniform->SetStream(stream);
    m_loss->SetStream(stream + 1);
    m_clientStream = stream + 2;
    return 2;
}

uint64_t RelyingParty::GetUnansweredCount() const
{
    uint64_t n = 0;
    for (uint64_t c : m_unanswered)
    {
        n += c;
    }
    return n;
}

Time RelyingParty::GetTrustedTime() const
{
    Time t = m_trusted;
    for (const Device& d : m_devices)
    {
        if (d.holding)
        {
            t += Simulator::Now() - d.heldSince;
        }
    }
    return t;
}

void RelyingParty::Start()
{
    NS_ABORT_MSG_IF(!m_verifier, "RelyingParty needs a Verifier");
    NS_ABORT_MSG_IF(!m_clientNode, "RelyingParty needs the Verifier's path (SetVerifierPath)");
    const PolicyCheckSchedule schedule(m_law, m_interval, 0.0);
    for (size_t i = 0; i < m_devices.size(); ++i)
    {
        // Stationary from the start, like the policy-check timers (THEORY §6.1).
        m_devices[i].next = Simulator::Schedule(schedule.EquilibriumResidual(m_uniform),
                                                &RelyingParty::Challenge, this, i);
    }
}

RelyingParty::Outstanding* RelyingParty::Find(size_t index, uint64_t seq)
{
    for (Outstanding& o : m_devices[index].outstanding)
    {
        if (o.seq == seq)
        {
            return &o;
        }
    }
    return nullptr;
}

void RelyingParty::Challenge(size_t index)
{
    const PolicyCheckSchedule schedule(m_law, m_interval, 0.0);
    Device& d = m_devices[index];
    d.next = Simulator::Schedule(schedule.NextInterval(m_uniform), &RelyingParty::Challenge, this,
                                 index);
    ++m_challenges;
    Outstanding o;
    o.seq = ++d.seq;
    o.nonce.resize(16);
    for (uint8_t& b : o.nonce)
    {
        b = static_cast<uint8_t>(m_uniform->GetInteger(0, 255));
    }
    o.sentAt = Simulator::Now();
    o.timeout = Simulator::Schedule(m_timeout, &RelyingParty::TimeOut, this, index, o.seq);
    d.outstanding.push_back(std::move(o));
    SendChallenge(index, d.seq);
}

void RelyingParty::EndHeld(Device& d, Time until)
{
    if (!d.holding)
    {
        return;
    }
    d.holding = false;
    m_trusted += Simulator::Now() - d.heldSince;
    m_heldTrace(d.agent->GetDeviceId(), AttestationStatus::Affirming, d.heldIat, until);
}

void RelyingParty::Resolve(size_t index, uint64_t seq, AttestationStatus status, Time signedAt)
{
    Device& d = m_devices[index];
    Outstanding* o = Find(index, seq);
    NS_ASSERT(o);
    const Time roundTrip = Simulator::Now() - o->sentAt;
    o->timeout.Cancel();
    std::erase_if(d.outstanding, [seq](const Outstanding& x) { return x.seq == seq; });
    const uint32_t id = d.agent->GetDeviceId();
    if (status == AttestationStatus::None)
    {
        ++m_rejected;
        NS_LOG_INFO("device " << id << ": challenge " << seq << " not answered validly");
    }
    else
    {
        ++m_answered;
    }
    m_answeredTrace(id, status, roundTrip);
    if (seq < d.lastResolved)
    {
        return; // a later challenge already spoke for the device
    }
    d.lastResolved = seq;
    EndHeld(d, Simulator::Now());
    if (status == AttestationStatus::Affirming)
    {
        d.holding = true;
        d.heldIat = signedAt;
        d.heldSince = Simulator::Now();
        return;
    }
    if (status != AttestationStatus::None)
    {
        m_heldTrace(id, status, signedAt, Simulator::Now()); // vouches for nothing
    }
}

void RelyingParty::TimeOut(size_t index, uint64_t seq)
{
    Device& d = m_devices[index];
    Outstanding* o = Find(index, seq);
    NS_ASSERT(o);
    const RpNoAnswerCause cause = o->fate.value_or(RpNoAnswerCause::Timeout);
    std::erase_if(d.outstanding, [seq](const Outstanding& x) { return x.seq == seq; });
    ++m_unanswered[static_cast<size_t>(cause)];
    NS_LOG_INFO("device " << d.agent->GetDeviceId() << ": challenge " << seq
                          << " unanswered: " << ToString(cause));
    m_unansweredTrace(d.agent->GetDeviceId(), cause);
    if (seq < d.lastResolved)
    {
        return;
    }
    d.lastResolved = seq;
    EndHeld(d, Simulator::Now()); // no fresh answer: the relying party stops trusting
}

void RelyingParty::Flush()
{
    for (Device& d : m_devices)
    {
        EndHeld(d, Time::Max());
    }
}

} // namespace ns3
