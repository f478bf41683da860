// TAM queueing (THEORY §3.6) per request, as the TAM's worker pool sees it: M/D/1 for Poisson
// polling, N·D/D/1 for fixed periods with independent uniform phases (Roberts & Virtamo 1991).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "parts.h"

namespace teepsim::analytic
{

double MD1Wait(double rho, double s)
{
    return rho * s / (2 * (1 - rho));
}

namespace
{
// P(W > x), x and D in service units.
double NDD1Tail(size_t N, double D, double x)
{
    const double n0 = std::floor(x) + 1;
    double sum = 0;
    const double lgN = std::lgamma(static_cast<double>(N) + 1);
    for (double n = n0; n <= static_cast<double>(N); ++n)
    {
        const double u = (n - x) / D;
        if (u >= 1)
        {
            break;
        }
        const double logTerm = lgN - std::lgamma(n + 1) - std::lgamma(N - n + 1) + n * std::log(u) +
                               (N - n) * std::log1p(-u);
        const double term = std::exp(logTerm) * (D - N + x) / (D - n + x);
        sum += term;
        if (n > x + 10 && term < 1e-16 * sum)
        {
            break; // past the peak of the binomial-like terms
        }
    }
    return sum;
}
} // namespace

double NDD1Wait(size_t n, double period, double s)
{
    const double D = period / s;
    // E[W] = ∫ P(W > x) dx (service units), Simpson's rule until the tail is negligible.
    const double h = 0.02;
    double integral = 0;
    double prev = NDD1Tail(n, D, 0);
    for (size_t k = 1;; ++k)
    {
        const double x = static_cast<double>(k) * h; // integer index: no drift across unit steps
        const double mid = NDD1Tail(n, D, x - h / 2);
        const double cur = NDD1Tail(n, D, x);
        integral += h / 6 * (prev + 4 * mid + cur);
        prev = cur;
        if (cur < 1e-12 || x >= static_cast<double>(n))
        {
            break;
        }
    }
    return integral * s;
}

namespace detail
{

namespace
{
/// The per-request formulas hold while the queue's relaxation time is at most this fraction
/// of the shortest device round trip (calibrated against the simulation, THEORY-EXTENSIONS §3).
constexpr double kRelaxationPerRoundTrip = 0.25;
} // namespace

namespace
{
// tam.service per-session (THEORY-EXTENSIONS §6): one arrival per session, the opening request,
// served for the whole session's S; the later requests never queue. So the session starts are
// the queue's arrivals, exactly Poisson (M/D/1) or N periodic streams (N*D/D/1), with no
// round-trip coupling and no remediation burst.
TamQueue PredictSessionQueue(const Inputs& in, std::vector<std::string>& notes)
{
    TamQueue q;
    const double S = in.serviceTime;
    const int c = std::max(1, in.tamWorkers);
    const double rho = static_cast<double>(in.devices) * S / (in.interval * c);
    q.utilisation = rho;
    if (rho >= 1)
    {
        notes.push_back("TAM overloaded (rho >= 1): no steady state");
        return q;
    }
    if (in.synchronized)
    {
        notes.push_back("synchronized fleet: herd, see mean R; no stationary queue wait");
        return q;
    }
    std::optional<double> wait;
    if (c == 1 && in.law == IntervalLaw::Exponential)
    {
        // A device ignores a poll that fires during its own session (D = W + S + 6 latencies,
        // δ = 4 latencies), so its session starts are a renewal process of mean interval P + D
        // and the queue sees λ = N/(P + D): M/D/1 at that load, a fixed point in W (D << P, so a
        // few steps converge). THEORY-EXTENSIONS §6.1.
        double w = MD1Wait(rho, S);
        for (int i = 0; i < 50; ++i)
        {
            const double dead = w + S + 1.5 * in.sessionDelay;
            const double next =
                MD1Wait(static_cast<double>(in.devices) * S / (in.interval + dead), S);
            const bool done = std::abs(next - w) <= 1e-12 * S;
            w = next;
            if (done)
            {
                break;
            }
        }
        wait = w;
        notes.push_back("queue wait per session: M/D/1, lambda = N/(P + D), service S (Poisson "
                        "polls, those during the device's own session D ignored; later "
                        "requests not queued)");
    }
    else if (c == 1 && in.law == IntervalLaw::Fixed)
    {
        wait = NDD1Wait(in.devices, in.interval, S);
        notes.push_back("queue wait per session: N*D/D/1 over the N devices (Roberts & "
                        "Virtamo; mean over phase draws)");
    }
    else if (c == 1)
    {
        notes.push_back("queue wait: no closed form for jittered intervals");
    }
    else
    {
        notes.push_back("queue wait: no closed form for several workers (M/D/c)");
    }
    const bool steady = wait && in.retries == 0 && in.meanOff <= 0 && in.sessionLoss <= 0 &&
                        !in.brokerDropsAll && in.pushReach <= 0;
    if (wait)
    {
        q.stationaryWait = wait;
        q.runAverage = steady;
        if (!steady)
        {
            notes.push_back("queue wait over the run: NULL (loss, retries, availability, push or "
                            "dropping Brokers change the session starts at t0)");
        }
    }
    // R waits for the opening request only: one wait and the whole session's service.
    const double bound = wait ? *wait : MD1Wait(rho, S);
    if (wait || bound <= kNegligibleFraction * in.interval)
    {
        q.removalShift = (wait ? *wait : 0.0) + S;
        if (!wait)
        {
            notes.push_back("R: TAM wait negligible against P (pooled-queue bound)");
        }
    }
    return q;
}
} // namespace

TamQueue PredictTamQueue(const Inputs& in, std::vector<std::string>& notes)
{
    TamQueue q;
    if (in.serviceTime <= 0)
    {
        q.removalShift = 0.0; // infinite capacity: no wait, no service time
        return q;
    }
    if (in.tamPerSession)
    {
        return PredictSessionQueue(in, notes);
    }
    // Every TEEP message is a separate arrival: k requests per session, service s each, so
    // λ = kN/P and ρ = λ s / c = N (k s) / (P c).
    const int k = std::max(1, in.tamMessagesPerSession);
    const double s = in.serviceTime / k;
    const double sRemoval = in.remediationServiceTime > 0 ? in.remediationServiceTime : s;
    const int c = std::max(1, in.tamWorkers);
    const double rho = static_cast<double>(in.devices) * in.serviceTime / (in.interval * c);
    q.utilisation = rho;
    if (rho >= 1)
    {
        notes.push_back("TAM overloaded (rho >= 1): no steady state");
        return q;
    }
    if (in.synchronized)
    {
        notes.push_back("synchronized fleet: herd, see mean R; no stationary queue wait");
        return q;
    }
    std::optional<double> wait;
    if (c == 1 && in.law == IntervalLaw::Exponential)
    {
        wait = MD1Wait(rho, s);
        notes.push_back("queue wait per request: M/D/1, lambda = kN/P, service s/k (Poisson "
                        "sessions; a session's k requests are a round trip apart)");
    }
    else if (c == 1 && in.law == IntervalLaw::Fixed)
    {
        wait = NDD1Wait(static_cast<size_t>(k) * in.devices, in.interval, s);
        notes.push_back("queue wait per request: N*D/D/1 over the kN request streams (Roberts & "
                        "Virtamo; a session's requests taken as independent phases)");
    }
    else if (c == 1)
    {
        notes.push_back("queue wait: no closed form for jittered intervals");
    }
    else
    {
        notes.push_back("queue wait: no closed form for several workers (M/D/c)");
    }
    // A session's follow-up requests arrive a round trip after the answer to the previous one.
    // Over times longer than that, requests come k at a time (the counts' index of dispersion
    // tends to k, not 1), and the queue feels it once it remembers that long: its relaxation
    // time ρs/(1 - ρ)² (heavy traffic) must stay well below the shortest round trip; else the
    // follow-ups also replay the worker's departures (smoother than Poisson), and the net
    // deviation from M/D/1 has no single sign (THEORY-EXTENSIONS §3).
    const double relaxation = rho * s / ((1 - rho) * (1 - rho));
    // minRoundTrip = 0: not given (hand-made inputs that declare Poisson-like requests).
    const bool forgets =
        in.minRoundTrip <= 0 || relaxation <= kRelaxationPerRoundTrip * in.minRoundTrip;
    // The run average equals the stationary wait only if nothing changes the arrivals or the
    // service at t0 and every request of a session reaches the TAM.
    const bool steady = wait && in.retries == 0 && in.meanOff <= 0 && in.sessionLoss <= 0 &&
                        !in.brokerDropsAll && in.pushReach <= 0 && sRemoval == s;
    if (wait)
    {
        q.stationaryWait = wait;
        q.runAverage = steady && in.spreadRoundTrips && forgets;
        if (!steady)
        {
            notes.push_back("queue wait over the run: NULL (loss, retries, availability, push, "
                            "dropping Brokers or a different remediation service time change "
                            "the arrivals or the service at t0)");
        }
        else if (!in.spreadRoundTrips)
        {
            notes.push_back("queue wait over the run: NULL (one fixed round trip for all "
                            "devices: follow-up requests replay departures, not Poisson)");
        }
        else if (!forgets)
        {
            char why[256];
            std::snprintf(why, sizeof why,
                          "queue wait over the run: NULL (the queue's relaxation time "
                          "rho s/(1-rho)^2 = %.3g s exceeds %.2g x the shortest device round "
                          "trip %.3g s: follow-up requests depend on the queue state their "
                          "session met, not Poisson on the queue's time scale)",
                          relaxation, kRelaxationPerRoundTrip, in.minRoundTrip);
            notes.push_back(why);
        }
    }
    // R waits for two requests (empty POST, QueryResponse) before the Update leaves. Without an
    // exact wait, a random split of the arrivals over c separate M/D/1 queues waits longer than
    // the shared pool; when even that is negligible against P the shift is service only.
    const double bound = wait ? *wait : MD1Wait(rho, s);
    if (wait || 2 * bound <= kNegligibleFraction * in.interval)
    {
        q.removalShift = 2 * (wait ? *wait : 0.0) + s + sRemoval;
        if (!wait)
        {
            notes.push_back("R: TAM wait negligible against P (pooled-queue bound)");
        }
        else if (sRemoval != s)
        {
            notes.push_back("R: removal requests wait the pre-t0 stationary time (approximation: "
                            "the remediation burst is not modelled)");
        }
    }
    return q;
}

} // namespace detail

} // namespace teepsim::analytic
