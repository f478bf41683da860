// TamServer capacity: a FIFO queue in front of Workers workers, the service time a worker
// holds each answer for (plus the modelled CPU time of the signatures it made), and the answer
// to a request that QueueLimit turns away (HTTP 503, or a TAM-signed TEEP Error with
// ERR_TEMPORARY_ERROR).
#include "teepsim/codec/cose.h"
#include "teepsim/codec/crypto.h"
#include "teepsim/codec/teep_signed.h"
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
    if (m_workers == 0)
    {
        // Unlimited: no queue and no service time, only the modelled signature time (if any).
        m_inWorker = true;
        const uint64_t ops = crypto::OperationCount();
        Serve(requestId, connectionId, req);
        m_inWorker = false;
        const Time ready =
            Simulator::Now() + teepwire::CryptoCharge(crypto::OperationCount() - ops);
        const bool answered =
            std::any_of(m_heldAnswers.begin(), m_heldAnswers.end(),
                        [requestId](const auto& held) { return held.first == requestId; });
        ReleaseHeld(ready, /*atOnceIfReady=*/true);
        if (!answered && ready > Simulator::Now())
        {
            m_answerNotBefore[requestId] = ready; // answered after the Verifier
        }
        return;
    }
    QueuedRequest q{Simulator::Now(), requestId, connectionId, req};
    if (m_busy < m_workers)
    {
        RunWorker(std::move(q));
        return;
    }
    if (m_queueLimit != 0 && m_queue.size() >= m_queueLimit)
    {
        RejectOverload(requestId, req);
        return;
    }
    m_queue.push_back(std::move(q));
    TraceQueue();
}

void TamServer::TraceQueue()
{
    m_queueLengthTrace(static_cast<uint32_t>(m_queue.size()), m_busy);
}

void TamServer::RunWorker(QueuedRequest q)
{
    ++m_busy;
    TraceQueue();
    m_queueDelayTrace(kUnknownDevice, Simulator::Now() - q.queuedAt);
    // Handle the request now (which tells whether it belongs to a removal session) and hold
    // its answer until the service time is over: the device sees the same timing as if the
    // work took the whole service time.
    m_servingRemoval = false;
    m_inWorker = true;
    const uint64_t ops = crypto::OperationCount();
    Serve(q.requestId, q.connectionId, q.req);
    m_inWorker = false;
    const Time service =
        (m_servingRemoval && !m_remediationServiceTime.IsZero() ? m_remediationServiceTime
                                                                : m_serviceTime) +
        teepwire::CryptoCharge(crypto::OperationCount() - ops);
    if (service.IsZero())
    {
        // Nothing to wait for: answer and free the worker now instead of through two
        // zero-delay events per request (the timing is the same, the event count is not).
        ReleaseHeld(Simulator::Now(), /*atOnceIfReady=*/true);
        ReleaseWorker();
        return;
    }
    const bool answered = std::any_of(m_heldAnswers.begin(), m_heldAnswers.end(),
                                      [&q](const auto& held) { return held.first == q.requestId; });
    ReleaseHeld(Simulator::Now() + service, /*atOnceIfReady=*/false);
    if (!answered)
    {
        // Answered later (after the Verifier): not before this worker is done.
        m_answerNotBefore[q.requestId] = Simulator::Now() + service;
    }
    Simulator::Schedule(service, &TamServer::ReleaseWorker, this);
}

void TamServer::ReleaseHeld(Time ready, bool atOnceIfReady)
{
    std::vector<std::pair<uint64_t, TeepHttpResponse>> held;
    held.swap(m_heldAnswers);
    for (auto& [id, rsp] : held)
    {
        Time notBefore = ready;
        auto hold = m_answerNotBefore.find(id);
        if (hold != m_answerNotBefore.end())
        {
            notBefore = std::max(notBefore, hold->second);
            m_answerNotBefore.erase(hold);
        }
        if (atOnceIfReady && notBefore <= Simulator::Now())
        {
            m_server->Respond(id, rsp);
            continue;
        }
        Simulator::Schedule(notBefore - Simulator::Now(), &TamServer::SendAnswer, this, id,
                            std::move(rsp));
    }
}

void TamServer::SendAnswer(uint64_t requestId, TeepHttpResponse rsp)
{
    m_server->Respond(requestId, rsp);
}

void TamServer::ReleaseWorker()
{
    --m_busy;
    if (!m_queue.empty() && m_busy < m_workers)
    {
        QueuedRequest next = std::move(m_queue.front());
        m_queue.pop_front();
        RunWorker(std::move(next)); // one trace for the combined change (queue - 1)
        return;
    }
    TraceQueue();
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
    const std::optional<Bytes> kid = parsed->signatures[0].kid();
    auto it = kid ? m_deviceByKid.find(*kid) : m_deviceByKid.end();
    return it == m_deviceByKid.end() ? kUnknownDevice : m_devices[it->second].id;
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
