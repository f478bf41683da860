// teepsim command-line entry point: see sim/cli/top_level.cc.
#include "teepsim/sim/cli.h"

#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv)
{
    return teepsim::cli::Main(std::vector<std::string>(argv + 1, argv + argc), std::cin, std::cout,
                              std::cerr);
}
