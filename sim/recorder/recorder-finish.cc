// Recorder::Finish: exposure windows with censoring, summaries per scope, and time series.
#include "teepsim/sim/recorder.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
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
    m_horizon = horizon;
    // A session still running has its one outcome too.
    for (DeviceId d = 0; d < m_sessionOpen.size(); ++d)
    {
        if (m_sessionOpen[d])
        {
            OnSessionEnd(d, m_config.openOutcome, 0, 0, horizon);
        }
    }
    BuildExposures();
    BuildSummaries();
    BuildSeries();
    BuildSessions();
    BuildGroups();
    CheckAccounting();
    BuildWarnings();
    m_finished = true;
}

void Recorder::BuildSessions()
{
    // "all" first, then the groups by name; causes by name within a group.
    std::vector<size_t> order(m_groupNames.size());
    for (size_t g = 0; g < order.size(); ++g)
    {
        order[g] = g;
    }
    std::sort(order.begin() + 1, order.end(),
              [&](size_t a, size_t b) { return m_groupNames[a] < m_groupNames[b]; });
    std::vector<size_t> causes(m_causeNames.size());
    for (size_t c = 0; c < causes.size(); ++c)
    {
        causes[c] = c;
    }
    std::sort(causes.begin(), causes.end(),
              [&](size_t a, size_t b) { return m_causeNames[a] < m_causeNames[b]; });
    for (size_t g : order)
    {
        for (size_t c : causes)
        {
            const CauseCount& n = m_causeCounts[g][c];
            if (n.count == 0)
            {
                continue;
            }
            m_sessions.push_back({m_groupNames[g], m_causeNames[c], m_causeFailure[c] != 0, n.count,
                                  n.bytesUp, n.bytesDown});
        }
    }
}

void Recorder::BuildGroups()
{
    std::vector<GroupAccount> byIndex(m_groupNames.size());
    for (size_t g = 0; g < byIndex.size(); ++g)
    {
        byIndex[g].group = m_groupNames[g];
        for (size_t c = 0; c < m_causeNames.size(); ++c)
        {
            byIndex[g].sessions += m_causeCounts[g][c].count;
            byIndex[g].failed += m_causeFailure[c] ? m_causeCounts[g][c].count : 0;
        }
    }
    auto groupsOf = [&](DeviceId d)
    {
        std::vector<uint32_t> out{0};
        if (d < m_deviceGroups.size())
        {
            if (m_deviceGroups[d].cls != kNone)
            {
                out.push_back(m_deviceGroups[d].cls);
            }
            if (m_deviceGroups[d].broker != kNone)
            {
                out.push_back(m_deviceGroups[d].broker);
            }
        }
        return out;
    };
    for (DeviceId d = 0; d < m_devices.size(); ++d)
    {
        for (uint32_t g : groupsOf(d))
        {
            ++byIndex[g].devices;
        }
    }
    std::vector<uint8_t> affected(m_devices.size());
    for (const Exposure& x : m_exposures)
    {
        for (uint32_t g : groupsOf(x.device))
        {
            (x.rCensored ? byIndex[g].censored : byIndex[g].removed) += 1;
            if (x.device < affected.size() && !affected[x.device])
            {
                ++byIndex[g].affected;
            }
        }
        if (x.device < affected.size())
        {
            affected[x.device] = 1;
        }
    }
    m_groups.push_back(byIndex[0]);
    std::vector<GroupAccount> rest(byIndex.begin() + 1, byIndex.end());
    std::sort(rest.begin(), rest.end(),
              [](const GroupAccount& a, const GroupAccount& b) { return a.group < b.group; });
    m_groups.insert(m_groups.end(), rest.begin(), rest.end());
}

void Recorder::CheckAccounting() const
{
    std::vector<std::string> v = m_violations;
    for (const Exposure& x : m_exposures)
    {
        const std::string what = "device " + std::to_string(x.device) + ", TA " + m_taNames[x.ta];
        if (x.device >= m_devices.size())
        {
            v.push_back(what + ": affected but never registered");
        }
        if (x.removed.has_value() == x.rCensored)
        {
            v.push_back(what + ": neither removed nor censored (or both)");
        }
        if (x.tTrust.has_value() == x.tTrustCensored)
        {
            v.push_back(what + ": T_trust neither known nor censored (or both)");
        }
    }
    const GroupAccount& all = m_groups.front();
    if (all.removed + all.censored != m_exposures.size())
    {
        v.push_back(fmt::format("{} affected pairs but {} removed + {} censored",
                                m_exposures.size(), all.removed, all.censored));
    }
    if (all.affected > all.devices && !m_exposures.empty())
    {
        v.push_back(fmt::format("{} affected devices of {} devices", all.affected, all.devices));
    }
    const auto sessions = static_cast<uint64_t>(m_counters[kSessions].second);
    uint64_t sum = 0;
    for (const SessionAggregate& a : m_sessions)
    {
        sum += a.group == "all" ? a.count : 0;
    }
    if (sum != sessions || all.sessions != sessions)
    {
        v.push_back(fmt::format("session totals per cause sum to {}, but {} sessions ended", sum,
                                sessions));
    }
    for (DeviceId d = 0; d < m_sessionOpen.size(); ++d)
    {
        if (m_sessionOpen[d])
        {
            v.push_back("device " + std::to_string(d) + ": a session without an outcome");
        }
    }
    if (v.empty())
    {
        return;
    }
    std::string msg = "accounting invariant violated: " + v.front();
    if (v.size() > 1)
    {
        msg += fmt::format(" (and {} more)", v.size() - 1);
    }
    throw AccountingError(msg);
}

