// A synchronized fleet at a single FIFO TAM worker (THEORY-EXTENSIONS §5): THEORY §3.6's herd,
// per request. All N devices poll at the same instant φ ~ U(0, P) after d_T; their first
// requests (empty POSTs, s each) queue together, each session's second request (the
// QueryResponse, s_r for a removal session) arrives one device round trip ρ after the answer to
// the first, and its answer is the Update. Device i's QueryResponse leaves the worker at
//   D_i = max(N s + i s_r, s + ρ + i s_r, i s + ρ + s_r)
// (FIFO behind the POSTs, or behind the earlier QueryResponses, or on arrival), and its TA is
// gone ρ/2 later; the POST took ρ/2 to arrive. So E[R] = P/2 + ρ + (1/N) Σ D_i.
#include <algorithm>
#include <cmath>

#include "parts.h"

namespace teepsim::analytic
{

std::optional<double> SynchronizedHerdMeanR(const Inputs& in, std::string* why)
{
    auto none = [why](const char* reason) -> std::optional<double>
    {
        if (why)
        {
            *why = reason;
        }
        return std::nullopt;
    };
    if (in.law != IntervalLaw::Fixed)
    {
        return none("only the fixed interval keeps a herd together");
    }
    if (in.sessionLoss > 0 || in.meanOff > 0)
    {
        return none("only modelled without loss or availability");
    }
    const double P = in.interval;
    const double n = static_cast<double>(in.devices);
    const int k = std::max(1, in.tamMessagesPerSession);
    const double s = in.serviceTime / k; // per request
    const double sr = in.remediationServiceTime > 0 ? in.remediationServiceTime : s;
    if (s <= 0 && sr <= 0)
    {
        return P / 2 + in.sessionDelay; // no queue
    }
    if (in.tamWorkers > 1)
    {
        return none("herd at several workers: no closed form");
    }
    if (k == 1)
    {
        // THEORY §3.6: one request per session, which carries the removal: R_i = φ + δ + i s_r.
        if (n * sr >= P)
        {
            return none("herd outlasts the policy-check interval (backlog grows)");
        }
        return P / 2 + in.sessionDelay + (n + 1) * sr / 2;
    }
    // The later requests (Success, s_r each) arrive ρ after an Update, so after every
    // QueryResponse has arrived (the last one at N s + ρ <= D_1): they never overtake one, and
    // only the herd's whole work must fit into P.
    const double rho = in.sessionDelay / 2;
    if (n * (s + static_cast<double>(k - 1) * sr) + (k - 1) * rho >= P)
    {
        return none("herd outlasts the policy-check interval (backlog grows)");
    }
    // Σ D_i in closed pieces would be exact too; N terms are cheap and plainly the formula.
    double sum = 0;
    const auto count = static_cast<long long>(in.devices);
    for (long long i = 1; i <= count; ++i)
    {
        const double x = static_cast<double>(i);
        sum += std::max({n * s + x * sr, s + rho + x * sr, x * s + rho + sr});
    }
    return P / 2 + rho + sum / n;
}

} // namespace teepsim::analytic
