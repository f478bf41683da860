#include "time-marks.h"

#include "ns3/nstime.h"

namespace teepsim::sim
{

namespace
{
// ns3::Time::ClearMarkedTimes is private (only ns3::Simulator, a friend, calls it, at the
// start of Run). An explicit template instantiation may name a private member (C++20
// [temp.spec]/6: access is not checked on its template arguments), so this one hands out a
// pointer to it through a friend function. ClearMarkedTimes itself may be called any number
// of times.
using ClearFn = void (*)();

template<ClearFn F> struct ClearMarkedTimesAccess
{
    friend ClearFn ClearMarkedTimesFn() { return F; }
};

ClearFn ClearMarkedTimesFn();

template struct ClearMarkedTimesAccess<&ns3::Time::ClearMarkedTimes>;
} // namespace

void StopMarkingTimes()
{
    ClearMarkedTimesFn()();
}

} // namespace teepsim::sim
