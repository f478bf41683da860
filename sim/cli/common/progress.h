// Progress of a long-running command on stderr, by --progress mode: a redrawn line on a
// terminal, plain timestamped lines every N wall seconds (for logs and CI), or nothing.
#pragma once

#include <iosfwd>
#include <string>

#include "sim/cli/common/command_line.h"

namespace teepsim::cli
{

enum class ProgressStyle
{
    None,
    Redraw, // "\r\033[K" + text, redrawn in place
    Plain,  // "2026-01-02T03:04:05Z teepsim run: text\n" every interval
};

/// The style `options` asks for: never (or quiet) -> None; always -> Plain; auto -> Redraw when
/// stderr is a terminal, else Plain.
ProgressStyle ResolveProgressStyle(const ProgressOptions& options, bool quiet, bool stderrIsTty);

/// "2026-01-02T03:04:05Z", the current UTC wall time.
std::string UtcTimestamp();

/// "ETA 1h 02m", "ETA 45 s", or "ETA ?" when unknown (negative).
std::string FormatEta(double seconds);

class ProgressPrinter
{
  public:
    /// `who` names the command in plain lines ("teepsim run").
    ProgressPrinter(std::ostream& err, ProgressStyle style, double intervalSeconds,
                    std::string who);
    /// Shows `text` (one line, no newline) at `wallSeconds` since the start: redrawn at once,
    /// or as a plain line when `intervalSeconds` have passed since the last one (or the start).
    void Update(double wallSeconds, const std::string& text);
    /// The end of the work: a plain line whatever the interval (logs show where it ended); a
    /// redrawn line is removed.
    void Finish(double wallSeconds, const std::string& text);
    /// Removes a redrawn line (before other output, or at the end); a no-op otherwise.
    void Clear();
    ProgressStyle style() const { return m_style; }

  private:
    std::ostream& m_err;
    ProgressStyle m_style;
    double m_interval;
    std::string m_who;
    double m_lastPlain = 0;
    bool m_drawn = false;
};

} // namespace teepsim::cli
