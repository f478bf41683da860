// The shared command-line layer: CLI11 configured once, its errors reworded to one line each.
#include "sim/cli/common/command_line.h"

#include <algorithm>
#include <charconv>
#include <ostream>
#include <sstream>

namespace teepsim::cli
{

namespace
{
constexpr size_t kHelpWidth = 100;
constexpr size_t kNameColumn = 30;

// CLI11's messages are "NAME: what"; ours read "NAME what".
std::string Reword(const CLI::ParseError& e)
{
    std::string m = e.what();
    std::replace(m.begin(), m.end(), '\n', ' ');
    const auto colon = m.find(": ");
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) && colon != std::string::npos &&
        m.find(" missing", colon) != std::string::npos)
    {
        return m.substr(0, colon) + " needs a value";
    }
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) &&
        m.find("Expected at most") != std::string::npos)
    {
        const auto to = m.find(" to ");
        const auto comma = m.find(',', to);
        if (to != std::string::npos && comma != std::string::npos)
        {
            return m.substr(to + 4, comma - to - 4) + " given more than once";
        }
    }
    if (dynamic_cast<const CLI::ValidationError*>(&e) && colon != std::string::npos)
    {
        return m.substr(0, colon) + " " + m.substr(colon + 2);
    }
    return m;
}

std::string OptionNames(const CLI::Option& o)
{
    std::string names;
    for (const std::string& s : o.get_snames())
    {
        names += (names.empty() ? "-" : ", -") + s;
    }
    for (const std::string& l : o.get_lnames())
    {
        names += (names.empty() ? "--" : ", --") + l;
    }
    if (o.get_type_size_max() > 0 && !o.get_type_name().empty())
    {
        names += " " + o.get_type_name();
    }
    return names;
}
} // namespace

std::string UsageLine(const std::string& command, const std::string& reason)
{
    const std::string who = command.empty() ? "teepsim" : "teepsim " + command;
    return who + ": " + reason + " (see " + who + " --help)";
}

std::string Wrap(const std::string& text, size_t width, size_t indent)
{
    std::string out, line;
    std::istringstream words(text);
    std::string w;
    while (words >> w)
    {
        if (!line.empty() && indent + line.size() + 1 + w.size() > width)
        {
            out += line + "\n" + std::string(indent, ' ');
            line.clear();
        }
        line += (line.empty() ? "" : " ") + w;
    }
    return out + line;
}

