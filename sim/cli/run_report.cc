// Summary table, progress line and theory comparison of `teepsim run`.
#include "teepsim/sim/run_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ostream>

#include "sim/cli/common/progress.h"

namespace teepsim::sim
{

namespace
{
struct AnalyticMetric
{
    const char* name;
    std::optional<double> analytic::Prediction::*mean;
};
constexpr AnalyticMetric kAnalyticMetrics[] = {
    {"R", &analytic::Prediction::meanR},
    {"T_trust", &analytic::Prediction::meanTtrust},
    {"W_danger", &analytic::Prediction::meanWdanger},
    {"W_clean", &analytic::Prediction::meanWclean},
    {"tam_queue_delay", &analytic::Prediction::meanQueueWait},
    {"X", &analytic::Prediction::meanX}, // execution-time authorization only
};

const recorder::Summary* SimSummary(const recorder::Recorder& rec, const std::string& metric)
{
    for (const recorder::MetricSummary& m : rec.Summaries())
    {
        if (m.metric == metric && m.scope == "all")
        {
            return &m.summary;
        }
    }
    return nullptr;
}

std::optional<double> AnalyticMean(const analytic::Prediction& p, const std::string& metric)
{
    for (const AnalyticMetric& m : kAnalyticMetrics)
    {
        if (metric == m.name)
        {
            return p.*(m.mean);
        }
    }
    return std::nullopt;
}

std::string Duration(std::optional<double> seconds)
{
    if (!seconds)
    {
        return "-";
    }
    const double s = *seconds;
    if (std::fabs(s) >= 86400)
    {
        return fmt::format("{:.3f}d", s / 86400);
    }
    if (std::fabs(s) >= 3600)
    {
        return fmt::format("{:.3f}h", s / 3600);
    }
    if (std::fabs(s) >= 60)
    {
        return fmt::format("{:.2f}m", s / 60);
    }
    return fmt::format("{:.3f}s", s);
}

std::optional<double> ZScore(const recorder::Summary& sim, double analyticMean)
{
    if (!sim.mean || !sim.se || *sim.se <= 0 || sim.nCensored > 0)
    {
        return std::nullopt; // censoring biases the simulated mean: no fair comparison
    }
    return (analyticMean - *sim.mean) / *sim.se;
}
} // namespace

std::vector<recorder::MetricSummary> AnalyticSummaries(const analytic::Prediction& p)
{
    std::vector<recorder::MetricSummary> rows;
    for (const AnalyticMetric& m : kAnalyticMetrics)
    {
        if (!(p.*(m.mean)))
        {
            continue;
        }
        recorder::Summary s;
        s.mean = p.*(m.mean);
        if (std::string(m.name) == "R")
        {
            s.sd = p.sdR;
            s.p50 = p.quantR.p50;
            s.p90 = p.quantR.p90;
            s.p95 = p.quantR.p95;
            s.p99 = p.quantR.p99;
            s.max = p.fleetMaxR; // expected fleet maximum
        }
        rows.push_back({m.name, "all", "s", s});
    }
    if (p.utilisation)
    {
        recorder::Summary s;
        s.mean = p.utilisation;
        rows.push_back({"tam_utilisation", "all", "1", s});
    }
    return rows;
}

std::vector<recorder::Series> AnalyticSeries(const analytic::Prediction& p)
{
    std::vector<recorder::Series> out;
    if (!p.survival.empty())
    {
        recorder::Series s{"removal_curve_analytic", "fraction", {}};
        for (const auto& [t, v] : p.survival)
        {
            s.points.push_back({static_cast<recorder::TimeNs>(std::llround(t * 1e9)), v});
        }
        out.push_back(std::move(s));
    }
    return out;
}

std::string FormatProgress(const Progress& p)
{
    const double frac = p.horizonNs > 0 ? static_cast<double>(p.simNowNs) / p.horizonNs : 0;
    const double rate = p.wallSeconds > 0 ? p.events / p.wallSeconds : 0;
    return fmt::format("sim {} / {} ({:.0f}%), {:.0f}k events/s, {}", Duration(p.simNowNs / 1e9),
                       Duration(p.horizonNs / 1e9), 100 * frac, rate / 1e3,
                       cli::FormatEta(frac > 0 ? p.wallSeconds * (1 - frac) / frac : -1));
}

void PrintSummary(std::ostream& out, const Scenario& s, const recorder::Recorder& rec,
                  const analytic::Prediction& prediction, const std::vector<std::string>& notes,
                  const results::RunRecord& record, int64_t runId, const std::string& dbPath)
{
    out << fmt::format("teepsim run: scenario '{}' seed {} run {}: {} devices, {} simulated, "
                       "{} transport\n",
                       s.name, s.seed, s.run, s.TotalDevices(), Duration(s.horizon_ns / 1e9),
                       s.transport == Transport::Full ? "full" : "message");
    out << fmt::format("{:.1f} s wall, {} events ({:.0f} events/s), peak RSS {} MiB\n\n",
                       record.wallSeconds, record.events,
                       record.wallSeconds > 0 ? record.events / record.wallSeconds : 0,
                       record.peakRssKib / 1024);
    out << fmt::format("{:<16}{:>7}{:>9}{:>24}{:>11}{:>11}{:>11}{:>12}{:>8}\n", "metric", "n",
                       "censored", "mean [95% CI]", "p50", "p95", "max", "theory", "z");
    for (const char* metric : {"R", "T_trust", "W_danger", "W_clean", "X"})
    {
        const recorder::Summary* sm = SimSummary(rec, metric);
        if (!sm)
        {
            continue;
        }
        std::string ci = Duration(sm->mean);
        if (sm->mean && sm->se)
        {
            ci = fmt::format("{} ±{}", Duration(sm->mean), Duration(1.96 * *sm->se));
        }
        const std::optional<double> theory = AnalyticMean(prediction, metric);
        std::optional<double> z;
        if (theory)
        {
            z = ZScore(*sm, *theory);
        }
        out << fmt::format("{:<16}{:>7}{:>9}{:>24}{:>11}{:>11}{:>11}{:>12}{:>8}\n", metric, sm->n,
                           sm->nCensored, ci, Duration(sm->p50), Duration(sm->p95),
                           Duration(sm->max), Duration(theory),
                           z ? fmt::format("{:+.2f}", *z) : "-");
    }
    // Per group (class, Broker behaviour): the same metrics, without theory (which is for the
    // fleet as a whole).
    for (const recorder::MetricSummary& m : rec.Summaries())
    {
        if (m.scope == "all" || m.unit != "s" || m.metric == "tam_queue_delay")
        {
            continue;
        }
        const recorder::Summary& sm = m.summary;
        std::string ci = Duration(sm.mean);
        if (sm.mean && sm.se)
        {
            ci = fmt::format("{} ±{}", Duration(sm.mean), Duration(1.96 * *sm.se));
        }
        out << fmt::format("  {:<14}{:>7}{:>9}{:>24}{:>11}{:>11}{:>11}  {}\n", m.metric, sm.n,
                           sm.nCensored, ci, Duration(sm.p50), Duration(sm.p95), Duration(sm.max),
                           m.scope);
    }
    PrintSessions(out, rec);
    for (const std::string& n : notes)
    {
        out << "note: " << n << "\n";
    }
    for (const std::string& n : prediction.notes)
    {
        out << "theory: " << n << "\n";
    }
    out << fmt::format("written: {} (run id {})\n", dbPath, runId);
}

void PrintSessions(std::ostream& out, const recorder::Recorder& rec)
{
    const auto& groups = rec.Groups();
    if (groups.empty())
    {
        return;
    }
    const recorder::GroupAccount& all = groups.front();
    out << fmt::format("\nsessions: {} ({} failed)\n", all.sessions, all.failed);
    for (const recorder::SessionAggregate& a : rec.Sessions())
    {
        if (a.group == "all")
        {
            out << fmt::format("  {:<22}{:>9}{}\n", a.cause, a.count, a.failure ? "  failed" : "");
        }
    }
    out << fmt::format("\n{:<28}{:>8}{:>9}{:>9}{:>9}{:>10}{:>9}\n", "group", "devices", "affected",
                       "removed", "censored", "sessions", "failed");
    for (const recorder::GroupAccount& g : groups)
    {
        out << fmt::format("{:<28}{:>8}{:>9}{:>9}{:>9}{:>10}{:>9}\n", g.group, g.devices,
                           g.affected, g.removed, g.censored, g.sessions, g.failed);
        if (g.group == "all")
        {
            continue;
        }
        // The failure causes of the group, most frequent first.
        std::vector<const recorder::SessionAggregate*> causes;
        for (const recorder::SessionAggregate& a : rec.Sessions())
        {
            if (a.group == g.group && a.failure)
            {
                causes.push_back(&a);
            }
        }
        std::stable_sort(causes.begin(), causes.end(),
                         [](auto* x, auto* y) { return x->count > y->count; });
        std::string line;
        for (const recorder::SessionAggregate* a : causes)
        {
            line += fmt::format("{}{} {}", line.empty() ? "" : ", ", a->cause, a->count);
        }
        if (!line.empty())
        {
            out << "    failed: " << line << "\n";
        }
    }
}

int PrintTheoryWarnings(std::ostream& err, const recorder::Recorder& rec,
                        const analytic::Prediction& prediction)
{
    int warnings = 0;
    for (const recorder::Warning& w : rec.Warnings())
    {
        err << fmt::format("warning: {} [{}]\n", w.text, w.code);
        ++warnings;
    }
    for (const char* metric : {"R", "T_trust", "W_danger", "W_clean", "X"})
    {
        const recorder::Summary* sm = SimSummary(rec, metric);
        const std::optional<double> theory = AnalyticMean(prediction, metric);
        if (!sm || !theory)
        {
            continue;
        }
        if (const auto z = ZScore(*sm, *theory); z && std::fabs(*z) > 4)
        {
            err << fmt::format("warning: simulated mean {} = {} is {:.1f} standard errors from "
                               "theory ({})\n",
                               metric, Duration(sm->mean), *z, Duration(theory));
            ++warnings;
        }
    }
    return warnings;
}

} // namespace teepsim::sim
