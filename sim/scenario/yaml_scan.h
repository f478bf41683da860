// Checks a scenario file's bytes and YAML event stream before the document is built: things
// yaml-cpp accepts silently (bytes that are not UTF-8, an unterminated quoted value that swallows
// the rest of the file, a second document, an empty file) or fails on with an unhelpful message
// (nesting depth) or not at all (alias bombs). Also records where each alias is used, so that an
// error inside an aliased node can be reported where the alias is written, not at the anchor.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace teepsim::sim::detail
{

class DiagnosticSink;

// Limits far above any real scenario (a few KiB, a few hundred nodes, depth <= 5) and low enough
// that loading stays within a few tens of MB and seconds (yaml-cpp reads ~1 MB/s per pass on a
// busy machine, and the file is parsed twice: events here, then the document).
inline constexpr std::size_t kMaxScenarioFileBytes = 1u << 20;
inline constexpr int kMaxYamlDepth = 32;
inline constexpr std::size_t kMaxYamlNodes = 200'000;
inline constexpr std::size_t kMaxYamlExpandedNodes = 1'000'000; // counting every alias expanded

// One `*name` in the document.
struct AliasUse
{
    std::size_t pos = 0;        // byte offset of the '*'
    int line = 0;               // 1-based
    int column = 0;             // 1-based, in bytes (as yaml-cpp counts)
    std::string anchor;         // the name after '*'
    std::size_t anchor_pos = 0; // byte offset of the anchored node (its Mark().pos)
    int anchor_line = 0;        // 1-based
};

struct YamlShape
{
    std::vector<AliasUse> aliases; // in document order (increasing pos)

    // The use of an alias to the node at anchor_pos that comes first after byte offset `after`;
    // nullptr when there is none.
    const AliasUse* FindUse(std::size_t after, std::size_t anchor_pos) const;
};

// The first bytes YAML does not allow: invalid UTF-8, a control character other than tab, line
// feed and carriage return, a byte order mark after the start of a file. `file` words the message
// for a file (a leading UTF-8 BOM allowed), else for a --set value.
struct BadBytes
{
    std::size_t offset = 0;
    std::string message;
};
std::optional<BadBytes> FindBadBytes(std::string_view text, bool file);

// Reports the first problem found (at most one diagnostic) and returns false, or returns true
// with the document's alias uses in `shape`.
bool ScanYaml(std::string_view text, DiagnosticSink& sink, YamlShape& shape);

// Why yaml-cpp rejected the text, improved where its message says little: e.g. a tab used for
// indentation near `line`, a key over YAML's 1024-character limit (`line`, `column` 1-based).
std::string ExplainYamlError(std::string_view text, int line, int column,
                             const std::string& yaml_message);

} // namespace teepsim::sim::detail
