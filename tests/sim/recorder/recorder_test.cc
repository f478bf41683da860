// Recorder: hand-built event sequences with known exposure windows, censoring, summaries,
// curves, session aggregates and queue series.
#include "teepsim/sim/recorder.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "tests/sim/recorder/recorder_lookup.h"

using namespace teepsim::recorder;
using teepsim::recorder::test::Counter;
using teepsim::recorder::test::FindSeries;

namespace
{

constexpr TimeNs kS = kNsPerSecond;
constexpr TimeNs kH = 3600 * kS;

const MetricSummary* Find(const Recorder& r, const std::string& metric,
                          const std::string& scope = "all")
{
    for (const auto& s : r.Summaries())
    {
        if (s.metric == metric && s.scope == scope)
        {
            return &s;
        }
    }
    return nullptr;
}

// One device with "bad" installed at 0, an affirming AR valid [0, arExp), declared at 1 h with
// the Verifier learning at the same time.
Recorder OneDevice(TimeNs arExp, std::optional<TimeNs> removedAt, TimeNs horizon)
{
    Recorder r;
    r.RegisterDevice(0, "phone", true, "honest");
    r.OnTaInstalled(0, "bad", 0);
    r.OnArIssued(0, true, 0, arExp);
    r.OnMaliciousDeclared("bad", 1 * kH);
    r.OnVerifierLearned("bad", 1 * kH);
    if (removedAt)
    {
        r.OnTaRemoved(0, "bad", *removedAt);
    }
    r.Finish(horizon);
    return r;
}

} // namespace

// Removed (at 1.5 h) while the pre-t0 AR (expiring at 4 h) still vouches: the danger window is R,
// the clean window is T_trust.
TEST(RecorderExposure, RemovalBeforeArExpiry)
{
    const auto r = OneDevice(4 * kH, 3 * kH / 2, 10 * kH);
    ASSERT_EQ(r.Exposures().size(), 1u);
    const auto& x = r.Exposures()[0];
    EXPECT_EQ(x.t0, 1 * kH);
    EXPECT_EQ(x.removed, 3 * kH / 2);
    EXPECT_EQ(x.trustEnd, 4 * kH);
    EXPECT_EQ(x.r, kH / 2);
    EXPECT_EQ(x.tTrust, 3 * kH);
    EXPECT_EQ(x.wDanger, kH / 2);
    EXPECT_EQ(x.wClean, 3 * kH);
    EXPECT_FALSE(x.rCensored);
    EXPECT_FALSE(x.tTrustCensored);
    EXPECT_EQ(r.TaName(x.ta), "bad");
}

// Removed at 5 h, after the AR expired at 2 h: the danger window is T_trust = 1 h.
TEST(RecorderExposure, RemovalAfterArExpiry)
{
    const auto r = OneDevice(2 * kH, 5 * kH, 10 * kH);
    const auto& x = r.Exposures().at(0);
    EXPECT_EQ(x.r, 4 * kH);
    EXPECT_EQ(x.tTrust, 1 * kH);
    EXPECT_EQ(x.wDanger, 1 * kH);
    EXPECT_EQ(x.wClean, 4 * kH);
}

// An AR that already expired before t0 gives T_trust = 0 (not negative).
TEST(RecorderExposure, ExpiredArGivesZeroTrust)
{
    const auto r = OneDevice(kH / 2, 2 * kH, 10 * kH);
    const auto& x = r.Exposures().at(0);
    EXPECT_EQ(x.trustEnd, kH / 2);
    EXPECT_EQ(x.tTrust, 0);
    EXPECT_EQ(x.wDanger, 0);
    EXPECT_EQ(x.wClean, 1 * kH);
}

