// Exponential on/off availability (THEORY §3.3), solved as small Markov chains with Eigen
// rather than hard-coding one case, so loss and catch-up polls combine with it.
#include "teepsim/sim/analytic.h"

#include <Eigen/Dense>
#include <cmath>
#include <limits>

namespace teepsim::analytic
{

namespace
{

// Fixed interval: the availability state at successive ticks is a two-state chain with
// transition matrix M = exp(Q P). h_s = expected time from a tick in state s to a success:
// h = F (P 1 + M h), F = diag(failure probability per state). E[R] = P/2 + π·h.
double FixedTicks(const Inputs& in)
{
    const double alpha = 1 / in.meanOn; // ON -> OFF
    const double beta = 1 / in.meanOff; // OFF -> ON
    const double a = beta / (alpha + beta);
    const double decay = std::exp(-(alpha + beta) * in.interval);
    Eigen::Matrix2d M;
    M << a + (1 - a) * decay, (1 - a) * (1 - decay), a * (1 - decay), (1 - a) + a * decay;
    Eigen::Matrix2d F = Eigen::Matrix2d::Zero();
    F(0, 0) = in.sessionLoss; // ON: the session may still be lost
    F(1, 1) = 1.0;            // OFF: every attempt fails
    const Eigen::Vector2d rhs = F * Eigen::Vector2d::Constant(in.interval);
    const Eigen::Vector2d h = (Eigen::Matrix2d::Identity() - F * M).fullPivLu().solve(rhs);
    return in.interval / 2 + a * h(0) + (1 - a) * h(1);
}

// Poisson polls at rate λ: absorption times of the continuous-time chain {ON, OFF} where a
// poll in ON succeeds with probability 1 - p; with pollOnReconnect an OFF->ON transition polls
// at once. Solve -Q_sub h = 1.
double PoissonPolls(const Inputs& in)
{
    const double alpha = 1 / in.meanOn;
    const double beta = 1 / in.meanOff;
    const double lambda = 1 / in.interval;
    const double p = in.sessionLoss;
    const double a = beta / (alpha + beta);
    Eigen::Matrix2d Q;
    // Row ON: leaves at α (to OFF) and at λ(1-p) (absorbed).
    Q(0, 0) = -(alpha + lambda * (1 - p));
    Q(0, 1) = alpha;
    // Row OFF: leaves at β; with a reconnect poll the move to ON is absorbed w.p. 1-p.
    const double toOn = in.pollOnReconnect ? beta * p : beta;
    Q(1, 0) = toOn;
    Q(1, 1) = -beta;
    const Eigen::Vector2d h = (-Q).fullPivLu().solve(Eigen::Vector2d::Ones());
    return a * h(0) + (1 - a) * h(1);
}

} // namespace

double AvailabilityMeanResidual(const Inputs& in)
{
    if (in.meanOff <= 0)
    {
        return RenewalMeanResidualWithLoss(in);
    }
    if (in.law == IntervalLaw::Fixed && !in.pollOnReconnect)
    {
        return FixedTicks(in);
    }
    if (in.law == IntervalLaw::Exponential)
    {
        return PoissonPolls(in);
    }
    return std::numeric_limits<double>::quiet_NaN(); // no model for this combination
}

} // namespace teepsim::analytic
