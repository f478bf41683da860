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
#include <functional>

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

/// Mean and last of R_i = (decided(φ, i) mod P) + after(i) over the N devices of a herd, where
/// decided(φ, i) = φ + device i's decision offset, at φ = in.herdPhase, or averaged over a grid
/// of φ ~ U(0, P) when the phase is not known.
HerdTimes HerdOverPhases(const Inputs& in, const std::function<double(double, double)>& decided,
                         const std::function<double(double)>& after)
{
    const double P = in.interval;
    const double n = static_cast<double>(in.devices);
    const auto count = static_cast<long long>(in.devices);
    auto at = [&](double phi)
    {
        HerdTimes h;
        for (long long i = 1; i <= count; ++i)
        {
            const double di = static_cast<double>(i);
            const double r = std::fmod(decided(phi, di), P) + after(di);
            h.mean += r / n;
            h.last = std::max(h.last, r);
        }
        return h;
    };
    if (in.herdPhase >= 0)
    {
        return at(in.herdPhase);
    }
    // φ ~ U(0, P): every device's decision phase is uniform, so the mean is exactly P/2 plus
    // the mean of after(i); the last removal is averaged over a grid of phases.
    constexpr int kPhases = 400;
    HerdTimes avg;
    avg.mean = P / 2;
    for (long long i = 1; i <= count; ++i)
    {
        avg.mean += after(static_cast<double>(i)) / n;
    }
    for (int j = 0; j < kPhases; ++j)
    {
        avg.last += at((j + 0.5) * P / kPhases).last / kPhases;
    }
    return avg;
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
        return HerdOverPhases(
            in, [&](double phi, double i) { return phi + i * S + 3 * ell; },
            [&](double) { return ell; });
    }
    const double s = in.serviceTime / k; // per request
    const double sr = in.remediationServiceTime > 0 ? in.remediationServiceTime : s;
    const double rho = in.sessionDelay / 2;
    // Device i (1..N in herd order) decides `decide(i)` after its herd's instant (its removal
    // request starts service) and is clean `after(i)` later. The herd before d_T (at φ - P)
    // cleans whoever it decides after d_T, so R_i = ((φ + decide(i)) mod P) + after(i): the
    // herd's "+ (N + 1)s/2" appears in the mean only when φ < P - decide(N) (the previous herd
    // had fully decided by d_T), and vanishes averaged over φ ~ U(0, P).
    std::function<double(double)> decide, after;
    if (s <= 0 && sr <= 0)
    {
        // No queue: every device decides when its QueryResponse arrives.
        decide = [&](double) { return k == 1 ? 0.0 : 3 * rho / 2; };
        after = [&](double) { return k == 1 ? in.sessionDelay : rho / 2; };
    }
    else if (in.tamWorkers > 1)
    {
        return None(why, "herd at several workers: no closed form");
    }
    else if (k == 1)
    {
        // THEORY §3.6: one request per session, which carries the removal; the network time δ
        // is counted after the decision (the point session of THEORY's convention).
        if (n * sr >= P)
        {
            return None(why, "herd outlasts the policy-check interval (backlog grows)");
        }
        decide = [&](double i) { return (i - 1) * sr; };
        after = [&](double) { return sr + in.sessionDelay; };
    }
    else
    {
        // The later requests (Success, s_r each) arrive ρ after an Update, so after every
        // QueryResponse has arrived (the last one at N s + ρ <= D_1): they never overtake one,
        // and only the herd's whole work must fit into P.
        if (n * (s + static_cast<double>(k - 1) * sr) + (k - 1) * rho >= P)
        {
            return None(why, "herd outlasts the policy-check interval (backlog grows)");
        }
        // D_i, from the POSTs' arrival (ρ/2 after the herd instant); the QueryResponse starts
        // service s_r before it leaves, and the Update reaches the device ρ/2 after.
        auto departure = [&](double i) {
            return std::max({n * s + i * sr, s + rho + i * sr, i * s + rho + sr});
        };
        decide = [=](double i) { return rho / 2 + departure(i) - sr; };
        after = [=](double) { return sr + rho / 2; };
    }
    return HerdOverPhases(
        in, [&](double phi, double i) { return phi + decide(i); }, after);
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
