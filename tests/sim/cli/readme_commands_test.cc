// The `## Commands` table of README.md says what the built `teepsim` does: every subcommand in
// `teepsim --help` has a row and every row names a subcommand, and each row lists exactly the
// options `teepsim <cmd> --help` lists (-h/--help, which every command takes, aside).
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "tests/support/run_teepsim.h"

namespace
{

using namespace teepsim::test;
using Names = std::set<std::string>;

class ReadmeCommands : public TeepsimProcessTest
{
};

// The README's `## Commands` section, up to the next `## ` heading.
std::string CommandsSection()
{
    const std::string readme = ReadFile(TEEPSIM_SOURCE_DIR "/README.md");
    const auto start = readme.find("\n## Commands\n");
    if (start == std::string::npos)
    {
        return {};
    }
    const auto end = readme.find("\n## ", start + 1);
    return readme.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// Table rows whose first cell starts with `teepsim <cmd>: cmd -> the first cell (up to the
// first '|' that is not escaped as "\|").
std::map<std::string, std::string> ReadmeRows(const std::string& section)
{
    std::map<std::string, std::string> rows;
    std::istringstream lines(section);
    std::string line;
    const std::regex row(R"(^\| `teepsim ([a-z]+)[ `])");
    std::smatch m;
    while (std::getline(lines, line))
    {
        if (!std::regex_search(line, m, row))
        {
            continue;
        }
        size_t end = 1;
        while (end < line.size() && !(line[end] == '|' && line[end - 1] != '\\'))
        {
            ++end;
        }
        rows[m[1]] = line.substr(0, end);
    }
    return rows;
}

// Every -x / --long-name token of `text`, -h and --help left out.
Names OptionTokens(const std::string& text)
{
    Names names;
    const std::regex option(R"((^|[\s\[|`])(--?[a-z][a-z-]*))");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), option);
         it != std::sregex_iterator(); ++it)
    {
        const std::string name = (*it)[2];
        if (name != "-h" && name != "--help")
        {
            names.insert(name);
        }
    }
    return names;
}

// The lines of the `title:` section of a help text (indented lines after "title:").
std::string HelpSection(const std::string& help, const std::string& title)
{
    const auto start = help.find("\n" + title + ":\n");
    if (start == std::string::npos)
    {
        return {};
    }
    std::string out;
    std::istringstream lines(help.substr(start + title.size() + 3));
    std::string line;
    while (std::getline(lines, line) && !line.empty())
    {
        out += line + "\n";
    }
    return out;
}

// The option names at the start of each option line of `teepsim <cmd> --help`.
Names HelpOptions(const std::string& help)
{
    Names names;
    std::istringstream lines(HelpSection(help, "options"));
    std::string line;
    const std::regex head(R"(^  ((-[a-z], )?--[a-z][a-z-]*))");
    std::smatch m;
    while (std::getline(lines, line))
    {
        if (std::regex_search(line, m, head))
        {
            for (const std::string& n : OptionTokens(m[1]))
            {
                names.insert(n);
            }
        }
    }
    return names;
}

std::string Join(const Names& names)
{
    std::string s;
    for (const std::string& n : names)
    {
        s += n + " ";
    }
    return s;
}

TEST_F(ReadmeCommands, EverySubcommandOfTheHelpHasARowAndEveryRowIsASubcommand)
{
    const ProcessResult top = Teepsim("--help");
    ASSERT_EQ(top.code, 0) << top.err;
    Names helpCommands;
    std::istringstream lines(HelpSection(top.out, "commands"));
    std::string line;
    const std::regex command(R"(^  ([a-z]+) )");
    std::smatch m;
    while (std::getline(lines, line))
    {
        if (std::regex_search(line, m, command))
        {
            helpCommands.insert(m[1]);
        }
    }
    ASSERT_FALSE(helpCommands.empty()) << top.out;
    Names readmeCommands;
    for (const auto& [cmd, row] : ReadmeRows(CommandsSection()))
    {
        readmeCommands.insert(cmd);
    }
    EXPECT_EQ(helpCommands, readmeCommands)
        << "teepsim --help: " << Join(helpCommands) << "\nREADME: " << Join(readmeCommands);
    // The top-level options: a row `teepsim --help | teepsim --version`.
    const std::string section = CommandsSection();
    EXPECT_NE(section.find("| `teepsim --help` \\| `teepsim --version` |"), std::string::npos);
    EXPECT_EQ(HelpOptions(top.out), (Names{"--version"})) << top.out;
}

TEST_F(ReadmeCommands, EachRowListsExactlyTheOptionsOfItsHelp)
{
    const auto rows = ReadmeRows(CommandsSection());
    ASSERT_EQ(rows.size(), 6u) << CommandsSection();
    for (const auto& [cmd, row] : rows)
    {
        SCOPED_TRACE(cmd);
        const ProcessResult help = Teepsim(cmd + " --help");
        ASSERT_EQ(help.code, 0) << help.err;
        const Names fromHelp = HelpOptions(help.out);
        EXPECT_FALSE(fromHelp.empty()) << help.out;
        EXPECT_EQ(OptionTokens(row), fromHelp)
            << "README: " << row << "\nteepsim " << cmd << " --help:\n"
            << help.out;
    }
}

} // namespace
