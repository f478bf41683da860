// Brokers of the `delay` behaviour (THEORY-EXTENSIONS §2): from t0 on every message the Broker
// relays is held Δ, four of them before the Update reaches the Agent (empty POST, QueryRequest,
// QueryResponse, Update), and the TAM decides when the QueryResponse arrives, 3Δ after the poll.
// So a delayed device is the undelayed model with d_T' = max(d_T - 3Δ, 0), δ' = δ + 4Δ and the
// push latency measured from d_T'. A mixed fleet mixes the two populations' predictions.
#include <algorithm>
#include <cmath>

#include "parts.h"

namespace teepsim::analytic::detail
{

namespace
{

std::optional<double> Mix(double f, const std::optional<double>& delayed,
                          const std::optional<double>& honest)
{
    if (!delayed || !honest)
    {
        return std::nullopt;
    }
    return f * *delayed + (1 - f) * *honest;
}

// Linear interpolation of a survival curve on its grid; 0 past its end (≤ 1e-4 there).
double SurvivalAt(const std::vector<std::pair<double, double>>& curve, double t)
{
    if (t <= curve.front().first)
    {
        return curve.front().second;
    }
    if (t >= curve.back().first)
    {
        return 0.0;
    }
    auto hi = std::lower_bound(curve.begin(), curve.end(), std::make_pair(t, -1.0));
    auto lo = hi - 1;
    const double x = (t - lo->first) / (hi->first - lo->first);
    return lo->second + x * (hi->second - lo->second);
}

} // namespace

Prediction PredictWithBrokerDelay(const Inputs& in)
{
    const double f = std::min(1.0, in.brokerDelayFraction);
    const double d = in.brokerDelay;
    Inputs honest = in;
    honest.brokerDelayFraction = 0;
    Inputs delayed = honest;
    delayed.tamDelay = std::max(in.tamDelay - 3 * d, 0.0);
    delayed.sessionDelay = in.sessionDelay + 4 * d;
    delayed.pushLatency = in.pushLatency + (in.tamDelay - delayed.tamDelay);

    Prediction out;
    if (delayed.sessionDelay >= in.interval)
    {
        out.notes.push_back("Broker delay: a delayed session outlasts the policy-check interval "
                            "(checks are skipped): no closed form");
        return out;
    }
    Prediction a = Predict(delayed);
    // Post-t0 ARs are issued 3Δ after their poll: with d_V > 0 the stale AR is shifted too.
    if (in.verifierDelay > 0)
    {
        a.meanTtrust.reset();
        a.meanWdanger.reset();
        a.meanWclean.reset();
        a.notes.push_back("Broker delay: T_trust/W_danger only modelled for d_V = 0");
    }
    a.notes.push_back("Broker delay: R = residual from max(d_T - 3D, 0) + delta + 4D "
                      "(THEORY-EXTENSIONS 2)");
    if (f >= 1)
    {
        return a;
    }

    const Prediction b = Predict(honest);
    out.notes = a.notes;
    out.notes.insert(out.notes.end(), b.notes.begin(), b.notes.end());
    out.notes.push_back("Broker delay on a fraction of the fleet: the two populations mixed");
    out.meanR = Mix(f, a.meanR, b.meanR);
    out.meanTtrust = Mix(f, a.meanTtrust, b.meanTtrust);
    out.meanWdanger = Mix(f, a.meanWdanger, b.meanWdanger);
    out.meanWclean = Mix(f, a.meanWclean, b.meanWclean);
    out.utilisation = b.utilisation; // the delay changes when requests come, not how many
    out.meanQueueWait = b.meanQueueWait;
    if (a.meanR && b.meanR && a.sdR && b.sdR)
    {
        const double m2 = f * (*a.sdR * *a.sdR + *a.meanR * *a.meanR) +
                          (1 - f) * (*b.sdR * *b.sdR + *b.meanR * *b.meanR);
        out.sdR = std::sqrt(std::max(0.0, m2 - *out.meanR * *out.meanR));
    }
    if (!a.survival.empty() && !b.survival.empty())
    {
        const double end = std::max(a.survival.back().first, b.survival.back().first);
        auto mixed = [&](double t)
        { return f * SurvivalAt(a.survival, t) + (1 - f) * SurvivalAt(b.survival, t); };
        for (int i = 0; i <= 200; ++i)
        {
            const double t = end * i / 200;
            out.survival.emplace_back(t, mixed(t));
        }
        auto quantile = [&](double q)
        {
            double lo = 0, hi = end;
            for (int i = 0; i < 100; ++i)
            {
                const double mid = (lo + hi) / 2;
                (mixed(mid) > 1 - q ? lo : hi) = mid;
            }
            return (lo + hi) / 2;
        };
        out.quantR = {quantile(0.50), quantile(0.90), quantile(0.95), quantile(0.99)};
    }
    return out;
}

} // namespace teepsim::analytic::detail
