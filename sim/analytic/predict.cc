// Predict(): picks, for the given inputs, the THEORY.md result that applies exactly and
// leaves everything else empty with a note.
#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>

#include "parts.h"

namespace teepsim::analytic
{

namespace
{

double Quantile(const std::function<double(double)>& survival, double q, double hi)
{
    double lo = 0;
    while (survival(hi) > 1 - q)
    {
        hi *= 2;
    }
    for (int i = 0; i < 200 && hi - lo > 1e-9 * (1 + hi); ++i)
    {
        const double mid = (lo + hi) / 2;
        (survival(mid) > 1 - q ? lo : hi) = mid;
    }
    return (lo + hi) / 2;
}

// E[max of n i.i.d. R] = ∫ 1 - (1 - S)^n dt, trapezoids on a grid fine against P.
double FleetMaxOf(const std::function<double(double)>& survival, double n, double P)
{
    const double step = P / 2000;
    double integral = 0;
    double prev = 1.0;
    for (double t = step;; t += step)
    {
        const double cur = 1 - std::pow(1 - survival(t), n);
        integral += (prev + cur) / 2 * step;
        prev = cur;
        if (cur < 1e-12 || t > 1e4 * P)
        {
            return integral;
        }
    }
}

// The inputs added for push, Broker delay and the per-request queue come from a validated
// scenario; a bad hand-made value is a programming error, reported instead of predicted on.
void CheckInputs(const Inputs& in)
{
    auto require = [](bool ok, const char* what)
    {
        if (!ok)
        {
            throw std::invalid_argument(std::string("analytic::Predict: ") + what);
        }
    };
    require(in.pushReach >= 0 && in.pushReach <= 1, "pushReach must be in [0, 1]");
    require(in.pushLatency >= 0, "pushLatency must be >= 0");
    require(in.brokerDelayFraction >= 0 && in.brokerDelayFraction <= 1,
            "brokerDelayFraction must be in [0, 1]");
    require(in.brokerDelay >= 0, "brokerDelay must be >= 0");
    require(in.tamMessagesPerSession >= 1, "tamMessagesPerSession must be >= 1");
    require(in.remediationServiceTime >= 0, "remediationServiceTime must be >= 0");
    require(in.brokerDrop >= 0 && in.brokerDrop < 1, "brokerDrop must be in [0, 1)");
    require(in.sessionLoss >= in.brokerDrop - 1e-12, "sessionLoss must include brokerDrop");
    require(in.minRoundTrip >= 0, "minRoundTrip must be >= 0");
}

} // namespace

Prediction Predict(const Inputs& in)
{
    CheckInputs(in);
    if (in.brokerDelayFraction > 0 && !in.unmodelled)
    {
        return detail::PredictWithBrokerDelay(in);
    }
    Prediction out;
    if (in.unmodelled)
    {
        out.notes.push_back("scenario outside every closed form: no analytic values");
        return out;
    }
    const double shift = in.tamDelay + in.sessionDelay;
    const bool plain = in.retries == 0 && in.meanOff <= 0 && !in.synchronized;
    const bool push = in.pushReach > 0;

    // ---- queueing at the TAM, per request ----
    const detail::TamQueue queue = detail::PredictTamQueue(in, out.notes);
    out.utilisation = queue.utilisation;
    if (queue.runAverage)
    {
        out.meanQueueWait = queue.stationaryWait;
    }
    else if (queue.whyNoWait)
    {
        out.nullCauses.emplace_back("tam_queue_delay", *queue.whyNoWait);
    }
    // Queue waits + service of the removal session's requests before the Update, when known.
    bool shiftKnown = queue.removalShift.has_value();
    const double serviceShift = queue.removalShift.value_or(0.0);
    // A per-session TAM pushed to every device: the push herd has a closed form (§6).
    std::string pushHerdWhy;
    const std::optional<HerdTimes> pushHerd =
        push && plain && in.tamPerSession && in.serviceTime > 0 ? PushHerd(in, &pushHerdWhy)
                                                                : std::nullopt;
    if (pushHerd)
    {
        out.notes.push_back("push herd at a per-session TAM: FIFO behind the stationary "
                            "workload (THEORY-EXTENSIONS 6)");
    }
    else if (push && in.serviceTime > 0 && shiftKnown)
    {
        // Reached devices all start a session at d_T + L: a herd of about rN sessions.
        const double herd = in.pushReach * static_cast<double>(in.devices) * in.serviceTime;
        if (herd > detail::kNegligibleFraction * in.interval)
        {
            shiftKnown = false;
            out.notes.push_back("push herd at the TAM not negligible against P: R not modelled");
        }
        else
        {
            out.notes.push_back("push herd at the TAM negligible against P");
        }
    }

    // ---- removal time R ----
    std::optional<double> meanResidual;
    if (in.brokerDropsAll)
    {
        out.notes.push_back("Broker drops everything: R is infinite (censored)");
    }
    else if (push && !plain)
    {
        out.notes.push_back("push: only modelled without retries, availability or herds");
    }
    else if (in.synchronized)
    {
        std::string why;
        if (const auto herd = SynchronizedHerd(in, &why))
        {
            meanResidual = herd->mean - in.sessionDelay; // δ is added with the shift below
            out.fleetMaxR = in.tamDelay + herd->last;
            out.notes.push_back(in.tamPerSession
                                    ? "synchronized herd: FIFO per session (THEORY-EXTENSIONS 6)"
                                    : "synchronized herd: FIFO per request (THEORY-EXTENSIONS 5)");
        }
        else
        {
            out.notes.push_back("synchronized fleet: " + why);
        }
    }
    else if (in.meanOff > 0)
    {
        const double m = AvailabilityMeanResidual(in);
        if (std::isnan(m))
        {
            out.notes.push_back("availability: no model for this policy-check law");
        }
        else
        {
            meanResidual = m;
            out.notes.push_back("availability: Markov chain (THEORY 3.3)");
        }
    }
    else if (in.retries > 0)
    {
        if (in.law == IntervalLaw::Fixed)
        {
            // Broker drops end a burst; only the loss of the sessions that take place retries.
            const double lossOnly = std::max(0.0, 1 - (1 - in.sessionLoss) / (1 - in.brokerDrop));
            meanResidual =
                FixedIntervalRetryMean(in.interval, lossOnly, in.retries, in.retrySpacing,
                                       in.retryTriggerLoss, in.brokerDrop);
            out.notes.push_back(in.brokerDrop > 0
                                    ? "retries: exact phase integral (THEORY 3.2), Broker drops "
                                      "not retried (THEORY-EXTENSIONS 4)"
                                    : "retries: exact phase integral (THEORY 3.2)");
        }
        else
        {
            out.notes.push_back("retries: only the fixed interval is modelled");
        }
    }
    else if (pushHerd)
    {
        out.meanR = in.tamDelay + pushHerd->mean;
        out.fleetMaxR = in.tamDelay + pushHerd->last;
    }
    else if (push)
    {
        if (!pushHerdWhy.empty() && in.tamPerSession)
        {
            out.notes.push_back(pushHerdWhy);
        }
        meanResidual = PushMeanResidual(in);
        out.notes.push_back(meanResidual ? "push: E[Res] - r(1-p) * tail integral "
                                           "(THEORY-EXTENSIONS 1)"
                                         : "push: no closed form for this law with loss");
    }
    else
    {
        meanResidual = RenewalMeanResidualWithLoss(in);
    }
    // Per-session TAM, fixed interval, random phases, no loss: a device's decision points (the
    // Verifier's answer to its QueryResponse, when the TAM picks the Update) repeat every P at a
    // uniform phase too, so R = U(0, P) + one latency exactly, whatever the queue (§6).
    const bool decisionPeriodic = in.tamPerSession && in.law == IntervalLaw::Fixed && plain &&
                                  !push && in.sessionLoss <= 0 && !in.brokerDropsAll &&
                                  queue.utilisation && *queue.utilisation < 1;
    if (decisionPeriodic)
    {
        shiftKnown = true;
        out.notes.push_back("R: per-session TAM, fixed interval: d_T + U(0, P) to the next "
                            "decision + one latency (THEORY-EXTENSIONS 6)");
    }
    const double removalShift =
        decisionPeriodic ? in.tamDelay + in.sessionDelay / 4 : shift + serviceShift;
    if (meanResidual && (shiftKnown || in.synchronized))
    {
        out.meanR = *meanResidual + (in.synchronized ? shift : removalShift);
    }

    // Distribution of R. With a TAM queue the curve is shifted by the mean waits + service: an
    // approximation (the wait's own spread is not modelled), negligible at low utilisation.
    // A push cuts the survival by 1 - r(1 - p) from L on.
    if (!in.brokerDropsAll && plain && shiftKnown && !pushHerd && ResidualSurvival(in, in.interval))
    {
        const double curveShift = removalShift;
        const double cut = 1 - in.pushReach * (1 - in.sessionLoss);
        auto survival = [&](double t)
        {
            if (t < curveShift)
            {
                return 1.0;
            }
            const double u = t - curveShift;
            return *ResidualSurvival(in, u) * (push && u >= in.pushLatency ? cut : 1.0);
        };
        out.quantR.p50 = Quantile(survival, 0.50, in.interval);
        out.quantR.p90 = Quantile(survival, 0.90, in.interval);
        out.quantR.p95 = Quantile(survival, 0.95, in.interval);
        out.quantR.p99 = Quantile(survival, 0.99, in.interval);
        const double end = Quantile(survival, 0.9999, in.interval);
        for (int i = 0; i <= 200; ++i)
        {
            const double t = end * i / 200;
            out.survival.emplace_back(t, survival(t));
        }
        auto residual = [&](double u)
        { return *ResidualSurvival(in, u) * (push && u >= in.pushLatency ? cut : 1.0); };
        // Fixed P without loss: the maximum of N uniform residuals, P N/(N + 1), exactly (the
        // grid integral is coarse against P/N for large fleets).
        out.fleetMaxR =
            decisionPeriodic
                ? in.interval * static_cast<double>(in.devices) /
                          (static_cast<double>(in.devices) + 1) +
                      curveShift
                : FleetMaxOf(residual, static_cast<double>(in.devices), in.interval) + curveShift;
    }

    // ---- stale trust and the coupled windows ----
    std::optional<detail::Windows> w;
    // A known mean queue wait + service enters the windows as extra session delay: exact for
    // means when R and T_trust are linear in δ (fixed interval, V > P), an approximation else.
    Inputs win = in;
    win.sessionDelay += serviceShift;
    if (!plain)
    {
        out.notes.push_back("T_trust/W_danger: only modelled without retries, availability, herds");
    }
    else if (in.trustUnmodelled)
    {
        out.notes.push_back("T_trust/W_danger: AR process changes at t0 before the Verifier knows");
    }
    else
    {
        w = detail::CoupledWindows(win, out.notes);
    }
    if (w)
    {
        out.meanTtrust = w->t;
        if (in.brokerDropsAll)
        {
            out.meanWdanger = w->t; // R = ∞
        }
        else if (pushHerd)
        {
            out.notes.push_back("W_danger/W_clean: not modelled for a push herd (R is the herd's, "
                                "the windows' R is not)");
        }
        else if (shiftKnown)
        {
            out.meanWdanger = w->danger;
            out.meanWclean = w->clean;
            if (!out.meanR)
            {
                out.meanR = w->r;
            }
            out.sdR = std::sqrt(std::max(0.0, w->r2 - w->r * w->r));
        }
    }
    if (in.executionTime)
    {
        const bool rCurve = !in.brokerDropsAll && plain && shiftKnown && !push &&
                            ResidualSurvival(in, in.interval).has_value();
        detail::PredictAuthorization(
            in, rCurve ? std::optional(shift + serviceShift) : std::nullopt, w, out);
    }
    detail::ApplyFreshness(in, out);
    return out;
}

} // namespace teepsim::analytic
