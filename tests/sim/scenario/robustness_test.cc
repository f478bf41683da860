// Arbitrary bytes never crash, hang or throw out of the loader: every mutation of a valid file
// either loads or yields diagnostics.
#include "teepsim/sim/scenario.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace teepsim::sim
{
namespace
{

TEST(Robustness, MutatedScenarioFilesGiveDiagnosticsNotCrashes)
{
    std::ifstream in(std::filesystem::path(TEEPSIM_SOURCE_DIR) / "scenarios" /
                     "microcontrollers.yaml");
    std::ostringstream s;
    s << in.rdbuf();
    const std::string seed_text = s.str();
    ASSERT_FALSE(seed_text.empty());
    std::mt19937 rng(7); // fixed seed: reproducible
    const std::string alphabet = ":-[]{}#&*!|>'\"%@`,.?\t\n 0123456789abcdefhmsBiKMG\x00\xff";
    for (int i = 0; i < 1500; ++i)
    {
        std::string text = seed_text;
        int edits = 1 + static_cast<int>(rng() % 8);
        for (int e = 0; e < edits && !text.empty(); ++e)
        {
            std::size_t pos = rng() % text.size();
            switch (rng() % 3)
            {
                case 0:
                    text.erase(pos, 1 + rng() % 4);
                    break;
                case 1:
                    text.insert(pos, 1, alphabet[rng() % alphabet.size()]);
                    break;
                default:
                    text[pos] = static_cast<char>(rng() % 256);
                    break;
            }
        }
        LoadResult r = LoadScenarioText(text, "mutant.yaml", {"fleet.0.count=3"});
        if (!r.ok())
        {
            EXPECT_FALSE(r.diagnostics.empty());
        }
        else
        {
            ExpandSweep(r.scenario); // valid mutants must expand too
        }
    }
}

TEST(Robustness, DeepNestingIsAnErrorNotAStackOverflow)
{
    std::string text = "verifier: " + std::string(100000, '[');
    LoadResult r = LoadScenarioText(text, "deep.yaml");
    EXPECT_FALSE(r.ok());
}

} // namespace
} // namespace teepsim::sim
