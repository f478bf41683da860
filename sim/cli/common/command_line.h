// One command-line layer for every `teepsim` subcommand (CLI11 underneath): GNU-style options
// (`--opt value` and `--opt=value`), `-h/--help` listing every option with its meaning and
// default, and usage errors as ONE line `teepsim CMD: REASON (see teepsim CMD --help)` with exit
// code 2, worded the same in every subcommand. Needs no ns-3 (the decode command uses it in the
// codec-only build).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace teepsim::cli
{

/// Exit code of every usage or input error.
constexpr int kExitUsage = 2;

/// How a long-running command reports progress on stderr.
enum class ProgressMode
{
    Auto,   // redrawn line on a terminal, plain timestamped lines otherwise
    Always, // plain timestamped lines
    Never,  // nothing
};

struct ProgressOptions
{
    ProgressMode mode = ProgressMode::Auto;
    double intervalSeconds = 30; // between two plain lines
};

/// The command line of one subcommand. Declare options on app() (or with the helpers below,
/// which every subcommand shares so that they read and fail alike), then Parse().
class CommandLine
{
  public:
    /// `command` is the subcommand name ("run"); `synopsis` what follows it in the usage line
    /// ("FILE [options]"); `description` one paragraph printed under the usage line.
    CommandLine(std::string command, std::string synopsis, std::string description);

    CLI::App& app() { return m_app; }
    const std::string& command() const { return m_command; }

    /// Positional arguments named `name` (e.g. FILE); Parse() accepts at most `max` of them.
    void Positionals(const std::string& name, const std::string& meaning,
                     std::vector<std::string>& into, size_t max = 1);
    /// `--set KEY=VALUE`, repeatable; a value without '=' is a usage error.
    CLI::Option* AddSet(std::vector<std::string>& overrides);
    /// `-q/--quiet`.
    CLI::Option* AddQuiet(bool& quiet, const std::string& meaning);
    /// `--force`: run even when the deployment's estimated memory exceeds the available memory.
    CLI::Option* AddForce(bool& force);
    /// `--progress auto|always|never` and `--progress-interval SECONDS`.
    void AddProgress(ProgressOptions& progress);
    /// Text printed after the option list of --help.
    void SetFooter(std::string footer) { m_footer = std::move(footer); }

    /// Parses `args` (everything after the subcommand name). Returns an exit code when the
    /// command must stop now: 0 after printing --help on `out`, kExitUsage after printing one
    /// line on `err`; std::nullopt when the command should go on.
    std::optional<int> Parse(const std::vector<std::string>& args, std::ostream& out,
                             std::ostream& err);

    /// Prints a usage error found after parsing (one line) and returns kExitUsage.
    int UsageError(std::ostream& err, const std::string& reason) const;

    /// The --help text: usage, description, arguments, every visible option with its meaning
    /// and default, then the footer.
    std::string Help() const;

  private:
    std::string m_command, m_synopsis, m_description, m_footer;
    CLI::App m_app;
    struct PositionalSpec
    {
        std::string name;
        std::vector<std::string>* into;
        size_t max;
    };
    std::vector<PositionalSpec> m_positionals;
    bool m_help = false;
};

/// Validator: a decimal integer in [min, max]; the message names the range.
CLI::Validator IntegerIn(uint64_t min, uint64_t max);
/// Validator: a non-negative decimal number of seconds.
CLI::Validator NonNegativeSeconds();

/// `teepsim CMD: REASON (see teepsim CMD --help)` (CMD empty: the top level), one line.
std::string UsageLine(const std::string& command, const std::string& reason);
/// Word-wraps `text` to `width` columns, continuation lines indented by `indent` spaces.
std::string Wrap(const std::string& text, size_t width, size_t indent);

} // namespace teepsim::cli