void Recorder::BuildWarnings()
{
    if (!m_malicious.empty())
    {
        for (const GroupAccount& g : m_groups)
        {
            if (g.group != "all" && g.devices > 0 && g.affected == 0)
            {
                m_warnings.push_back({"no-affected-devices", g.group,
                                      fmt::format("{}: none of its {} devices ran a malicious TA "
                                                  "when it was declared; it adds nothing to R "
                                                  "or T_trust",
                                                  g.group, g.devices)});
            }
        }
    }
    for (const GroupAccount& g : m_groups)
    {
        if (g.group.rfind("class=", 0) != 0 || g.sessions == 0)
        {
            continue;
        }
        const double failed = static_cast<double>(g.failed) / static_cast<double>(g.sessions);
        if (failed > m_config.warnFailedFraction)
        {
            m_warnings.push_back({"failed-fraction", g.group,
                                  fmt::format("{}: {} of {} sessions failed ({:.0f} %, above "
                                              "outputs.warn_failed_fraction = {:g})",
                                              g.group, g.failed, g.sessions, 100 * failed,
                                              m_config.warnFailedFraction)});
        }
    }
    // A metric censored for more than half of a class's affected pairs.
    std::map<std::string, std::array<uint64_t, 5>> byClass; // n, censored R, T, Wd, Wc
    for (const Exposure& x : m_exposures)
    {
        if (x.device >= m_devices.size())
        {
            continue;
        }
        auto& c = byClass["class=" + m_devices[x.device].deviceClass];
        ++c[0];
        c[1] += !x.r;
        c[2] += !x.tTrust;
        c[3] += !x.wDanger;
        c[4] += !x.wClean;
    }
    const char* names[] = {"", "R", "T_trust", "W_danger", "W_clean"};
    for (const auto& [cls, c] : byClass)
    {
        for (size_t m = 1; m < 5; ++m)
        {
            if (2 * c[m] > c[0])
            {
                m_warnings.push_back(
                    {"censored-majority", cls,
                     fmt::format("{}: {} is censored for {} of its {} affected devices; its "
                                 "mean is biased low (use the survival curve)",
                                 cls, names[m], c[m], c[0])});
            }
        }
    }
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
            FillExecution(x, m, e); // X; W_danger = min(X, T_trust) at execution time
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
    bool perBroker = false;
    for (const auto& d : m_devices)
    {
        perClass = perClass || d.deviceClass != m_devices.front().deviceClass;
        perBroker = perBroker || d.broker != m_devices.front().broker;
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
        if (perBroker && !m_devices[x.device].broker.empty())
        {
            scopeFor("broker=" + m_devices[x.device].broker).members.push_back(&x);
        }
    }

    using Field = std::optional<TimeNs> Exposure::*;
    const std::pair<const char*, Field> metrics[] = {{"R", &Exposure::r},
                                                     {"T_trust", &Exposure::tTrust},
                                                     {"W_danger", &Exposure::wDanger},
                                                     {"W_clean", &Exposure::wClean},
                                                     {"X", &Exposure::x}};
    std::vector<double> values;
    for (const auto& scope : scopes)
    {
        for (const auto& [metric, field] : metrics)
        {
            if (field == &Exposure::x && !m_anyExecutionTime)
            {
                continue; // X = R everywhere: no row, so install-time runs keep their summaries
            }
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
            const TimeNs t = m_config.warmup + static_cast<TimeNs>(i) * w;
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
            const TimeNs t = m_config.warmup + static_cast<TimeNs>(i) * w;
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
                d.points.push_back({m_config.warmup + static_cast<TimeNs>(i) * w,
                                    qb[i].sum / static_cast<double>(qb[i].count)});
            }
        }
        m_series.push_back(std::move(d));
    }
}

} // namespace teepsim::recorder
