// Diagnostics: collection, placement and the FILE:LINE:COL text form.
#include <fmt/format.h>

#include <algorithm>

#include "sim/scenario/load_context.h"

namespace teepsim::sim
{

std::string Diagnostic::ToString() const
{
    std::string_view level = severity == Severity::Error ? "error" : "warning";
    if (!override_text.empty())
    {
        return fmt::format("--set {}: {}: {}", override_text, level, message);
    }
    if (file.empty())
    {
        return fmt::format("{}: {}", level, message);
    }
    if (line > 0)
    {
        return fmt::format("{}:{}:{}: {}: {}", file, line, column, level, message);
    }
    return fmt::format("{}: {}: {}", file, level, message);
}

bool LoadResult::ok() const
{
    return std::none_of(diagnostics.begin(), diagnostics.end(),
                        [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

bool SweepExpansion::ok() const
{
    return std::none_of(diagnostics.begin(), diagnostics.end(),
                        [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

namespace detail
{

void DiagnosticSink::Report(Severity severity, const KeyOrigin& at, std::string message)
{
    Diagnostic d{.severity = severity,
                 .file = at.override_text.empty() ? file_ : std::string(),
                 .line = at.line,
                 .column = at.column,
                 .override_text = at.override_text,
                 .message = prefix_ + message};
    // Sweep points repeat the same problem; say it once per place.
    for (const Diagnostic& e : diagnostics_)
    {
        if (e.severity == d.severity && e.line == d.line && e.column == d.column &&
            e.override_text == d.override_text && e.message == d.message)
        {
            return;
        }
    }
    diagnostics_.push_back(std::move(d));
}

void DiagnosticSink::ErrorAtKeys(const Scenario& s, std::initializer_list<std::string> keys,
                                 std::string message)
{
    // Blame, in order: a key the sweep point set, a key a --set override set (the file alone may
    // have been consistent), then the first key given in the file.
    auto blame = [&](auto&& wanted)
    {
        for (const std::string& k : keys)
        {
            auto it = s.source.origins.find(k);
            if (it != s.source.origins.end() && wanted(k, it->second))
            {
                Error(it->second, message);
                return true;
            }
        }
        return false;
    };
    if (blame([&](const std::string& k, const KeyOrigin&) { return focus_.count(k) != 0; }) ||
        blame([](const std::string&, const KeyOrigin& o) { return !o.override_text.empty(); }) ||
        blame([](const std::string&, const KeyOrigin&) { return true; }))
    {
        return;
    }
    Error(KeyOrigin{}, std::move(message));
}

bool DiagnosticSink::HasErrors() const
{
    return std::any_of(diagnostics_.begin(), diagnostics_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

} // namespace detail
} // namespace teepsim::sim
