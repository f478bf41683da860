// Exact parsing and formatting of quantities with units (see units.h).
#include "teepsim/sim/units.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>

namespace teepsim::sim
{
namespace
{

struct Unit
{
    std::string_view suffix;
    std::int64_t scale;
};

// Largest unit first: formatting picks the first unit that divides the value exactly.
constexpr std::array kDurationUnits{Unit{"d", 86'400'000'000'000},
                                    Unit{"h", 3'600'000'000'000},
                                    Unit{"m", 60'000'000'000},
                                    Unit{"s", 1'000'000'000},
                                    Unit{"ms", 1'000'000},
                                    Unit{"us", 1'000},
                                    Unit{"ns", 1}};
constexpr std::array kSizeUnits{Unit{"GiB", 1LL << 30},
                                Unit{"MiB", 1LL << 20},
                                Unit{"KiB", 1LL << 10},
                                Unit{"GB", 1'000'000'000},
                                Unit{"MB", 1'000'000},
                                Unit{"kB", 1'000},
                                Unit{"B", 1}};
constexpr std::array kRateUnits{Unit{"Gbps", 1'000'000'000}, Unit{"Mbps", 1'000'000},
                                Unit{"kbps", 1'000}, Unit{"bps", 1}};

std::string_view Trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    {
        s.remove_suffix(1);
    }
    return s;
}

bool IsDigit(char c)
{
    return c >= '0' && c <= '9';
}

// A decimal number split into an integer mantissa and a count of fractional digits:
// "-1.25" -> {mantissa -125, fraction_digits 2}, plus the text after it (the unit).
struct Decimal
{
    __int128 mantissa = 0;
    int fraction_digits = 0;
    std::string_view rest;
};

constexpr int kMaxDigits = 30; // keeps the mantissa far inside __int128

Parsed<Decimal> SplitDecimal(std::string_view text, std::string_view what)
{
    Decimal d;
    std::size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+'))
    {
        negative = text[i] == '-';
        ++i;
    }
    int digits = 0;
    bool seen_point = false;
    for (; i < text.size(); ++i)
    {
        char c = text[i];
        if (IsDigit(c))
        {
            if (++digits > kMaxDigits)
            {
                return Parsed<Decimal>::Error(
                    fmt::format("{} '{}' has too many digits", what, text));
            }
            d.mantissa = d.mantissa * 10 + (c - '0');
            if (seen_point)
            {
                ++d.fraction_digits;
            }
        }
        else if (c == '.' && !seen_point)
        {
            seen_point = true;
        }
        else
        {
            break;
        }
    }
    if (digits == 0)
    {
        return Parsed<Decimal>::Error(
            fmt::format("'{}' is not a {}: it must start with a number", text, what));
    }
    if (negative)
    {
        d.mantissa = -d.mantissa;
    }
    d.rest = Trim(text.substr(i));
    return Parsed<Decimal>::Ok(d);
}

template<std::size_t N> std::string UnitList(const std::array<Unit, N>& units)
{
    std::string out;
    for (std::size_t i = N; i-- > 0;)
    {
        out += units[i].suffix;
        out += i == 0 ? "" : (i == 1 ? " or " : ", ");
    }
    return out;
}

// Parses "<decimal><unit>" exactly into an integer count of the base unit.
template<std::size_t N>
Parsed<std::int64_t> ParseWithUnits(std::string_view raw, const std::array<Unit, N>& units,
                                    std::string_view what, std::string_view example,
                                    std::string_view base_name)
{
    std::string_view text = Trim(raw);
    if (text.empty())
    {
        return Parsed<std::int64_t>::Error(
            fmt::format("empty value: expected a {} such as {}", what, example));
    }
    auto split = SplitDecimal(text, what);
    if (!split)
    {
        return Parsed<std::int64_t>::Error(split.error() +
                                           fmt::format(" (expected e.g. {})", example));
    }
    const Decimal& d = split.value();
    if (d.rest.empty())
    {
        return Parsed<std::int64_t>::Error(
            fmt::format("{} '{}' has no unit: write e.g. {} (units: {})", what, text, example,
                        UnitList(units)));
    }
    const Unit* unit = nullptr;
    for (const Unit& u : units)
    {
        if (u.suffix == d.rest)
        {
            unit = &u;
        }
    }
    if (unit == nullptr)
    {
        return Parsed<std::int64_t>::Error(fmt::format("unknown {} unit '{}' in '{}' (use {})",
                                                       what, d.rest, text, UnitList(units)));
    }
    __int128 pow10 = 1;
    for (int i = 0; i < d.fraction_digits; ++i)
    {
        pow10 *= 10;
    }
    // mantissa < 10^30 and scale < 10^17 would overflow __int128 only beyond 1.7e38: check first.
    __int128 magnitude = d.mantissa < 0 ? -d.mantissa : d.mantissa;
    constexpr __int128 kLimit = static_cast<__int128>(1) << 120;
    if (magnitude > kLimit / unit->scale)
    {
        return Parsed<std::int64_t>::Error(fmt::format("{} '{}' is too large", what, text));
    }
    __int128 scaled = d.mantissa * unit->scale;
    if (scaled % pow10 != 0)
    {
        return Parsed<std::int64_t>::Error(
            fmt::format("{} '{}' is not a whole number of {}", what, text, base_name));
    }
    __int128 value = scaled / pow10;
    if (value > INT64_MAX || value < INT64_MIN)
    {
        return Parsed<std::int64_t>::Error(fmt::format("{} '{}' is too large", what, text));
    }
    return Parsed<std::int64_t>::Ok(static_cast<std::int64_t>(value));
}

template<std::size_t N>
std::string FormatWithUnits(std::int64_t value, const std::array<Unit, N>& units,
                            std::string_view zero)
{
    if (value == 0)
    {
        return std::string(zero);
    }
    for (const Unit& u : units)
    {
        if (value % u.scale == 0)
        {
            return fmt::format("{}{}", value / u.scale, u.suffix);
        }
    }
    return fmt::format("{}{}", value, units[N - 1].suffix); // unreachable: the base unit is 1
}

} // namespace

Parsed<std::int64_t> ParseDuration(std::string_view text)
{
    return ParseWithUnits(text, kDurationUnits, "duration", "90s", "nanoseconds");
}

std::string FormatDuration(std::int64_t ns)
{
    return FormatWithUnits(ns, kDurationUnits, "0s");
}

Parsed<std::int64_t> ParseSize(std::string_view text)
{
    return ParseWithUnits(text, kSizeUnits, "size", "64KiB", "bytes");
}

std::string FormatSize(std::int64_t bytes)
{
    return FormatWithUnits(bytes, kSizeUnits, "0B");
}

Parsed<std::int64_t> ParseRate(std::string_view text)
{
    return ParseWithUnits(text, kRateUnits, "rate", "1Mbps", "bits per second");
}

std::string FormatRate(std::int64_t bps)
{
    return FormatWithUnits(bps, kRateUnits, "0bps");
}

Parsed<double> ParseReal(std::string_view raw)
{
    std::string_view text = Trim(raw);
    if (text.empty())
    {
        return Parsed<double>::Error("empty value: expected a number");
    }
    double x = 0;
    const char* first = text.data();
    if (*first == '+')
    {
        ++first;
    }
    auto [end, ec] = std::from_chars(first, text.data() + text.size(), x);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(x))
    {
        return Parsed<double>::Error(fmt::format("'{}' is not a number", text));
    }
    return Parsed<double>::Ok(x);
}

std::string FormatReal(double x)
{
    return fmt::format("{}", x); // shortest text that reads back to the same double
}

Parsed<double> ParseProbability(std::string_view raw)
{
    std::string_view text = Trim(raw);
    bool percent = !text.empty() && text.back() == '%';
    if (percent)
    {
        text = Trim(text.substr(0, text.size() - 1));
    }
    auto x = ParseReal(text);
    if (!x)
    {
        return Parsed<double>::Error(fmt::format(
            "'{}' is not a probability: write a number in [0, 1] such as 0.05, or 5%", Trim(raw)));
    }
    double p = percent ? x.value() / 100.0 : x.value();
    if (p < 0.0 || p > 1.0)
    {
        return Parsed<double>::Error(
            fmt::format("probability '{}' is outside [0, 1] (0% to 100%)", Trim(raw)));
    }
    return Parsed<double>::Ok(p == 0.0 ? 0.0 : p); // "-0" reads as 0, not as negative zero
}

std::string FormatProbability(double p)
{
    return FormatReal(p);
}

Parsed<std::int64_t> ParseInteger(std::string_view raw)
{
    std::string_view text = Trim(raw);
    std::int64_t v = 0;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    if (first != last && *first == '+')
    {
        ++first;
    }
    auto [end, ec] = std::from_chars(first, last, v);
    if (ec == std::errc::result_out_of_range)
    {
        return Parsed<std::int64_t>::Error(fmt::format("integer '{}' is too large", text));
    }
    if (text.empty() || ec != std::errc() || end != last)
    {
        return Parsed<std::int64_t>::Error(fmt::format("'{}' is not a whole number", text));
    }
    return Parsed<std::int64_t>::Ok(v);
}

} // namespace teepsim::sim
