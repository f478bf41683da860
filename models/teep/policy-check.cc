#include "teepsim/policy-check.h"

#include "ns3/abort.h"

#include <cmath>

namespace ns3
{

PolicyCheckSchedule::PolicyCheckSchedule(PolicyCheckLaw law, Time mean, double jitter)
    : m_law(law), m_mean(mean), m_jitter(jitter)
{
    NS_ABORT_MSG_IF(!mean.IsStrictlyPositive(), "policy-check interval must be > 0");
    NS_ABORT_MSG_IF(law == POLICY_CHECK_UNIFORM && (jitter < 0 || jitter > 1),
                    "policy-check jitter must be in [0, 1], got " << jitter);
}

Time PolicyCheckSchedule::NextInterval(Ptr<UniformRandomVariable> u) const
{
    const double p = m_mean.GetSeconds();
    switch (m_law)
    {
        case POLICY_CHECK_FIXED:
            return m_mean;
        case POLICY_CHECK_UNIFORM:
            return Seconds(p * (1 - m_jitter) + u->GetValue() * 2 * p * m_jitter);
        case POLICY_CHECK_EXPONENTIAL:
            // 1 - U in (0, 1]: never log(0).
            return Seconds(-p * std::log(1 - u->GetValue()));
    }
    return m_mean;
}

Time PolicyCheckSchedule::EquilibriumResidual(Ptr<UniformRandomVariable> u) const
{
    const double p = m_mean.GetSeconds();
    switch (m_law)
    {
        case POLICY_CHECK_FIXED:
            return Seconds(u->GetValue() * p);
        case POLICY_CHECK_EXPONENTIAL:
            // Memoryless: the residual is again Exp(mean P).
            return Seconds(-p * std::log(1 - u->GetValue()));
        case POLICY_CHECK_UNIFORM:
        {
            // Length-biased X* on [a, b] has CDF (x^2 - a^2) / (b^2 - a^2); the residual is U * X*.
            const double a = p * (1 - m_jitter);
            const double b = p * (1 + m_jitter);
            const double xStar = std::sqrt(a * a + u->GetValue() * (b * b - a * a));
            return Seconds(u->GetValue() * xStar);
        }
    }
    return Seconds(u->GetValue() * p);
}

} // namespace ns3
