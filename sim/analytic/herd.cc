// Herds at a single FIFO TAM worker (THEORY-EXTENSIONS §5, §6): many sessions that reach the
// TAM at the same instant, from a synchronized fleet or from a push to every device.
//
// Per request (§5): all N devices poll at the same instant φ ~ U(0, P) after d_T; their first
// requests (empty POSTs, s each) queue together, each session's second request (the
// QueryResponse, s_r for a removal session) arrives one device round trip ρ after the answer to
// the first, and its answer is the Update. Device i's QueryResponse leaves the worker at
//   D_i = max(N s + i s_r, s + ρ + i s_r, i s + ρ + s_r)
// (FIFO behind the POSTs, or behind the earlier QueryResponses, or on arrival), and its TA is
// gone ρ/2 later; the POST took ρ/2 to arrive. So E[R] = P/2 + ρ + (1/N) Σ D_i, and the last
// removal P/2 + ρ + D_N.
//
// Per session (§6): the i-th opening request leaves the worker at i S (S = the whole session's
// service) and the rest of the session is not queued: R_i = φ + δ + i S when the herd before
// d_T had fully decided by d_T, else ((φ + iS + 3ℓ) mod P) + ℓ.
#include <algorithm>
#include <cmath>

#include "parts.h"

namespace teepsim::analytic
{

namespace
{
std::optional<HerdTimes> None(std::string* why, const char* reason)
{
    if (why)
    {
        *why = reason;
    }
    return std::nullopt;
}
} // namespace

std::optional<HerdTimes> SynchronizedHerd(const Inputs& in, std::string* why)
{
    if (in.law != IntervalLaw::Fixed)
    {
        return None(why, "only the fixed interval keeps a herd together");
    }
    if (in.sessionLoss > 0 || in.meanOff > 0)
    {
        return None(why, "only modelled without loss or availability");
    }
    const double P = in.interval;
    const double n = static_cast<double>(in.devices);
    const int k = std::max(1, in.tamMessagesPerSession);
    if (in.tamPerSession)
    {
        // One job of S per session, FIFO in device order: device i decides iS + 3ℓ after the
        // herd instant. The herd at φ - P may still be deciding at d_T: whoever decides after
        // d_T there is cleaned by it, so R_i = ((φ + iS + 3ℓ) mod P) + ℓ.
        const double S = in.serviceTime;
        const double ell = in.sessionDelay / 4;
        if (S > 0 && in.tamWorkers > 1)
        {
            return None(why, "herd at several workers: no closed form");
        }
        if (n * S + 3 * ell >= P)
        {
            return None(why, "herd outlasts the policy-check interval (backlog grows)");
        }
        auto at = [&](double phi)
        {
            HerdTimes h;
            const auto count = static_cast<long long>(in.devices);
            for (long long i = 1; i <= count; ++i)
            {
                const double r = std::fmod(phi + static_cast<double>(i) * S + 3 * ell, P) + ell;
                h.mean += r / n;
                h.last = std::max(h.last, r);
            }
            return h;
        };
        if (in.herdPhase >= 0)
        {
            return at(in.herdPhase);
        }
        // φ ~ U(0, P): every device's decision phase is uniform, so the mean is P/2 + ℓ; the
        // last removal is averaged over a grid of phases.
        constexpr int kPhases = 400;
        HerdTimes avg;
        for (int j = 0; j < kPhases; ++j)
        {
            const HerdTimes h = at((j + 0.5) * P / kPhases);
            avg.mean += h.mean / kPhases;
            avg.last += h.last / kPhases;
        }
        return avg;
    }
    const double s = in.serviceTime / k; // per request
    const double sr = in.remediationServiceTime > 0 ? in.remediationServiceTime : s;
    if (s <= 0 && sr <= 0)
    {
        return HerdTimes{P / 2 + in.sessionDelay, P / 2 + in.sessionDelay}; // no queue
    }
    if (in.tamWorkers > 1)
    {
        return None(why, "herd at several workers: no closed form");
    }
    if (k == 1)
    {
        // THEORY §3.6: one request per session, which carries the removal: R_i = φ + δ + i s_r.
        if (n * sr >= P)
        {
            return None(why, "herd outlasts the policy-check interval (backlog grows)");
        }
        return HerdTimes{P / 2 + in.sessionDelay + (n + 1) * sr / 2,
                         P / 2 + in.sessionDelay + n * sr};
    }
    // The later requests (Success, s_r each) arrive ρ after an Update, so after every
    // QueryResponse has arrived (the last one at N s + ρ <= D_1): they never overtake one, and
    // only the herd's whole work must fit into P.
    const double rho = in.sessionDelay / 2;
    if (n * (s + static_cast<double>(k - 1) * sr) + (k - 1) * rho >= P)
    {
        return None(why, "herd outlasts the policy-check interval (backlog grows)");
    }
    // Σ D_i in closed pieces would be exact too; N terms are cheap and plainly the formula.
    auto departure = [&](double i) {
        return std::max({n * s + i * sr, s + rho + i * sr, i * s + rho + sr});
    };
    double sum = 0;
    const auto count = static_cast<long long>(in.devices);
    for (long long i = 1; i <= count; ++i)
    {
        sum += departure(static_cast<double>(i));
    }
    return HerdTimes{P / 2 + rho + sum / n, P / 2 + rho + departure(n)};
}

std::optional<double> SynchronizedHerdMeanR(const Inputs& in, std::string* why)
{
    const std::optional<HerdTimes> h = SynchronizedHerd(in, why);
    return h ? std::optional<double>(h->mean) : std::nullopt;
}

std::optional<HerdTimes> PushHerd(const Inputs& in, std::string* why)
{
    if (!in.tamPerSession)
    {
        return None(why, "push herd: only modelled for tam.service per-session");
    }
    if (in.law != IntervalLaw::Fixed || in.synchronized)
    {
        return None(why, "push herd: only modelled for a fixed interval with random phases");
    }
    if (in.pushReach < 1 || in.sessionLoss > 0 || in.retries > 0 || in.meanOff > 0 ||
        in.brokerDropsAll)
    {
        return None(why, "push herd: only modelled when every device is reached, without loss, "
                         "retries or availability");
    }
    if (in.tamWorkers > 1)
    {
        return None(why, "push herd at several workers: no closed form");
    }
    const double P = in.interval;
    const double n = static_cast<double>(in.devices);
    const double S = in.serviceTime;
    const double L = in.pushLatency;
    const double delta = in.sessionDelay;
    const double ell = delta / 4; // one device latency
    const double rho = n * S / P;
    if (rho >= 1)
    {
        return None(why, "push herd: TAM overloaded before the push (rho >= 1)");
    }
    // Before the push the opening requests form an N*D/D/1 queue of sessions: wait W, and a
    // time-average workload of ρ(W + S/2) (H = λG: λ E[W S + S²/2]) ahead of the herd.
    const double W = S > 0 ? NDD1Wait(in.devices, P, S) : 0.0;
    const double backlog = rho * (W + S / 2);
    // Devices in a session at the push ignore it (its own session removes the TA when L
    // exceeds the 3 latencies after its decision): a session lasts D = W + S + 6 latencies
    // from the poll to the Success's answer, so N D / P of them are missing from the herd.
    const double inSession = n * (W + S + 6 * ell) / P;
    // Devices whose own session ended between d_T and the push are in the herd (one S each)
    // but already clean.
    const double cleanInHerd = n * std::max(0.0, L - 3 * ell) / P;
    const double herd = n - inSession;
    const double a = L + backlog + delta;
    // Herd positions 1..H in push order, uniform over the devices; the cleaned ones' own small
    // R is neglected against the herd (first order in N D / P devices).
    const double mean = (herd - cleanInHerd) / n * (a + (herd + 1) * S / 2);
    return HerdTimes{mean, a + herd * S};
}

} // namespace teepsim::analytic
