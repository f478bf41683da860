// Connects the TEEP models' trace sources to the Recorder (the only consumer of model events).
// Session outcomes: the device's session driver gives each session exactly one cause
// (teep-trace.h). A message the TAM drops is answered with a bare HTTP 400, which the driver
// can only report as rejected-malformed; the TAM's own traces say why (Rejected: the reason;
// SessionEnd: its side of the session timed out first), so such a cause is refined here from
// what the TAM reported for that device during the session.
#include "ns3/abort.h"
#include "ns3/simulator.h"
#include "ns3/trace-source-accessor.h"

#include <memory>
#include <optional>

#include "deployment-impl.h"

namespace teepsim::sim
{

using namespace ns3;

namespace
{
int64_t NowNs()
{
    return Simulator::Now().GetNanoSeconds();
}
} // namespace

void Deployment::Impl::WireTraces()
{
    recorder::Recorder* rec = &recorder;
    const bool passport = scenario.verifier.model == AttestationModel::Passport;
    // Epoch or nonce freshness: WireFreshness reports what relying parties accept instead.
    const bool expiry = scenario.verifier.freshness == Freshness::Timestamp;
    bytesSent.assign(brokers.size(), 0);
    bytesReceived.assign(brokers.size(), 0);

    // What the TAM said about each device's current session.
    struct TamView
    {
        std::optional<RejectReason> rejected; // last message of this device the TAM dropped
        bool timedOut = false;                // the TAM's side of the session timed out
    };
    auto tamView = std::make_shared<std::vector<TamView>>(brokers.size());
    auto refine = [tamView](uint32_t dev, SessionOutcome o)
    {
        if (dev >= tamView->size() || o != SessionOutcome::RejectedMalformed)
        {
            return o;
        }
        const TamView& v = (*tamView)[dev];
        if (v.timedOut)
        {
            return SessionOutcome::TamSessionTimeout; // its late message had an expired token
        }
        return v.rejected ? OutcomeOf(*v.rejected) : o;
    };

    // One sink of each kind for the whole fleet, connected to every device: the device id the
    // trace carries says which device it is. A TracedCallback keeps a reference to a shared
    // sink, so each device costs a list entry per trace instead of a sink of its own.
    const Callback<void, uint32_t, const std::string&, uint64_t> taInstalled(
        [rec](uint32_t dev, const std::string& ta, uint64_t)
        { rec->OnTaInstalled(dev, ta, NowNs()); });
    const Callback<void, uint32_t, const std::string&, uint64_t> taRemoved(
        [rec](uint32_t dev, const std::string& ta, uint64_t)
        { rec->OnTaRemoved(dev, ta, NowNs()); });
    const Callback<void, uint32_t, RejectReason, uint32_t> agentRejected(
        [rec](uint32_t, RejectReason r, uint32_t)
        { rec->Count(std::string("agent_rejected_") + ToString(r)); });
    // Passport model: relying parties see the AR the device holds.
    const Callback<void, uint32_t, AttestationStatus, Time, Time> arReceived(
        [rec](uint32_t dev, AttestationStatus st, Time iat, Time exp)
        {
            rec->OnArIssued(dev, st == AttestationStatus::Affirming, iat.GetNanoSeconds(),
                            exp.GetNanoSeconds());
        });
    const Callback<void, uint32_t> sessionStart(
        [rec, tamView](uint32_t dev)
        {
            if (dev < tamView->size())
            {
                (*tamView)[dev] = TamView{};
            }
            rec->OnSessionStart(dev, NowNs());
        });
    const Callback<void, uint32_t, SessionOutcome> sessionEnd(
        [this, rec, refine](uint32_t dev, SessionOutcome o)
        {
            // Device ids are the indexes of `brokers` (InstallDevices numbers them so).
            Ptr<TeepClientTransport> t = brokers[dev]->GetTransport();
            const uint64_t sent = t->GetBytesSent();
            const uint64_t received = t->GetBytesReceived();
            rec->OnSessionEnd(dev, ToString(refine(dev, o)), sent - bytesSent[dev],
                              received - bytesReceived[dev], NowNs());
            bytesSent[dev] = sent;
            bytesReceived[dev] = received;
        });
    const Callback<void, uint32_t, TamperDirection, TamperVerdict> tamperVerdict(
        [rec](uint32_t, TamperDirection, TamperVerdict v)
        { rec->Count(std::string("broker_tampered_") + ToString(v)); });
    const Callback<void, uint32_t, TamperDirection> tampered([rec](uint32_t, TamperDirection)
                                                             { rec->Count("broker_tampered"); });
    const Callback<void, uint32_t> dropped([rec](uint32_t) { rec->Count("broker_dropped"); });

    // Each source is looked up by name once per TypeId (not once per device: the lookup walks
    // the TypeId chain comparing strings), then connected through its accessor.
    struct Source
    {
        TypeId tid;
        Ptr<const TraceSourceAccessor> accessor;
    };
    auto connect =
        [](ObjectBase& object, Source& source, const char* name, const CallbackBase& sink)
    {
        const TypeId tid = object.GetInstanceTypeId();
        if (!source.accessor || source.tid != tid)
        {
            source.tid = tid;
            source.accessor = tid.LookupTraceSourceByName(name);
            NS_ABORT_MSG_IF(!source.accessor, tid.GetName() << " has no trace source " << name);
        }
        const bool connected = source.accessor->ConnectWithoutContext(&object, sink);
        NS_ABORT_MSG_IF(!connected, "cannot connect " << tid.GetName() << "::" << name);
    };
    Source srcTaInstalled, srcTaRemoved, srcAgentRejected, srcArReceived, srcSessionStart,
        srcSessionEnd, srcTamperVerdict, srcTampered, srcDropped;
    for (size_t i = 0; i < brokers.size(); ++i)
    {
        Ptr<TeepSessionDriver> broker = brokers[i]; // Broker or no-REE driver: same traces
        NS_ABORT_MSG_IF(broker->GetAgent()->GetDeviceId() != i,
                        "device " << i << " has device id " << broker->GetAgent()->GetDeviceId());
        Ptr<TeepAgent> agent = broker->GetAgent();
        connect(*agent, srcTaInstalled, "TaInstalled", taInstalled);
        connect(*agent, srcTaRemoved, "TaRemoved", taRemoved);
        connect(*agent, srcAgentRejected, "Rejected", agentRejected);
        if (passport && expiry)
        {
            connect(*agent, srcArReceived, "ArReceived", arReceived);
        }
        connect(*broker, srcSessionStart, "SessionStart", sessionStart);
        connect(*broker, srcSessionEnd, "SessionEnd", sessionEnd);
        // Tamper verdicts, tampering and drops come only from a compromised REE, and a Broker
        // turns bad only at t0 with the behaviour assigned to it (scenario-events.cc): an
        // honest device's sources never fire, so it needs no list entries for them.
        if (behaviours[i] == BROKER_HONEST)
        {
            continue;
        }
        connect(*broker, srcTamperVerdict, "TamperVerdict", tamperVerdict);
        if (DynamicCast<TeepBroker>(broker))
        {
            connect(*broker, srcTampered, "Tampered", tampered);
            connect(*broker, srcDropped, "Dropped", dropped);
        }
    }

    if (!passport && expiry)
    {
        // Background check: the relying party (the TAM here) holds what the Verifier issued.
        verifier->TraceConnectWithoutContext(
            "ArIssued", Callback<void, uint32_t, AttestationStatus, Time, Time>(
                            [rec](uint32_t dev, AttestationStatus st, Time iat, Time exp)
                            {
                                rec->OnArIssued(dev, st == AttestationStatus::Affirming,
                                                iat.GetNanoSeconds(), exp.GetNanoSeconds());
                            }));
    }
    verifier->TraceConnectWithoutContext("PolicyUpdate",
                                         Callback<void, const std::string&, bool>(
                                             [rec](const std::string& ta, bool malicious)
                                             {
                                                 if (malicious)
                                                 {
                                                     rec->OnVerifierLearned(ta, NowNs());
                                                 }
                                             }));
    verifier->TraceConnectWithoutContext(
        "Rejected", Callback<void, uint32_t, RejectReason, uint32_t>(
                        [rec](uint32_t, RejectReason r, uint32_t)
                        { rec->Count(std::string("verifier_rejected_") + ToString(r)); }));
    tam->TraceConnectWithoutContext("Rejected",
                                    Callback<void, uint32_t, RejectReason, uint32_t>(
                                        [rec, tamView](uint32_t dev, RejectReason r, uint32_t)
                                        {
                                            rec->Count(std::string("tam_rejected_") + ToString(r));
                                            if (dev < tamView->size())
                                            {
                                                (*tamView)[dev].rejected = r;
                                            }
                                        }));
    tam->TraceConnectWithoutContext(
        "SessionEnd", Callback<void, uint32_t, SessionOutcome>(
                          [rec, tamView](uint32_t dev, SessionOutcome o)
                          {
                              rec->Count(std::string("tam_session_") + ToString(o));
                              if (o == SessionOutcome::TamSessionTimeout && dev < tamView->size())
                              {
                                  (*tamView)[dev].timedOut = true;
                              }
                          }));
    tam->TraceConnectWithoutContext(
        "ErrorReceived", Callback<void, uint32_t, uint32_t>(
                             [rec](uint32_t, uint32_t code)
                             { rec->Count("tam_error_received_" + std::to_string(code)); }));
    tam->TraceConnectWithoutContext("QueueLength", Callback<void, uint32_t, uint32_t>(
                                                       [rec](uint32_t queued, uint32_t busy) {
                                                           rec->OnTamQueue(NowNs(), queued, busy);
                                                       }));
    const std::string overloadCounter =
        scenario.tam.overload_response == OverloadResponse::TeepError ? "tam_overload_teep_error"
                                                                      : "tam_overload_503";
    tam->TraceConnectWithoutContext("Overload",
                                    Callback<void, uint32_t>([rec, overloadCounter](uint32_t)
                                                             { rec->Count(overloadCounter); }));
    tam->TraceConnectWithoutContext(
        "QueueDelay",
        Callback<void, uint32_t, Time>([rec](uint32_t, Time wait)
                                       { rec->OnQueueDelay(NowNs(), wait.GetNanoSeconds()); }));
}

} // namespace teepsim::sim
