// Sweep declaration checks and expansion into fully resolved runs with stable keys.
#include "teepsim/sim/sweep.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "sim/scenario/load_context.h"

namespace teepsim::sim
{
namespace detail
{
namespace
{

// Each expanded run is a full Scenario copy (file text included), so a sweep is limited both in
// runs and in the memory its expansion takes; a larger sweep should be split into several files.
// Validation does not expand: it checks one point at a time on a copy without the file text.
constexpr std::size_t kMaxRuns = 100'000;
constexpr std::size_t kMaxSweepBytes = std::size_t{512} << 20;
// After this many diagnostics from sweep points, stop checking points: the rest repeat them.
constexpr std::size_t kMaxPointDiagnostics = 50;

// One axis after validation: the resolved knob and canonical value texts.
struct CheckedAxis
{
    const SweepAxis* axis = nullptr;
    std::vector<std::string> canonical;
};

std::vector<CheckedAxis> CheckAxes(const Scenario& s, DiagnosticSink& sink, bool& ok)
{
    std::vector<CheckedAxis> axes;
    std::set<std::string> concrete_keys;
    for (const SweepAxis& axis : s.sweep.grid)
    {
        ResolvedKey r = ResolveKey(s, axis.key);
        if (!r.error.empty())
        {
            sink.Error(axis.key_origin, fmt::format("sweep.grid: {}", r.error));
            ok = false;
            continue;
        }
        if (!r.knob->IsScalar() || r.knob->key.starts_with("sweep."))
        {
            sink.Error(
                axis.key_origin,
                fmt::format("sweep.grid: '{}' cannot be swept (sweep over single values such as "
                            "verifier.validity)",
                            axis.key));
            ok = false;
            continue;
        }
        if (!concrete_keys.insert(r.concrete).second)
        {
            sink.Error(axis.key_origin, fmt::format("sweep.grid: '{}' is swept twice", r.concrete));
            ok = false;
            continue;
        }
        CheckedAxis checked{.axis = &axis, .canonical = {}};
        for (std::size_t v = 0; v < axis.values.size(); ++v)
        {
            auto parsed = ParseKnobValue(*r.knob, axis.values[v]);
            if (!parsed)
            {
                sink.Error(axis.value_origins[v],
                           fmt::format("sweep.grid.{}: {}", axis.key, parsed.error()));
                ok = false;
                continue;
            }
            checked.canonical.push_back(FormatKnobValue(*r.knob, parsed.value()));
        }
        axes.push_back(std::move(checked));
    }
    if (ok && s.sweep.zip)
    {
        for (const CheckedAxis& a : axes)
        {
            if (a.canonical.size() != axes.front().canonical.size())
            {
                sink.ErrorAtKeys(
                    s, {"sweep.zip"},
                    fmt::format(
                        "sweep.zip needs lists of equal length: {} has {} values, {} has {}",
                        axes.front().axis->key, axes.front().canonical.size(), a.axis->key,
                        a.canonical.size()));
                ok = false;
                break;
            }
        }
    }
    return axes;
}

// Value index of each axis at point p: zipped, or product order with the last axis fastest.
std::vector<std::size_t> PointValues(const std::vector<CheckedAxis>& axes, bool zip, std::size_t p)
{
    std::vector<std::size_t> at(axes.size());
    for (std::size_t a = axes.size(); a-- > 0;)
    {
        std::size_t n = axes[a].canonical.size();
        at[a] = zip ? p : p % n;
        p = zip ? p : p / n;
    }
    return at;
}

// What one expanded run holds in memory: the file text once, and the structure (origins map,
// lists, names) times kStructureFactor. Calibrated: `teepsim sweep --dry-run` of
// scenarios/quickstart.yaml with a 100 x 100 grid and 2 replications (20000 runs) peaked at
// 448552 KiB RSS (/usr/bin/time), ~21.4 KiB per run above the ~20 MiB base, where the sizes
// counted below add up to 7.1 KiB (allocator overhead, short-string buffers, key strings).
constexpr std::size_t kStructureFactor = 3;
std::size_t ApproxRunBytes(const Scenario& s)
{
    constexpr std::size_t kMapNode = 64; // red-black node header and allocator overhead
    std::size_t bytes = sizeof(SweepRun) + s.source.text.size() + s.source.path.size() +
                        s.name.size() + s.description.size() + s.malicious.ta.size();
    for (const auto& [key, origin] : s.source.origins)
    {
        bytes += kMapNode + sizeof(KeyOrigin) + key.size() + origin.override_text.size();
    }
    for (const std::string& o : s.source.overrides)
    {
        bytes += sizeof(std::string) + o.size();
    }
    for (const DeviceClass& c : s.fleet)
    {
        bytes += sizeof(DeviceClass) + c.name.size();
    }
    for (const TrustedApp& ta : s.catalogue)
    {
        bytes += sizeof(TrustedApp) + ta.name.size();
    }
    bytes += s.tam.outages.size() * sizeof(OutageWindow);
    return s.source.text.size() + kStructureFactor * (bytes - s.source.text.size());
}

std::string Mib(double bytes)
{
    return bytes >= 1024.0 * 1024 * 1024 ? fmt::format("{:.1f} GiB", bytes / (1024.0 * 1024 * 1024))
                                         : fmt::format("{:.1f} MiB", bytes / (1024.0 * 1024));
}

// Points (without replications) of the checked axes; saturates above kMaxRuns.
std::size_t CountPoints(const std::vector<CheckedAxis>& axes, bool zip)
{
    if (axes.empty())
    {
        return 1;
    }
    std::size_t points = zip ? axes.front().canonical.size() : 1;
    for (const CheckedAxis& a : axes)
    {
        points = zip ? points : points * a.canonical.size();
        if (points > kMaxRuns)
        {
            return kMaxRuns + 1;
        }
    }
    return points;
}

// The sorted "key=value,..." of a point ("base" without axes): independent of axis order.
std::string PointKey(const std::vector<CheckedAxis>& axes, const std::vector<std::size_t>& at)
{
    std::vector<std::string> parts;
    for (std::size_t a = 0; a < axes.size(); ++a)
    {
        parts.push_back(fmt::format("{}={}", axes[a].axis->key, axes[a].canonical[at[a]]));
    }
    std::sort(parts.begin(), parts.end());
    std::string key;
    for (const std::string& part : parts)
    {
        key += fmt::format("{}{}", key.empty() ? "" : ",", part);
    }
    return key.empty() ? "base" : key;
}

// Sets point p's axis values on `point` (a copy of the base) and finalizes it; problems go to
// `sink` with the point's key as prefix. Returns the point's overrides (file axis order).
std::vector<std::string> ApplyPoint(Scenario& point, const std::vector<CheckedAxis>& axes,
                                    const std::vector<std::size_t>& at,
                                    const std::string& point_key, DiagnosticSink& sink)
{
    std::vector<std::string> overrides;
    sink.SetPrefix(fmt::format("sweep point {}: ", point_key));
    std::set<std::string> swept;
    for (std::size_t a = 0; a < axes.size(); ++a)
    {
        const SweepAxis& axis = *axes[a].axis;
        overrides.push_back(fmt::format("{}={}", axis.key, axes[a].canonical[at[a]]));
        const std::string concrete =
            SetKey(point, axis.key, axes[a].canonical[at[a]], axis.value_origins[at[a]], sink);
        if (!concrete.empty())
        {
            point.source.applied[concrete] = CanonicalValue(point, concrete);
            swept.insert(concrete);
        }
    }
    sink.SetFocus(std::move(swept));
    FinalizeDerived(point);
    CheckConsistency(point, sink, /*with_warnings=*/false);
    sink.SetPrefix({});
    sink.SetFocus({});
    return overrides;
}

// The runs of one checked point: overrides recorded, hash over the canonical overrides.
void AddRuns(const Scenario& base, Scenario& point, std::vector<std::string> overrides,
             const std::string& point_key, std::size_t p, std::size_t r_from, std::size_t r_to,
             std::vector<SweepRun>& runs)
{
    const auto reps = static_cast<std::size_t>(base.sweep.replications);
    point.source.overrides.insert(point.source.overrides.end(), overrides.begin(), overrides.end());
    point.source.hash = ScenarioHash(point.source.text, CanonicalOverrides(point.source));
    for (std::size_t r = r_from; r < r_to; ++r)
    {
        SweepRun run{.key = fmt::format("{}#r{}", point_key, r),
                     .point = p,
                     .replication = static_cast<std::int64_t>(r),
                     .overrides = overrides,
                     .scenario = point};
        run.scenario.run = base.run + (base.sweep.common_random_numbers ? r : p * reps + r);
        runs.push_back(std::move(run));
    }
}

} // namespace

std::vector<SweepRun> ExpandPoints(const Scenario& base, DiagnosticSink& sink, bool build_runs)
{
    bool ok = true;
    std::vector<CheckedAxis> axes = CheckAxes(base, sink, ok);
    if (!ok)
    {
        return {};
    }
    const std::size_t points = CountPoints(axes, base.sweep.zip);
    const auto reps = static_cast<std::size_t>(base.sweep.replications);
    if (points > kMaxRuns || points * reps > kMaxRuns)
    {
        sink.ErrorAtKeys(base, {"sweep.grid", "sweep.replications"},
                         fmt::format("the sweep expands to more than {} runs (points x "
                                     "replications): split it into several files",
                                     kMaxRuns));
        return {};
    }
    const std::size_t run_bytes = ApproxRunBytes(base);
    if (points * reps * run_bytes > kMaxSweepBytes)
    {
        sink.ErrorAtKeys(
            base, {"sweep.grid", "sweep.replications"},
            fmt::format("the sweep has {} runs, which would take about {} to prepare ({} KiB "
                        "per run for a {}-byte file), more than the {} limit: use fewer "
                        "points or replications, or a smaller file",
                        points * reps, Mib(static_cast<double>(points * reps * run_bytes)),
                        (run_bytes + 1023) / 1024, base.source.text.size(),
                        Mib(static_cast<double>(kMaxSweepBytes))));
        return {};
    }
    // Checking points needs no file text: copy a scenario without it for each point.
    Scenario light;
    if (!build_runs)
    {
        light = base;
        light.source.text.clear();
        light.source.text.shrink_to_fit();
    }
    const Scenario& proto = build_runs ? base : light;
    std::vector<SweepRun> runs;
    if (build_runs)
    {
        runs.reserve(points * reps);
    }
    const std::size_t diagnostics_before = sink.reported();
    for (std::size_t p = 0; p < points; ++p)
    {
        if (sink.reported() - diagnostics_before >= kMaxPointDiagnostics)
        {
            sink.ErrorAtKeys(base, {"sweep.grid"},
                             fmt::format("stopped checking sweep points after {} problems ({} of "
                                         "{} points checked)",
                                         kMaxPointDiagnostics, p, points));
            break;
        }
        std::vector<std::size_t> at = PointValues(axes, base.sweep.zip, p);
        const std::string point_key = PointKey(axes, at);
        Scenario point = proto;
        std::vector<std::string> overrides = ApplyPoint(point, axes, at, point_key, sink);
        if (build_runs)
        {
            AddRuns(base, point, std::move(overrides), point_key, p, 0, reps, runs);
        }
    }
    return runs;
}

std::size_t CountSweepRuns(const Scenario& s)
{
    DiagnosticSink ignored(s.source.path);
    bool ok = true;
    std::vector<CheckedAxis> axes = CheckAxes(s, ignored, ok);
    return ok ? CountPoints(axes, s.sweep.zip) * static_cast<std::size_t>(s.sweep.replications) : 0;
}

void CheckSweep(const Scenario& s, DiagnosticSink& sink)
{
    if (s.sweep.grid.empty())
    {
        return;
    }
    if (sink.HasErrors())
    {
        // Points are checked only on a valid base; the axes themselves are always checked.
        bool ok = true;
        CheckAxes(s, sink, ok);
        return;
    }
    ExpandPoints(s, sink, /*build_runs=*/false);
}

} // namespace detail

// The plan keeps the base scenario and the checked axes; a run is built only when asked for.
struct SweepPlan::Impl
{
    Scenario base;
    std::vector<detail::CheckedAxis> axes; // point into base.sweep.grid
    std::size_t points = 1;
};

SweepPlan SweepPlan::Make(const Scenario& base, std::vector<Diagnostic>& diagnostics)
{
    auto impl = std::make_shared<Impl>();
    impl->base = base;
    detail::DiagnosticSink sink(base.source.path);
    bool ok = true;
    impl->axes = detail::CheckAxes(impl->base, sink, ok);
    if (ok)
    {
        impl->points = detail::CountPoints(impl->axes, impl->base.sweep.zip);
        const auto reps = static_cast<std::size_t>(impl->base.sweep.replications);
        if (impl->points > detail::kMaxRuns || impl->points * reps > detail::kMaxRuns)
        {
            sink.ErrorAtKeys(impl->base, {"sweep.grid", "sweep.replications"},
                             fmt::format("the sweep expands to more than {} runs (points x "
                                         "replications): split it into several files",
                                         detail::kMaxRuns));
        }
    }
    diagnostics = sink.Take();
    SweepPlan plan;
    if (std::none_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::Error; }))
    {
        plan.m_impl = std::move(impl);
    }
    return plan;
}

