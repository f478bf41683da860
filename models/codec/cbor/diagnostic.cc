// Diagnostic notation writer (RFC 8949 §8), compact or indented, optionally showing
// bstr-wrapped CBOR as <<...>> (RFC 8610 Appendix G.3).
#include "teepsim/codec/cbor.h"

#include <charconv>
#include <cmath>

namespace teepsim::cbor
{

namespace
{

constexpr char kHexDigits[] = "0123456789abcdef";

void AppendUint(uint64_t v, std::string& out)
{
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void AppendNegative(uint64_t n, std::string& out)
{
    out.push_back('-');
    if (n == UINT64_MAX)
    {
        out += "18446744073709551616"; // -1 - (2^64 - 1)
        return;
    }
    AppendUint(n + 1, out);
}

void AppendFloat(double d, std::string& out)
{
    if (std::isnan(d))
    {
        out += "NaN";
        return;
    }
    if (std::isinf(d))
    {
        out += d < 0 ? "-Infinity" : "Infinity";
        return;
    }
    // Shortest text that reads back exactly; plain decimals for moderate magnitudes
    // (100000.0, 0.00006103515625 as in RFC 8949 Appendix A), exponents otherwise.
    char buf[400];
    const double mag = std::fabs(d);
    const auto fmt = (mag == 0 || (mag >= 1e-6 && mag < 1e21)) ? std::chars_format::fixed
                                                               : std::chars_format::scientific;
    auto r = std::to_chars(buf, buf + sizeof buf, d, fmt);
    std::string s(buf, r.ptr);
    // to_chars writes printf-style exponents (e-08); RFC 8949 §8 writes e-8.
    if (auto e = s.find('e'); e != std::string::npos)
    {
        size_t d0 = e + 2; // first exponent digit, after the sign
        while (d0 + 1 < s.size() && s[d0] == '0')
        {
            s.erase(d0, 1);
        }
    }
    // A float must not read as an integer: 1.0, 1.0e+300 (RFC 8949 §8 examples).
    const auto e = s.find('e');
    if (s.find('.') == std::string::npos)
    {
        s.insert(e == std::string::npos ? s.size() : e, ".0");
    }
    out += s;
}

void AppendText(const std::string& s, std::string& out)
{
    out.push_back('"');
    for (unsigned char c : s)
    {
        switch (c)
        {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20 || c == 0x7f)
                {
                    out += "\\u00";
                    out.push_back(kHexDigits[c >> 4]);
                    out.push_back(kHexDigits[c & 15]);
                }
                else
                {
                    out.push_back(char(c)); // UTF-8 passes through (validated on decode)
                }
        }
    }
    out.push_back('"');
}

class Writer
{
  public:
    Writer(const DiagnosticOptions& o, std::string& out) : o_(o), out_(out) {}

    void Write(const Value& v, int level)
    {
        switch (v.type())
        {
            case Type::Unsigned:
                AppendUint(v.rawUint(), out_);
                break;
            case Type::Negative:
                AppendNegative(v.rawUint(), out_);
                break;
            case Type::Bytes:
                WriteBytes(v.bytes(), level);
                break;
            case Type::Text:
                AppendText(v.text(), out_);
                break;
            case Type::Array:
                if (TryInline(v))
                    break;
                WriteSeq('[', ']', v.array().size(), level,
                         [&](size_t i) { Write(v.array()[i], level + 1); });
                break;
            case Type::Map:
                if (TryInline(v))
                    break;
                WriteSeq('{', '}', v.map().size(), level,
                         [&](size_t i)
                         {
                             Write(v.map()[i].first, level + 1);
                             out_ += ": ";
                             Write(v.map()[i].second, level + 1);
                         });
                break;
            case Type::Tag:
                AppendUint(v.tag(), out_);
                out_.push_back('(');
                Write(v.tagged(), level);
                out_.push_back(')');
                break;
            case Type::Simple:
                WriteSimple(v.simple());
                break;
            case Type::Float:
                AppendFloat(v.floating(), out_);
                break;
        }
    }

  private:
    void Newline(int level)
    {
        out_.push_back('\n');
        out_.append(size_t(level) * size_t(o_.indent), ' ');
    }

    // Indented layout keeps short containers of scalars on one line ([18, -9], {1: -7}).
    static constexpr size_t kInlineWidth = 72;

    bool IsScalar(const Value& v) const
    {
        switch (v.type())
        {
            case Type::Array:
            case Type::Map:
            case Type::Tag:
                return false;
            case Type::Bytes:
            {
                const Bytes& b = v.bytes();
                return !o_.expandEmbedded || b.empty() || (b[0] >> 5) < 4 || (b[0] >> 5) > 6;
            }
            default:
                return true;
        }
    }

    bool TryInline(const Value& v)
    {
        if (o_.indent == 0)
        {
            return false;
        }
        if (v.isArray())
        {
            for (const Value& e : v.array())
            {
                if (!IsScalar(e))
                    return false;
            }
        }
        else
        {
            for (const auto& [k, e] : v.map())
            {
                if (!IsScalar(k) || !IsScalar(e))
                    return false;
            }
        }
        const DiagnosticOptions flat;
        std::string s;
        Writer(flat, s).Write(v, 0);
        if (s.size() > kInlineWidth)
        {
            return false;
        }
        out_ += s;
        return true;
    }

    template<typename F> void WriteSeq(char open, char close, size_t n, int level, F&& element)
    {
        out_.push_back(open);
        for (size_t i = 0; i < n; ++i)
        {
            if (i > 0)
            {
                out_.push_back(',');
                if (o_.indent == 0)
                {
                    out_.push_back(' ');
                }
            }
            if (o_.indent > 0)
            {
                Newline(level + 1);
            }
            element(i);
        }
        if (o_.indent > 0 && n > 0)
        {
            Newline(level);
        }
        out_.push_back(close);
    }

    void WriteBytes(const Bytes& b, int level)
    {
        if (o_.expandEmbedded && !b.empty() && embedLevel_ < kMaxEmbedLevel)
        {
            const uint8_t major = b[0] >> 5;
            if (major >= 4 && major <= 6)
            {
                auto inner = Decode(b);
                if (inner.ok() && Encode(*inner) == b)
                {
                    out_ += "<< ";
                    ++embedLevel_;
                    Write(*inner, level);
                    --embedLevel_;
                    out_ += " >>";
                    return;
                }
            }
        }
        out_ += "h'";
        for (uint8_t c : b)
        {
            out_.push_back(kHexDigits[c >> 4]);
            out_.push_back(kHexDigits[c & 15]);
        }
        out_.push_back('\'');
    }

    void WriteSimple(uint8_t s)
    {
        switch (s)
        {
            case 20:
                out_ += "false";
                break;
            case 21:
                out_ += "true";
                break;
            case 22:
                out_ += "null";
                break;
            case 23:
                out_ += "undefined";
                break;
            default:
                out_ += "simple(";
                AppendUint(s, out_);
                out_.push_back(')');
        }
    }

    // Each level re-decodes its content; a cap keeps adversarial nesting linear.
    static constexpr int kMaxEmbedLevel = 16;

    const DiagnosticOptions& o_;
    std::string& out_;
    int embedLevel_ = 0;
};

} // namespace

std::string Diagnostic(const Value& v, const DiagnosticOptions& options)
{
    std::string out;
    Writer(options, out).Write(v, 0);
    return out;
}

std::string Diagnostic(const Value& v, int indent)
{
    DiagnosticOptions o;
    o.indent = indent < 0 ? 0 : indent;
    return Diagnostic(v, o);
}

} // namespace teepsim::cbor
