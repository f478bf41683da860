// Loading a scenario: defaults, the YAML document, overrides, derived values, checks, hash.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include "sim/scenario/load_context.h"
#include "sim/scenario/yaml_scan.h"

namespace teepsim::sim
{

std::int64_t Scenario::TotalDevices() const
{
    std::int64_t n = 0;
    for (const DeviceClass& c : fleet)
    {
        n += c.count;
    }
    return n;
}

const TrustedApp* Scenario::FindTa(std::string_view ta_name) const
{
    for (const TrustedApp& ta : catalogue)
    {
        if (ta.name == ta_name)
        {
            return &ta;
        }
    }
    return nullptr;
}

namespace detail
{

Scenario BaseDefaults()
{
    Scenario s;
    for (const Knob& k : Knobs())
    {
        if (k.key.find('*') != std::string_view::npos || k.derived_default)
        {
            continue; // list entries get their defaults when the entry is created
        }
        if (k.kind == KnobKind::List)
        {
            ResizeList(s, k, Indices{}, k.default_count);
        }
        else if (k.IsScalar())
        {
            auto v = ParseKnobValue(k, DefaultValueText(k));
            if (v) // every default parses (tested); a broken row must not crash the loader
            {
                k.set(s, Indices{}, v.value());
            }
        }
    }
    return s;
}

} // namespace detail

Scenario DefaultScenario()
{
    Scenario s = detail::BaseDefaults();
    s.source.path = "<defaults>";
    detail::FinalizeDerived(s);
    s.source.hash = ScenarioHash("", {});
    return s;
}

std::string ScenarioHash(std::string_view file_bytes, const std::vector<std::string>& overrides)
{
    std::string data(file_bytes);
    for (const std::string& o : overrides)
    {
        data.push_back('\0');
        data += o;
    }
    return detail::Sha256Hex(data);
}

LoadResult LoadScenarioText(std::string_view text, const std::string& path,
                            const std::vector<std::string>& overrides)
{
    using namespace detail;
    DiagnosticSink sink(path);
    Scenario s = BaseDefaults();
    s.source.path = path;
    s.source.text = std::string(text);
    s.source.overrides = overrides;
    s.source.hash = ScenarioHash(text, overrides);

    // Bytes, document count, depth, aliases and quoting first: yaml-cpp accepts some of these
    // silently. The document is built only when they pass.
    YAML::Node root;
    YamlShape shape;
    bool parsed = ScanYaml(text, sink, shape);
    if (parsed)
    {
        try
        {
            root = YAML::Load(s.source.text);
        }
        catch (const YAML::Exception& e)
        {
            // yaml-cpp marks are 0-based; -1 when it has no position.
            KeyOrigin at{.line = e.mark.line >= 0 ? e.mark.line + 1 : 0,
                         .column = e.mark.column >= 0 ? e.mark.column + 1 : 0,
                         .override_text = {}};
            sink.Error(at, fmt::format("YAML syntax: {}",
                                       ExplainYamlError(text, at.line, at.column, e.msg)));
            parsed = false;
        }
    }
    if (parsed)
    {
        ReadDocument(root, s, sink, shape);
    }
    FillDerivedNames(s);
    for (const std::string& o : overrides)
    {
        const std::string key =
            ApplyOverride(s, o, KeyOrigin{.line = 0, .column = 0, .override_text = o}, sink);
        if (!key.empty())
        {
            s.source.applied[key] = CanonicalValue(s, key);
        }
    }
    s.source.hash = ScenarioHash(text, CanonicalOverrides(s.source));
    FinalizeDerived(s);
    if (parsed)
    {
        CheckConsistency(s, sink);
        CheckSweep(s, sink);
    }
    // File positions in reading order, then overrides (in the order given), then the rest.
    std::vector<Diagnostic> diagnostics = sink.Take();
    std::stable_sort(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& a, const Diagnostic& b)
                     {
                         auto rank = [](const Diagnostic& d)
                         { return d.line > 0 ? 0 : (!d.override_text.empty() ? 1 : 2); };
                         return std::tuple(rank(a), a.line, a.column) <
                                std::tuple(rank(b), b.line, b.column);
                     });
    return LoadResult{.scenario = std::move(s), .diagnostics = std::move(diagnostics)};
}

LoadResult LoadScenario(const std::string& path, const std::vector<std::string>& overrides)
{
    auto fail = [&](std::string message)
    {
        detail::DiagnosticSink sink(path);
        sink.Error(KeyOrigin{}, std::move(message));
        return LoadResult{.scenario = DefaultScenario(), .diagnostics = sink.Take()};
    };
    std::error_code ec;
    std::ifstream in(path, std::ios::binary);
    if (!in || !std::filesystem::is_regular_file(path, ec))
    {
        return fail("cannot read the scenario file");
    }
    // Refuse a huge file before reading it into memory.
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (!ec && size > detail::kMaxScenarioFileBytes)
    {
        return fail(fmt::format("the file has {} bytes; scenario files are limited to {} MiB", size,
                                detail::kMaxScenarioFileBytes >> 20));
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return LoadScenarioText(bytes.str(), path, overrides);
}

} // namespace teepsim::sim
