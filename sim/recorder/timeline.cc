// BucketSeries, StepSeries and LogHistogram (teepsim/sim/timeline.h).
#include "teepsim/sim/timeline.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace teepsim::recorder
{

BucketSeries::Bucket& BucketSeries::At(TimeNs t)
{
    const size_t b = t <= m_origin ? 0 : static_cast<size_t>((t - m_origin) / m_width);
    if (b >= m_buckets.size())
    {
        m_buckets.resize(b + 1);
    }
    return m_buckets[b];
}

void BucketSeries::Add(TimeNs t, double value)
{
    if (t < m_origin)
    {
        return; // warm-up
    }
    Bucket& b = At(t);
    ++b.count;
    b.sum += value;
}

void BucketSeries::Extend(TimeNs horizon)
{
    const TimeNs span = horizon - m_origin;
    const size_t n = span <= 0 ? 0 : static_cast<size_t>((span + m_width - 1) / m_width);
    if (n > m_buckets.size())
    {
        m_buckets.resize(n);
    }
}

void StepSeries::Advance(TimeNs t)
{
    while (m_last < t)
    {
        const size_t b = static_cast<size_t>((m_last - m_origin) / m_width);
        if (b >= m_buckets.size())
        {
            m_buckets.resize(b + 1);
        }
        const TimeNs end = std::min<TimeNs>(t, m_origin + static_cast<TimeNs>(b + 1) * m_width);
        Bucket& bucket = m_buckets[b];
        bucket.area += m_value * static_cast<double>(end - m_last);
        bucket.covered += end - m_last;
        bucket.max = std::max(bucket.max, m_value);
        m_last = end;
    }
}

void StepSeries::Set(TimeNs t, double value)
{
    Advance(t);
    m_value = value;
    if (t < m_origin)
    {
        return; // warm-up: remembered as the level at the origin, not integrated
    }
    // A value that lasts zero time still counts for the bucket's maximum.
    const size_t b = static_cast<size_t>((m_last - m_origin) / m_width);
    if (b >= m_buckets.size())
    {
        m_buckets.resize(b + 1);
    }
    m_buckets[b].max = std::max(m_buckets[b].max, value);
}

void StepSeries::Finish(TimeNs horizon)
{
    Advance(horizon);
}

size_t LogHistogram::Bin(TimeNs v)
{
    if (v < kSubBins)
    {
        return static_cast<size_t>(std::max<TimeNs>(v, 0));
    }
    const auto u = static_cast<uint64_t>(v);
    const int e = 63 - std::countl_zero(u); // floor(log2 v) >= 6
    const int shift = e - 6;                // kSubBins == 2^6
    const auto mantissa = static_cast<size_t>((u >> shift) - kSubBins);
    return kSubBins + static_cast<size_t>(shift) * kSubBins + mantissa;
}

double LogHistogram::BinMid(size_t bin)
{
    if (bin < kSubBins)
    {
        return static_cast<double>(bin);
    }
    const size_t shift = (bin - kSubBins) / kSubBins;
    const size_t mantissa = (bin - kSubBins) % kSubBins;
    const double lo = std::ldexp(static_cast<double>(kSubBins + mantissa), static_cast<int>(shift));
    return lo + std::ldexp(0.5, static_cast<int>(shift));
}

void LogHistogram::Add(TimeNs value)
{
    value = std::max<TimeNs>(value, 0);
    const size_t b = Bin(value);
    if (b >= m_bins.size())
    {
        m_bins.resize(b + 1);
    }
    ++m_bins[b];
    ++m_count;
    const double x = static_cast<double>(value);
    const double delta = x - m_mean;
    m_mean += delta / static_cast<double>(m_count);
    m_m2 += delta * (x - m_mean);
    m_max = std::max(m_max, value);
}

double LogHistogram::Sd() const
{
    return m_count > 1 ? std::sqrt(m_m2 / static_cast<double>(m_count - 1)) : 0.0;
}

std::optional<double> LogHistogram::Quantile(double p) const
{
    if (m_count == 0)
    {
        return std::nullopt;
    }
    const auto rank = std::max<uint64_t>(
        1,
        static_cast<uint64_t>(std::ceil(std::clamp(p, 0.0, 1.0) * static_cast<double>(m_count))));
    uint64_t seen = 0;
    for (size_t b = 0; b < m_bins.size(); ++b)
    {
        seen += m_bins[b];
        if (seen >= rank)
        {
            return std::min(BinMid(b), static_cast<double>(m_max));
        }
    }
    return static_cast<double>(m_max);
}

} // namespace teepsim::recorder
