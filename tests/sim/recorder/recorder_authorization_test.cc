// Recorder: the window X of execution-time TA authorization (recorder.h, docs/
// THEORY-AUTHORIZATION.md) from hand-built event sequences: the TA stops at the earlier of its
// removal and the end of its last authorization (expiry, or a "revoked" status), a device with
// no valid authorization at t0 has X = 0, X is censored while it could still change, W_danger
// becomes min(X, T_trust), and install-time devices keep X = R and no X summary.
#include "teepsim/sim/recorder.h"

#include <gtest/gtest.h>

using namespace teepsim::recorder;

namespace
{

constexpr TimeNs kS = kNsPerSecond;
constexpr TimeNs kH = 3600 * kS;

// Device 0 runs "bad" from 0, holds an affirming AR valid until arExp, is declared at t0 = 1 h
// (the Verifier learns then); with `executionTime` it holds a good status valid until 1.25 h,
// refreshed at 0.
Recorder OneDevice(bool executionTime, TimeNs arExp)
{
    Recorder r;
    r.RegisterDevice(0, "phones", true, "honest");
    if (executionTime)
    {
        r.MarkExecutionTime(0);
    }
    r.OnTaInstalled(0, "bad", 0);
    r.OnArIssued(0, true, 0, arExp);
    if (executionTime)
    {
        r.OnAuthorizationStatus(0, "bad", true, kH + kH / 4, 0);
    }
    r.OnVerifierLearned("bad", kH);
    r.OnMaliciousDeclared("bad", kH);
    return r;
}

const MetricSummary* Find(const Recorder& r, const std::string& metric)
{
    for (const auto& s : r.Summaries())
    {
        if (s.metric == metric && s.scope == "all")
        {
            return &s;
        }
    }
    return nullptr;
}

TEST(RecorderAuthorization, RevokedStatusStopsTheTaBeforeItsRemoval)
{
    Recorder r = OneDevice(true, 3 * kH);
    r.OnAuthorizationRevoked("bad", kH + 60 * kS);
    r.OnAuthorizationStatus(0, "bad", false, kH + 600 * kS, kH + 600 * kS); // revoked at +10 min
    r.OnTaRemoved(0, "bad", 2 * kH);
    r.Finish(10 * kH);
    const Exposure& e = r.Exposures().at(0);
    EXPECT_TRUE(e.executionTime);
    EXPECT_EQ(e.execEnd, kH + 600 * kS);
    EXPECT_EQ(e.x, 600 * kS);
    EXPECT_FALSE(e.xCensored);
    EXPECT_EQ(e.r, kH);
    EXPECT_EQ(e.tTrust, 2 * kH);
    EXPECT_EQ(e.wDanger, 600 * kS); // min(X, T_trust), not min(R, T_trust) = 1 h
    ASSERT_NE(Find(r, "X"), nullptr);
    EXPECT_DOUBLE_EQ(*Find(r, "X")->summary.mean, 600.0);
}

TEST(RecorderAuthorization, LostRefreshesLetTheLastStatusExpire)
{
    // Revocation from t0 but the device hears nothing: it stops when its status expires.
    Recorder r = OneDevice(true, 3 * kH);
    r.OnAuthorizationRevoked("bad", kH);
    r.Finish(10 * kH);
    const Exposure& e = r.Exposures().at(0);
    EXPECT_EQ(e.x, kH / 4);
    EXPECT_EQ(e.execEnd, kH + kH / 4);
    EXPECT_TRUE(e.rCensored);
    EXPECT_EQ(e.wDanger, kH / 4);
}

TEST(RecorderAuthorization, RemovalBeforeTheStatusEndsIsTheEnd)
{
    Recorder r = OneDevice(true, 3 * kH);
    r.OnTaRemoved(0, "bad", kH + 300 * kS);
    // A later status changes nothing: the TA is gone.
    r.OnAuthorizationStatus(0, "bad", true, 5 * kH, kH + 400 * kS);
    r.Finish(10 * kH);
    EXPECT_EQ(r.Exposures().at(0).x, 300 * kS);
}

TEST(RecorderAuthorization, NoValidStatusAtT0GivesZero)
{
    Recorder r;
    r.RegisterDevice(0, "phones", true, "honest");
    r.MarkExecutionTime(0);
    r.OnTaInstalled(0, "bad", 0);
    r.OnAuthorizationStatus(0, "bad", true, kH / 2, 0); // lapsed at 30 min, before t0
    r.OnAuthorizationRevoked("bad", kH);
    r.OnMaliciousDeclared("bad", kH);
    r.Finish(3 * kH);
    EXPECT_EQ(r.Exposures().at(0).x, 0);
    EXPECT_EQ(r.Exposures().at(0).execEnd, kH);
}

TEST(RecorderAuthorization, XIsCensoredWhileARefreshCouldStillExtendIt)
{
    // Not revoked by the horizon (d_T beyond it) and not removed: a later good status could
    // still renew the authorization, so X is unknown; W_danger follows the known T_trust.
    Recorder r = OneDevice(true, kH + 60 * kS);
    r.Finish(2 * kH);
    const Exposure& e = r.Exposures().at(0);
    EXPECT_TRUE(e.xCensored);
    EXPECT_FALSE(e.x);
    EXPECT_EQ(e.tTrust, 60 * kS);
    EXPECT_EQ(e.wDanger, 60 * kS);
}

TEST(RecorderAuthorization, InstallTimeDevicesHaveXEqualToRAndNoXSummary)
{
    Recorder r = OneDevice(false, 3 * kH);
    r.OnTaRemoved(0, "bad", kH + 900 * kS);
    r.Finish(10 * kH);
    const Exposure& e = r.Exposures().at(0);
    EXPECT_FALSE(e.executionTime);
    EXPECT_EQ(e.x, e.r);
    EXPECT_EQ(e.execEnd, e.removed);
    EXPECT_EQ(e.wDanger, 900 * kS);
    EXPECT_EQ(Find(r, "X"), nullptr);
}

} // namespace
