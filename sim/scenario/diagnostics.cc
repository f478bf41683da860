// Diagnostics: collection, placement and the FILE:LINE:COL text form.
#include <fmt/format.h>

#include <algorithm>

#include "sim/scenario/load_context.h"

namespace teepsim::sim
{
namespace
{

// Every diagnostic is one line shorter than this (path and message included).
constexpr std::size_t kMaxLineBytes = 299;
// Stored messages are cut here already, so that a huge value is never copied around.
constexpr std::size_t kMaxMessageBytes = 240;
// A quoted value ('...') longer than this is cut to kQuotedKeep bytes and "...".
constexpr std::size_t kMaxQuoted = 60;
constexpr std::size_t kQuotedKeep = 40;

// Length of the valid UTF-8 sequence at s[i], 0 if invalid; its code point in cp.
std::size_t Utf8At(std::string_view s, std::size_t i, char32_t& cp)
{
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b0 = b(i);
    if (b0 < 0x80)
    {
        cp = b0;
        return 1;
    }
    const std::size_t n = b0 >= 0xF0 && b0 <= 0xF4 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC2 ? 2 : 0;
    if (n == 0 || b0 > 0xF4 || i + n > s.size())
    {
        return 0;
    }
    cp = b0 & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
    for (std::size_t k = 1; k < n; ++k)
    {
        if ((b(i + k) & 0xC0) != 0x80)
        {
            return 0;
        }
        cp = (cp << 6) | (b(i + k) & 0x3F);
    }
    const char32_t min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
    return cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ? 0 : n;
}

// Escapes what a terminal would not show on one line; keeps other UTF-8 as is.
std::string Escape(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();)
    {
        char32_t cp = 0;
        const std::size_t n = Utf8At(s, i, cp);
        if (n == 0)
        {
            out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[i]));
            i += 1;
            continue;
        }
        if (cp == '\n' || cp == '\r' || cp == '\t')
        {
            out += cp == '\n' ? "\\n" : cp == '\r' ? "\\r" : "\\t";
        }
        else if (cp < 0x20 || cp == 0x7F)
        {
            out += fmt::format("\\x{:02x}", static_cast<unsigned>(cp));
        }
        else if ((cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF)
        {
            out += fmt::format("\\u{:04x}", static_cast<unsigned>(cp));
        }
        else
        {
            out.append(s.substr(i, n));
        }
        i += n;
    }
    return out;
}

// Cuts s to at most max bytes on a UTF-8 boundary, ending with "..." when cut.
std::string Cut(std::string s, std::size_t max)
{
    if (s.size() <= max)
    {
        return s;
    }
    std::size_t keep = max >= 3 ? max - 3 : 0;
    while (keep > 0 && (static_cast<unsigned char>(s[keep]) & 0xC0) == 0x80)
    {
        --keep; // do not split a multi-byte character
    }
    s.resize(keep);
    return s + "...";
}

// Shortens every '...'-quoted run longer than kMaxQuoted (values echoed back) in raw text.
std::string CutQuoted(std::string_view s)
{
    std::string out;
    std::size_t i = 0;
    while (i < s.size())
    {
        const std::size_t open = s.find('\'', i);
        if (open == std::string_view::npos)
        {
            out.append(s.substr(i));
            break;
        }
        out.append(s.substr(i, open + 1 - i));
        std::size_t close = s.find('\'', open + 1);
        if (close == std::string_view::npos)
        {
            out.append(s.substr(open + 1)); // an apostrophe, not a quoted value
            break;
        }
        std::string_view inner = s.substr(open + 1, close - open - 1);
        out += inner.size() > kMaxQuoted
                   ? Cut(std::string(inner.substr(0, kQuotedKeep + 8)), kQuotedKeep)
                   : std::string(inner);
        if (close < s.size())
        {
            out += '\'';
        }
        i = close + 1;
    }
    return out;
}

} // namespace

std::string Diagnostic::ToString() const
{
    std::string_view level = severity == Severity::Error ? "error" : "warning";
    std::string prefix;
    if (!override_text.empty())
    {
        prefix = fmt::format("--set {}: {}: ", detail::CleanMessage(override_text, 100), level);
    }
    else if (file.empty())
    {
        prefix = fmt::format("{}: ", level);
    }
    else
    {
        // A very long path keeps its end (the file name) so the message still fits.
        std::string path = Escape(file);
        if (path.size() > 160)
        {
            std::size_t from = path.size() - 157;
            while (from < path.size() && (static_cast<unsigned char>(path[from]) & 0xC0) == 0x80)
            {
                ++from;
            }
            path = "..." + path.substr(from);
        }
        prefix = line > 0 ? fmt::format("{}:{}:{}: {}: ", path, line, column, level)
                          : fmt::format("{}: {}: ", path, level);
    }
    return prefix + detail::CleanMessage(message, kMaxLineBytes - prefix.size());
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

std::string CleanMessage(std::string_view message, std::size_t max_bytes)
{
    // Quoted values first (linear, keeps only their heads), then at most a few KiB are escaped.
    std::string shortened = CutQuoted(message);
    if (shortened.size() > 4096)
    {
        shortened.resize(4096);
    }
    return Cut(Escape(shortened), max_bytes);
}

void DiagnosticSink::Report(Severity severity, const KeyOrigin& at, std::string message)
{
    Diagnostic d{.severity = severity,
                 .file = at.override_text.empty() ? file_ : std::string(),
                 .line = at.line,
                 .column = at.column,
                 .override_text = at.override_text,
                 .message = CleanMessage(prefix_ + message, kMaxMessageBytes)};
    // Sweep points repeat the same problem; say it once per place.
    for (const Diagnostic& e : diagnostics_)
    {
        if (e.severity == d.severity && e.line == d.line && e.column == d.column &&
            e.override_text == d.override_text && e.message == d.message)
        {
            return;
        }
    }
    ++reported_;
    if (diagnostics_.size() >= kMaxDiagnostics)
    {
        ++dropped_;
        dropped_error_ = dropped_error_ || severity == Severity::Error;
        return;
    }
    diagnostics_.push_back(std::move(d));
}

std::vector<Diagnostic> DiagnosticSink::Take()
{
    std::vector<Diagnostic> out = std::move(diagnostics_);
    diagnostics_.clear();
    if (dropped_ > 0)
    {
        out.push_back(Diagnostic{.severity = dropped_error_ ? Severity::Error : Severity::Warning,
                                 .file = file_,
                                 .line = 0,
                                 .column = 0,
                                 .override_text = {},
                                 .message = fmt::format("{} more problem{} not shown (only the "
                                                        "first {} are listed)",
                                                        dropped_, dropped_ == 1 ? "" : "s",
                                                        kMaxDiagnostics)});
    }
    dropped_ = 0;
    dropped_error_ = false;
    return out;
}

void DiagnosticSink::ErrorAtKeys(const Scenario& s, const std::vector<std::string>& keys,
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
    return dropped_error_ ||
           std::any_of(diagnostics_.begin(), diagnostics_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

} // namespace detail
} // namespace teepsim::sim
