// Progress lines shared by `teepsim run` and `teepsim sweep`.
#include "sim/cli/common/progress.h"

#include <cmath>
#include <ctime>
#include <ostream>

namespace teepsim::cli
{

ProgressStyle ResolveProgressStyle(const ProgressOptions& options, bool quiet, bool stderrIsTty)
{
    if (quiet || options.mode == ProgressMode::Never)
    {
        return ProgressStyle::None;
    }
    if (options.mode == ProgressMode::Always)
    {
        return ProgressStyle::Plain;
    }
    return stderrIsTty ? ProgressStyle::Redraw : ProgressStyle::Plain;
}

std::string UtcTimestamp()
{
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string FormatEta(double seconds)
{
    if (!(seconds >= 0) || !std::isfinite(seconds))
    {
        return "ETA ?";
    }
    const long s = std::lround(seconds);
    if (s < 120)
    {
        return "ETA " + std::to_string(s) + " s";
    }
    const long m = (s + 30) / 60;
    if (m < 120)
    {
        return "ETA " + std::to_string(m) + " min";
    }
    const long h = m / 60, rest = m % 60;
    return "ETA " + std::to_string(h) + "h " + (rest < 10 ? "0" : "") + std::to_string(rest) + "m";
}

ProgressPrinter::ProgressPrinter(std::ostream& err, ProgressStyle style, double intervalSeconds,
                                 std::string who)
    : m_err(err), m_style(style), m_interval(intervalSeconds), m_who(std::move(who))
{
}

void ProgressPrinter::Update(double wallSeconds, const std::string& text)
{
    if (m_style == ProgressStyle::Redraw)
    {
        m_err << "\r\033[K" << text << std::flush;
        m_drawn = true;
    }
    else if (m_style == ProgressStyle::Plain && wallSeconds - m_lastPlain >= m_interval)
    {
        m_lastPlain = wallSeconds;
        m_err << UtcTimestamp() << " " << m_who << ": " << text << "\n" << std::flush;
    }
}

void ProgressPrinter::Finish(double wallSeconds, const std::string& text)
{
    if (m_style == ProgressStyle::Plain)
    {
        m_lastPlain = wallSeconds - m_interval; // due now
        Update(wallSeconds, text);
    }
    Clear();
}

void ProgressPrinter::Clear()
{
    if (m_drawn)
    {
        m_err << "\r\033[K" << std::flush;
        m_drawn = false;
    }
}

} // namespace teepsim::cli
