// Trace sources that cost one pointer per object until something connects to them. An ns-3
// TracedCallback is an empty std::list (24 bytes) even when nothing listens; an object made once
// per device (a transport client) with five of them pays 120 bytes per device for sinks that a
// run almost never connects. Here the trace sources live in a struct the object allocates on the
// first connection; firing them is `if (m_traces) m_traces->tx(packet);`.
#pragma once

#include "ns3/trace-source-accessor.h"

#include <memory>
#include <string>

namespace ns3
{

/// The accessor for AddTraceSource of the trace source `source` inside the struct `*holder` of
/// a T: connecting allocates the struct, disconnecting from a never-connected one is a no-op.
template<typename T, typename Traces, typename Source>
Ptr<const TraceSourceAccessor> MakeLazyTraceSourceAccessor(std::unique_ptr<Traces> T::*holder,
                                                           Source Traces::*source)
{
    struct Accessor : public TraceSourceAccessor
    {
        Source* Find(ObjectBase* obj, bool create) const
        {
            T* p = dynamic_cast<T*>(obj);
            if (p == nullptr)
            {
                return nullptr;
            }
            std::unique_ptr<Traces>& traces = p->*m_holder;
            if (!traces && create)
            {
                traces = std::make_unique<Traces>();
            }
            return traces ? &(traces.get()->*m_source) : nullptr;
        }
        bool ConnectWithoutContext(ObjectBase* obj, const CallbackBase& cb) const override
        {
            Source* s = Find(obj, true);
            if (s != nullptr)
            {
                s->ConnectWithoutContext(cb);
            }
            return s != nullptr;
        }
        bool Connect(ObjectBase* obj, std::string context, const CallbackBase& cb) const override
        {
            Source* s = Find(obj, true);
            if (s != nullptr)
            {
                s->Connect(cb, context);
            }
            return s != nullptr;
        }
        bool DisconnectWithoutContext(ObjectBase* obj, const CallbackBase& cb) const override
        {
            if (Source* s = Find(obj, false))
            {
                s->DisconnectWithoutContext(cb);
            }
            return dynamic_cast<T*>(obj) != nullptr;
        }
        bool Disconnect(ObjectBase* obj, std::string context, const CallbackBase& cb) const override
        {
            if (Source* s = Find(obj, false))
            {
                s->Disconnect(cb, context);
            }
            return dynamic_cast<T*>(obj) != nullptr;
        }

        std::unique_ptr<Traces> T::*m_holder;
        Source Traces::*m_source;
    }* accessor = new Accessor();

    accessor->m_holder = holder;
    accessor->m_source = source;
    return Ptr<const TraceSourceAccessor>(accessor, false);
}

} // namespace ns3
