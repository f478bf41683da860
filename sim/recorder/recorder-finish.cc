// Recorder::Finish: exposure windows with censoring, summaries per scope, and time series.
#include "teepsim/sim/recorder.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

namespace teepsim::recorder
{

namespace
{

double Seconds(TimeNs ns)
{
    return static_cast<double>(ns) / kNsPerSecond;
}

// The exposures of one reporting scope ("all", one TA, one device class).
struct Scope
{
    std::string name;
    std::vector<const Exposure*> members;
};

// S(t) = fraction of `values` (censored = +inf) greater than t on `points` grid points over
// [0, span].
Series SurvivalCurve(std::string name, std::vector<TimeNs> values, TimeNs span, uint32_t points)
{
    Series s{std::move(name), "fraction", {}};
    if (values.empty() || points < 2 || span <= 0)
    {
        return s;
    }
    std::sort(values.begin(), values.end());
    const double n = static_cast<double>(values.size());
    s.points.reserve(points);
    for (uint32_t i = 0; i < points; ++i)
    {
        // Integer grid so that the points are identical on every platform.
        const TimeNs t = static_cast<TimeNs>((static_cast<__int128>(span) * i) / (points - 1));
        const auto above = values.end() - std::upper_bound(values.begin(), values.end(), t);
        s.points.push_back({t, static_cast<double>(above) / n});
    }
    return s;
}

std::string Scoped(const std::string& base, const std::string& scope)
{
    return scope == "all" ? base : base + "[" + scope + "]";
}

} // namespace

void Recorder::Finish(TimeNs horizon)
{
    if (m_finished)
    {
        throw std::logic_error("Recorder::Finish called twice");
    }
    m_finished = true;
    m_horizon = horizon;
    BuildExposures();
    BuildSummaries();
    BuildSeries();
    std::sort(m_sessions.begin(), m_sessions.end(),
              [](const auto& a, const auto& b) { return a.cause < b.cause; });
}

void Recorder::BuildExposures()
{
    const TimeNs h = m_horizon;
    for (const auto& m : m_malicious)
    {
        for (const auto& e : m.open)
        {
            Exposure x;
            x.device = e.device;
            x.ta = m.ta;
            x.t0 = m.t0;
            const bool removedKnown = e.removed != kNever && e.removed <= h;
            // Trust can still grow until the TA is gone or the Verifier knows.
            const bool trustFinal = removedKnown || m.verifierKnows <= h;
            const bool trustKnown = trustFinal && (e.trustEnd == kNoAr || e.trustEnd <= h);
            x.rCensored = !removedKnown;
            x.tTrustCensored = !trustKnown;
            if (removedKnown)
            {
                x.removed = e.removed;
                x.r = e.removed - m.t0;
            }
            if (trustKnown)
            {
                if (e.trustEnd != kNoAr)
                {
                    x.trustEnd = e.trustEnd;
                }
                x.tTrust = e.trustEnd == kNoAr ? 0 : std::max<TimeNs>(0, e.trustEnd - m.t0);
            }
            if (x.r && x.tTrust)
            {
                x.wDanger = std::min(*x.r, *x.tTrust);
                x.wClean = std::max(*x.r, *x.tTrust);
            }
            else if (x.r || x.tTrust)
            {
                // The censored side exceeds H - t0, which bounds the known side.
                x.wDanger = x.r ? *x.r : *x.tTrust;
            }
            m_exposures.push_back(x);
        }
    }
}

void Recorder::BuildSummaries()
{
    std::vector<Scope> scopes{{"all", {}}};
    std::map<std::string, size_t> byName;
    auto scopeFor = [&](const std::string& name) -> Scope&
    {
        auto [it, added] = byName.emplace(name, scopes.size());
        if (added)
        {
            scopes.push_back({name, {}});
        }
        return scopes[it->second];
    };
    const bool perTa = m_malicious.size() > 1;
    bool perClass = false;
    for (const auto& d : m_devices)
    {
        perClass = perClass || d.deviceClass != m_devices.front().deviceClass;
    }
    for (const auto& x : m_exposures)
    {
        scopes[0].members.push_back(&x);
        if (perTa)
        {
            scopeFor("ta=" + m_taNames[x.ta]).members.push_back(&x);
        }
        if (perClass)
        {
            scopeFor("class=" + m_devices[x.device].deviceClass).members.push_back(&x);
        }
    }

    using Field = std::optional<TimeNs> Exposure::*;
    const std::pair<const char*, Field> metrics[] = {{"R", &Exposure::r},
                                                     {"T_trust", &Exposure::tTrust},
                                                     {"W_danger", &Exposure::wDanger},
                                                     {"W_clean", &Exposure::wClean}};
    std::vector<double> values;
    for (const auto& scope : scopes)
    {
        for (const auto& [metric, field] : metrics)
        {
            values.clear();
            uint64_t censored = 0;
            for (const Exposure* x : scope.members)
            {
                if (const auto& v = x->*field)
                {
                    values.push_back(Seconds(*v));
                }
                else
                {
                    ++censored;
                }
            }
            m_summaries.push_back({metric, scope.name, "s", Summarize(values, censored)});
        }
    }

    if (m_queueDelay.Count() > 0)
    {
        Summary s;
        s.n = m_queueDelay.Count();
        s.mean = m_queueDelay.Mean() / kNsPerSecond;
        if (s.n > 1)
        {
            s.sd = m_queueDelay.Sd() / kNsPerSecond;
            s.se = *s.sd / std::sqrt(static_cast<double>(s.n));
        }
        s.p50 = *m_queueDelay.Quantile(0.50) / kNsPerSecond;
        s.p90 = *m_queueDelay.Quantile(0.90) / kNsPerSecond;
        s.p95 = *m_queueDelay.Quantile(0.95) / kNsPerSecond;
        s.p99 = *m_queueDelay.Quantile(0.99) / kNsPerSecond;
        s.max = Seconds(m_queueDelay.Max());
        m_summaries.push_back({"tam_queue_delay", "all", "s", s});
    }

    // Curves per scope, built here while the scopes exist.
    for (const auto& scope : scopes)
    {
        if (scope.members.empty())
        {
            continue;
        }
        TimeNs firstT0 = std::numeric_limits<TimeNs>::max();
        std::vector<TimeNs> r, trust;
        for (const Exposure* x : scope.members)
        {
            firstT0 = std::min(firstT0, x->t0);
            r.push_back(x->r.value_or(kNever));
            trust.push_back(x->tTrust.value_or(kNever));
        }
        const TimeNs span = m_horizon - firstT0;
        m_series.push_back(SurvivalCurve(Scoped("removal_curve", scope.name), std::move(r), span,
                                         m_config.curvePoints));
        m_series.push_back(SurvivalCurve(Scoped("trust_curve", scope.name), std::move(trust), span,
                                         m_config.curvePoints));
    }
}

void Recorder::BuildSeries()
{
    const TimeNs w = m_config.bucketWidth;
    if (!m_tams.empty())
    {
        m_queueSeries.Finish(m_horizon);
        m_busySeries.Finish(m_horizon);
        Series mean{"tam_queue_length", "requests", {}};
        Series max{"tam_queue_length_max", "requests", {}};
        Series busy{"tam_busy_workers", "workers", {}};
        Series load{"tam_load", "fraction", {}};
        const auto& q = m_queueSeries.Buckets();
        const auto& b = m_busySeries.Buckets();
        for (size_t i = 0; i < q.size(); ++i)
        {
            if (q[i].covered == 0)
            {
                continue;
            }
            const TimeNs t = static_cast<TimeNs>(i) * w;
            const double cov = static_cast<double>(q[i].covered);
            mean.points.push_back({t, q[i].area / cov});
            max.points.push_back({t, q[i].max});
            const double busyMean = i < b.size() ? b[i].area / cov : 0.0;
            busy.points.push_back({t, busyMean});
            if (m_config.tamWorkers > 0)
            {
                load.points.push_back({t, busyMean / m_config.tamWorkers});
            }
        }
        m_series.push_back(std::move(mean));
        m_series.push_back(std::move(max));
        m_series.push_back(std::move(busy));
        if (m_config.tamWorkers > 0)
        {
            m_series.push_back(std::move(load));
        }
    }
    if (m_counters[kSessions].second > 0)
    {
        m_sessionRate.Extend(m_horizon);
        m_failedRate.Extend(m_horizon);
        Series all{"sessions_per_s", "1/s", {}};
        Series failed{"sessions_failed_per_s", "1/s", {}};
        const double ws = Seconds(w);
        const auto& a = m_sessionRate.Buckets();
        const auto& f = m_failedRate.Buckets();
        for (size_t i = 0; i < a.size(); ++i)
        {
            const TimeNs t = static_cast<TimeNs>(i) * w;
            all.points.push_back({t, static_cast<double>(a[i].count) / ws});
            const uint64_t nf = i < f.size() ? f[i].count : 0;
            failed.points.push_back({t, static_cast<double>(nf) / ws});
        }
        m_series.push_back(std::move(all));
        m_series.push_back(std::move(failed));
    }
    if (m_queueDelay.Count() > 0)
    {
        Series d{"tam_queue_delay_mean", "s", {}};
        const auto& qb = m_queueDelayBuckets.Buckets();
        for (size_t i = 0; i < qb.size(); ++i)
        {
            if (qb[i].count > 0)
            {
                d.points.push_back(
                    {static_cast<TimeNs>(i) * w, qb[i].sum / static_cast<double>(qb[i].count)});
            }
        }
        m_series.push_back(std::move(d));
    }
}

} // namespace teepsim::recorder
