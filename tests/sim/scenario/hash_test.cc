// Scenario hashes: SHA-256 against FIPS/hashlib vectors (padding edge cases included), and a
// stable hash of file bytes + overrides.
#include "teepsim/sim/scenario.h"

#include <gtest/gtest.h>

#include "sim/scenario/knobs.h"

namespace teepsim::sim
{
namespace
{

TEST(ScenarioHash, Sha256MatchesReferenceVectors)
{
    // Expected values from Python's hashlib.sha256.
    EXPECT_EQ(detail::Sha256Hex(""),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(detail::Sha256Hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(detail::Sha256Hex(std::string(1000, 'a')),
              "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
    // Lengths around the 55/56/64-byte padding boundaries.
    const std::pair<std::size_t, const char*> edges[] = {
        {55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"},
        {56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"},
        {63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2"},
        {64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"},
        {65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9"},
        {119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c"},
        {120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98"},
    };
    for (const auto& [n, hex] : edges)
    {
        EXPECT_EQ(detail::Sha256Hex(std::string(n, 'x')), hex) << n;
    }
}

TEST(ScenarioHash, IsFileBytesThenNulSeparatedOverrides)
{
    EXPECT_EQ(ScenarioHash("horizon: 3d\n", {"verifier.validity=4h"}),
              "7e45014ae0567eaca52f4e6e3ebc6e234d5e54c0af4ef2cfc048d2f6f941215a");
    EXPECT_EQ(ScenarioHash("abc", {}), detail::Sha256Hex("abc"));
}

TEST(ScenarioHash, StableForTheSameInputsAndDifferentOtherwise)
{
    const std::string text = "horizon: 3d\n";
    LoadResult a = LoadScenarioText(text, "a.yaml", {"seed=2"});
    LoadResult b = LoadScenarioText(text, "elsewhere/b.yaml", {"seed=2"}); // path is not hashed
    EXPECT_EQ(a.scenario.source.hash, b.scenario.source.hash);
    EXPECT_EQ(a.scenario.source.hash.size(), 64u);
    EXPECT_NE(a.scenario.source.hash,
              LoadScenarioText(text, "a.yaml", {"seed=3"}).scenario.source.hash);
    EXPECT_NE(a.scenario.source.hash,
              LoadScenarioText(text + " ", "a.yaml", {"seed=2"}).scenario.source.hash);
    // Splitting one override differently must not collide ("a=1" + "b=2" vs "a=1\0b=2" as one).
    EXPECT_NE(ScenarioHash(text, {"a=1", "b=2"}), ScenarioHash(text, {"a=1b=2"}));
    EXPECT_EQ(a.scenario.source.text, text);
}

} // namespace
} // namespace teepsim::sim