CommandLine::CommandLine(std::string command, std::string synopsis, std::string description)
    : m_command(std::move(command)), m_synopsis(std::move(synopsis)),
      m_description(std::move(description)), m_app(m_description, "teepsim " + m_command)
{
    // Our own -h/--help flag: CLI11's would throw before we could print our layout.
    m_app.set_help_flag();
    m_app.add_flag("-h,--help", m_help, "print this help and exit");
    // Unknown options are collected and reported by Parse() in our wording.
    m_app.allow_extras();
    // A value option given twice: the last one counts (repeatable ones say take_all()).
    m_app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

void CommandLine::Positionals(const std::string& name, const std::string& meaning,
                              std::vector<std::string>& into, size_t max)
{
    m_app.add_option(name, into, meaning)->type_name("");
    m_positionals.push_back({name, &into, max});
}

CLI::Option* CommandLine::AddSet(std::vector<std::string>& overrides)
{
    CLI::Validator keyValue(
        [](std::string& v) -> std::string
        { return v.find('=') == std::string::npos ? "needs KEY=VALUE, got '" + v + "'" : ""; },
        ""); // no description: CLI11 would append it to the value's name
    return m_app
        .add_option("--set", overrides,
                    "override one scenario knob by its dotted key, e.g. --set "
                    "verifier.validity=2h (repeatable; `teepsim run --help` lists the keys)")
        ->type_name("KEY=VALUE")
        ->check(keyValue)
        ->expected(1) // one value per --set: `--set k=v FILE` leaves FILE positional
        ->allow_extra_args(false)
        ->take_all();
}

CLI::Option* CommandLine::AddQuiet(bool& quiet, const std::string& meaning)
{
    return m_app.add_flag("-q,--quiet", quiet, meaning);
}

CLI::Option* CommandLine::AddForce(bool& force)
{
    return m_app.add_flag("--force", force,
                          "run even when the estimated memory of the deployment exceeds the "
                          "available memory");
}

void CommandLine::AddProgress(ProgressOptions& progress)
{
    CLI::Validator mode(
        [&progress](std::string& v) -> std::string
        {
            if (v == "auto")
                progress.mode = ProgressMode::Auto;
            else if (v == "always")
                progress.mode = ProgressMode::Always;
            else if (v == "never")
                progress.mode = ProgressMode::Never;
            else
                return "needs auto, always or never, got '" + v + "'";
            return "";
        },
        "");
    m_app
        .add_option_function<std::string>(
            "--progress", [](const std::string&) {},
            "progress on stderr: auto = a redrawn line on a terminal, else like always; always = "
            "a timestamped line every --progress-interval seconds; never = none")
        ->type_name("auto|always|never")
        ->default_str("auto")
        ->check(mode);
    m_app
        .add_option("--progress-interval", progress.intervalSeconds,
                    "wall seconds between two timestamped progress lines (0: as often as "
                    "progress is known, about once a second)")
        ->type_name("SECONDS")
        ->default_str("30")
        ->check(NonNegativeSeconds());
}

std::optional<int> CommandLine::Parse(const std::vector<std::string>& args, std::ostream& out,
                                      std::ostream& err)
{
    // CLI11 takes the arguments in reverse order.
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    try
    {
        m_app.parse(reversed);
    }
    catch (const CLI::ParseError& e)
    {
        if (m_help)
        {
            out << Help();
            return 0;
        }
        return UsageError(err, Reword(e));
    }
    if (m_help)
    {
        out << Help();
        return 0;
    }
    const std::vector<std::string> extras = m_app.remaining();
    if (!extras.empty())
    {
        const std::string& x = extras.front();
        return UsageError(
            err,
            (x.size() > 1 && x[0] == '-' ? "unknown option '" : "unexpected argument '") + x + "'");
    }
    for (const PositionalSpec& p : m_positionals)
    {
        if (p.into->size() > p.max)
        {
            std::string list;
            for (const std::string& v : *p.into)
            {
                list += (list.empty() ? "'" : ", '") + v + "'";
            }
            return UsageError(err, "more than one " + p.name + " given (" + list + ")");
        }
    }
    return std::nullopt;
}

int CommandLine::UsageError(std::ostream& err, const std::string& reason) const
{
    err << UsageLine(m_command, reason) << "\n";
    return kExitUsage;
}

std::string CommandLine::Help() const
{
    std::ostringstream h;
    h << "usage: teepsim " << m_command << " " << m_synopsis << "\n\n"
      << Wrap(m_description, kHelpWidth, 0) << "\n";
    auto section = [&](const char* title, bool positional)
    {
        bool first = true;
        for (const CLI::Option* o : m_app.get_options())
        {
            if (o->get_group().empty() || o->get_positional() != positional)
            {
                continue; // hidden (group "") or the other kind
            }
            if (first)
            {
                h << "\n" << title << ":\n";
                first = false;
            }
            std::string name = "  " + (positional ? o->get_name() : OptionNames(*o));
            std::string text = o->get_description();
            if (!o->get_default_str().empty())
            {
                text += " (default: " + o->get_default_str() + ")";
            }
            name += name.size() + 2 <= kNameColumn ? std::string(kNameColumn - name.size(), ' ')
                                                   : "\n" + std::string(kNameColumn, ' ');
            h << name << Wrap(text, kHelpWidth, kNameColumn) << "\n";
        }
    };
    section("arguments", true);
    section("options", false);
    if (!m_footer.empty())
    {
        h << "\n" << m_footer;
        if (m_footer.back() != '\n')
        {
            h << "\n";
        }
    }
    return h.str();
}

CLI::Validator IntegerIn(uint64_t min, uint64_t max)
{
    return CLI::Validator(
        [min, max](std::string& v) -> std::string
        {
            uint64_t n = 0;
            const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (v.empty() || ec != std::errc() || end != v.data() + v.size() || n < min || n > max)
            {
                return "needs an integer from " + std::to_string(min) + " to " +
                       std::to_string(max) + ", got '" + v + "'";
            }
            return "";
        },
        "");
}

CLI::Validator NonNegativeSeconds()
{
    return CLI::Validator(
        [](std::string& v) -> std::string
        {
            double x = -1;
            const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
            if (v.empty() || ec != std::errc() || end != v.data() + v.size() || !(x >= 0) ||
                x > 1e9)
            {
                return "needs a number of seconds >= 0, got '" + v + "'";
            }
            return "";
        },
        "");
}

} // namespace teepsim::cli
