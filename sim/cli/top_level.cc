// `teepsim [--help | --version | <command> [options]]`: the top level, which only names the
// subcommands; every subcommand parses its own options with the shared layer
// (sim/cli/common/command_line.h).
#include "teepsim/sim/cli.h"

#include <algorithm>
#include <ostream>

#include "sim/cli/common/command_line.h"

namespace teepsim::cli
{

const char* GitCommit(); // generated at build time (sim/cli/git_commit.cmake)

namespace
{
struct CommandInfo
{
    const char* name;
    const char* synopsis;
    const char* summary;
};

constexpr CommandInfo kCommands[] = {
    {"run", "FILE [options]",
     "simulate a scenario, compare with theory, add the run to a SQLite database"},
    {"sweep", "FILE --out DB [options]",
     "run every point x replication of the scenario's sweep, N processes at a time"},
    {"merge", "OUT.db SHARD.db...",
     "merge the shard databases of a sweep, de-duplicated; list the runs still missing"},
    {"validate", "FILE [options]", "check a scenario file and its overrides; run nothing"},
    {"analytic", "FILE [options]", "print the closed-form predictions for a scenario"},
    {"decode", "[options] FILE|-", "print and verify a TEEP/COSE/SUIT/EAT CBOR structure"},
    {"report", "DB... -o DIR [options]", "one self-contained HTML report per results database"},
};

std::string TopLevelHelp()
{
    std::string h = "usage: teepsim <command> [options]\n"
                    "       teepsim --help | --version\n"
                    "\n"
                    "Discrete-event simulator of TEEP deployments (ns-3).\n"
                    "\n"
                    "commands:\n";
    for (const CommandInfo& c : kCommands)
    {
        std::string line = std::string("  ") + c.name + " " + c.synopsis;
        line.resize(std::max<size_t>(line.size() + 2, 36), ' ');
        h += line + c.summary + "\n";
    }
    h += "\n"
         "options:\n"
         "  -h, --help                        print this help and exit\n"
         "  --version                         print the version and the git commit, and exit\n"
         "\n"
         "`teepsim <command> --help` lists every option of one command.\n";
    return h;
}
} // namespace

std::string VersionLine()
{
    return std::string("teepsim ") + TEEPSIM_VERSION + " (commit " + GitCommit() + ")";
}

int Main(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
         std::ostream& err)
{
    if (args.empty())
    {
        err << TopLevelHelp();
        return kExitUsage;
    }
    const std::string& first = args.front();
    if (first == "-h" || first == "--help")
    {
        out << TopLevelHelp();
        return 0;
    }
    if (first == "--version")
    {
        if (args.size() > 1)
        {
            err << UsageLine("", "unexpected argument '" + args[1] + "' after --version") << "\n";
            return kExitUsage;
        }
        out << VersionLine() << "\n";
        return 0;
    }
    if (first.size() > 1 && first[0] == '-')
    {
        err << UsageLine("", "unknown option '" + first + "'") << "\n";
        return kExitUsage;
    }
    return Dispatch(first, std::vector<std::string>(args.begin() + 1, args.end()), in, out, err);
}

} // namespace teepsim::cli
