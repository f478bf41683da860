// LazyUniform (lazy-uniform.h): a random variable created on first draw gives the draws an
// eagerly created UniformRandomVariable would, and leaves the automatic stream numbering of
// every variable created after it unchanged.
#include "teepsim/lazy-uniform.h"

#include "ns3/rng-seed-manager.h"
#include "ns3/rng-stream.h"
#include "ns3/simulator.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace
{
using namespace ns3;

std::vector<double> Draws(Ptr<UniformRandomVariable> u, int n)
{
    std::vector<double> v;
    for (int i = 0; i < n; ++i)
    {
        v.push_back(u->GetValue());
    }
    return v;
}

TEST(LazyUniform, AssignedStreamDrawsAsAnEagerVariable)
{
    RngSeedManager::SetSeed(7);
    RngSeedManager::SetRun(3);
    Ptr<UniformRandomVariable> eager = CreateObject<UniformRandomVariable>();
    eager->SetStream(41);
    LazyUniform lazy;
    lazy.SetStream(41);
    EXPECT_EQ(lazy.GetValue(), eager->GetValue());
    EXPECT_EQ(lazy.GetInteger(0, 1000), eager->GetInteger(0, 1000));
    // A new stream after draws restarts from that stream's beginning, as SetStream does.
    eager->SetStream(5);
    lazy.SetStream(5);
    EXPECT_EQ(Draws(lazy.Get(), 4), Draws(eager, 4));
    Simulator::Destroy();
}

TEST(LazyUniform, TakesOneAutomaticStreamAtConstructionAndDrawsFromIt)
{
    RngSeedManager::SetSeed(7);
    RngSeedManager::SetRun(3);
    // As CreateObject<UniformRandomVariable>() would: one automatic stream index, taken now.
    const uint64_t before = RngSeedManager::GetNextStreamIndex();
    LazyUniform lazy;
    Ptr<UniformRandomVariable> after = CreateObject<UniformRandomVariable>();
    EXPECT_EQ(RngSeedManager::GetNextStreamIndex(), before + 3);
    // The first draw creates the variable on the reserved stream without taking another.
    const std::vector<double> drawn = Draws(lazy.Get(), 3);
    EXPECT_EQ(RngSeedManager::GetNextStreamIndex(), before + 4);
    // An automatic stream k is RngStream k of the seed and run; [0, 1) draws are its RandU01.
    RngStream reserved(7, before + 1, 3);
    RngStream next(7, before + 2, 3);
    for (double x : drawn)
    {
        EXPECT_EQ(x, reserved.RandU01());
    }
    for (double x : Draws(after, 3))
    {
        EXPECT_EQ(x, next.RandU01());
    }
    Simulator::Destroy();
}

// A copy is a new variable (what TeepDeviceHelper's prototype copies rely on): it takes its own
// automatic stream, as a newly constructed one would, and a prototype made inside a
// PrototypeScope takes none, so copying it numbers streams as creating objects one by one.
TEST(LazyUniform, CopyTakesItsOwnStreamAndAPrototypeTakesNone)
{
    RngSeedManager::SetSeed(7);
    RngSeedManager::SetRun(3);
    // Each GetNextStreamIndex() call takes an index itself.
    const uint64_t before = RngSeedManager::GetNextStreamIndex();
    std::optional<LazyUniform> prototype;
    {
        LazyUniform::PrototypeScope scope;
        prototype.emplace();
    }
    EXPECT_EQ(RngSeedManager::GetNextStreamIndex(), before + 1) << "the prototype reserved nothing";
    LazyUniform copy(*prototype); // takes before + 2
    LazyUniform constructed;      // takes before + 3
    EXPECT_EQ(RngSeedManager::GetNextStreamIndex(), before + 4);
    RngStream first(7, before + 2, 3);
    RngStream second(7, before + 3, 3);
    EXPECT_EQ(copy.GetValue(), first.RandU01());
    EXPECT_EQ(constructed.GetValue(), second.RandU01());
    Simulator::Destroy();
}

} // namespace
