// RelyingParty: the messages of one challenge exchange. RP -> device and back cross the
// device's access link as whole messages (MessageTransport's model: delay + size / rate, lost
// with the link's probability, refused while the device is off), relayed by its REE's Broker if
// it has one; the RP -> Verifier leg is a real client transport of the scenario's kind.
#include "teepsim/codec/eat.h"
#include "teepsim/http-framing.h"
#include "teepsim/relying-party.h"

#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/simulator.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TeepRelyingPartyExchange");

namespace eat = teepsim::eat;

namespace
{
// The host the relying party's challenge names, and the path a device serves challenges at.
constexpr std::string_view kRpHost = "relying-party";
constexpr std::string_view kChallengePath = "/attest?nonce=00000000000000000000000000000000";
} // namespace

bool RelyingParty::Lost(const LinkProfile& link)
{
    return link.lossProbability > 0 && m_loss->GetValue() < link.lossProbability;
}

bool RelyingParty::BrokerDrops(const Device& d)
{
    if (!d.broker)
    {
        return false; // no REE: the TEE's own stack answers
    }
    EnumValue behaviour;
    d.broker->GetAttribute("Behaviour", behaviour);
    if (behaviour.Get() == BROKER_DROP_ALL)
    {
        return true;
    }
    if (behaviour.Get() == BROKER_DROP_FRACTION)
    {
        DoubleValue p;
        d.broker->GetAttribute("DropProbability", p);
        return m_loss->GetValue() < p.Get(); // one draw per exchange, as per session
    }
    return false;
}

Time RelyingParty::BrokerDelay(const Device& d) const
{
    if (!d.broker)
    {
        return Time(0);
    }
    EnumValue behaviour;
    d.broker->GetAttribute("Behaviour", behaviour);
    if (behaviour.Get() != BROKER_DELAY)
    {
        return Time(0);
    }
    TimeValue delay;
    d.broker->GetAttribute("Delay", delay);
    return delay.Get();
}

void RelyingParty::Fail(size_t index, uint64_t seq, RpNoAnswerCause cause)
{
    if (Outstanding* o = Find(index, seq); o && !o->fate)
    {
        o->fate = cause;
    }
}

void RelyingParty::SendChallenge(size_t index, uint64_t seq)
{
    const Device& d = m_devices[index];
    const uint32_t id = d.agent->GetDeviceId();
    // A device that is off cannot take the challenge; the relying party only learns it by the
    // silence (the timeout), as a message-level client does.
    if (!m_up.IsNull() && !m_up(id))
    {
        Fail(index, seq, RpNoAnswerCause::Offline);
        return;
    }
    if (Lost(d.access))
    {
        Fail(index, seq, RpNoAnswerCause::Lost);
        return;
    }
    const std::size_t bytes = teepsim::http::EncodedRequestSize(kRpHost, kChallengePath, "", 0,
                                                                teepsim::http::kEatCwtMediaType);
    Simulator::Schedule(d.access.DeliveryTime(bytes) + BrokerDelay(d),
                        &RelyingParty::ArriveAtDevice, this, index, seq);
}

void RelyingParty::ArriveAtDevice(size_t index, uint64_t seq)
{
    const Device& d = m_devices[index];
    const Outstanding* o = Find(index, seq);
    if (!o)
    {
        return; // timed out on the way: nobody waits for the answer
    }
    if (!m_up.IsNull() && !m_up(d.agent->GetDeviceId()))
    {
        Fail(index, seq, RpNoAnswerCause::Offline);
        return;
    }
    if (BrokerDrops(d))
    {
        NS_LOG_INFO("device " << d.agent->GetDeviceId() << ": challenge dropped by the Broker");
        Fail(index, seq, RpNoAnswerCause::BrokerDropped);
        return;
    }
    // The TEE signs evidence of its state now.
    std::vector<uint8_t> evidence = d.agent->SignedEvidence(o->nonce);
    if (Lost(d.access))
    {
        Fail(index, seq, RpNoAnswerCause::Lost);
        return;
    }
    const std::size_t bytes =
        teepsim::http::EncodedResponseSize(200, teepsim::http::kEatCwtMediaType, evidence.size());
    Simulator::Schedule(d.access.DeliveryTime(bytes) + BrokerDelay(d),
                        &RelyingParty::ArriveAtRelyingParty, this, index, seq, std::move(evidence),
                        Simulator::Now());
}

Ptr<TeepClientTransport> RelyingParty::TakeVerifierClient()
{
    if (!m_idleClients.empty())
    {
        Ptr<TeepClientTransport> c = m_idleClients.back();
        m_idleClients.pop_back();
        return c;
    }
    Ptr<TeepClientTransport> c = m_clientFactory.Create<TeepClientTransport>();
    NS_ABORT_MSG_IF(!c, "RelyingParty: the Verifier path's factory made no TeepClientTransport");
    c->SetNode(m_clientNode);
    if (m_clientStream >= 0)
    {
        c->AssignStreams(m_clientStream + static_cast<int64_t>(m_clients.size()));
    }
    m_clients.push_back(c);
    return c;
}

void RelyingParty::ArriveAtRelyingParty(size_t index, uint64_t seq, std::vector<uint8_t> evidence,
                                        Time signedAt)
{
    const Outstanding* o = Find(index, seq);
    if (!o)
    {
        ++m_late;
        return;
    }
    // Background check: the evidence goes to the Verifier with the nonce it must answer.
    TeepHttpRequest req;
    req.path = Verifier::AppraisePath(o->nonce);
    req.contentType = teepsim::http::kEatCwtMediaType;
    req.accept = teepsim::http::kEatCwtMediaType;
    req.body = std::move(evidence);
    Ptr<TeepClientTransport> client = TakeVerifierClient();
    client->PostOwned(m_verifierAddress, std::move(req),
                      TeepClientTransport::ResponseCallback(
                          [this, index, seq, signedAt, client](const TeepHttpResponse& rsp)
                          { OnVerifierAnswer(index, seq, signedAt, client, rsp); }));
}

void RelyingParty::OnVerifierAnswer(size_t index, uint64_t seq, Time signedAt,
                                    Ptr<TeepClientTransport> client, const TeepHttpResponse& rsp)
{
    // Let the client finish its callback before the next exchange reuses it.
    Simulator::ScheduleNow(
        [this, client]()
        {
            client->CloseSession();
            m_idleClients.push_back(client);
        });
    const Outstanding* o = Find(index, seq);
    if (!o)
    {
        ++m_late;
        return;
    }
    if (rsp.status == 0)
    {
        Fail(index, seq, RpNoAnswerCause::VerifierFailed);
        return;
    }
    const Device& d = m_devices[index];
    if (rsp.status != 200)
    {
        Resolve(index, seq, AttestationStatus::None, signedAt); // evidence refused
        return;
    }
    // Check the result as a relying party must: the Verifier's signature, bound to this
    // device's key, answering this nonce.
    auto ar = eat::VerifyAttestationResult(rsp.body, {m_verifier->GetKey()}, d.agent->GetKid());
    if (!ar.ok() || ar->result.nonce != o->nonce)
    {
        Resolve(index, seq, AttestationStatus::None, signedAt);
        return;
    }
    Resolve(index, seq, static_cast<AttestationStatus>(ar->result.status), signedAt);
}

} // namespace ns3
