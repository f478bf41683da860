// TamWorkerQueue: the TAM's capacity model, a FIFO queue in front of Workers workers (split out
// of TamServer, which owns one and forwards its capacity attributes to it). The queue decides
// when a request is handled and how long its worker stays busy; the TamServer handles it (the
// Handler callback) and holds its answers until the worker is done (the Release callback).
//
// Workers = 0: unlimited, no queue and no service time: a request is handled at once and its
// answers leave after the modelled CPU time of their signatures only. Otherwise a request that
// finds a free worker is handled at once; else it waits FIFO, unless QueueLimit (0 = unlimited)
// requests already wait: then it is turned away (the Reject callback) and never handled.
//
// Service (what a worker charges):
//   PerRequest (default): every request holds its worker for ServiceTime, or
//     RemediationServiceTime (when non-zero) if it belongs to a removal session, plus its
//     modelled CPU time.
//   PerSession: only a session's opening request (the empty POST) queues; it holds its worker
//     for RequestsPerSession x ServiceTime (the whole session's service, plus its CPU time).
//     The session's later requests are handled at once like Workers = 0 (their answers wait
//     for their CPU time only), so the TAM is one M/D/1 (or N*D/D/1) queue of sessions.
//     RemediationServiceTime does not apply: the opening request cannot know yet that the
//     session will remove a TA.
//
// Trace sources:
//   QueueLength  (uint32_t queueLength, uint32_t busyWorkers)  whenever either changes
//                (Workers > 0 only); callback type ns3::TamWorkerQueue::QueueLengthTracedCallback
//   QueueDelay   (uint32_t deviceId = kUnknownDevice, Time wait)  a worker took a request after
//                it waited `wait`; callback type ns3::TeepQueueDelayTracedCallback
#pragma once

#include "teepsim/teep-trace.h"
#include "teepsim/teep-transport.h"

#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <deque>
#include <functional>

namespace ns3
{

/// What a TAM worker charges for (TamWorkerQueue::Service).
enum TamServiceModel
{
    TAM_SERVICE_PER_REQUEST = 0, // every request, ServiceTime (or RemediationServiceTime) each
    TAM_SERVICE_PER_SESSION = 1, // the opening request, RequestsPerSession x ServiceTime
};

/// The TAM's capacity model: a FIFO queue in front of Workers workers (see the file comment).
///
/// \par Attributes
/// - **Workers** (0): requests served in parallel (0 = unlimited, no queue).
/// - **ServiceTime** (Time, 0): time a worker spends on one request (Workers > 0).
/// - **RemediationServiceTime** (Time, 0): service time per message of a removal session
///   (0 = ServiceTime; PerRequest only).
/// - **QueueLimit** (0): waiting requests beyond which a new one is turned away (0 =
///   unlimited; Workers > 0).
/// - **Service** (PerRequest or PerSession; default PerRequest): what a worker charges for.
/// - **RequestsPerSession** (3): requests of a session; a PerSession worker charges this many
///   service times at once.
///
/// \par Trace sources
/// - **QueueDelay** (TeepQueueDelayTracedCallback): time a request waited for a worker.
/// - **QueueLength** (QueueLengthTracedCallback): waiting requests or busy workers changed.
class TamWorkerQueue : public Object
{
  public:
    /// The ns-3 TypeId ("ns3::teepsim::TamWorkerQueue").
    static TypeId GetTypeId();
    TamWorkerQueue();
    ~TamWorkerQueue() override;

