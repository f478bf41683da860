// Diagnostic notation reader for the subset the TEEP/SUIT drafts use (RFC 8949 §8 plus the
// RFC 8610 Appendix G extensions: /comments/, <<embedded>>, 'text' bstr, string concatenation).
#include "teepsim/codec/cbor.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace teepsim::cbor
{

namespace
{

constexpr int kMaxParseDepth = 256;

int HexValue(char c)
{
    if (c >= '0' && c <= '9')
    {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f')
    {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F')
    {
        return c - 'A' + 10;
    }
    return -1;
}

void AppendUtf8(uint32_t cp, std::string& out)
{
    if (cp < 0x80)
    {
        out.push_back(char(cp));
    }
    else if (cp < 0x800)
    {
        out.push_back(char(0xc0 | (cp >> 6)));
        out.push_back(char(0x80 | (cp & 0x3f)));
    }
    else if (cp < 0x10000)
    {
        out.push_back(char(0xe0 | (cp >> 12)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(char(0x80 | (cp & 0x3f)));
    }
    else
    {
        out.push_back(char(0xf0 | (cp >> 18)));
        out.push_back(char(0x80 | ((cp >> 12) & 0x3f)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(char(0x80 | (cp & 0x3f)));
    }
}

class Parser
{
  public:
    explicit Parser(std::string_view s) : s_(s) {}

    Result<Value> Run()
    {
        Value v;
        if (!SkipSpace() || !ParseValue(v, 0) || !SkipSpace())
        {
            return error_;
        }
        if (i_ != s_.size())
        {
            Fail(i_, "unexpected text after the value");
            return error_;
        }
        return v;
    }

  private:
    bool Fail(size_t at, std::string message)
    {
        size_t line = 1, col = 1;
        for (size_t k = 0; k < at && k < s_.size(); ++k)
        {
            if (s_[k] == '\n')
            {
                ++line;
                col = 1;
            }
            else
            {
                ++col;
            }
        }
        error_ = DecodeError{at, message + " (line " + std::to_string(line) + ", column " +
                                     std::to_string(col) + ")"};
        return false;
    }

    bool AtEnd() const { return i_ >= s_.size(); }
    char Peek() const { return AtEnd() ? '\0' : s_[i_]; }

    bool StartsWith(std::string_view w) const { return s_.substr(i_).starts_with(w); }

    static bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

    // The '/' that closes a comment opened before `from`. A slash between two letters
    // ("application/cbor", as in the draft's EAT example) is taken as comment text: strict
    // RFC 8610 comments cannot contain '/', and no diag file ends a comment that way.
    size_t CommentEnd(size_t from) const
    {
        for (size_t k = s_.find('/', from); k != std::string_view::npos; k = s_.find('/', k + 1))
        {
            const bool inWord =
                k > from && k + 1 < s_.size() && IsLetter(s_[k - 1]) && IsLetter(s_[k + 1]);
            if (!inWord)
            {
                return k;
            }
        }
        return std::string_view::npos;
    }

    // Whitespace and /comments/.
    bool SkipSpace()
    {
        while (!AtEnd())
        {
            const char c = s_[i_];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            {
                ++i_;
            }
            else if (c == '/')
            {
                const size_t end = CommentEnd(i_ + 1);
                if (end == std::string_view::npos)
                {
                    return Fail(i_, "unterminated /comment/");
                }
                i_ = end + 1;
            }
            else
            {
                break;
            }
        }
        return true;
    }

    bool Expect(char c, const char* context)
    {
        if (!SkipSpace())
        {
            return false;
        }
        if (Peek() != c)
        {
            return Fail(i_, std::string("expected '") + c + "' " + context);
        }
        ++i_;
        return true;
    }

    bool ParseValue(Value& out, int depth)
    {
        if (depth > kMaxParseDepth)
        {
            return Fail(i_, "nesting deeper than " + std::to_string(kMaxParseDepth));
        }
        if (AtEnd())
        {
            return Fail(i_, "expected a value, text ended");
        }
        const char c = Peek();
        if (c == '[')
        {
            return ParseArray(out, depth);
        }
        if (c == '{')
        {
            return ParseMap(out, depth);
        }
        if (c == '<' && StartsWith("<<"))
        {
            return ParseEmbedded(out, depth);
        }
        if (c == '"')
        {
            return ParseTextConcat(out);
        }
        if (c == '\'' || (c == 'h' && StartsWith("h'")))
        {
            return ParseBytesConcat(out);
        }
        if (c == '-' || (c >= '0' && c <= '9'))
        {
            return ParseNumberOrTag(out, depth);
        }
        return ParseWord(out);
    }

    bool ParseArray(Value& out, int depth)
    {
        ++i_; // '['
        Array a;
        if (!SkipSpace())
        {
            return false;
        }
        if (Peek() != ']')
        {
            for (;;)
            {
                a.emplace_back();
                if (!SkipSpace() || !ParseValue(a.back(), depth + 1) || !SkipSpace())
                {
                    return false;
                }
                if (Peek() == ',')
                {
                    ++i_;
                    continue;
                }
                if (Peek() != ']')
                {
                    return Fail(i_, "expected ',' or ']' in array");
                }
                break;
            }
        }
        ++i_; // ']'
        out = Value::MakeArray(std::move(a));
        return true;
    }

    bool ParseMap(Value& out, int depth)
    {
        ++i_; // '{'
        Map m;
        if (!SkipSpace())
        {
            return false;
        }
        if (Peek() != '}')
        {
            for (;;)
            {
                m.emplace_back();
                if (!SkipSpace() || !ParseValue(m.back().first, depth + 1) ||
                    !Expect(':', "after a map key") || !SkipSpace() ||
                    !ParseValue(m.back().second, depth + 1) || !SkipSpace())
                {
                    return false;
                }
                if (Peek() == ',')
                {
                    ++i_;
                    continue;
                }
                if (Peek() != '}')
                {
                    return Fail(i_, "expected ',' or '}' in map");
                }
                break;
            }
        }
        ++i_; // '}'
        out = Value::MakeMap(std::move(m));
        return true;
    }

    // << a, b >>: a bstr holding the concatenated encodings (a CBOR sequence).
    bool ParseEmbedded(Value& out, int depth)
    {
        i_ += 2;
        Bytes b;
        if (!SkipSpace())
        {
            return false;
        }
        if (!StartsWith(">>"))
        {
            for (;;)
            {
                Value item;
                if (!SkipSpace() || !ParseValue(item, depth + 1) || !SkipSpace())
                {
                    return false;
                }
                EncodeTo(item, b);
                if (Peek() == ',')
                {
                    ++i_;
                    continue;
                }
                if (!StartsWith(">>"))
                {
                    return Fail(i_, "expected ',' or '>>' in embedded CBOR");
                }
                break;
            }
        }
        i_ += 2;
        out = Value::Bstr(std::move(b));
        return true;
    }

    // Adjacent byte string literals concatenate (RFC 8610 G.4).
    bool ParseBytesConcat(Value& out)
    {
        Bytes b;
        for (;;)
        {
            if (!ParseBytesLiteral(b))
            {
                return false;
            }
            const size_t save = i_;
            if (!SkipSpace())
            {
                return false;
            }
            if (!(Peek() == '\'' || StartsWith("h'")))
            {
                i_ = save;
                break;
            }
        }
        out = Value::Bstr(std::move(b));
        return true;
    }

    bool ParseBytesLiteral(Bytes& b)
    {
        const size_t start = i_;
        if (Peek() == 'h')
        {
            i_ += 2; // h'
            int high = -1;
            for (;;)
            {
                if (AtEnd())
                {
                    return Fail(start, "unterminated h'...'");
                }
                const char c = s_[i_];
                if (c == '\'')
                {
                    ++i_;
                    break;
                }
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/')
                {
                    if (!SkipSpace())
                    {
                        return false;
                    }
                    continue;
                }
                const int h = HexValue(c);
                if (h < 0)
                {
                    return Fail(i_, std::string("invalid hex digit '") + c + "' in h'...'");
                }
                if (high < 0)
                {
                    high = h;
                }
                else
                {
                    b.push_back(uint8_t(high << 4 | h));
                    high = -1;
                }
                ++i_;
            }
            if (high >= 0)
            {
                return Fail(start, "odd number of hex digits in h'...'");
            }
            return true;
        }
        ++i_; // opening '
        for (;;)
        {
            if (AtEnd())
            {
                return Fail(start, "unterminated '...' byte string");
            }
            char c = s_[i_++];
            if (c == '\'')
            {
                return true;
            }
            if (c == '\\')
            {
                if (AtEnd())
                {
                    return Fail(start, "unterminated '...' byte string");
                }
                c = s_[i_++];
            }
            b.push_back(uint8_t(c));
        }
    }

    bool ParseTextConcat(Value& out)
    {
        std::string t;
        for (;;)
        {
            if (!ParseTextLiteral(t))
            {
                return false;
            }
            const size_t save = i_;
            if (!SkipSpace())
            {
                return false;
            }
            if (Peek() != '"')
            {
                i_ = save;
                break;
            }
        }
        out = Value::Tstr(std::move(t));
        return true;
    }

    bool ReadHex4(uint32_t& v)
    {
        if (s_.size() - i_ < 4)
        {
            return Fail(i_, "truncated \\u escape");
        }
        v = 0;
        for (int k = 0; k < 4; ++k)
        {
            const int h = HexValue(s_[i_ + k]);
            if (h < 0)
            {
                return Fail(i_ + k, "invalid hex digit in \\u escape");
            }
            v = v << 4 | uint32_t(h);
        }
        i_ += 4;
        return true;
    }

    bool ParseTextLiteral(std::string& t)
    {
        const size_t start = i_;
        ++i_; // opening "
        for (;;)
        {
            if (AtEnd())
            {
                return Fail(start, "unterminated \"...\" text string");
            }
            const char c = s_[i_++];
            if (c == '"')
            {
                return true;
            }
            if (c != '\\')
            {
                t.push_back(c);
                continue;
            }
            if (AtEnd())
            {
                return Fail(start, "unterminated \"...\" text string");
            }
            const char e = s_[i_++];
            switch (e)
            {
                case '"':
                case '\\':
                case '/':
                    t.push_back(e);
                    break;
                case 'n':
                    t.push_back('\n');
                    break;
                case 'r':
                    t.push_back('\r');
                    break;
                case 't':
                    t.push_back('\t');
                    break;
                case 'b':
                    t.push_back('\b');
                    break;
                case 'f':
                    t.push_back('\f');
                    break;
                case 'u':
                {
                    uint32_t cp = 0;
                    if (!ReadHex4(cp))
                    {
                        return false;
                    }
                    if (cp >= 0xd800 && cp <= 0xdbff)
                    {
                        uint32_t lo = 0;
                        if (!StartsWith("\\u"))
                        {
                            return Fail(i_, "high surrogate without a following \\u low surrogate");
                        }
                        i_ += 2;
                        if (!ReadHex4(lo))
                        {
                            return false;
                        }
                        if (lo < 0xdc00 || lo > 0xdfff)
                        {
                            return Fail(i_ - 6, "invalid low surrogate");
                        }
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    }
                    else if (cp >= 0xdc00 && cp <= 0xdfff)
                    {
                        return Fail(i_ - 6, "lone low surrogate");
                    }
                    AppendUtf8(cp, t);
                    break;
                }
                default:
                    return Fail(i_ - 2, std::string("unknown escape \\") + e);
            }
        }
    }

    bool ParseNumberOrTag(Value& out, int depth)
    {
        const size_t start = i_;
        const bool neg = Peek() == '-';
        if (neg)
        {
            ++i_;
            if (StartsWith("Infinity"))
            {
                i_ += 8;
                out = Value::Double(-std::numeric_limits<double>::infinity());
                return true;
            }
        }
        const size_t digitsStart = i_;
        while (!AtEnd() && s_[i_] >= '0' && s_[i_] <= '9')
        {
            ++i_;
        }
        if (i_ == digitsStart)
        {
            return Fail(start, "expected digits");
        }
        const char next = Peek();
        if (next == '.' || next == 'e' || next == 'E')
        {
            return ParseFloat(start, out);
        }
        // Magnitudes up to 2^64 (for -2^64, the most negative CBOR integer).
        unsigned __int128 mag = 0;
        for (size_t k = digitsStart; k < i_; ++k)
        {
            mag = mag * 10 + unsigned(s_[k] - '0');
            if (mag > (unsigned __int128)(UINT64_MAX) + 1)
            {
                return Fail(start, "integer out of the CBOR range");
            }
        }
        if (neg)
        {
            if (mag == 0)
            {
                out = Value::Uint(0); // "-0" as an integer is 0
                return true;
            }
            out = Value::NegativeRaw(uint64_t(mag - 1));
            return true;
        }
        if (mag > UINT64_MAX)
        {
            return Fail(start, "integer out of the CBOR range");
        }
        const size_t save = i_;
        if (!SkipSpace())
        {
            return false;
        }
        if (Peek() == '(')
        {
            ++i_;
            Value content;
            if (!SkipSpace() || !ParseValue(content, depth + 1) || !Expect(')', "closing a tag"))
            {
                return false;
            }
            out = Value::Tag(uint64_t(mag), std::move(content));
            return true;
        }
        i_ = save;
        out = Value::Uint(uint64_t(mag));
        return true;
    }

    bool ParseFloat(size_t start, Value& out)
    {
        while (!AtEnd())
        {
            const char c = s_[i_];
            const bool sign = (c == '+' || c == '-') && (s_[i_ - 1] == 'e' || s_[i_ - 1] == 'E');
            if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || sign))
            {
                break;
            }
            ++i_;
        }
        double d = 0;
        const char* first = s_.data() + start;
        const char* last = s_.data() + i_;
        auto r = std::from_chars(first, last, d);
        if (r.ec != std::errc() || r.ptr != last)
        {
            return Fail(start, "malformed floating-point number");
        }
        out = Value::Double(d);
        return true;
    }

    bool ParseWord(Value& out)
    {
        struct Word
        {
            std::string_view text;
            Value (*make)();
        };
        static const Word kWords[] = {
            {"false", [] { return Value::Bool(false); }},
            {"true", [] { return Value::Bool(true); }},
            {"null", [] { return Value::Null(); }},
            {"undefined", [] { return Value::Undefined(); }},
            {"NaN", [] { return Value::Double(std::numeric_limits<double>::quiet_NaN()); }},
            {"Infinity", [] { return Value::Double(std::numeric_limits<double>::infinity()); }},
        };
        for (const Word& w : kWords)
        {
            if (StartsWith(w.text))
            {
                i_ += w.text.size();
                out = w.make();
                return true;
            }
        }
        if (StartsWith("simple("))
        {
            const size_t start = i_;
            i_ += 7;
            unsigned v = 0;
            auto r = std::from_chars(s_.data() + i_, s_.data() + s_.size(), v);
            if (r.ec != std::errc() || v > 255 || (v >= 24 && v < 32))
            {
                return Fail(start, "simple(N) needs N in 0..23 or 32..255");
            }
            i_ = size_t(r.ptr - s_.data());
            if (!Expect(')', "closing simple("))
            {
                return false;
            }
            out = Value::Simple(uint8_t(v));
            return true;
        }
        return Fail(i_, std::string("unexpected character '") + Peek() + "'");
    }

    std::string_view s_;
    size_t i_ = 0;
    DecodeError error_;
};

} // namespace

Result<Value> ParseDiagnostic(std::string_view text)
{
    return Parser(text).Run();
}

} // namespace teepsim::cbor
