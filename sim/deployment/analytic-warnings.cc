// `analytic-null` warnings: a metric the run simulated whose analytic value is NULL gets a
// warnings row saying why, so the database, not only the printout, explains the missing value.
#include "teepsim/sim/analytic_warnings.h"

#include <string>
#include <utility>
#include <vector>

namespace teepsim::sim
{

namespace
{
struct Metric
{
    const char* name;
    std::optional<double> analytic::Prediction::*mean;
};
// The metrics with an analytic row (as AnalyticSummaries of `teepsim run` writes them).
constexpr Metric kMetrics[] = {
    {"R", &analytic::Prediction::meanR},
    {"T_trust", &analytic::Prediction::meanTtrust},
    {"W_danger", &analytic::Prediction::meanWdanger},
    {"W_clean", &analytic::Prediction::meanWclean},
    {"tam_queue_delay", &analytic::Prediction::meanQueueWait},
    {"X", &analytic::Prediction::meanX},
};

bool Simulated(const recorder::Recorder& rec, const std::string& metric)
{
    for (const recorder::MetricSummary& m : rec.Summaries())
    {
        if (m.metric == metric && m.scope == "all")
        {
            return m.summary.n + m.summary.nCensored > 0;
        }
    }
    return false;
}

/// The recorded cause for `metric`, else the notes that name it, else every note.
std::string WhyNull(const analytic::Prediction& p, const std::string& metric)
{
    for (const auto& [m, why] : p.nullCauses)
    {
        if (m == metric)
        {
            return why;
        }
    }
    std::string named, all;
    for (const std::string& n : p.notes)
    {
        all += (all.empty() ? "" : "; ") + n;
        if (n.find(metric) != std::string::npos)
        {
            named += (named.empty() ? "" : "; ") + n;
        }
    }
    if (!named.empty())
    {
        return named;
    }
    return all.empty() ? std::string("no closed form for these inputs") : all;
}
} // namespace

std::vector<recorder::Warning> AnalyticWarnings(const analytic::Prediction& p,
                                                const recorder::Recorder& rec)
{
    std::vector<recorder::Warning> out;
    for (const Metric& m : kMetrics)
    {
        if (!(p.*(m.mean)) && Simulated(rec, m.name))
        {
            out.push_back(
                {"analytic-null", "all",
                 std::string(m.name) + ": no analytic value (" + WhyNull(p, m.name) + ")"});
        }
    }
    return out;
}

} // namespace teepsim::sim
