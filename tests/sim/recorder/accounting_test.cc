// Recorder accounting: every session has exactly one outcome from the known list (running ones
// get open-at-horizon), per-group totals, the invariant check (AccountingError), warnings, and
// the warm-up excluded from queue waits and time series.
#include "teepsim/sim/recorder.h"

#include <gtest/gtest.h>

#include "tests/sim/recorder/recorder_lookup.h"

using namespace teepsim::recorder;
using teepsim::recorder::test::Counter;
using teepsim::recorder::test::FindSeries;

namespace
{

constexpr TimeNs kS = kNsPerSecond;
constexpr TimeNs kH = 3600 * kS;

RecorderConfig KnownOutcomes()
{
    RecorderConfig c;
    c.outcomes = {"success", "dropped-by-broker", "client-timeout", "open-at-horizon"};
    return c;
}

const SessionAggregate* Find(const Recorder& r, const std::string& group, const std::string& cause)
{
    for (const auto& a : r.Sessions())
    {
        if (a.group == group && a.cause == cause)
        {
            return &a;
        }
    }
    return nullptr;
}

const GroupAccount* Group(const Recorder& r, const std::string& group)
{
    for (const auto& g : r.Groups())
    {
        if (g.group == group)
        {
            return &g;
        }
    }
    return nullptr;
}

bool HasWarning(const Recorder& r, const std::string& code, const std::string& scope)
{
    for (const auto& w : r.Warnings())
    {
        if (w.code == code && w.scope == scope)
        {
            return true;
        }
    }
    return false;
}

} // namespace

// Two classes and two Broker behaviours: session causes are totalled for "all" and per group,
// a session still running at the horizon gets "open-at-horizon" (not a failure), and the
// per-cause totals add up to the session count.
TEST(RecorderAccounting, EverySessionHasOneOutcomePerGroup)
{
    Recorder r(KnownOutcomes());
    r.RegisterDevice(0, "phone", true, "honest");
    r.RegisterDevice(1, "phone", true, "drop-all");
    r.RegisterDevice(2, "sensor", false, "");
    r.OnSessionStart(0, kS);
    r.OnSessionEnd(0, "success", 10, 20, 2 * kS);
    r.OnSessionStart(1, kS);
    r.OnSessionEnd(1, "dropped-by-broker", 0, 0, kS);
    r.OnSessionStart(2, kS);
    r.OnSessionEnd(2, "client-timeout", 5, 0, 31 * kS);
    r.OnSessionStart(0, 50 * kS); // still running at the horizon
    r.Finish(60 * kS);

    EXPECT_EQ(Counter(r, "sessions"), 4);
    EXPECT_EQ(Counter(r, "sessions_failed"), 2);
    ASSERT_NE(Find(r, "all", "open-at-horizon"), nullptr);
    EXPECT_FALSE(Find(r, "all", "open-at-horizon")->failure);
    EXPECT_EQ(Find(r, "class=phone", "dropped-by-broker")->count, 1u);
    EXPECT_EQ(Find(r, "broker=drop-all", "dropped-by-broker")->count, 1u);
    EXPECT_EQ(Find(r, "class=sensor", "client-timeout")->count, 1u);
    EXPECT_EQ(Find(r, "broker=honest", "dropped-by-broker"), nullptr);
    uint64_t sum = 0;
    for (const auto& a : r.Sessions())
    {
        sum += a.group == "all" ? a.count : 0;
    }
    EXPECT_EQ(sum, 4u);
    EXPECT_EQ(r.Groups().front().group, "all");
    EXPECT_EQ(Group(r, "class=phone")->sessions, 3u);
    EXPECT_EQ(Group(r, "class=phone")->failed, 1u);
    EXPECT_EQ(Group(r, "broker=drop-all")->devices, 1u);
    EXPECT_EQ(Group(r, "class=sensor")->failed, 1u);
    EXPECT_EQ(Group(r, "broker="), nullptr) << "a device without an REE has no Broker group";
}

