// TamWorkerQueue: FIFO queue and worker pool of a TAM (see the header for the service models).
#include "teepsim/tam-worker-queue.h"

#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TamWorkerQueue");
NS_OBJECT_ENSURE_REGISTERED(TamWorkerQueue);

TypeId TamWorkerQueue::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::teepsim::TamWorkerQueue")
            .SetParent<Object>()
            .SetGroupName("Teep")
            .AddConstructor<TamWorkerQueue>()
            .AddAttribute(
                "Workers", "Requests served in parallel (0 = unlimited, no queue).",
                UintegerValue(0),
                MakeUintegerAccessor(&TamWorkerQueue::SetWorkers, &TamWorkerQueue::GetWorkers),
                MakeUintegerChecker<uint32_t>())
            .AddAttribute(
                "ServiceTime", "Time a worker spends on one request (Workers > 0).",
                TimeValue(Seconds(0)),
                MakeTimeAccessor(&TamWorkerQueue::SetServiceTime, &TamWorkerQueue::GetServiceTime),
                MakeTimeChecker())
            .AddAttribute("RemediationServiceTime",
                          "Service time per message of a session whose Update removes a TA "
                          "(0 = ServiceTime; PerRequest only).",
                          TimeValue(Seconds(0)),
                          MakeTimeAccessor(&TamWorkerQueue::SetRemediationServiceTime,
                                           &TamWorkerQueue::GetRemediationServiceTime),
                          MakeTimeChecker())
            .AddAttribute("QueueLimit",
                          "Waiting requests beyond which a new one is turned away (0 = "
                          "unlimited; Workers > 0).",
                          UintegerValue(0),
                          MakeUintegerAccessor(&TamWorkerQueue::SetQueueLimit,
                                               &TamWorkerQueue::GetQueueLimit),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute(
                "Service",
                "What a worker charges: PerRequest (every request) or PerSession "
                "(RequestsPerSession x ServiceTime at a session's opening request, "
                "its later requests unqueued).",
                EnumValue(TAM_SERVICE_PER_REQUEST),
                MakeEnumAccessor(&TamWorkerQueue::SetService, &TamWorkerQueue::GetService),
                MakeEnumChecker(TAM_SERVICE_PER_REQUEST, "PerRequest", TAM_SERVICE_PER_SESSION,
                                "PerSession"))
            .AddAttribute("RequestsPerSession",
                          "Requests of a session (empty POST, QueryResponse, Success): a "
                          "PerSession worker charges this many service times at once.",
                          UintegerValue(3),
                          MakeUintegerAccessor(&TamWorkerQueue::m_requestsPerSession),
                          MakeUintegerChecker<uint32_t>(1))
            .AddTraceSource("QueueDelay", "Time a request waited for a worker.",
                            MakeTraceSourceAccessor(&TamWorkerQueue::m_queueDelayTrace),
                            "ns3::TeepQueueDelayTracedCallback")
            .AddTraceSource("QueueLength", "Waiting requests or busy workers changed.",
                            MakeTraceSourceAccessor(&TamWorkerQueue::m_queueLengthTrace),
                            "ns3::TamWorkerQueue::QueueLengthTracedCallback");
    return tid;
}

TamWorkerQueue::TamWorkerQueue()
    : m_workers(0), m_serviceTime(Seconds(0)), m_remediationServiceTime(Seconds(0)),
      m_queueLimit(0), m_service(TAM_SERVICE_PER_REQUEST), m_requestsPerSession(3)
{
}

TamWorkerQueue::~TamWorkerQueue() = default;

void TamWorkerQueue::DoDispose()
{
    m_queue.clear();
    m_handler = nullptr;
    m_release = nullptr;
    m_reject = nullptr;
    m_serviceEnd = nullptr;
    Object::DoDispose();
}

void TamWorkerQueue::SetCallbacks(Handler handler, Release release, Reject reject)
{
    m_handler = std::move(handler);
    m_release = std::move(release);
    m_reject = std::move(reject);
}

void TamWorkerQueue::SetServiceEndCallback(ServiceEnd serviceEnd)
{
    m_serviceEnd = std::move(serviceEnd);
}

void TamWorkerQueue::Submit(uint64_t requestId, uint64_t connectionId, const TeepHttpRequest& req)
{
    NS_ABORT_MSG_IF(!m_handler || !m_release || !m_reject,
                    "TamWorkerQueue: SetCallbacks before the first request");
    // A view of the transport's request: copied only if it has to wait.
    const Request q{Simulator::Now(), requestId, connectionId, req};
    // Per session, only the empty POST that opens a session takes a worker (a session's later
    // requests, and anything else with a body, were paid for by it).
    const bool unqueued =
        m_workers == 0 || (m_service == TAM_SERVICE_PER_SESSION && !req.body.empty());
    if (unqueued)
    {
        HandleUnqueued(q);
        return;
    }
    if (m_busy < m_workers)
    {
        RunWorker(q);
        return;
    }
    if (m_queueLimit != 0 && m_queue.size() >= m_queueLimit)
    {
        m_reject(q);
        return;
    }
    m_queue.push_back(Waiting{q.queuedAt, requestId, connectionId, req});
    TraceQueue();
}

void TamWorkerQueue::HandleUnqueued(const Request& q)
{
    const Work w = m_handler(q);
    m_release(q.requestId, Simulator::Now() + w.cpu, /*atOnceIfReady=*/true);
}

Time TamWorkerQueue::ServiceOf(const Request& q, const Work& w) const
{
    if (m_service == TAM_SERVICE_PER_SESSION)
    {
        return m_serviceTime * static_cast<int64_t>(m_requestsPerSession) + w.cpu;
    }
    return (w.removal && !m_remediationServiceTime.IsZero() ? m_remediationServiceTime
                                                            : m_serviceTime) +
           w.cpu;
}

void TamWorkerQueue::TraceQueue()
{
    m_queueLengthTrace(static_cast<uint32_t>(m_queue.size()), m_busy);
}

void TamWorkerQueue::RunWorker(const Request& q)
{
    ++m_busy;
    TraceQueue();
    m_queueDelayTrace(kUnknownDevice, Simulator::Now() - q.queuedAt);
    // Handle the request now (which tells whether it belongs to a removal session) and hold
    // its answer until the service time is over: the device sees the same timing as if the
    // work took the whole service time.
    const Work w = m_handler(q);
    const Time service = ServiceOf(q, w);
    if (service.IsZero())
    {
        // Nothing to wait for: answer and free the worker now instead of through two
        // zero-delay events per request (the timing is the same, the event count is not).
        m_release(q.requestId, Simulator::Now(), /*atOnceIfReady=*/true);
        ReleaseWorker();
        return;
    }
    m_release(q.requestId, Simulator::Now() + service, /*atOnceIfReady=*/false);
    // Scheduled right after whatever the Release call scheduled for the same time.
    Simulator::Schedule(service, &TamWorkerQueue::EndService, this, q.requestId);
}

void TamWorkerQueue::EndService(uint64_t requestId)
{
    if (m_serviceEnd)
    {
        m_serviceEnd(requestId);
    }
    ReleaseWorker();
}

void TamWorkerQueue::ReleaseWorker()
{
    --m_busy;
    if (!m_queue.empty() && m_busy < m_workers)
    {
        const Waiting next = std::move(m_queue.front());
        m_queue.pop_front();
        // One trace for the combined change (queue - 1).
        RunWorker(Request{next.queuedAt, next.requestId, next.connectionId, next.req});
        return;
    }
    TraceQueue();
}

} // namespace ns3
