// LinkProfile: the characteristics of one network path, shared by the full ns-3 topology
// (point-to-point DataRate / Delay / packet error model) and by MessageTransport (message-level
// delay and loss), so one scenario's link means the same in both transports.
// A model-layer type (installed with the models): an ns-3 program describes its links with it
// without the scenario layer. Header-only: nothing in it needs the models' archive.
#pragma once

#include "ns3/data-rate.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/error-model.h"
#include "ns3/net-device-container.h"
#include "ns3/net-device.h"
#include "ns3/nstime.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/pointer.h"
#include "ns3/string.h"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace ns3
{

/// One network path's delay, rate and loss, the same in the ns-3 topology (point-to-point
/// DataRate / Delay / receive error model) and in MessageTransport (delivery time and loss).
struct LinkProfile
{
    /// One-way propagation delay (the p2p channel Delay).
    Time oneWayDelay = MilliSeconds(10);
    /// Bottleneck rate in bit/s (the p2p DataRate); 0 means infinitely fast.
    uint64_t bandwidthBps = 10'000'000;
    /// Probability that one unit is lost: a packet on an ns-3 link (TCP then retransmits), a
    /// whole message in MessageTransport (the exchange then fails after the client's timeout).
    double lossProbability = 0.0;

    /// Time to put `bytes` on the wire at the bottleneck rate (rounded to whole nanoseconds).
    Time TransmissionTime(uint64_t bytes) const
    {
        if (bandwidthBps == 0)
        {
            return Time(0);
        }
        // bits * 1e9 / bps in integer ns, exact for the sizes TEEP messages have (< 2^30 B).
        const unsigned __int128 ns = static_cast<unsigned __int128>(bytes) * 8u * 1'000'000'000u;
        return NanoSeconds(static_cast<int64_t>(ns / bandwidthBps));
    }

    /// Message-level one-way delivery time: delay + size / rate.
    Time DeliveryTime(uint64_t bytes) const { return oneWayDelay + TransmissionTime(bytes); }

    /// The path made of `a` then `b`: delays add, the slower rate is the bottleneck, a unit
    /// survives only if it survives both links.
    static LinkProfile Series(const LinkProfile& a, const LinkProfile& b)
    {
        LinkProfile p;
        p.oneWayDelay = a.oneWayDelay + b.oneWayDelay;
        if (a.bandwidthBps == 0 || b.bandwidthBps == 0)
        {
            p.bandwidthBps = std::max(a.bandwidthBps, b.bandwidthBps);
        }
        else
        {
            p.bandwidthBps = std::min(a.bandwidthBps, b.bandwidthBps);
        }
        p.lossProbability = 1.0 - (1.0 - a.lossProbability) * (1.0 - b.lossProbability);
        return p;
    }

    /// A perfect link: no delay, no rate limit, no loss (the default server side of a path).
    static LinkProfile Ideal()
    {
        LinkProfile p;
        p.oneWayDelay = Time(0);
        p.bandwidthBps = 0;
        return p;
    }

    /// Sets DataRate and Delay on a point-to-point helper (an infinite rate becomes 100 Gbit/s).
    void ApplyTo(PointToPointHelper& p2p) const
    {
        uint64_t bps = bandwidthBps == 0 ? 100'000'000'000ull : bandwidthBps;
        p2p.SetDeviceAttribute("DataRate", DataRateValue(DataRate(bps)));
        p2p.SetChannelAttribute("Delay", TimeValue(oneWayDelay));
    }

    /// A per-packet receive error model for the link's devices, or null when loss is zero.
    /// Give it a stream with AssignStreams for reproducible runs.
    Ptr<RateErrorModel> MakeErrorModel() const
    {
        if (lossProbability <= 0.0)
        {
            return nullptr;
        }
        Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
        em->SetUnit(RateErrorModel::ERROR_UNIT_PACKET);
        em->SetRate(lossProbability);
        return em;
    }

    /// Installs MakeErrorModel() as ReceiveErrorModel on both ends of a p2p link; returns the
    /// number of RNG streams used starting at `stream`.
    int64_t InstallErrorModel(const NetDeviceContainer& link, int64_t stream) const
    {
        int64_t used = 0;
        for (uint32_t i = 0; i < link.GetN(); ++i)
        {
            Ptr<RateErrorModel> em = MakeErrorModel();
            if (!em)
            {
                return 0;
            }
            used += em->AssignStreams(stream + used);
            link.Get(i)->SetAttribute("ReceiveErrorModel", PointerValue(em));
        }
        return used;
    }
};

} // namespace ns3
