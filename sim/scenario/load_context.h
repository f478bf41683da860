// Internal steps of loading a scenario, shared by the loader, --set and sweep expansion.
#pragma once

#include "teepsim/sim/scenario.h"

#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/knobs.h"

namespace YAML
{
class Node;
}

namespace teepsim::sim::detail
{

// Collects diagnostics for one scenario (file name, optional message prefix for sweep points).
class DiagnosticSink
{
  public:
    explicit DiagnosticSink(std::string file) : file_(std::move(file)) {}

    void Report(Severity severity, const KeyOrigin& at, std::string message);
    void Error(const KeyOrigin& at, std::string message)
    {
        Report(Severity::Error, at, std::move(message));
    }
    void Warning(const KeyOrigin& at, std::string message)
    {
        Report(Severity::Warning, at, std::move(message));
    }
    // Located at the first key of `keys` given explicitly in `s`; else at the file's start.
    void ErrorAtKeys(const Scenario& s, std::initializer_list<std::string> keys,
                     std::string message)
    {
        ErrorAtKeys(s, std::vector<std::string>(keys), std::move(message));
    }
    void ErrorAtKeys(const Scenario& s, const std::vector<std::string>& keys, std::string message);

    void SetPrefix(std::string prefix) { prefix_ = std::move(prefix); }
    // Problems reported so far, including those not kept (beyond kMaxDiagnostics).
    std::size_t reported() const { return reported_; }
    // Keys set by a sweep point: ErrorAtKeys blames these first (the base was valid).
    void SetFocus(std::set<std::string> keys) { focus_ = std::move(keys); }
    const std::string& file() const { return file_; }
    const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
    bool HasErrors() const;
    // The diagnostics, with a last line counting those not kept; the sink is left empty.
    std::vector<Diagnostic> Take();

    // A file can hold thousands of problems (e.g. one list aliased a thousand times); the first
    // ones say enough and keep the output and the time to report them bounded.
    static constexpr std::size_t kMaxDiagnostics = 100;

  private:
    std::string file_;
    std::string prefix_;
    std::set<std::string> focus_;
    std::vector<Diagnostic> diagnostics_;
    std::size_t reported_ = 0;
    std::size_t dropped_ = 0;
    bool dropped_error_ = false;
};

// A message made safe for one terminal line: control characters and invalid UTF-8 escaped
// (\n, \x07, \u0085), quoted values longer than a few dozen characters cut with "...", and the
// whole at most max_bytes bytes.
std::string CleanMessage(std::string_view message, std::size_t max_bytes);

// Devices in the whole fleet (each class is also limited by fleet.<class>.count's range). A run's
// memory is checked against the machine separately (resource_budget.h).
inline constexpr std::int64_t kMaxTotalDevices = 10'000'000;

// Defaults for every key, list entries included; derived defaults not yet filled in.
Scenario BaseDefaults();

struct YamlShape;
// Reads the YAML document into s (which holds defaults), recording origins and errors; `shape`
// (from ScanYaml) places errors inside aliased nodes at the alias.
void ReadDocument(const YAML::Node& root, Scenario& s, DiagnosticSink& sink,
                  const YamlShape& shape);

// Resolves a dotted key ("fleet.phones.count", "fleet.0.count") against s.
struct ResolvedKey
{
    const Knob* knob = nullptr;
    Indices indices{};
    std::string concrete; // with indices: "fleet.0.count"
    bool appends = false; // the key names list entry == size: a new entry is to be appended
    std::string error;    // non-empty on failure
};
ResolvedKey ResolveKey(const Scenario& s, std::string_view dotted);

// Applies one "KEY=VALUE" override; errors are reported at `origin`. Returns the concrete key
// set ("fleet.0.count"), empty on error.
std::string ApplyOverride(Scenario& s, std::string_view text, const KeyOrigin& origin,
                          DiagnosticSink& sink);
// The canonical value text of concrete key `key` in s (FormatKnobValue of what it holds).
std::string CanonicalValue(const Scenario& s, std::string_view key);
// Sets a key from value text; returns the concrete key, or empty (after reporting) on error.
std::string SetKey(Scenario& s, std::string_view dotted, std::string_view value,
                   const KeyOrigin& origin, DiagnosticSink& sink);

// Fills derived defaults (names, honest fraction, malicious TA) for keys not given explicitly.
void FillDerivedNames(Scenario& s);
void FinalizeDerived(Scenario& s);
// Cross-key consistency checks (errors, and optionally no-effect warnings).
void CheckConsistency(const Scenario& s, DiagnosticSink& sink, bool with_warnings = true);
// Expands the sweep into runs (build_runs) or only validates its points; errors go to sink.
std::vector<SweepRun> ExpandPoints(const Scenario& base, DiagnosticSink& sink, bool build_runs);
// Validates the sweep declaration and every point it expands to, one point at a time.
void CheckSweep(const Scenario& s, DiagnosticSink& sink);
// Runs (points x replications) of a valid scenario's sweep, without expanding it.
std::size_t CountSweepRuns(const Scenario& s);

} // namespace teepsim::sim::detail