    /// A request as the callbacks see it: `req` is the transport's (a request handled at once
    /// is never copied) or the queue's copy while it waits; valid during the callback only.
    struct Request
    {
        /// When the request arrived.
        Time queuedAt;
        /// The server transport's id of the request (to answer it).
        uint64_t requestId = 0;
        /// The connection it came on.
        uint64_t connectionId = 0;
        /// The request itself (see above: a view while handled at once).
        const TeepHttpRequest& req;
    };
    /// What handling a request took: whether it belongs to a removal session (so
    /// RemediationServiceTime applies) and the modelled CPU time of the signatures it made.
    struct Work
    {
        /// The request belongs to a removal session (RemediationServiceTime applies).
        bool removal = false;
        /// Modelled CPU time of the signatures made while handling it.
        Time cpu;
    };
    /// Handles a request now; its answers are held until Release.
    using Handler = std::function<Work(const Request&)>;
    /// Releases the answers held while handling `requestId`, none before `ready` (an answer
    /// that comes later, e.g. after the Verifier, not before it either); `atOnceIfReady` sends
    /// a ready answer without a new event. atOnceIfReady is false only when `ready` is the end
    /// of a worker's service: then the ServiceEnd callback (when set) is called at `ready`.
    using Release = std::function<void(uint64_t requestId, Time ready, bool atOnceIfReady)>;
    /// Called at the end of a worker's (non-zero) service of `requestId`, in the event that
    /// frees the worker and before that worker takes the next request: an answer due then can
    /// leave from here instead of from an event of its own.
    using ServiceEnd = std::function<void(uint64_t requestId)>;
    /// Turns a request away (QueueLimit reached); it is never handled.
    using Reject = std::function<void(const Request&)>;

    /// What handles, releases and turns away requests (the owning TamServer's methods).
    void SetCallbacks(Handler handler, Release release, Reject reject);
    /// Optional (none by default).
    void SetServiceEndCallback(ServiceEnd serviceEnd);
    /// A request arrives now.
    void Submit(uint64_t requestId, uint64_t connectionId, const TeepHttpRequest& req);

    /// The Workers attribute.
    uint32_t GetWorkers() const { return m_workers; }
    /// Sets the Workers attribute.
    void SetWorkers(uint32_t workers) { m_workers = workers; }
    /// The ServiceTime attribute.
    Time GetServiceTime() const { return m_serviceTime; }
    /// Sets the ServiceTime attribute.
    void SetServiceTime(Time t) { m_serviceTime = t; }
    /// The RemediationServiceTime attribute.
    Time GetRemediationServiceTime() const { return m_remediationServiceTime; }
    /// Sets the RemediationServiceTime attribute.
    void SetRemediationServiceTime(Time t) { m_remediationServiceTime = t; }
    /// The QueueLimit attribute.
    uint32_t GetQueueLimit() const { return m_queueLimit; }
    /// Sets the QueueLimit attribute.
    void SetQueueLimit(uint32_t limit) { m_queueLimit = limit; }
    /// The Service attribute.
    TamServiceModel GetService() const { return m_service; }
    /// Sets the Service attribute.
    void SetService(TamServiceModel s) { m_service = s; }

    /// Requests waiting for a worker, and workers busy, now.
    size_t GetQueueLength() const { return m_queue.size(); }
    /// Workers busy now.
    uint32_t GetBusyWorkers() const { return m_busy; }

    /// (queue length, busy workers)
    typedef void (*QueueLengthTracedCallback)(uint32_t queueLength, uint32_t busyWorkers);

  protected:
    /// Drops the waiting requests and the callbacks.
    void DoDispose() override;

  private:
    /// A request waiting for a worker: the queue's own copy.
    struct Waiting
    {
        Time queuedAt;
        uint64_t requestId = 0;
        uint64_t connectionId = 0;
        TeepHttpRequest req;
    };

    /// Handled at once, no worker: its answers wait for their CPU time only.
    void HandleUnqueued(const Request& q);
    void RunWorker(const Request& q);
    /// The end of a worker's service of `requestId`: ServiceEnd, then ReleaseWorker.
    void EndService(uint64_t requestId);
    void ReleaseWorker();
    void TraceQueue();
    /// How long a worker stays busy with a request it has just handled.
    Time ServiceOf(const Request& q, const Work& w) const;

    // Attributes
    uint32_t m_workers;
    Time m_serviceTime;
    Time m_remediationServiceTime;
    uint32_t m_queueLimit;
    TamServiceModel m_service;
    uint32_t m_requestsPerSession;

    Handler m_handler;
    Release m_release;
    Reject m_reject;
    ServiceEnd m_serviceEnd;
    uint32_t m_busy = 0;
    std::deque<Waiting> m_queue;

    TracedCallback<uint32_t, Time> m_queueDelayTrace;
    TracedCallback<uint32_t, uint32_t> m_queueLengthTrace;
};

} // namespace ns3
