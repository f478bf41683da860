// Quantities with units as written in scenario files: durations, sizes, rates, probabilities.
// Parsing is exact (decimal arithmetic, no floating point for durations, sizes and rates) so that
// Parse(Format(x)) == x for every value; errors say what was expected and give an example.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace teepsim::sim
{

// A parsed value or a human-readable error message (never both).
template<class T> class Parsed
{
  public:
    static Parsed Ok(T value)
    {
        Parsed p;
        p.value_ = std::move(value);
        return p;
    }
    static Parsed Error(std::string message)
    {
        Parsed p;
        p.error_ = std::move(message);
        return p;
    }
    bool ok() const { return value_.has_value(); }
    explicit operator bool() const { return ok(); }
    const T& value() const { return *value_; }
    const std::string& error() const { return error_; }

  private:
    std::optional<T> value_;
    std::string error_;
};

// Durations in integer nanoseconds. Units: ns, us, ms, s, m (minutes), h, d. Decimals are allowed
// when the result is a whole number of nanoseconds ("1.5h", "0.5ms"). A bare number is an error.
Parsed<std::int64_t> ParseDuration(std::string_view text);
// Shortest exact text: the largest unit that divides the value ("90s", "6h", "1500ms", "0s").
std::string FormatDuration(std::int64_t ns);

// Sizes in bytes. Units: B, kB, MB, GB (powers of 1000), KiB, MiB, GiB (powers of 1024).
Parsed<std::int64_t> ParseSize(std::string_view text);
std::string FormatSize(std::int64_t bytes);

// Rates in bits per second. Units: bps, kbps, Mbps, Gbps (powers of 1000).
Parsed<std::int64_t> ParseRate(std::string_view text);
std::string FormatRate(std::int64_t bps);

// Probabilities: a number in [0, 1] ("0.05") or a percentage in [0 %, 100 %] ("5%").
Parsed<double> ParseProbability(std::string_view text);
// Shortest text that parses back to the same double ("0.05", "1", "0").
std::string FormatProbability(double p);

// A plain decimal number (no unit), e.g. a jitter fraction. Rejects inf, nan and trailing text.
Parsed<double> ParseReal(std::string_view text);
std::string FormatReal(double x);

// A plain decimal integer (optional leading '-'), rejecting overflow and trailing text.
Parsed<std::int64_t> ParseInteger(std::string_view text);

} // namespace teepsim::sim
