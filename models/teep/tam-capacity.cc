// TamServer's side of its capacity model (the queue and workers are a TamWorkerQueue): handling
// a request a worker took, holding its answers until the worker's service (plus the modelled
// CPU time of the signatures it made) is over, and the answer to a request that QueueLimit turns
// away (HTTP 503, or a TAM-signed TEEP Error with ERR_TEMPORARY_ERROR).
#include "teepsim/codec/cose.h"
#include "teepsim/codec/crypto.h"
#include "teepsim/codec/teep_signed.h"
#include "teepsim/message-transport.h"
#include "teepsim/tam-server.h"

#include "ns3/log.h"
#include "ns3/simulator.h"

#include <algorithm>

#include "teep-wire.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TamCapacity");

using teepsim::cbor::Bytes;
namespace cose = teepsim::cose;
namespace crypto = teepsim::crypto;
namespace teep = teepsim::teep;

namespace
{
/// The token a request's TEEP message carries, read without checking the signature: an
/// overloaded TAM does not spend a verification on a request it turns away.
std::optional<Bytes> TokenOfBody(const std::vector<uint8_t>& body)
{
    if (body.empty())
    {
        return std::nullopt;
    }
    auto parsed = cose::ParseSigned(body);
    if (!parsed.ok() || !parsed->payload)
    {
        return std::nullopt;
    }
    auto m = teep::Decode(*parsed->payload, teepwire::Wire());
    if (!m.ok())
    {
        return std::nullopt;
    }
    return teep::TokenOf(m.value());
}
} // namespace

void TamServer::OnRequest(uint64_t requestId, uint64_t connectionId, const TeepHttpRequest& req)
{
    m_workerQueue->Submit(requestId, connectionId, req);
}

TamWorkerQueue::Work TamServer::HandleInWorker(const TamWorkerQueue::Request& q)
{
    m_servingRemoval = false;
    m_inWorker = true;
    const uint64_t ops = crypto::OperationCount();
    Serve(q.requestId, q.connectionId, q.req);
    m_inWorker = false;
    return {m_servingRemoval, teepwire::CryptoCharge(crypto::OperationCount() - ops)};
}

void TamServer::ReleaseAnswers(uint64_t requestId, Time ready, bool atOnceIfReady)
{
    const bool answered =
        std::any_of(m_heldAnswers.begin(), m_heldAnswers.end(),
                    [requestId](const auto& held) { return held.first == requestId; });
    // atOnceIfReady = false only at the end of a worker's service, when the queue calls
    // OnServiceEnd (TamWorkerQueue::Release).
    ReleaseHeld(ready, atOnceIfReady, /*atServiceEnd=*/!atOnceIfReady);
    if (!answered && ready > Simulator::Now())
    {
        // Answered later (after the Verifier): not before `ready`.
        m_answerNotBefore[requestId] = AnswerHold{ready, /*atServiceEnd=*/!atOnceIfReady};
    }
}

void TamServer::ReleaseHeld(Time ready, bool atOnceIfReady, bool atServiceEnd)
{
    if (m_heldAnswers.empty())
    {
        return;
    }
    std::vector<std::pair<uint64_t, TeepHttpResponse>> held;
    held.swap(m_heldAnswers);
    for (auto& [id, rsp] : held)
    {
        AnswerHold when{ready, atServiceEnd};
        auto hold = m_answerNotBefore.find(id);
        if (hold != m_answerNotBefore.end())
        {
            if (hold->second.notBefore >= ready)
            {
                when = hold->second;
            }
            m_answerNotBefore.erase(hold);
        }
        if (atOnceIfReady && when.notBefore <= Simulator::Now())
        {
            m_server->RespondOwned(id, std::move(rsp));
            continue;
        }
        if (atServiceEnd && when.notBefore == ready)
        {
            // The queue's end-of-service event (scheduled right after this, for the same time)
            // calls OnServiceEnd before it frees the worker: the answer leaves in the same
            // order as from an event of its own scheduled now, one event fewer.
            m_answersAtServiceEnd.emplace_back(id, std::move(rsp));
            continue;
        }
        SendAt(id, when, std::move(rsp));
    }
    held.clear();
    if (m_heldAnswers.empty())
    {
        m_heldAnswers.swap(held); // keep the capacity for the next request
    }
}

void TamServer::OnServiceEnd(uint64_t requestId)
{
    // In the order they were kept (usually one answer).
    for (size_t i = 0; i < m_answersAtServiceEnd.size();)
    {
        if (m_answersAtServiceEnd[i].first != requestId)
        {
            ++i;
            continue;
        }
        TeepHttpResponse rsp = std::move(m_answersAtServiceEnd[i].second);
        m_answersAtServiceEnd.erase(m_answersAtServiceEnd.begin() + static_cast<ptrdiff_t>(i));
        m_server->RespondOwned(requestId, std::move(rsp));
    }
}

void TamServer::SendAt(uint64_t requestId, const AnswerHold& hold, TeepHttpResponse&& rsp)
{
    if (hold.atServiceEnd && hold.notBefore > Simulator::Now())
    {
        // The answer of a request whose worker is still serving it (the Verifier answered
        // first) leaves when the service ends, in the queue's end-of-service event already
        // scheduled for then, not in an event of its own at the same time.
        m_answersAtServiceEnd.emplace_back(requestId, std::move(rsp));
        return;
    }
    if (m_server->GetInstanceTypeId() == MessageServerTransport::GetTypeId())
    {
        // The message transport takes an answer that leaves later as it is: its delivery
        // event is all the answer costs, not an event to send it and then that one.
        static_cast<MessageServerTransport*>(PeekPointer(m_server))
            ->RespondOwnedAfter(requestId, hold.notBefore - Simulator::Now(), std::move(rsp));
        return;
    }
    Simulator::Schedule(hold.notBefore - Simulator::Now(), &TamServer::SendAnswer, this, requestId,
                        std::move(rsp));
}

void TamServer::SendAnswer(uint64_t requestId, TeepHttpResponse rsp)
{
    m_server->RespondOwned(requestId, std::move(rsp));
}

uint32_t TamServer::DeviceIdOfBody(const std::vector<uint8_t>& body) const
{
    if (body.empty())
    {
        return kUnknownDevice;
    }
    auto parsed = cose::ParseSigned(body);
    if (!parsed.ok() || parsed->signatures.size() != 1)
    {
        return kUnknownDevice;
    }
    const Device* d = DeviceOfSignature(*parsed);
    return d ? d->id : kUnknownDevice;
}

void TamServer::RejectOverload(uint64_t requestId, const TeepHttpRequest& req)
{
    ++m_overloads;
    const uint32_t dev = DeviceIdOfBody(req.body);
    m_overloadTrace(dev);
    if (m_overloadResponse == TAM_OVERLOAD_HTTP_503)
    {
        NS_LOG_INFO("TAM overloaded: request of device " << dev << " rejected with 503");
        Respond(requestId, 503, {}, dev, TeepMessageType::Unknown);
        return;
    }
    // A signed TEEP Error (retry later), with the token of the request when it had one.
    NS_LOG_INFO("TAM overloaded: request of device " << dev << " answered with a TEEP Error");
    teep::Error e;
    e.token = TokenOfBody(req.body);
    e.errCode = teep::ErrorCode::TemporaryError;
    e.errMsg = "TAM overloaded, retry later";
    Respond(requestId, 200, SignTeep(e), dev, TeepMessageType::Error);
}

} // namespace ns3
