// Unit parsing and formatting: every unit kind, good and bad values, exact round trips.
#include "teepsim/sim/units.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

namespace teepsim::sim
{
namespace
{

constexpr std::int64_t kS = 1'000'000'000;

TEST(Units, DurationsParseEveryUnitExactly)
{
    EXPECT_EQ(ParseDuration("90s").value(), 90 * kS);
    EXPECT_EQ(ParseDuration("6h").value(), 6 * 3600 * kS);
    EXPECT_EQ(ParseDuration("7d").value(), 7 * 86400 * kS);
    EXPECT_EQ(ParseDuration("250ms").value(), 250'000'000);
    EXPECT_EQ(ParseDuration("1.5h").value(), 5400 * kS);
    EXPECT_EQ(ParseDuration("10us").value(), 10'000);
    EXPECT_EQ(ParseDuration("2m").value(), 120 * kS); // m is minutes, not metres or months
    EXPECT_EQ(ParseDuration("3ns").value(), 3);
    EXPECT_EQ(ParseDuration("0s").value(), 0);
    EXPECT_EQ(ParseDuration(" 4h ").value(), 4 * 3600 * kS); // YAML may leave spaces
    EXPECT_EQ(ParseDuration("0.000000001s").value(), 1);
    EXPECT_EQ(ParseDuration("-5s").value(), -5 * kS); // sign is a range question for the key
}

TEST(Units, BareNumberForADurationIsAnErrorThatNamesTheUnits)
{
    auto p = ParseDuration("3600");
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error(),
              "duration '3600' has no unit: write e.g. 90s (units: ns, us, ms, s, m, h or d)");
    EXPECT_FALSE(ParseDuration("0").ok());
}

TEST(Units, BadDurationsSayWhatIsWrong)
{
    EXPECT_EQ(ParseDuration("5min").error(),
              "unknown duration unit 'min' in '5min' (use ns, us, ms, s, m, h or d)");
    EXPECT_EQ(ParseDuration("1.5ns").error(),
              "duration '1.5ns' is not a whole number of nanoseconds");
    EXPECT_EQ(ParseDuration("h").error(),
              "'h' is not a duration: it must start with a number (expected e.g. 90s)");
    EXPECT_EQ(ParseDuration("").error(), "empty value: expected a duration such as 90s");
    EXPECT_EQ(ParseDuration("300000d").error(), "duration '300000d' is too large");
    EXPECT_FALSE(ParseDuration("1e3s").ok());
    EXPECT_FALSE(ParseDuration("1..5s").ok());
    EXPECT_FALSE(ParseDuration("1S").ok()); // units are case-sensitive
    EXPECT_FALSE(ParseDuration("1000000000000000000000000000000000s").ok());
}

TEST(Units, SizesUseSiAndBinaryPrefixes)
{
    EXPECT_EQ(ParseSize("64KiB").value(), 65536);
    EXPECT_EQ(ParseSize("1MiB").value(), 1 << 20);
    EXPECT_EQ(ParseSize("512B").value(), 512);
    EXPECT_EQ(ParseSize("2kB").value(), 2000);
    EXPECT_EQ(ParseSize("1.5KiB").value(), 1536);
    EXPECT_EQ(ParseSize("3GB").value(), 3'000'000'000);
    EXPECT_EQ(ParseSize("1GiB").value(), 1LL << 30);
    EXPECT_EQ(ParseSize("64KB").error(),
              "unknown size unit 'KB' in '64KB' (use B, kB, MB, GB, KiB, MiB or GiB)");
    EXPECT_EQ(ParseSize("512").error(),
              "size '512' has no unit: write e.g. 64KiB (units: B, kB, MB, GB, KiB, MiB or GiB)");
    EXPECT_EQ(ParseSize("0.5B").error(), "size '0.5B' is not a whole number of bytes");
}

TEST(Units, RatesAreBitsPerSecond)
{
    EXPECT_EQ(ParseRate("1Mbps").value(), 1'000'000);
    EXPECT_EQ(ParseRate("250kbps").value(), 250'000);
    EXPECT_EQ(ParseRate("10Gbps").value(), 10'000'000'000);
    EXPECT_EQ(ParseRate("9600bps").value(), 9600);
    EXPECT_EQ(ParseRate("1.5Mbps").value(), 1'500'000);
    EXPECT_EQ(ParseRate("1MBps").error(),
              "unknown rate unit 'MBps' in '1MBps' (use bps, kbps, Mbps or Gbps)");
    EXPECT_FALSE(ParseRate("100").ok());
}

TEST(Units, ProbabilitiesAreNumbersOrPercentages)
{
    EXPECT_DOUBLE_EQ(ParseProbability("0.05").value(), 0.05);
    EXPECT_DOUBLE_EQ(ParseProbability("5%").value(), 0.05);
    EXPECT_DOUBLE_EQ(ParseProbability("100%").value(), 1.0);
    EXPECT_DOUBLE_EQ(ParseProbability("0").value(), 0.0);
    EXPECT_DOUBLE_EQ(ParseProbability("1").value(), 1.0);
    EXPECT_EQ(ParseProbability("1.5").error(), "probability '1.5' is outside [0, 1] (0% to 100%)");
    EXPECT_EQ(ParseProbability("-1%").error(), "probability '-1%' is outside [0, 1] (0% to 100%)");
    EXPECT_EQ(ParseProbability("half").error(),
              "'half' is not a probability: write a number in [0, 1] such as 0.05, or 5%");
    EXPECT_FALSE(ParseProbability("nan").ok());
    EXPECT_FALSE(ParseProbability("inf").ok());
    EXPECT_FALSE(ParseProbability("").ok());
}

TEST(Units, IntegersRejectFractionsAndOverflow)
{
    EXPECT_EQ(ParseInteger("300").value(), 300);
    EXPECT_EQ(ParseInteger("-2").value(), -2);
    EXPECT_EQ(ParseInteger("1.0").error(), "'1.0' is not a whole number");
    EXPECT_EQ(ParseInteger("99999999999999999999").error(),
              "integer '99999999999999999999' is too large");
    EXPECT_FALSE(ParseInteger("").ok());
    EXPECT_FALSE(ParseInteger("12abc").ok());
}

TEST(Units, FormattingPicksTheLargestExactUnit)
{
    EXPECT_EQ(FormatDuration(90 * kS), "90s");
    EXPECT_EQ(FormatDuration(5400 * kS), "90m");
    EXPECT_EQ(FormatDuration(6 * 3600 * kS), "6h");
    EXPECT_EQ(FormatDuration(7 * 86400 * kS), "7d");
    EXPECT_EQ(FormatDuration(1'500'000'000), "1500ms");
    EXPECT_EQ(FormatDuration(0), "0s");
    EXPECT_EQ(FormatDuration(-3 * kS), "-3s");
    EXPECT_EQ(FormatSize(65536), "64KiB");
    EXPECT_EQ(FormatSize(2000), "2kB");
    EXPECT_EQ(FormatSize(513), "513B");
    EXPECT_EQ(FormatSize(0), "0B");
    EXPECT_EQ(FormatRate(250'000), "250kbps");
    EXPECT_EQ(FormatRate(10'000'000'000), "10Gbps");
    EXPECT_EQ(FormatRate(0), "0bps");
    EXPECT_EQ(FormatProbability(0.05), "0.05");
    EXPECT_EQ(FormatProbability(1.0), "1");
}

TEST(Units, FormatThenParseRoundTripsExactly)
{
    std::mt19937_64 rng(42); // fixed seed: the test is deterministic
    for (int i = 0; i < 20000; ++i)
    {
        std::int64_t v =
            static_cast<std::int64_t>(rng() >> (1 + rng() % 63)) * (i % 2 == 0 ? 1 : -1);
        ASSERT_EQ(ParseDuration(FormatDuration(v)).value(), v) << FormatDuration(v);
        ASSERT_EQ(ParseSize(FormatSize(v)).value(), v) << FormatSize(v);
        ASSERT_EQ(ParseRate(FormatRate(v)).value(), v) << FormatRate(v);
        double p = static_cast<double>(rng() % 1'000'001) / 1e6;
        ASSERT_EQ(ParseProbability(FormatProbability(p)).value(), p) << FormatProbability(p);
    }
}

} // namespace
} // namespace teepsim::sim
