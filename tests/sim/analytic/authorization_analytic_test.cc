// The law of X_a (docs/THEORY-AUTHORIZATION.md §2) against hand-derived closed forms: with every
// refresh getting through, X_a = d_T + min(V_a, Y*) - B with B ~ U(0, Y*), Y* the length-biased
// refresh interval; lost refreshes lengthen Y* to a sum of intervals; and the execution-time
// windows of Predict (X = min(R, X_a), W_danger = min(R, T_trust, X_a)).
#include "teepsim/sim/analytic.h"

#include <gtest/gtest.h>

#include <cmath>

namespace teepsim::analytic
{
namespace
{

Inputs ExecutionTime(double validity, double refresh, double jitter, double loss, double dT)
{
    Inputs in;
    in.executionTime = true;
    in.statusValidity = validity;
    in.statusRefresh = refresh;
    in.statusJitter = jitter;
    in.statusLoss = loss;
    in.tamDelay = dT;
    return in;
}

TEST(AuthorizationLaw, FixedRefreshWithoutLossIsUniformAfterTheTamDelay)
{
    // V_a >= R_a: revoked at the first refresh after d_T, X_a = d_T + U(0, R_a).
    const Inputs in = ExecutionTime(3600, 600, 0, 0, 300);
    EXPECT_NEAR(AuthorizationMean(in), 300 + 600 / 2.0, 1e-9);
    EXPECT_DOUBLE_EQ(AuthorizationSurvival(in, 299), 1.0);
    EXPECT_NEAR(AuthorizationSurvival(in, 300 + 150), 0.75, 1e-12);
    EXPECT_DOUBLE_EQ(AuthorizationSurvival(in, 901), 0.0);
}

TEST(AuthorizationLaw, ValidityShorterThanRefreshLeavesAnAtomAtZero)
{
    // d_T = 0, X_a = max(0, V_a - B), B ~ U(0, R_a): E = V_a^2 / (2 R_a), P(X_a = 0) = 1 - V_a/R_a.
    const Inputs in = ExecutionTime(300, 600, 0, 0, 0);
    EXPECT_NEAR(AuthorizationMean(in), 300.0 * 300 / (2 * 600), 1e-9);
    EXPECT_NEAR(AuthorizationSurvival(in, 1e-9), 0.5, 1e-9);
}

TEST(AuthorizationLaw, LossWithLongValidityGivesTheThinnedRenewalResidual)
{
    // V_a beyond every likely gap: X_a - d_T is the residual of the successful refreshes, whose
    // gaps are K R_a, K ~ Geometric(1 - q): E = E[Y^2] / (2 E[Y]) = R_a (1 + q) / (2 (1 - q)).
    const double q = 0.2;
    const Inputs in = ExecutionTime(1e7, 600, 0, q, 120);
    EXPECT_NEAR(AuthorizationMean(in), 120 + 600 * (1 + q) / (2 * (1 - q)), 1e-6);
}

TEST(AuthorizationLaw, LossWithShortValidityCapsTheGap)
{
    // V_a = R_a, d_T = 0: a gap of K R_a gives E[max(0, V_a - B)] = V_a^2 / (2 K R_a) over
    // K length-biased (weight K (1-q)^2 q^(K-1)): E = (1-q)^2 R_a / 2 * Σ q^(K-1) = (1-q) R_a / 2.
    const double q = 0.3;
    const Inputs in = ExecutionTime(600, 600, 0, q, 0);
    EXPECT_NEAR(AuthorizationMean(in), (1 - q) * 600 / 2, 1e-6);
}

TEST(AuthorizationLaw, JitterLengthBiasesTheRefreshInterval)
{
    // U[R(1-j), R(1+j)] intervals, no loss, V_a long: E = E[Y^2] / (2 E[Y]) = R (1 + j^2/3) / 2.
    const double j = 0.6;
    const Inputs in = ExecutionTime(1e6, 600, j, 0, 0);
    EXPECT_NEAR(AuthorizationMean(in), 600 * (1 + j * j / 3) / 2, 0.01);
}

TEST(AuthorizationPredict, XIsTheMinimumOfRemovalAndAuthorization)
{
    // Fixed policy checks P = 3600 s, no loss, d_T = 0: R ~ U(0, P); X_a ~ U(0, R_a = 600);
    // E[min] = ∫_0^600 (1 - t/3600)(1 - t/600) dt = 300 - 600^2/(6 3600) = 283.33.
    Inputs in = ExecutionTime(3600, 600, 0, 0, 0);
    in.interval = 3600;
    in.validity = 4 * 3600;
    const Prediction p = Predict(in);
    ASSERT_TRUE(p.meanX);
    EXPECT_NEAR(*p.meanX, 300 - 600.0 * 600 / (6 * 3600), 0.05);
    // V = 4 h >= P: T_trust >= R, so W_danger = min(R, X_a) = X.
    ASSERT_TRUE(p.meanWdanger);
    EXPECT_NEAR(*p.meanWdanger, *p.meanX, 0.05);
}

TEST(AuthorizationPredict, InstallTimeHasNoX)
{
    Inputs in;
    in.interval = 3600;
    const Prediction p = Predict(in);
    EXPECT_FALSE(p.meanX);
    ASSERT_TRUE(p.meanWdanger);
}

} // namespace
} // namespace teepsim::analytic
