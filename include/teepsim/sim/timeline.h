// Compact time bookkeeping for the recorder: the time/id types, fixed-width bucket series
// (counts and sums per bucket), a step-function series (time-weighted mean and max per bucket of
// a piecewise-constant signal such as a queue length) and a log-bucketed histogram (quantiles of
// millions of values in a few KiB). Pure C++, no ns-3; all state is flat vectors of PODs.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace teepsim::recorder
{

using TimeNs = int64_t; ///< simulation time or duration in integer nanoseconds
using DeviceId = uint32_t;
using TaId = uint32_t;

/// Device id of events not tied to a known device (ns3::kUnknownDevice): ignored, counted.
constexpr DeviceId kUnknownDevice = 0xffffffffu;
constexpr TimeNs kNever = std::numeric_limits<TimeNs>::max();
constexpr TimeNs kNsPerSecond = 1'000'000'000;

/// Per-bucket count and sum of samples; bucket b covers [origin + b*width, origin +
/// (b+1)*width). Samples before the origin (a warm-up) are ignored.
class BucketSeries
{
  public:
    struct Bucket
    {
        uint64_t count = 0;
        double sum = 0;
    };

    explicit BucketSeries(TimeNs width, TimeNs origin = 0) : m_width(width), m_origin(origin) {}
    void Add(TimeNs t, double value = 1.0);
    TimeNs Width() const { return m_width; }
    TimeNs Origin() const { return m_origin; }
    /// Buckets up to the last one touched (or up to `horizon` after Extend).
    const std::vector<Bucket>& Buckets() const { return m_buckets; }
    /// Makes the series cover [0, horizon) so that quiet tails appear as zero buckets.
    void Extend(TimeNs horizon);

  private:
    Bucket& At(TimeNs t);
    TimeNs m_width;
    TimeNs m_origin;
    std::vector<Bucket> m_buckets;
};

/// A piecewise-constant signal, integrated per bucket: Set(t, v) means "value v from t on".
/// Samples must come in non-decreasing time order (earlier ones are clamped to the last time).
/// Buckets start at the origin: the signal before it (a warm-up) is tracked, not integrated.
class StepSeries
{
  public:
    struct Bucket
    {
        double area = 0; ///< integral of the value over the covered part, in value*ns
        double max = 0;
        TimeNs covered = 0;
    };

    explicit StepSeries(TimeNs width, TimeNs origin = 0)
        : m_width(width), m_origin(origin), m_last(origin)
    {
    }
    void Set(TimeNs t, double value);
    /// Integrates the current value up to `horizon`; call once at the end.
    void Finish(TimeNs horizon);
    double Current() const { return m_value; }
    TimeNs Width() const { return m_width; }
    TimeNs Origin() const { return m_origin; }
    const std::vector<Bucket>& Buckets() const { return m_buckets; }

  private:
    void Advance(TimeNs t);
    TimeNs m_width;
    TimeNs m_origin;
    TimeNs m_last;
    double m_value = 0;
    std::vector<Bucket> m_buckets;
};

/// Histogram with log-spaced bins (kSubBins per power of two) for non-negative durations in ns:
/// quantiles within 1/kSubBins relative error (~0.8 %), exact count/mean/sd/max.
class LogHistogram
{
  public:
    static constexpr int kSubBins = 64;

    void Add(TimeNs value);
    uint64_t Count() const { return m_count; }
    double Mean() const { return m_count ? m_mean : 0.0; }
    /// Sample standard deviation (n - 1); 0 for fewer than two values.
    double Sd() const;
    TimeNs Max() const { return m_max; }
    /// Approximate p-quantile (p in [0, 1]): the midpoint of the bin holding the rank-ceil(p*n)
    /// value, clamped to the exact max; nullopt when empty.
    std::optional<double> Quantile(double p) const;

  private:
    static size_t Bin(TimeNs v);
    static double BinMid(size_t bin);
    std::vector<uint64_t> m_bins;
    uint64_t m_count = 0;
    double m_mean = 0, m_m2 = 0; // Welford
    TimeNs m_max = 0;
};

} // namespace teepsim::recorder
