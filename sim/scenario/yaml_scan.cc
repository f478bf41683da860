// Byte-level and event-level checks of a scenario file before yaml-cpp builds the document.
#include "sim/scenario/yaml_scan.h"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <optional>
#include <sstream>

#include "sim/scenario/load_context.h"

namespace teepsim::sim::detail
{
namespace
{

// 1-based line and byte column of a byte offset (yaml-cpp counts columns in bytes too).
KeyOrigin LineCol(std::string_view text, std::size_t pos)
{
    pos = std::min(pos, text.size());
    std::string_view before = text.substr(0, pos);
    const auto line = 1 + std::count(before.begin(), before.end(), '\n');
    const std::size_t nl = before.rfind('\n');
    const std::size_t col = nl == std::string_view::npos ? pos : pos - nl - 1;
    return KeyOrigin{
        .line = static_cast<int>(line), .column = static_cast<int>(col + 1), .override_text = {}};
}

// Decodes one UTF-8 sequence at text[i]; returns its length, or 0 when it is not valid UTF-8
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
std::size_t DecodeUtf8(std::string_view text, std::size_t i, char32_t& cp)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80)
    {
        cp = b0;
        return 1;
    }
    std::size_t n = b0 >= 0xF0 && b0 <= 0xF4 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC2 ? 2 : 0;
    if (b0 > 0xF4 || n == 0 || i + n > text.size())
    {
        return 0;
    }
    cp = b0 & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
    for (std::size_t k = 1; k < n; ++k)
    {
        if ((byte(i + k) & 0xC0) != 0x80)
        {
            return 0;
        }
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    const char32_t min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    {
        return 0;
    }
    return n;
}

} // namespace