// Never cleaned by the horizon: R (and W_clean) are censored, not dropped; T_trust is still known
// and bounds W_danger; the summary counts the device as censored.
TEST(RecorderExposure, NeverCleanedDeviceIsCensored)
{
    const auto r = OneDevice(2 * kH, std::nullopt, 10 * kH);
    ASSERT_EQ(r.Exposures().size(), 1u);
    const auto& x = r.Exposures()[0];
    EXPECT_TRUE(x.rCensored);
    EXPECT_FALSE(x.removed.has_value());
    EXPECT_FALSE(x.r.has_value());
    EXPECT_FALSE(x.wClean.has_value());
    EXPECT_EQ(x.tTrust, 1 * kH);
    EXPECT_EQ(x.wDanger, 1 * kH);
    const auto* rs = Find(r, "R");
    ASSERT_NE(rs, nullptr);
    EXPECT_EQ(rs->summary.n, 0u);
    EXPECT_EQ(rs->summary.nCensored, 1u);
    EXPECT_FALSE(rs->summary.mean.has_value());
    const auto* curve = FindSeries(r, "removal_curve");
    ASSERT_NE(curve, nullptr);
    for (const auto& p : curve->points)
    {
        EXPECT_EQ(p.value, 1.0);
    }
}

// A removal after the horizon is not seen: censored.
TEST(RecorderExposure, RemovalAfterHorizonIsCensored)
{
    const auto r = OneDevice(2 * kH, 11 * kH, 10 * kH);
    EXPECT_TRUE(r.Exposures().at(0).rCensored);
}

// Stale trust that outlives the horizon is censored too (trust_end unknown to the run).
TEST(RecorderExposure, TrustBeyondHorizonIsCensored)
{
    const auto r = OneDevice(20 * kH, 2 * kH, 10 * kH);
    const auto& x = r.Exposures().at(0);
    EXPECT_TRUE(x.tTrustCensored);
    EXPECT_FALSE(x.trustEnd.has_value());
    EXPECT_FALSE(x.tTrust.has_value());
    EXPECT_EQ(x.wDanger, 1 * kH); // R is known and below H - t0
    EXPECT_FALSE(x.wClean.has_value());
}

// Several ARs: the one issued after the Verifier learned does not count, so trust ends with the
// last affirming AR issued before (2 h + 4 h = 6 h), not the newest one.
TEST(RecorderExposure, OnlyLastAffirmingArBeforeVerifierLearnedCounts)
{
    Recorder r;
    r.OnTaInstalled(0, "bad", 0);
    r.OnArIssued(0, true, 0, 4 * kH);
    r.OnArIssued(0, true, 2 * kH, 6 * kH);
    r.OnMaliciousDeclared("bad", 5 * kH / 2);
    r.OnVerifierLearned("bad", 5 * kH / 2);
    r.OnArIssued(0, true, 3 * kH, 7 * kH);
    r.OnTaRemoved(0, "bad", 4 * kH);
    r.Finish(10 * kH);
    const auto& x = r.Exposures().at(0);
    EXPECT_EQ(x.trustEnd, 6 * kH);
    EXPECT_EQ(x.tTrust, 7 * kH / 2);
    EXPECT_EQ(x.r, 3 * kH / 2);
    EXPECT_EQ(Counter(r, "ar_affirming_after_verifier_knew"), 1);
    EXPECT_EQ(Counter(r, "ar_issued"), 3);
}

// With d_V > 0, affirming ARs issued between t0 and t0 + d_V still vouch (stale trust grows).
TEST(RecorderExposure, VerifierDelayExtendsTrust)
{
    Recorder r;
    r.OnTaInstalled(0, "bad", 0);
    r.OnArIssued(0, true, 0, 4 * kH);
    r.OnMaliciousDeclared("bad", 1 * kH);
    r.OnArIssued(0, true, 2 * kH, 6 * kH); // Verifier does not know yet
    r.OnVerifierLearned("bad", 3 * kH);
    r.OnArIssued(0, true, 4 * kH, 8 * kH); // should not happen; does not count
    r.Finish(10 * kH);
    const auto& x = r.Exposures().at(0);
    EXPECT_EQ(x.tTrust, 5 * kH);
    EXPECT_TRUE(x.rCensored);
}

