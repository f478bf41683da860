// Small facts about the running process for the runs table.
#include "teepsim/sim/results.h"

#include <ctime>
#include <fstream>

namespace teepsim::results
{

std::string NowUtcIso8601()
{
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

int64_t PeakRssKib()
{
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
    {
        if (line.rfind("VmHWM:", 0) == 0)
        {
            return std::stoll(line.substr(6));
        }
    }
    return -1;
}

} // namespace teepsim::results
