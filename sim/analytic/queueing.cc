// TAM queueing (THEORY §3.6) per request, as the TAM's worker pool sees it: M/D/1 for Poisson
// polling, N·D/D/1 for fixed periods with independent uniform phases (Roberts & Virtamo 1991).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <variant>
#include <vector>

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

namespace
{
/// Left out of the M/D/1 laws below: probability mass under this is treated as zero.
constexpr double kNegligibleMass = 1e-12;

// Number an M/D/1 departure leaves behind (the embedded chain's stationary law), by level
// crossing: π_j (1 − ā_1) = π_0 ā_j + Σ_{i=1}^{j−1} π_i ā_{j−i+1}, ā_j = P(A ≥ j), A ~ Poisson(ρ)
// the arrivals in one service. Every term is positive, so the recursion is stable (the usual
// forward one, π_{j+1} = (π_j − ...)/a_0, subtracts and blows up after a few dozen terms).
std::vector<double> MD1DepartureLaw(double rho)
{
    std::vector<double> a; // P(A = j) down to the negligible
    for (int j = 0;; ++j)
    {
        const double term =
            std::exp(-rho + (j > 0 ? j * std::log(rho) : 0.0) - std::lgamma(j + 1.0));
        a.push_back(term);
        if (j > rho && term < 1e-18)
        {
            break;
        }
    }
    std::vector<double> tail(a.size() + 1, 0.0); // ā_j, summed from the small end up
    for (size_t j = a.size(); j-- > 0;)
    {
        tail[j] = tail[j + 1] + a[j];
    }
    auto abar = [&tail](size_t j) { return j < tail.size() ? tail[j] : 0.0; };
    std::vector<double> pi{1 - rho};
    double mass = pi[0];
    constexpr size_t kCap = 200000; // ρ ≤ 0.9 here: a few hundred terms
    for (size_t j = 1; mass < 1 - kNegligibleMass && j < kCap; ++j)
    {
        double v = pi[0] * abar(j);
        for (size_t i = std::max<size_t>(1, j + 1 >= tail.size() ? j + 2 - tail.size() : 1); i < j;
             ++i)
        {
            v += pi[i] * abar(j - i + 1);
        }
        pi.push_back(v / (1 - abar(1)));
        mass += pi.back();
    }
    return pi;
}
} // namespace

std::vector<double> MD1WorkloadAfterDeparture(double rho, double s, const std::vector<double>& r)
{
    // The workload on a grid of h = s/m: per step, Poisson(λh) arrivals of m cells each, then
    // one cell of work done. A departure leaves n waiting requests (n ~ MD1DepartureLaw), so
    // U(d+) = n s; the law is carried forward to each r. The grid chain's stationary mean is
    // (E[X²] − ρ)/(2(1 − ρ)) cells, X = m·Poisson(ρ/m) the work of a step, i.e. exactly
    // ρs/(2(1 − ρ)) − hρ/2: that offset is added back, so the result tends to M/D/1's mean.
    constexpr int m = 10;
    constexpr int kMaxArrivalsPerStep = 4; // P(5 or more) ~ (λh)^5/120 < 1e-9: dropped
    const double h = s / m;
    const double lam = rho / s;
    const std::vector<double> pi = MD1DepartureLaw(rho);
    // Started from the departure law (close to the stationary one), the law stays within the
    // stationary tail: 20 requests of headroom, the negligible rest kept in the top cell.
    const size_t size = (pi.size() + 20) * m;
    std::vector<double> u(size, 0.0), next(size, 0.0);
    for (size_t n = 0; n < pi.size(); ++n)
    {
        u[n * m] = pi[n];
    }
    double q[kMaxArrivalsPerStep + 1];
    double qSum = 0;
    for (int j = 0; j <= kMaxArrivalsPerStep; ++j)
    {
        q[j] = std::exp(-lam * h + j * std::log(lam * h) - std::lgamma(j + 1.0));
        qSum += q[j];
    }
    for (double& x : q)
    {
        x /= qSum;
    }
    std::vector<std::pair<size_t, size_t>> wanted; // (step, index into r)
    for (size_t i = 0; i < r.size(); ++i)
    {
        wanted.emplace_back(static_cast<size_t>(std::llround(r[i] / h)), i);
    }
    std::sort(wanted.begin(), wanted.end());
    std::vector<double> out(r.size(), 0.0);
    auto mean = [&u, h, rho]()
    {
        double e = 0;
        for (size_t x = 1; x < u.size(); ++x)
        {
            e += static_cast<double>(x) * u[x];
        }
        return e * h + h * rho / 2; // the grid's offset (above)
    };
    size_t step = 0;
    for (const auto& [at, index] : wanted)
    {
        for (; step < at; ++step)
        {
            std::fill(next.begin(), next.end(), 0.0);
            for (size_t x = 0; x < size; ++x)
            {
                if (u[x] == 0)
                {
                    continue;
                }
                for (int j = 0; j <= kMaxArrivalsPerStep; ++j)
                {
                    next[std::min(size - 1, x + static_cast<size_t>(j) * m)] += u[x] * q[j];
                }
            }
            u[0] = next[0] + next[1];
            for (size_t x = 1; x + 1 < size; ++x)
            {
                u[x] = next[x + 1];
            }
            u[size - 1] = 0;
        }
        out[index] = mean();
    }
    return out;
}

