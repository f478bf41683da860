// teepsim command-line entry point: dispatches to subcommands.
#include <cstdio>
#include <cstring>

int main(int argc, char** argv)
{
    std::fprintf(stderr, "usage: teepsim run|sweep|validate|analytic|decode ...\n");
    return 2;
}
