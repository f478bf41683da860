// `teepsim sweep --list` and `--dry-run`: the runs, one line each, built one at a time so that
// a sweep of any size lists in constant memory.
#include <filesystem>
#include <ostream>

#include "sim/sweep/sweep_steps.h"

namespace teepsim::cli::sweep
{

std::string ShellQuote(const std::string& word)
{
    const bool safe =
        !word.empty() && word.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                "abcdefghijklmnopqrstuvwxyz"
                                                "0123456789_@%+=:,./-") == std::string::npos;
    if (safe)
    {
        return word;
    }
    std::string quoted = "'";
    for (char c : word)
    {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

namespace
{
std::string Replace(std::string text, const std::string& from, const std::string& to)
{
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    {
        text.replace(at, from.size(), to);
    }
    return text;
}
} // namespace

void ListRuns(const SweepArgs& a, const SweepPlanned& planned, std::ostream& out)
{
    // The prefix every command shares: absolute paths, so that a batch job finds both files
    // whatever its working directory.
    std::string prefix = ShellQuote(SelfExe()) + " sweep " +
                         ShellQuote(std::filesystem::absolute(a.file).lexically_normal().string());
    for (const std::string& o : a.overrides)
    {
        prefix += " --set " + ShellQuote(o);
    }
    if (a.force)
    {
        prefix += " --force";
    }
    if (a.journal != Journal::Auto)
    {
        prefix += " --journal " + a.journalText;
    }
    ForEachSelected(a, planned.plan.size(),
                    [&](std::size_t i)
                    {
                        const std::string index = std::to_string(i);
                        out << index << '\t' << planned.plan.Key(i) << '\t' << prefix << " --index "
                            << index << " --out " << ShellQuote(Replace(a.out, "{index}", index))
                            << '\n';
                    });
    out << std::flush;
}

void DryRun(const SweepArgs& a, const SweepPlanned& planned, std::ostream& out)
{
    std::size_t n = 0;
    ForEachSelected(a, planned.plan.size(),
                    [&](std::size_t i)
                    {
                        const sim::SweepRun r = planned.plan.Run(i);
                        out << r.key << "  (seed " << r.scenario.seed << ", run " << r.scenario.run
                            << ")\n";
                        ++n;
                    });
    out << n << " runs\n" << std::flush;
}

} // namespace teepsim::cli::sweep
