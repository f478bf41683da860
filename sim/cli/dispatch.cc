// Subcommand dispatch for the teepsim binary.
#include "teepsim/sim/cli.h"
#include "teepsim/sim/decode.h"
#include "teepsim/sim/scenario.h"

#include <ostream>

#include "sim/cli/common/command_line.h"

namespace teepsim::cli
{

int Dispatch(const std::string& command, const std::vector<std::string>& args, std::istream& in,
             std::ostream& out, std::ostream& err)
{
    if (command == "run")
    {
        return RunCommand(args, out, err);
    }
    if (command == "sweep")
    {
        return SweepCommand(args, out, err);
    }
    if (command == "merge")
    {
        return MergeCommand(args, out, err);
    }
    if (command == "validate")
    {
        return sim::ValidateCommand(args, out, err);
    }
    if (command == "analytic")
    {
        return AnalyticCommand(args, out, err);
    }
    if (command == "decode")
    {
        return decode::RunDecode(args, in, out, err);
    }
    err << UsageLine("", "unknown command '" + command + "'") << "\n";
    return kExitUsage;
}

} // namespace teepsim::cli
