// LazyUniform: a UniformRandomVariable that exists only once something draws from it. Every
// device has several random streams (policy-check timer, Broker behaviour, message loss) that
// most runs never or only once draw from; an ns-3 RandomVariableStream costs an Object, an
// RngStream and a stream-advance computation (twice: the automatic stream at construction, the
// assigned one at AssignStreams), ~150 B and ~0.1 M instructions per stream and device.
//
// Draws are the ones an eagerly created variable would give: the constructor takes the
// automatic stream index CreateObject<UniformRandomVariable>() would have taken (so the
// numbering of every variable created later is unchanged), SetStream behaves as
// RandomVariableStream::SetStream, and the variable is created on first use with that stream
// (RngStream state depends only on seed, stream and run).
#pragma once

#include "ns3/abort.h"
#include "ns3/integer.h"
#include "ns3/object-factory.h"
#include "ns3/object.h"
#include "ns3/random-variable-stream.h"
#include "ns3/rng-seed-manager.h"

#include <cstdint>
#include <limits>

namespace ns3
{

/// A UniformRandomVariable created on its first draw, with the stream numbering an eagerly
/// created one would have had (see the file comment).
class LazyUniform
{
  public:
    /// Reserves the automatic stream index, as creating the variable now would.
    LazyUniform()
        : m_stream(t_prototypes > 0
                       ? kUnreserved
                       : std::numeric_limits<int64_t>::min() +
                             static_cast<int64_t>(RngSeedManager::GetNextStreamIndex()))
    {
    }
    /// A copy is a new variable: it reserves its own automatic stream index (as a newly
    /// constructed one would) and shares nothing with the original. Objects copied from a
    /// prototype (TeepDeviceHelper) so number their streams exactly as if each was created.
    LazyUniform(const LazyUniform& /*other*/) : LazyUniform() {}
    LazyUniform& operator=(const LazyUniform&) = delete;

    /// While one lives, LazyUniforms constructed reserve no stream index: for prototypes that
    /// are only ever copied (never drawn from), so that making them shifts no other object's
    /// automatic stream.
    class PrototypeScope
    {
      public:
        PrototypeScope() { ++t_prototypes; }
        ~PrototypeScope() { --t_prototypes; }
        PrototypeScope(const PrototypeScope&) = delete;
        PrototypeScope& operator=(const PrototypeScope&) = delete;
    };

    /// RandomVariableStream::SetStream: stream s >= 0 of the assigned block.
    void SetStream(int64_t stream)
    {
        m_stream = stream;
        if (m_rng)
        {
            m_rng->SetStream(stream);
        }
    }

    /// The variable (created now if nothing drew from it yet).
    Ptr<UniformRandomVariable> Get()
    {
        if (!m_rng)
        {
            NS_ABORT_MSG_IF(m_stream == kUnreserved, "LazyUniform: a prototype's variable drawn");
            // RandomVariableStream maps stream s to RngStream index 2^63 + s (mod 2^64): the
            // reserved automatic index k is stream k - 2^63, a negative value other than -1.
            m_rng =
                CreateObjectWithAttributes<UniformRandomVariable>("Stream", IntegerValue(m_stream));
        }
        return m_rng;
    }

    /// UniformRandomVariable::GetValue() (creates the variable on first use).
    double GetValue() { return Get()->GetValue(); }
    /// UniformRandomVariable::GetInteger(min, max) (creates the variable on first use).
    uint32_t GetInteger(uint32_t min, uint32_t max) { return Get()->GetInteger(min, max); }

    /// Forgets the variable (DoDispose); a later draw would start the stream again.
    void Dispose() { m_rng = nullptr; }

  private:
    /// The stream of a prototype's variable, never drawn: -1, which no reserved automatic index
    /// maps to (that would take 2^63 - 1 reservations first).
    static constexpr int64_t kUnreserved = -1;
    static inline thread_local int t_prototypes = 0;

    int64_t m_stream;
    Ptr<UniformRandomVariable> m_rng;
};

} // namespace ns3