// Contraindicated and warning ARs never extend trust, even when issued before the Verifier knew.
TEST(RecorderExposure, ContraindicatedArsDoNotExtendTrust)
{
    Recorder r;
    r.OnTaInstalled(0, "bad", 0);
    r.OnArIssued(0, true, 0, 4 * kH);
    r.OnArIssued(0, false, kH / 2, 9 * kH);
    r.OnMaliciousDeclared("bad", 1 * kH);
    r.OnArIssued(0, false, 3 * kH / 2, 9 * kH);
    r.OnTaRemoved(0, "bad", 2 * kH); // the Verifier never learns: removal fixes trust
    r.Finish(10 * kH);
    const auto& x = r.Exposures().at(0);
    EXPECT_EQ(x.trustEnd, 4 * kH);
    EXPECT_EQ(x.tTrust, 3 * kH);
    EXPECT_FALSE(x.tTrustCensored);
}

// The AR of the removal session (issued just before the unlink, even if reported after it)
// counts; an AR issued after the removal vouches for a clean device and does not.
TEST(RecorderExposure, ArsAroundTheRemovalSession)
{
    Recorder r;
    r.OnTaInstalled(0, "bad", 0);
    r.OnArIssued(0, true, 0, 4 * kH);
    r.OnMaliciousDeclared("bad", 1 * kH);
    r.OnTaRemoved(0, "bad", 2 * kH);
    r.OnArIssued(0, true, 2 * kH - kS, 6 * kH - kS); // same session, reported late
    r.OnArIssued(0, true, 3 * kH, 7 * kH);           // after removal
    r.Finish(10 * kH);
    const auto& x = r.Exposures().at(0);
    EXPECT_EQ(x.trustEnd, 6 * kH - kS);
}

// Only devices running the TA at t0 are affected; installs after t0 and other TAs are not.
TEST(RecorderExposure, OnlyDevicesRunningTheTaAtT0AreAffected)
{
    Recorder r;
    r.OnTaInstalled(0, "bad", 0);
    r.OnTaInstalled(1, "good", 0);
    r.OnTaInstalled(2, "bad", 0);
    r.OnTaRemoved(2, "bad", kH / 2);
    r.OnMaliciousDeclared("bad", 1 * kH);
    r.OnTaInstalled(3, "bad", 2 * kH);
    r.Finish(10 * kH);
    ASSERT_EQ(r.Exposures().size(), 1u);
    EXPECT_EQ(r.Exposures()[0].device, 0u);
}

// S(t) on a grid: R = 1, 2, 3 h and one censored device over H - t0 = 4 h.
TEST(RecorderSeries, RemovalCurveOnAGrid)
{
    RecorderConfig cfg;
    cfg.curvePoints = 5;
    Recorder r(cfg);
    for (DeviceId d = 0; d < 4; ++d)
    {
        r.OnTaInstalled(d, "bad", 0);
    }
    r.OnMaliciousDeclared("bad", 1 * kH);
    r.OnTaRemoved(0, "bad", 2 * kH);
    r.OnTaRemoved(1, "bad", 3 * kH);
    r.OnTaRemoved(2, "bad", 4 * kH);
    r.Finish(5 * kH);
    const auto* c = FindSeries(r, "removal_curve");
    ASSERT_NE(c, nullptr);
    ASSERT_EQ(c->points.size(), 5u);
    const double expect[] = {1.0, 0.75, 0.5, 0.25, 0.25};
    for (size_t i = 0; i < 5; ++i)
    {
        EXPECT_EQ(c->points[i].t, static_cast<TimeNs>(i) * kH);
        EXPECT_DOUBLE_EQ(c->points[i].value, expect[i]) << i;
    }
    const auto* rs = Find(r, "R");
    EXPECT_EQ(rs->summary.n, 3u);
    EXPECT_EQ(rs->summary.nCensored, 1u);
    EXPECT_DOUBLE_EQ(*rs->summary.mean, 7200.0);
    EXPECT_DOUBLE_EQ(*rs->summary.max, 10800.0);
}