std::optional<BadBytes> FindBadBytes(std::string_view text, bool file)
{
    const std::string_view what = file ? "file" : "value";
    std::size_t i = file && text.starts_with("\xEF\xBB\xBF") ? 3 : 0; // a leading BOM is fine
    while (i < text.size())
    {
        char32_t cp = 0;
        const std::size_t n = DecodeUtf8(text, i, cp);
        if (n == 0)
        {
            return BadBytes{.offset = i,
                            .message = fmt::format("byte 0x{:02X} is not valid UTF-8: scenario {}s "
                                                   "must be UTF-8 text{}",
                                                   static_cast<unsigned char>(text[i]), what,
                                                   file ? " (save the file as UTF-8)" : "")};
        }
        const bool control = (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F ||
                             (cp >= 0x80 && cp <= 0x9F && cp != 0x85) || cp == 0xFFFE ||
                             cp == 0xFFFF;
        if (control)
        {
            return BadBytes{.offset = i,
                            .message = fmt::format("control character U+{:04X} is not allowed in "
                                                   "a scenario {} (only tab, line feed and "
                                                   "carriage return are)",
                                                   static_cast<std::uint32_t>(cp), what)};
        }
        if (cp == 0xFEFF)
        {
            return BadBytes{.offset = i,
                            .message = fmt::format("byte order mark (U+FEFF) inside the {}: it "
                                                   "may only be the very first character of a "
                                                   "file",
                                                   what)};
        }
        i += n;
    }
    return std::nullopt;
}

namespace
{

bool CheckBytes(std::string_view text, DiagnosticSink& sink)
{
    if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF"))
    {
        sink.Error(LineCol(text, 0), "the file starts with a UTF-16 byte order mark: scenario "
                                     "files must be UTF-8 text (save it as UTF-8)");
        return false;
    }
    if (auto bad = FindBadBytes(text, /*file=*/true))
    {
        sink.Error(LineCol(text, bad->offset), bad->message);
        return false;
    }
    return true;
}

// Raised from the event handler to stop parsing at the first problem.
struct Stop
{
    std::size_t pos;
    std::string message;
};

// Walks the parser's events without building nodes: counts documents and nodes, tracks depth,
// computes how many nodes each anchor expands to, and checks quoted scalars are closed.
class ShapeHandler : public YAML::EventHandler
{
  public:
    ShapeHandler(std::string_view text, YamlShape& shape) : text_(text), shape_(shape) {}

    int documents = 0;
    std::size_t document_pos = 0;
    bool null_root = false;
    std::size_t null_root_pos = 0;

    void OnDocumentStart(const YAML::Mark& mark) override
    {
        if (++documents == 1)
        {
            document_pos = Pos(mark);
        }
        if (documents == 2)
        {
            throw Stop{Pos(mark), "a second YAML document starts here: a scenario file holds "
                                  "exactly one (remove the '---' line or split the file)"};
        }
    }
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override
    {
        if (stack_.empty())
        {
            null_root = true;
            null_root_pos = Pos(mark);
        }
        Leaf(mark, anchor);
    }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override
    {
        Count(mark);
        const Anchor* a = anchor < anchors_.size() ? &anchors_[anchor] : nullptr;
        if (a == nullptr || a->expanded == 0)
        {
            throw Stop{Pos(mark), fmt::format("alias *{} is used inside the node it names "
                                              "(a recursive structure)",
                                              a == nullptr ? "?" : a->name)};
        }
        expanded_total_ += a->expanded;
        if (expanded_total_ > kMaxYamlExpandedNodes)
        {
            throw Stop{Pos(mark), fmt::format("aliases expand the document to more than {} values "
                                              "(an alias bomb?): *{} alone stands for {}",
                                              kMaxYamlExpandedNodes, a->name, a->expanded)};
        }
        if (!stack_.empty())
        {
            stack_.back().expanded += a->expanded;
        }
        shape_.aliases.push_back(AliasUse{.pos = Pos(mark),
                                          .line = mark.line + 1,
                                          .column = mark.column + 1,
                                          .anchor = a->name,
                                          .anchor_pos = a->pos,
                                          .anchor_line = a->line});
    }
    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  const std::string& value) override
    {
        if (tag == "!")
        {
            CheckQuoteClosed(Pos(mark));
        }
        Leaf(mark, anchor);
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override
    {
        Open(mark, anchor);
    }
    void OnSequenceEnd() override { Close(); }
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override
    {
        Open(mark, anchor);
    }
    void OnMapEnd() override { Close(); }
    void OnAnchor(const YAML::Mark&, const std::string& name) override { pending_name_ = name; }

  private:
    struct Frame
    {
        YAML::anchor_t anchor;
        std::size_t expanded; // nodes below, aliases counted as what they stand for
    };
    struct Anchor
    {
        std::string name;
        std::size_t pos = 0;
        int line = 0;
        std::size_t expanded = 0; // 0 while the anchored node is still open
    };

    static std::size_t Pos(const YAML::Mark& m) { return m.pos >= 0 ? m.pos : 0; }

    void Count(const YAML::Mark& mark)
    {
        if (++nodes_ > kMaxYamlNodes)
        {
            throw Stop{Pos(mark), fmt::format("more than {} YAML values: a scenario has a few "
                                              "hundred",
                                              kMaxYamlNodes)};
        }
    }
    void Define(const YAML::Mark& mark, YAML::anchor_t anchor)
    {
        if (anchor == 0)
        {
            return;
        }
        if (anchors_.size() <= anchor)
        {
            anchors_.resize(anchor + 1);
        }
        anchors_[anchor] = Anchor{.name = std::move(pending_name_),
                                  .pos = Pos(mark),
                                  .line = mark.line + 1,
                                  .expanded = 0};
    }
    void Leaf(const YAML::Mark& mark, YAML::anchor_t anchor)
    {
        Count(mark);
        Define(mark, anchor);
        if (anchor != 0)
        {
            anchors_[anchor].expanded = 1;
        }
        ++expanded_total_;
        if (!stack_.empty())
        {
            ++stack_.back().expanded;
        }
    }
    void Open(const YAML::Mark& mark, YAML::anchor_t anchor)
    {
        Count(mark);
        if (stack_.size() >= static_cast<std::size_t>(kMaxYamlDepth))
        {
            throw Stop{Pos(mark),
                       fmt::format("nesting is deeper than {} levels here (a scenario needs "
                                   "at most 5: e.g. fleet, a class, broker, a key)",
                                   kMaxYamlDepth)};
        }
        Define(mark, anchor);
        ++expanded_total_;
        stack_.push_back(Frame{.anchor = anchor, .expanded = 1});
    }
    void Close()
    {
        Frame f = stack_.back();
        stack_.pop_back();
        if (f.anchor != 0)
        {
            anchors_[f.anchor].expanded = f.expanded;
        }
        if (!stack_.empty())
        {
            stack_.back().expanded += f.expanded;
        }
    }

    // A quoted scalar with no closing quote makes yaml-cpp read the rest of the file as its
    // value (no error); find the closing quote ourselves.
    void CheckQuoteClosed(std::size_t pos)
    {
        // The mark may be at the node's properties (&anchor, !tag): skip them.
        while (pos < text_.size() && (text_[pos] == '&' || text_[pos] == '!'))
        {
            while (pos < text_.size() && text_[pos] != ' ' && text_[pos] != '\t' &&
                   text_[pos] != '\n' && text_[pos] != '\r')
            {
                ++pos;
            }
            while (pos < text_.size() && (text_[pos] == ' ' || text_[pos] == '\t'))
            {
                ++pos;
            }
        }
        if (pos >= text_.size() || (text_[pos] != '"' && text_[pos] != '\''))
        {
            return; // a block scalar (| or >), also tagged "!"
        }
        const char quote = text_[pos];
        for (std::size_t i = pos + 1; i < text_.size(); ++i)
        {
            if (quote == '"' && text_[i] == '\\')
            {
                ++i; // an escape: the next character cannot close the value
            }
            else if (text_[i] == quote)
            {
                if (quote == '\'' && i + 1 < text_.size() && text_[i + 1] == '\'')
                {
                    ++i; // '' is an escaped single quote
                    continue;
                }
                return;
            }
        }
        throw Stop{pos, fmt::format("unterminated quoted value: the {} quote opened here is never "
                                    "closed, so the rest of the file would be read as one value",
                                    quote == '"' ? "double" : "single")};
    }

    std::string_view text_;
    YamlShape& shape_;
    std::vector<Frame> stack_;
    std::vector<Anchor> anchors_; // by anchor id (1-based)
    std::string pending_name_;
    std::size_t nodes_ = 0;
    std::size_t expanded_total_ = 0;
};

bool OnlySpaceAndComments(std::string_view text)
{
    bool in_comment = false;
    for (char c : text)
    {
        if (c == '\n' || c == '\r')
        {
            in_comment = false;
        }
        else if (c == '#')
        {
            in_comment = true;
        }
        else if (!in_comment && c != ' ' && c != '\t')
        {
            return false;
        }
    }
    return true;
}

} // namespace

const AliasUse* YamlShape::FindUse(std::size_t after, std::size_t anchor_pos) const
{
    auto it = std::upper_bound(aliases.begin(), aliases.end(), after,
                               [](std::size_t p, const AliasUse& a) { return p < a.pos; });
    // The alias written for a value comes right after its key (or the previous item); a few
    // entries of slack cover aliases nested in flow collections in between.
    for (int k = 0; it != aliases.end() && k < 64; ++it, ++k)
    {
        if (it->anchor_pos == anchor_pos)
        {
            return &*it;
        }
    }
    return nullptr;
}

std::string ExplainYamlError(std::string_view text, int line, int column,
                             const std::string& yaml_message)
{
    // yaml-cpp reports tab indentation as e.g. "illegal map value" or "end of map not found".
    std::size_t start = 0;
    for (int l = 1; l < line - 1 && start != std::string_view::npos; ++l)
    {
        start = text.find('\n', start);
        start = start == std::string_view::npos ? start : start + 1;
    }
    for (int l = std::max(1, line - 1); l <= line && start < text.size(); ++l)
    {
        for (std::size_t i = start; i < text.size() && (text[i] == ' ' || text[i] == '\t'); ++i)
        {
            if (text[i] == '\t')
            {
                return fmt::format("a tab character indents line {}: YAML indents with spaces "
                                   "only ({})",
                                   l, yaml_message);
            }
        }
        start = text.find('\n', start);
        start = start == std::string_view::npos ? start : start + 1;
    }
    // A plain key may not be longer than 1024 characters in YAML; yaml-cpp says only "illegal
    // map value" at the colon.
    if (column > 1025)
    {
        std::size_t line_start = 0;
        for (int l = 1; l < line && line_start != std::string_view::npos; ++l)
        {
            line_start = text.find('\n', line_start);
            line_start = line_start == std::string_view::npos ? line_start : line_start + 1;
        }
        if (line_start < text.size())
        {
            std::string_view before = text.substr(line_start, column - 1);
            if (before.find_first_of(":{}[],#\"'") == std::string_view::npos)
            {
                return fmt::format("a key longer than 1024 characters ({})", yaml_message);
            }
        }
    }
    if (yaml_message == "bad file")
    {
        return "the YAML parser gave up on this file (nesting too deep or unreadable input)";
    }
    return yaml_message;
}

bool ScanYaml(std::string_view text, DiagnosticSink& sink, YamlShape& shape)
{
    if (text.size() > kMaxScenarioFileBytes)
    {
        sink.Error(KeyOrigin{}, fmt::format("the file has {} bytes; scenario files are limited "
                                            "to {} MiB",
                                            text.size(), kMaxScenarioFileBytes >> 20));
        return false;
    }
    if (text.empty())
    {
        sink.Error(KeyOrigin{}, "the file is empty (0 bytes): a scenario needs at least one key "
                                "(e.g. 'horizon: 3d')");
        return false;
    }
    if (!CheckBytes(text, sink))
    {
        return false;
    }
    std::istringstream in{std::string(text)};
    ShapeHandler handler(text, shape);
    try
    {
        YAML::Parser parser(in);
        while (parser.HandleNextDocument(handler))
        {
        }
    }
    catch (const Stop& stop)
    {
        sink.Error(LineCol(text, stop.pos), stop.message);
        return false;
    }
    catch (const YAML::Exception& e)
    {
        // yaml-cpp marks are 0-based; -1 when it has no position.
        KeyOrigin at{.line = e.mark.line >= 0 ? e.mark.line + 1 : 0,
                     .column = e.mark.column >= 0 ? e.mark.column + 1 : 0,
                     .override_text = {}};
        sink.Error(
            at, fmt::format("YAML syntax: {}", ExplainYamlError(text, at.line, at.column, e.msg)));
        return false;
    }
    if (handler.documents == 0 || OnlySpaceAndComments(text))
    {
        sink.Error(KeyOrigin{}, "the file holds only comments or blank lines: a scenario needs "
                                "at least one key (e.g. 'horizon: 3d')");
        return false;
    }
    if (handler.null_root)
    {
        sink.Error(LineCol(text, std::min(handler.document_pos, handler.null_root_pos)),
                   "the document is empty: a scenario needs at least one key (e.g. 'horizon: "
                   "3d')");
        return false;
    }
    return true;
}

} // namespace teepsim::sim::detail
