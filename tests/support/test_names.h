// Readable, stable names for parameterized GoogleTest suites. Without a name generator gtest
// names each case by its index and CMake's test discovery appends the printed parameter: for a
// struct that is a dump of its bytes (pointers included), so ctest names changed from build to
// build and different cases could share one name. Every INSTANTIATE_TEST_SUITE_P names its
// cases from the parameter (a file name, a scenario name, a value) with these helpers, and
// tests/check_test_names.py fails the test run when a ctest name is unreadable or repeated.
//
// Typed suites (TYPED_TEST_SUITE): CMake 3.25's discovery cannot parse custom type names
// (NO_PRETTY_TYPES names them Suite.Test<index>), so give them no name generator.
#pragma once

#include <cstddef>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace teepsim::test
{

/// `text` as a valid gtest name (letters, digits, '_' only): every run of other characters
/// becomes one '_', none at either end ("ietf-teep/query_request.cbor" ->
/// "ietf_teep_query_request_cbor"); "unnamed" for text with no letter or digit.
inline std::string GtestName(std::string_view text)
{
    std::string out;
    bool gap = false;
    for (const char c : text)
    {
        const bool keep =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!keep)
        {
            gap = true;
            continue;
        }
        if (gap && !out.empty())
        {
            out += '_';
        }
        gap = false;
        out += c;
    }
    return out.empty() ? "unnamed" : out;
}

/// The gtest name of a file: its last path component without the last extension
/// ("libteep-kentakayama/query_request_cose.cbor" -> "query_request_cose").
inline std::string FileGtestName(std::string_view path)
{
    const std::size_t slash = path.find_last_of('/');
    if (slash != std::string_view::npos)
    {
        path.remove_prefix(slash + 1);
    }
    const std::size_t dot = path.find_last_of('.');
    if (dot != std::string_view::npos && dot > 0)
    {
        path.remove_suffix(path.size() - dot);
    }
    return GtestName(path);
}

/// Valid names for a whole parameter list, in order: each label through GtestName, a repeat
/// of an earlier name getting _2, _3, ... so that two cases never share a name.
inline std::vector<std::string> UniqueGtestNames(const std::vector<std::string>& labels)
{
    std::vector<std::string> names;
    std::set<std::string> taken;
    for (const std::string& label : labels)
    {
        const std::string base = GtestName(label);
        std::string name = base;
        for (int n = 2; taken.count(name) != 0; ++n)
        {
            name = base + "_" + std::to_string(n);
        }
        taken.insert(name);
        names.push_back(name);
    }
    return names;
}

/// A name generator naming each case GtestName(label(param)); `label` is any callable or a
/// member pointer returning text. For lists given inline (testing::Values), where a repeated
/// name is a mistake gtest reports at start-up ("Duplicate parameterized test name").
template<class Label> auto NameBy(Label label)
{
    return [label](const auto& info) { return GtestName(std::invoke(label, info.param)); };
}

/// A name generator for testing::ValuesIn(params): each case named by label(param), made
/// unique across the list by UniqueGtestNames.
template<class Params, class Label> auto UniqueNamesBy(const Params& params, Label label)
{
    std::vector<std::string> labels;
    for (const auto& p : params)
    {
        labels.emplace_back(std::invoke(label, p));
    }
    return [names = UniqueGtestNames(labels)](const auto& info) { return names.at(info.index); };
}

} // namespace teepsim::test
