// teepsim command-line entry point: dispatches to the subcommands.
#include "teepsim/sim/cli.h"

#include <iostream>
#include <string>
#include <vector>

namespace
{
constexpr const char* kUsage =
    "usage: teepsim <command> [options]\n"
    "\n"
    "commands:\n"
    "  run FILE [--out DB] [--seed N] [--run N] [--set KEY=VALUE]... [--quiet]\n"
    "                      simulate a scenario and write its results to SQLite\n"
    "  sweep FILE --out DB [--jobs N] [--dry-run] [--set KEY=VALUE]...\n"
    "                      run every point x replication of the scenario's sweep\n"
    "  validate FILE [--set KEY=VALUE]...   check a scenario file, run nothing\n"
    "  analytic FILE [--set KEY=VALUE]...   print the closed-form predictions\n"
    "  decode [--profile draft26|legacy] [--key PATH]... [--kek PATH] [--hex] FILE|-\n"
    "                      print and verify a TEEP/COSE/SUIT/EAT CBOR structure\n"
    "\n"
    "`teepsim <command> --help` lists the options of one command.\n";
} // namespace

int main(int argc, char** argv)
{
    if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")
    {
        (argc < 2 ? std::cerr : std::cout) << kUsage;
        return argc < 2 ? 2 : 0;
    }
    const std::string command = argv[1];
    const std::vector<std::string> args(argv + 2, argv + argc);
    return teepsim::cli::Dispatch(command, args, std::cin, std::cout, std::cerr);
}