std::size_t SweepPlan::size() const
{
    return m_impl ? m_impl->points * static_cast<std::size_t>(m_impl->base.sweep.replications) : 0;
}

std::string SweepPlan::Key(std::size_t index) const
{
    const auto reps = static_cast<std::size_t>(m_impl->base.sweep.replications);
    const std::size_t p = index / reps;
    const std::vector<std::size_t> at =
        detail::PointValues(m_impl->axes, m_impl->base.sweep.zip, p);
    return fmt::format("{}#r{}", detail::PointKey(m_impl->axes, at), index % reps);
}

SweepRun SweepPlan::Run(std::size_t index) const
{
    if (index >= size())
    {
        throw std::out_of_range(
            fmt::format("run index {} is out of range: the sweep has {} runs", index, size()));
    }
    const Scenario& base = m_impl->base;
    const auto reps = static_cast<std::size_t>(base.sweep.replications);
    const std::size_t p = index / reps;
    const std::vector<std::size_t> at = detail::PointValues(m_impl->axes, base.sweep.zip, p);
    const std::string point_key = detail::PointKey(m_impl->axes, at);
    detail::DiagnosticSink sink(base.source.path);
    Scenario point = base;
    std::vector<std::string> overrides =
        detail::ApplyPoint(point, m_impl->axes, at, point_key, sink);
    if (sink.HasErrors())
    {
        // LoadScenario checked every point of a valid scenario: only an unchecked base gets here.
        throw std::runtime_error(fmt::format("sweep point {} is invalid: {}", point_key,
                                             sink.Take().front().ToString()));
    }
    std::vector<SweepRun> runs;
    detail::AddRuns(base, point, std::move(overrides), point_key, p, index % reps, index % reps + 1,
                    runs);
    return std::move(runs.front());
}

SweepExpansion ExpandSweep(const Scenario& scenario)
{
    detail::DiagnosticSink sink(scenario.source.path);
    SweepExpansion e;
    e.runs = detail::ExpandPoints(scenario, sink, /*build_runs=*/true);
    e.diagnostics = sink.Take();
    if (!e.ok())
    {
        e.runs.clear();
    }
    return e;
}

} // namespace teepsim::sim
