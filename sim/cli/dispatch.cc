// Subcommand dispatch for the teepsim binary.
#include "teepsim/sim/cli.h"
#include "teepsim/sim/decode.h"
#include "teepsim/sim/scenario.h"

#include <ostream>

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
    err << "teepsim: unknown command '" << command << "' (see teepsim --help)\n";
    return 2;
}

} // namespace teepsim::cli
