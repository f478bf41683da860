// RequestPolicyCheck timer law (THEORY.md §1, §3.1, §6.1): the interval distribution between
// policy checks and the first-fire draw. A fleet starts in its stationary phase: the first fire
// is the equilibrium residual with density (1 - F(r)) / m, drawn as U * X* where X* is the
// length-biased interval (density x f(x) / m). A synchronized start is an explicit option.
#pragma once

#include "ns3/nstime.h"
#include "ns3/ptr.h"
#include "ns3/random-variable-stream.h"

namespace ns3
{

/// Interval laws for the RequestPolicyCheck timer.
enum PolicyCheckLaw
{
    POLICY_CHECK_FIXED = 0,       ///< every P
    POLICY_CHECK_UNIFORM = 1,     ///< U[P(1-j), P(1+j)]
    POLICY_CHECK_EXPONENTIAL = 2, ///< Exp(mean P)
};

/// How the first policy check is placed.
enum PolicyCheckStart
{
    POLICY_START_EQUILIBRIUM = 0,  ///< stationary residual (default: never a herd)
    POLICY_START_SYNCHRONIZED = 1, ///< every device at the same offset (thundering herds)
};

/// The law plus the two uniform streams it draws from. Cheap value type; the Broker owns one.
class PolicyCheckSchedule
{
  public:
    PolicyCheckSchedule() = default;
    /// Intervals of `law` with mean `mean` (P) and, for the uniform law, relative jitter j.
    PolicyCheckSchedule(PolicyCheckLaw law, Time mean, double jitter);

    /// Next interval X of the renewal process.
    Time NextInterval(Ptr<UniformRandomVariable> u) const;
    /// First fire measured from the start: equilibrium residual U * X* (X* length-biased).
    Time EquilibriumResidual(Ptr<UniformRandomVariable> u) const;

    /// The interval law.
    PolicyCheckLaw law() const { return m_law; }
    /// P: the mean interval.
    Time mean() const { return m_mean; }
    /// j: the relative jitter of the uniform law.
    double jitter() const { return m_jitter; }

  private:
    PolicyCheckLaw m_law = POLICY_CHECK_FIXED;
    Time m_mean = Hours(1);
    double m_jitter = 0;
};

} // namespace ns3
