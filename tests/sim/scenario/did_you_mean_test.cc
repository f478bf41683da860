// Did-you-mean: close typos (including swapped letters) get a suggestion, unrelated words none.
#include <gtest/gtest.h>

#include "sim/scenario/knobs.h"

namespace teepsim::sim::detail
{
namespace
{

TEST(DidYouMean, SuggestsTheClosestCandidateWithinAThirdOfTheWord)
{
    const std::string_view keys[] = {"validity", "policy_delay", "model", "algorithm"};
    EXPECT_EQ(ClosestMatch("validty", keys), "validity");   // one deletion
    EXPECT_EQ(ClosestMatch("vaildity", keys), "validity");  // one transposition
    EXPECT_EQ(ClosestMatch("algoritm", keys), "algorithm"); // one deletion
    EXPECT_EQ(ClosestMatch("modle", keys), "model");        // short word, one transposition
    EXPECT_EQ(ClosestMatch("colour", keys), "");            // nothing close
    EXPECT_EQ(ClosestMatch("", keys), "");
    EXPECT_EQ(ClosestMatch("validity", {}), "");
}

TEST(DidYouMean, UnknownTopLevelKeysSuggestSections)
{
    auto top = ChildNames("");
    EXPECT_EQ(ClosestMatch("tams", top), "tam");
    EXPECT_EQ(ClosestMatch("verifer", top), "verifier");
    EXPECT_EQ(ClosestMatch("catalog", top), "catalogue");
    EXPECT_EQ(ClosestMatch("policy-check", top), "policy_check");
}

} // namespace
} // namespace teepsim::sim::detail
