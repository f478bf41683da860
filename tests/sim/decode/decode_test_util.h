// Shared by the `teepsim decode` tests: run the command in-process and look at what it printed.
#pragma once

#include "teepsim/sim/decode.h"

#include <sstream>
#include <string>
#include <vector>

namespace teepsim::decode::test
{

/// What one in-process `teepsim decode` did.
struct Outcome
{
    int code = -1;
    std::string out;
    std::string err;
};

/// Runs `teepsim decode ARGS` with `stdinText` as standard input.
inline Outcome Decode(const std::vector<std::string>& args, const std::string& stdinText = "")
{
    std::istringstream in(stdinText);
    std::ostringstream out, err;
    Outcome r;
    r.code = RunDecode(args, in, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

inline bool Has(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

/// Newlines in `s`: one-line diagnostics have exactly one.
inline int Lines(const std::string& s)
{
    int n = 0;
    for (char c : s)
    {
        n += c == '\n';
    }
    return n;
}

} // namespace teepsim::decode::test
