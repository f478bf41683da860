// Lookups into a finished Recorder's outputs, shared by the recorder tests.
#pragma once

#include "teepsim/sim/recorder.h"

#include <cstdint>
#include <string>

namespace teepsim::recorder::test
{

/// The series named `name`, or nullptr.
inline const Series* FindSeries(const Recorder& r, const std::string& name)
{
    for (const auto& s : r.AllSeries())
    {
        if (s.name == name)
        {
            return &s;
        }
    }
    return nullptr;
}

/// The counter named `name`, or -1 when the recorder has no such counter.
inline int64_t Counter(const Recorder& r, const std::string& name)
{
    for (const auto& [n, v] : r.Counters())
    {
        if (n == name)
        {
            return v;
        }
    }
    return -1;
}

} // namespace teepsim::recorder::test