double FollowUpExcess(double rho, double s, const std::vector<std::pair<double, double>>& trips)
{
    // Past 8 relaxation times τ = ρs/(1 − ρ)² the excess is below 10⁻³ of the wait (it falls
    // from ~10 % at τ/4 to ~1 % at 2τ): taken as 0, which also bounds the grid's work.
    const double tau = rho * s / ((1 - rho) * (1 - rho));
    std::vector<double> r;
    std::vector<double> weights;
    double weight = 0;
    for (const auto& [rt, w] : trips)
    {
        weight += w;
        if (rt <= 8 * tau)
        {
            r.push_back(rt);
            weights.push_back(w);
        }
    }
    const std::vector<double> after = MD1WorkloadAfterDeparture(rho, s, r);
    const double base = MD1Wait(rho, s);
    double excess = 0;
    for (size_t i = 0; i < r.size(); ++i)
    {
        excess += weights[i] / weight * (after[i] - base);
    }
    return excess;
}

namespace detail
{

namespace
{
/// The follow-up correction (THEORY-EXTENSIONS §3.1) was checked against the simulation for
/// round trips of at least this many service times; with shorter ones a follow-up meets the
/// follow-ups of the sessions served just before it, which the Poisson picture of the
/// other arrivals in (d, d + r) leaves out (abstract queue: −8 % at 4 s, −14 % at s).
constexpr double kMinRoundTripServices = 8;
/// Poisson polls: a device's session (D, polls in it ignored) must be short against P, or the
/// N renewal streams of session starts stop looking Poisson on the queue's time scale (finite
/// population: +6 % at D = P/11 in the abstract queue, within 2 % at D = P/28).
constexpr double kMaxSessionPerInterval = 0.05;
/// Highest offered load at which the per-request formulas were checked.
constexpr double kMaxPerRequestLoad = 0.9;

/// Which closed form the TAM's single-worker queue has, or why none.
enum class QueueForm
{
    Poisson, // M/D/1 family
    Fixed,   // N*D/D/1 family
};

/// The guards shared by both service models: the form of the queue for `in` at offered load
/// `rho`, or the reason there is none (pushed to the notes by the caller).
std::variant<QueueForm, std::string> FormOfQueue(const Inputs& in, double rho, int workers)
{
    if (rho >= 1)
    {
        return std::string("TAM overloaded (rho >= 1): no steady state");
    }
    if (in.synchronized)
    {
        return std::string("synchronized fleet: herd, see mean R; no stationary queue wait");
    }
    if (workers > 1)
    {
        return std::string("queue wait: no closed form for several workers (M/D/c)");
    }
    if (in.law == IntervalLaw::Exponential)
    {
        return QueueForm::Poisson;
    }
    if (in.law == IntervalLaw::Fixed)
    {
        return QueueForm::Fixed;
    }
    return std::string("queue wait: no closed form for jittered intervals");
}

/// Why the arrivals of the run differ from the stationary ones (so the run average is not the
/// stationary wait), or nothing.
std::optional<std::string> UnsteadyArrivals(const Inputs& in)
{
    if (in.retries != 0 || in.meanOff > 0 || in.sessionLoss > 0 || in.brokerDropsAll ||
        in.pushReach > 0)
    {
        return std::string("loss, retries, availability, push or dropping Brokers change the "
                           "arrivals at t0");
    }
    return std::nullopt;
}

/// The device round trips between a session's requests, with their weights (devices); one
/// class at minRoundTrip when the inputs give no classes; empty when nothing is given.
std::vector<std::pair<double, double>> RoundTrips(const Inputs& in)
{
    std::vector<std::pair<double, double>> trips;
    for (const auto& [r, n] : in.roundTripClasses)
    {
        if (n > 0)
        {
            trips.emplace_back(r, static_cast<double>(n));
        }
    }
    if (trips.empty() && in.minRoundTrip > 0)
    {
        trips.emplace_back(in.minRoundTrip, 1.0);
    }
    return trips;
}

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
    const auto form = FormOfQueue(in, rho, c);
    if (const std::string* why = std::get_if<std::string>(&form))
    {
        notes.push_back(*why);
        q.whyNoWait = *why;
    }
    std::optional<double> wait;
    if (std::holds_alternative<QueueForm>(form) && std::get<QueueForm>(form) == QueueForm::Poisson)
    {
        // A device ignores a poll that fires during its own session (D = W + S + 6 latencies,
        // δ = 4 latencies), so its session starts are a renewal process of mean interval P + D
        // and the queue sees λ = N/(P + D): M/D/1 at that load, a fixed point in W (D << P, so
        // a few steps converge). THEORY-EXTENSIONS §6.1.
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
    else if (std::holds_alternative<QueueForm>(form))
    {
        wait = NDD1Wait(in.devices, in.interval, S);
        notes.push_back("queue wait per session: N*D/D/1 over the N devices (Roberts & "
                        "Virtamo; mean over phase draws)");
    }
    if (wait)
    {
        q.stationaryWait = wait;
        if (const std::optional<std::string> why = UnsteadyArrivals(in))
        {
            q.whyNoWait = "queue wait over the run: NULL (" + *why + ")";
            notes.push_back(*q.whyNoWait);
        }
        else
        {
            q.runAverage = true;
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

/// Per request, Poisson polls (THEORY-EXTENSIONS §3.1): M/D/1 at the load of the polls that
/// find their device idle, plus the follow-ups' excess. `maxSession` receives the longest
/// session D of a device class at the fixed point.
double PerRequestPoissonWait(const Inputs& in, int k, double s,
                             const std::vector<std::pair<double, double>>& trips,
                             double& maxSession)
{
    // A device ignores the polls during its session, D_c = k (W + s) + 3 r_c (6 latencies:
    // the POST's way in, k − 1 round trips between requests, the last answer's way out), so
    // class c starts sessions at n_c/(P + D_c).
    std::vector<std::pair<double, double>> classes = trips;
    if (classes.empty())
    {
        classes.emplace_back(in.sessionDelay / 2, 1.0); // δ = 4 latencies = 2 round trips
    }
    double weight = 0;
    for (const auto& c : classes)
    {
        weight += c.second;
    }
    const double N = static_cast<double>(in.devices);
    auto loadAt = [&](double w)
    {
        double sessions = 0;
        maxSession = 0;
        for (const auto& [r, n] : classes)
        {
            const double D = k * (w + s) + 3 * r;
            maxSession = std::max(maxSession, D);
            sessions += N * n / weight / (in.interval + D);
        }
        return sessions * k * s;
    };
    // Fixed point in W; the excess (the costly part) moves little with the load, so it is
    // computed at the plain M/D/1 fixed point, then once more at the corrected one.
    auto solve = [&](double excess)
    {
        double w = MD1Wait(loadAt(0), s);
        for (int i = 0; i < 100; ++i)
        {
            const double rho = loadAt(w);
            const double next = MD1Wait(rho, s) + (k - 1) * excess / (k - rho);
            const bool done = std::abs(next - w) <= 1e-12 * s;
            w = next;
            if (done)
            {
                break;
            }
        }
        return w;
    };
    double w = solve(0);
    const bool correct = !trips.empty() && loadAt(w) <= kMaxPerRequestLoad;
    for (int pass = 0; pass < 2 && correct; ++pass)
    {
        w = solve(FollowUpExcess(loadAt(w), s, trips));
    }
    loadAt(w);
    return w;
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
    const auto form = FormOfQueue(in, rho, c);
    const std::vector<std::pair<double, double>> trips = RoundTrips(in);
    std::optional<double> wait;
    double maxSession = 0;
    if (const std::string* why = std::get_if<std::string>(&form))
    {
        notes.push_back(*why);
        q.whyNoWait = *why;
    }
    else if (std::get<QueueForm>(form) == QueueForm::Poisson)
    {
        wait = PerRequestPoissonWait(in, k, s, trips, maxSession);
        notes.push_back("queue wait per request: M/D/1 at lambda = k sum_c n_c/(P + D_c) (polls "
                        "during the device's session D_c ignored) + (k - 1) x the follow-ups' "
                        "excess workload r after a departure / (k - rho) (THEORY-EXTENSIONS "
                        "3.1)");
    }
    else
    {
        // Fixed P: no poll is skipped while D < P. N*D/D/1 over the kN request streams, each
        // request taken as an independent phase, plus the follow-ups' excess as for Poisson.
        const double excess =
            trips.empty() || rho > kMaxPerRequestLoad ? 0.0 : FollowUpExcess(rho, s, trips);
        wait = NDD1Wait(static_cast<size_t>(k) * in.devices, in.interval, s) +
               (k - 1) * excess / (k - rho);
        notes.push_back("queue wait per request: N*D/D/1 over the kN request streams (Roberts "
                        "& Virtamo; mean over phase draws) + (k - 1) x the follow-ups' excess "
                        "workload / (k - rho) (THEORY-EXTENSIONS 3.1)");
    }
    if (wait)
    {
        q.stationaryWait = wait;
        char why[320] = "";
        const double rMin =
            trips.empty() ? 0.0 : std::min_element(trips.begin(), trips.end())->first;
        if (const std::optional<std::string> unsteady = UnsteadyArrivals(in))
        {
            std::snprintf(why, sizeof why, "%s", unsteady->c_str());
        }
        else if (sRemoval != s)
        {
            std::snprintf(why, sizeof why,
                          "a remediation service time unlike service_time changes the service "
                          "at t0");
        }
        else if (!in.spreadRoundTrips)
        {
            std::snprintf(why, sizeof why,
                          "one fixed round trip for all devices: follow-up requests replay "
                          "departures, not Poisson");
        }
        else if (!trips.empty() && rMin < kMinRoundTripServices * s)
        {
            std::snprintf(why, sizeof why,
                          "the shortest device round trip %.3g s is below %.0f service times: "
                          "follow-ups meet the follow-ups served just before them, beyond the "
                          "follow-up correction",
                          rMin, kMinRoundTripServices);
        }
        else if (rho > kMaxPerRequestLoad)
        {
            std::snprintf(why, sizeof why,
                          "load %.3g above %.2g, where the follow-up correction was checked", rho,
                          kMaxPerRequestLoad);
        }
        else if (in.law == IntervalLaw::Exponential &&
                 maxSession > kMaxSessionPerInterval * in.interval)
        {
            std::snprintf(why, sizeof why,
                          "a session (%.3g s) is not short against P (%.3g s): the session "
                          "starts are not Poisson on the queue's time scale",
                          maxSession, in.interval);
        }
        if (why[0] == '\0')
        {
            q.runAverage = true;
            char total[160];
            std::snprintf(total, sizeof total,
                          "queue wait per session (its %d requests together): %.4g s", k,
                          k * *wait);
            notes.push_back(total);
        }
        else
        {
            q.whyNoWait = std::string("queue wait over the run: NULL (") + why + ")";
            notes.push_back(*q.whyNoWait);
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