// Per-TA and per-class scopes appear only when there is more than one of each.
TEST(RecorderSummary, ScopesPerTaAndPerClass)
{
    Recorder r;
    r.RegisterDevice(0, "phone", true, "honest");
    r.RegisterDevice(1, "iot", false, "");
    for (DeviceId d = 0; d < 2; ++d)
    {
        r.OnTaInstalled(d, "a", 0);
        r.OnTaInstalled(d, "b", 0);
    }
    r.OnMaliciousDeclared("a", kH);
    r.OnMaliciousDeclared("b", kH);
    r.OnTaRemoved(0, "a", 2 * kH);
    r.OnTaRemoved(1, "a", 3 * kH);
    r.Finish(10 * kH);
    EXPECT_EQ(r.Exposures().size(), 4u);
    ASSERT_NE(Find(r, "R", "ta=a"), nullptr);
    EXPECT_EQ(Find(r, "R", "ta=a")->summary.n, 2u);
    EXPECT_EQ(Find(r, "R", "ta=b")->summary.nCensored, 2u);
    EXPECT_DOUBLE_EQ(*Find(r, "R", "class=iot")->summary.mean, 7200.0);
    EXPECT_NE(FindSeries(r, "removal_curve[class=phone]"), nullptr);
}

// Type-7 quantiles and sample sd on 1..10 (values checked against R's quantile()).
TEST(RecorderSummary, QuantilesOnKnownData)
{
    std::vector<double> v{10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    const auto s = Summarize(v, 2);
    EXPECT_EQ(s.n, 10u);
    EXPECT_EQ(s.nCensored, 2u);
    EXPECT_DOUBLE_EQ(*s.mean, 5.5);
    EXPECT_NEAR(*s.sd, 3.0276503540974917, 1e-12);
    EXPECT_NEAR(*s.se, 3.0276503540974917 / std::sqrt(10.0), 1e-12);
    EXPECT_DOUBLE_EQ(*s.p50, 5.5);
    EXPECT_DOUBLE_EQ(*s.p90, 9.1);
    EXPECT_DOUBLE_EQ(*s.p95, 9.55);
    EXPECT_DOUBLE_EQ(*s.p99, 9.91);
    EXPECT_DOUBLE_EQ(*s.max, 10);

    std::vector<double> one{42};
    const auto s1 = Summarize(one, 0);
    EXPECT_DOUBLE_EQ(*s1.p99, 42);
    EXPECT_FALSE(s1.sd.has_value()); // undefined for n = 1, stored as NULL
    std::vector<double> none;
    EXPECT_FALSE(Summarize(none, 3).mean.has_value());
}

// The log histogram's quantiles are within 1 % of the exact ones; mean and max are exact.
TEST(RecorderSummary, LogHistogramQuantilesAreClose)
{
    LogHistogram h;
    std::vector<double> exact;
    for (TimeNs i = 1; i <= 100'000; ++i)
    {
        h.Add(i * 1000);
        exact.push_back(static_cast<double>(i * 1000));
    }
    EXPECT_EQ(h.Count(), 100'000u);
    EXPECT_DOUBLE_EQ(h.Mean(), 50'000'500.0);
    EXPECT_EQ(h.Max(), 100'000'000);
    for (double p : {0.5, 0.9, 0.99})
    {
        const double q = *Quantile(exact, p);
        EXPECT_NEAR(*h.Quantile(p), q, 0.01 * q) << p;
    }
    EXPECT_EQ(*h.Quantile(1.0), 100'000'000.0);
}

// Sessions: aggregates by cause with bytes, failures flagged, and rates per 60 s bucket.
TEST(RecorderSessions, AggregatesAndRates)
{
    Recorder r;
    auto session = [&r](DeviceId d, const char* cause, uint64_t up, uint64_t down, TimeNs t)
    {
        r.OnSessionStart(d, t - kS);
        r.OnSessionEnd(d, cause, up, down, t);
    };
    session(0, "success", 100, 1000, 10 * kS);
    session(1, "success", 100, 2000, 20 * kS);
    session(2, "transport-failed", 50, 0, 70 * kS);
    session(0, "success", 100, 1000, 130 * kS);
    r.Finish(180 * kS);
    ASSERT_EQ(r.Sessions().size(), 2u);
    EXPECT_EQ(r.Sessions()[0].group, "all");
    EXPECT_EQ(r.Sessions()[0].cause, "success");
    EXPECT_FALSE(r.Sessions()[0].failure);
    EXPECT_EQ(r.Sessions()[0].count, 3u);
    EXPECT_EQ(r.Sessions()[0].bytesUp, 300u);
    EXPECT_EQ(r.Sessions()[0].bytesDown, 4000u);
    EXPECT_TRUE(r.Sessions()[1].failure);
    EXPECT_EQ(Counter(r, "sessions_failed"), 1);
    const auto* rate = FindSeries(r, "sessions_per_s");
    ASSERT_NE(rate, nullptr);
    ASSERT_EQ(rate->points.size(), 3u);
    EXPECT_DOUBLE_EQ(rate->points[0].value, 2.0 / 60);
    EXPECT_DOUBLE_EQ(rate->points[1].value, 1.0 / 60);
    EXPECT_DOUBLE_EQ(rate->points[2].value, 1.0 / 60);
    EXPECT_DOUBLE_EQ(FindSeries(r, "sessions_failed_per_s")->points[1].value, 1.0 / 60);
}

// TAM queue: time-weighted mean and max per bucket, summed over two TAMs; load from workers.
TEST(RecorderSeries, TamQueueIsTimeWeighted)
{
    RecorderConfig cfg;
    cfg.tamWorkers = 4;
    Recorder r(cfg);
    r.OnTamQueue(0, 0, 0, 0);
    r.OnTamQueue(0, 30 * kS, 4, 2); // 4 queued for 15 s of the first minute
    r.OnTamQueue(1, 40 * kS, 2, 2); // +2 from the second TAM for 5 s
    r.OnTamQueue(0, 45 * kS, 0, 0);
    r.OnTamQueue(1, 45 * kS, 0, 0);
    r.OnQueueDelay(50 * kS, 2 * kS);
    r.OnQueueDelay(55 * kS, 4 * kS);
    r.Finish(120 * kS);
    const auto* q = FindSeries(r, "tam_queue_length");
    ASSERT_NE(q, nullptr);
    ASSERT_EQ(q->points.size(), 2u);
    EXPECT_DOUBLE_EQ(q->points[0].value, (4.0 * 15 + 2.0 * 5) / 60);
    EXPECT_DOUBLE_EQ(q->points[1].value, 0.0);
    EXPECT_DOUBLE_EQ(FindSeries(r, "tam_queue_length_max")->points[0].value, 6.0);
    EXPECT_DOUBLE_EQ(FindSeries(r, "tam_load")->points[0].value, (2.0 * 15 + 2.0 * 5) / 60 / 4);
    const auto* d = Find(r, "tam_queue_delay");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->summary.n, 2u);
    EXPECT_DOUBLE_EQ(*d->summary.mean, 3.0);
    EXPECT_DOUBLE_EQ(*d->summary.max, 4.0);
    EXPECT_DOUBLE_EQ(FindSeries(r, "tam_queue_delay_mean")->points[0].value, 3.0);
}

// The same events give bit-identical outputs.
TEST(RecorderDeterminism, SameEventsSameOutputs)
{
    auto run = []
    {
        Recorder r;
        for (DeviceId d = 0; d < 50; ++d)
        {
            r.OnTaInstalled(d, "bad", 0);
            r.OnArIssued(d, true, d * kS, d * kS + 4 * kH);
        }
        r.OnMaliciousDeclared("bad", kH);
        for (DeviceId d = 0; d < 50; d += 2)
        {
            r.OnTaRemoved(d, "bad", kH + d * 37 * kS);
        }
        r.Finish(3 * kH);
        return r;
    };
    const auto a = run();
    const auto b = run();
    ASSERT_EQ(a.Exposures().size(), b.Exposures().size());
    for (size_t i = 0; i < a.Exposures().size(); ++i)
    {
        EXPECT_EQ(a.Exposures()[i].r, b.Exposures()[i].r);
        EXPECT_EQ(a.Exposures()[i].tTrust, b.Exposures()[i].tTrust);
    }
    ASSERT_EQ(a.Summaries().size(), b.Summaries().size());
    for (size_t i = 0; i < a.Summaries().size(); ++i)
    {
        EXPECT_EQ(a.Summaries()[i].summary.mean, b.Summaries()[i].summary.mean);
        EXPECT_EQ(a.Summaries()[i].summary.p99, b.Summaries()[i].summary.p99);
    }
}

namespace
{
long RssKib()
{
    FILE* f = std::fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && std::fgets(line, sizeof line, f))
    {
        if (std::sscanf(line, "VmRSS: %ld", &kib) == 1)
        {
            break;
        }
    }
    if (f)
    {
        std::fclose(f);
    }
    return kib;
}
} // namespace

// 10,000 devices polling hourly for 30 days (7.2 M sessions and ARs, 14.4 M queue samples): the
// recorder's memory does not grow with the number of sessions, and every device is accounted for.
TEST(RecorderScale, TenThousandDevicesThirtyDays)
{
    constexpr DeviceId kDevices = 10'000;
    constexpr TimeNs kDays = 30;
    const long rss0 = RssKib();
    const auto start = std::chrono::steady_clock::now();
    Recorder r;
    for (DeviceId d = 0; d < kDevices; ++d)
    {
        r.RegisterDevice(d, d % 2 ? "phone" : "iot", true, "honest");
        r.OnTaInstalled(d, "bad", 0);
    }
    const TimeNs t0 = 10 * 24 * kH;
    bool declared = false;
    for (TimeNs hour = 0; hour < kDays * 24; ++hour)
    {
        for (DeviceId d = 0; d < kDevices; ++d)
        {
            // Fixed period, phase spread over the hour.
            const TimeNs t = hour * kH + (static_cast<TimeNs>(d) * kH) / kDevices;
            if (!declared && t >= t0)
            {
                r.OnMaliciousDeclared("bad", t0);
                r.OnVerifierLearned("bad", t0);
                declared = true;
            }
            r.OnTamQueue(t, 1, 1);
            r.OnQueueDelay(t, 1000);
            r.OnArIssued(d, t < t0, t, t + 4 * kH);
            if (t >= t0 && t < t0 + kH)
            {
                r.OnTaRemoved(d, "bad", t + kS);
            }
            r.OnSessionStart(d, t);
            r.OnSessionEnd(d, "success", 600, 2400, t + kS);
            r.OnTamQueue(t + kS, 0, 0);
        }
    }
    r.Finish(kDays * 24 * kH);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const long grown = RssKib() - rss0;
    std::printf("[ recorder ] 10k devices x 30 days (7.2M sessions): %.2f s, RSS +%ld KiB\n", secs,
                grown);
    EXPECT_EQ(r.Exposures().size(), kDevices);
    const auto* rs = Find(r, "R");
    EXPECT_EQ(rs->summary.n, kDevices);
    // Fixed period P = 1 h with random phase: R ~ U(0, 1 h) + 1 s, mean ~ 1801 s.
    EXPECT_NEAR(*rs->summary.mean, 1801.0, 1.0);
    EXPECT_LT(grown, 64 * 1024);
}
