// Did-you-mean suggestions for unknown keys and values (optimal string alignment distance).
#include <algorithm>
#include <vector>

#include "sim/scenario/knobs.h"

namespace teepsim::sim::detail
{
namespace
{

// Edit distance counting insertions, deletions, substitutions and adjacent transpositions, so
// that "validty" -> "validity" and "inetrval" -> "interval" are both one edit away.
std::size_t OsaDistance(std::string_view a, std::string_view b)
{
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::size_t> d((n + 1) * (m + 1));
    auto at = [m, &d](std::size_t i, std::size_t j) -> std::size_t& { return d[i * (m + 1) + j]; };
    for (std::size_t i = 0; i <= n; ++i)
    {
        at(i, 0) = i;
    }
    for (std::size_t j = 0; j <= m; ++j)
    {
        at(0, j) = j;
    }
    for (std::size_t i = 1; i <= n; ++i)
    {
        for (std::size_t j = 1; j <= m; ++j)
        {
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
            {
                at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
            }
        }
    }
    return at(n, m);
}

} // namespace

std::string_view ClosestMatch(std::string_view word, std::span<const std::string_view> candidates)
{
    // Close enough: at most a third of the word's letters wrong (at least one edit allowed).
    const std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
    std::string_view best;
    std::size_t best_distance = limit + 1;
    for (std::string_view c : candidates)
    {
        // The distance is at least the length difference: skip the quadratic table (a huge
        // unknown key would otherwise cost its length x the candidate's in memory and time).
        const std::size_t diff =
            word.size() > c.size() ? word.size() - c.size() : c.size() - word.size();
        if (diff >= best_distance)
        {
            continue;
        }
        std::size_t dist = OsaDistance(word, c);
        if (dist < best_distance) // ties keep the first candidate: table order, deterministic
        {
            best = c;
            best_distance = dist;
        }
    }
    return best;
}

} // namespace teepsim::sim::detail