// Accounting violations are hard errors naming what is wrong.
TEST(RecorderAccounting, SessionEndWithoutStartIsAViolation)
{
    Recorder r(KnownOutcomes());
    r.RegisterDevice(0, "phone", true, "honest");
    r.OnSessionEnd(0, "success", 0, 0, kS);
    try
    {
        r.Finish(kH);
        FAIL() << "expected an AccountingError";
    }
    catch (const AccountingError& e)
    {
        EXPECT_NE(std::string(e.what()).find("device 0 ended a session (success) it never "
                                             "started"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_FALSE(r.Finished());
}

TEST(RecorderAccounting, OutcomeOutsideTheListIsAViolation)
{
    Recorder r(KnownOutcomes());
    r.RegisterDevice(0, "phone", true, "honest");
    r.OnSessionStart(0, 0);
    r.OnSessionEnd(0, "TransportFailed", 0, 0, kS);
    EXPECT_THROW(r.Finish(kH), AccountingError);
}

TEST(RecorderAccounting, TwoStartsWithoutAnEndAreAViolation)
{
    Recorder r(KnownOutcomes());
    r.RegisterDevice(0, "phone", true, "honest");
    r.OnSessionStart(0, 0);
    r.OnSessionStart(0, kS);
    EXPECT_THROW(r.Finish(kH), AccountingError);
}

// Warnings: a Broker group and a class without affected devices, a class whose sessions mostly
// fail (above warnFailedFraction), and a class whose R is censored for most devices.
TEST(RecorderAccounting, WarningsNameTheGroup)
{
    RecorderConfig c = KnownOutcomes();
    c.warnFailedFraction = 0.4;
    Recorder r(c);
    r.RegisterDevice(0, "phone", true, "honest");
    r.RegisterDevice(1, "phone", true, "honest");
    r.RegisterDevice(2, "phone", true, "drop-all"); // never got the TA: not affected
    r.RegisterDevice(3, "watch", true, "honest");   // nor this class
    r.OnTaInstalled(0, "bad", 0);
    r.OnTaInstalled(1, "bad", 0);
    r.OnMaliciousDeclared("bad", kH);
    r.OnVerifierLearned("bad", kH);
    r.OnTaRemoved(0, "bad", 2 * kH); // device 1 keeps it: R censored for 1 of 2 (not > half)
    for (TimeNs t : {kS, 2 * kS, 3 * kS})
    {
        r.OnSessionStart(2, t);
        r.OnSessionEnd(2, "dropped-by-broker", 0, 0, t);
    }
    r.OnSessionStart(0, 4 * kS);
    r.OnSessionEnd(0, "success", 0, 0, 5 * kS);
    r.Finish(10 * kH);

    EXPECT_TRUE(HasWarning(r, "no-affected-devices", "broker=drop-all"));
    EXPECT_TRUE(HasWarning(r, "no-affected-devices", "class=watch"));
    EXPECT_FALSE(HasWarning(r, "no-affected-devices", "class=phone"));
    EXPECT_TRUE(HasWarning(r, "failed-fraction", "class=phone")) << "3 of 4 failed > 0.4";
    EXPECT_FALSE(HasWarning(r, "censored-majority", "class=phone")) << "1 of 2 is not more";
    EXPECT_TRUE(Group(r, "class=phone")->affected == 2);
}

TEST(RecorderAccounting, CensoredMajorityIsWarned)
{
    Recorder r(KnownOutcomes());
    for (DeviceId d = 0; d < 3; ++d)
    {
        r.RegisterDevice(d, "phone", true, "honest");
        r.OnTaInstalled(d, "bad", 0);
    }
    r.OnMaliciousDeclared("bad", kH);
    r.OnTaRemoved(0, "bad", 2 * kH);
    r.Finish(10 * kH);
    EXPECT_TRUE(HasWarning(r, "censored-majority", "class=phone"));
}

// Warm-up: queue waits of requests that arrived before it and series buckets before it are left
// out; series start at the end of the warm-up.
TEST(RecorderWarmup, QueueWaitsAndSeriesExcludeTheWarmup)
{
    RecorderConfig c = KnownOutcomes();
    c.bucketWidth = 60 * kS;
    c.warmup = 600 * kS;
    Recorder r(c);
    r.RegisterDevice(0, "phone", true, "honest");
    // During the warm-up: a long wait, a long queue and a session.
    r.OnTamQueue(100 * kS, 50, 1);
    r.OnQueueDelay(200 * kS, 90 * kS);
    r.OnSessionStart(0, 100 * kS);
    r.OnSessionEnd(0, "success", 0, 0, 200 * kS);
    // A request that arrived during the warm-up and was served after it: excluded too.
    r.OnQueueDelay(610 * kS, 20 * kS);
    r.OnTamQueue(600 * kS, 1, 1);
    r.OnQueueDelay(700 * kS, 2 * kS);
    r.OnSessionStart(0, 700 * kS);
    r.OnSessionEnd(0, "success", 0, 0, 710 * kS);
    r.Finish(720 * kS);

    const MetricSummary* wait = nullptr;
    for (const auto& m : r.Summaries())
    {
        if (m.metric == "tam_queue_delay")
        {
            wait = &m;
        }
    }
    ASSERT_NE(wait, nullptr);
    EXPECT_EQ(wait->summary.n, 1u);
    EXPECT_NEAR(*wait->summary.mean, 2.0, 0.05);
    const Series* q = FindSeries(r, "tam_queue_length");
    ASSERT_NE(q, nullptr);
    ASSERT_EQ(q->points.size(), 2u);
    EXPECT_EQ(q->points[0].t, 600 * kS);
    EXPECT_DOUBLE_EQ(q->points[0].value, 1.0) << "the warm-up queue of 50 is not averaged in";
    const Series* rate = FindSeries(r, "sessions_per_s");
    ASSERT_NE(rate, nullptr);
    ASSERT_EQ(rate->points.size(), 2u);
    EXPECT_EQ(rate->points[0].t, 600 * kS);
    EXPECT_DOUBLE_EQ(rate->points[1].value, 1.0 / 60);
    EXPECT_DOUBLE_EQ(rate->points[0].value, 0.0);
    EXPECT_EQ(Counter(r, "sessions"), 2) << "session accounting covers the whole run";
}
