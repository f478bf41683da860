// The teepsim subcommands as library functions, so that tests run them in-process.
// Each takes the arguments after the subcommand name and returns the process exit code:
// 0 success, 1 a failed check (e.g. an invalid signature), 2 bad input or usage.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace teepsim::cli
{

/// The whole command line after the program name: --help, --version or a subcommand.
int Main(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
         std::ostream& err);
/// "teepsim VERSION (commit HASH)", the commit "unknown" when built outside a git checkout.
std::string VersionLine();

int Dispatch(const std::string& command, const std::vector<std::string>& args, std::istream& in,
             std::ostream& out, std::ostream& err);

int RunCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int AnalyticCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int SweepCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int MergeCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

} // namespace teepsim::cli
