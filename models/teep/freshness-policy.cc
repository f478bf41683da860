#include "teepsim/freshness-policy.h"

#include "ns3/abort.h"

namespace ns3
{

EpochFeed::EpochFeed(Time duration, uint32_t window) : m_duration(duration), m_window(window)
{
    NS_ABORT_MSG_IF(duration <= Time(0), "EpochFeed: the epoch duration must be positive");
    NS_ABORT_MSG_IF(window < 1, "EpochFeed: the window must hold at least one epoch");
}

uint64_t EpochFeed::EpochAt(Time t) const
{
    // Integer nanoseconds: exact at epoch boundaries, no rounding drift over long horizons.
    const int64_t ns = t.GetNanoSeconds();
    return ns <= 0 ? 0 : static_cast<uint64_t>(ns / m_duration.GetNanoSeconds());
}

Time EpochFeed::AcceptedUntil(uint64_t epoch, Time delay) const
{
    return NanoSeconds(static_cast<int64_t>(epoch + m_window) * m_duration.GetNanoSeconds()) +
           delay;
}

teepsim::cbor::Bytes EpochFeed::Encode(uint64_t epoch)
{
    teepsim::cbor::Bytes out(8);
    for (int i = 7; i >= 0; --i)
    {
        out[i] = static_cast<uint8_t>(epoch & 0xff);
        epoch >>= 8;
    }
    return out;
}

std::optional<uint64_t> EpochFeed::Decode(const teepsim::cbor::Bytes& nonce)
{
    if (nonce.size() != 8)
    {
        return std::nullopt;
    }
    uint64_t epoch = 0;
    for (uint8_t b : nonce)
    {
        epoch = epoch << 8 | b;
    }
    return epoch;
}

} // namespace ns3
