// tests/support/test_names.h: the names it makes for parameterized cases are valid gtest names
// (letters, digits, '_'), readable, and unique within a parameter list. Lives with the codec
// tests because they build without ns-3, like the helper.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/test_names.h"

namespace teepsim::test
{
namespace
{

TEST(TestNames, GtestNameKeepsLettersAndDigitsAndJoinsTheRestWithOneUnderscore)
{
    EXPECT_EQ(GtestName("ietf-teep-protocol-draft26-pr420"), "ietf_teep_protocol_draft26_pr420");
    EXPECT_EQ(GtestName("loss 10 %"), "loss_10");
    EXPECT_EQ(GtestName("  V=1h, P=30m "), "V_1h_P_30m");
    EXPECT_EQ(GtestName("already_valid_42"), "already_valid_42");
    EXPECT_EQ(GtestName("<40-34 D6-24>"), "40_34_D6_24");
}

TEST(TestNames, GtestNameOfTextWithoutLettersOrDigitsIsStillValid)
{
    EXPECT_EQ(GtestName(""), "unnamed");
    EXPECT_EQ(GtestName("-./ "), "unnamed");
}

TEST(TestNames, FileGtestNameDropsTheDirectoryAndTheLastExtension)
{
    EXPECT_EQ(FileGtestName("ietf-teep-protocol-draft26-pr420/query_request.cbor"),
              "query_request");
    EXPECT_EQ(FileGtestName("suit_uri.cbor"), "suit_uri");
    EXPECT_EQ(FileGtestName("a/b/archive.tar.gz"), "archive_tar");
    EXPECT_EQ(FileGtestName(".hidden"), "hidden");
    EXPECT_EQ(FileGtestName("no_extension"), "no_extension");
}

TEST(TestNames, UniqueGtestNamesNumbersRepeatsInListOrder)
{
    EXPECT_EQ(UniqueGtestNames({"a-b", "a_b", "c", "a b", "a_b_2"}),
              (std::vector<std::string>{"a_b", "a_b_2", "c", "a_b_3", "a_b_2_2"}));
}

struct Case
{
    std::string label;
    int value;
};

TEST(TestNames, GeneratorsNameEachCaseFromItsParameter)
{
    const std::vector<Case> cases = {{"fixed", 1}, {"loss 5%", 2}, {"fixed", 3}};
    const auto unique = UniqueNamesBy(cases, &Case::label);
    EXPECT_EQ(unique(testing::TestParamInfo<Case>(cases[0], 0)), "fixed");
    EXPECT_EQ(unique(testing::TestParamInfo<Case>(cases[1], 1)), "loss_5");
    EXPECT_EQ(unique(testing::TestParamInfo<Case>(cases[2], 2)), "fixed_2");
    const auto byValue = NameBy([](const Case& c) { return "v" + std::to_string(c.value); });
    EXPECT_EQ(byValue(testing::TestParamInfo<Case>(cases[1], 1)), "v2");
}

} // namespace
} // namespace teepsim::test
