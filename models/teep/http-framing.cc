#include "teepsim/http-framing.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace teepsim::http
{
namespace
{

constexpr std::size_t kBodyReserveCap = 64 * 1024; // never trust Content-Length for memory

bool IsTchar(char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
    {
        return true;
    }
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsToken(std::string_view s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), IsTchar);
}

bool IsFieldValueChar(char c)
{
    auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7f);
}

char Lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool EqualsNoCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return Lower(x) == Lower(y); });
}

std::string_view TrimOws(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    {
        s.remove_suffix(1);
    }
    return s;
}

void Append(std::vector<uint8_t>& out, std::string_view s)
{
    out.insert(out.end(), s.begin(), s.end());
}

std::size_t Digits(std::size_t n)
{
    std::size_t d = 1;
    while (n >= 10)
    {
        n /= 10;
        ++d;
    }
    return d;
}

void AppendNumber(std::vector<uint8_t>& out, std::size_t n)
{
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), n);
    out.insert(out.end(), buf, end);
}

constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kAccept = "Accept: ";
constexpr std::string_view kContentType = "Content-Type: ";
constexpr std::string_view kContentLength = "Content-Length: ";
constexpr std::string_view kClose = "Connection: close\r\n";
// TEEP over HTTP, section 5: headers required on every response with content.
constexpr std::string_view kContentHeaders = "X-Content-Type-Options: nosniff\r\n"
                                             "Content-Security-Policy: default-src 'none'\r\n"
                                             "Referrer-Policy: no-referrer\r\n";

bool ResponseHasBodyHeaders(uint16_t status, std::size_t bodySize)
{
    return status != 204 && bodySize > 0;
}

} // namespace

std::string_view ReasonPhrase(uint16_t status)
{
    switch (status)
    {
        case 200:
            return "OK";
        case 204:
            return "No Content";
        case 400:
            return "Bad Request";
        case 404:
            return "Not Found";
        case 413:
            return "Content Too Large";
        case 415:
            return "Unsupported Media Type";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
        default:
            return "Unknown";
    }
}

std::string_view MediaTypeOf(std::string_view contentType)
{
    const std::size_t semi = contentType.find(';');
    std::string_view t = contentType.substr(0, semi);
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t'))
    {
        t.remove_prefix(1);
    }
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t'))
    {
        t.remove_suffix(1);
    }
    return t;
}

bool SameMediaType(std::string_view a, std::string_view b)
{
    a = MediaTypeOf(a);
    b = MediaTypeOf(b);
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(),
                      [](char x, char y)
                      {
                          return std::tolower(static_cast<unsigned char>(x)) ==
                                 std::tolower(static_cast<unsigned char>(y));
                      });
}

std::size_t EncodedRequestSize(std::string_view host, std::string_view path,
                               std::string_view contentType, std::size_t bodySize,
                               std::string_view accept)
{
    std::size_t n = 5 + path.size() + 11; // "POST " path " HTTP/1.1\r\n"
    n += 6 + host.size() + 2;             // "Host: " host CRLF
    n += kAccept.size() + accept.size() + 2;
    if (!contentType.empty())
    {
        n += kContentType.size() + contentType.size() + 2;
    }
    n += kContentLength.size() + Digits(bodySize) + 2;
    n += 2 + bodySize;
    return n;
}

std::vector<uint8_t> EncodeRequest(std::string_view host, std::string_view path,
                                   std::string_view contentType, std::span<const uint8_t> body,
                                   std::string_view accept)
{
    std::vector<uint8_t> out;
    out.reserve(EncodedRequestSize(host, path, contentType, body.size(), accept));
    Append(out, "POST ");
    Append(out, path);
    Append(out, " HTTP/1.1\r\nHost: ");
    Append(out, host);
    Append(out, kCrlf);
    Append(out, kAccept);
    Append(out, accept);
    Append(out, kCrlf);
    if (!contentType.empty())
    {
        Append(out, kContentType);
        Append(out, contentType);
        Append(out, kCrlf);
    }
    Append(out, kContentLength);
    AppendNumber(out, body.size());
    Append(out, "\r\n\r\n");
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

std::size_t EncodedResponseSize(uint16_t status, std::string_view contentType, std::size_t bodySize,
                                bool close)
{
    std::size_t n = 9 + 3 + 1 + ReasonPhrase(status).size() + 2; // "HTTP/1.1 200 OK\r\n"
    if (ResponseHasBodyHeaders(status, bodySize))
    {
        if (!contentType.empty())
        {
            n += kContentType.size() + contentType.size() + 2;
        }
        n += kContentHeaders.size();
    }
    if (status != 204)
    {
        n += kContentLength.size() + Digits(bodySize) + 2;
    }
    if (close)
    {
        n += kClose.size();
    }
    n += 2;
    if (status != 204)
    {
        n += bodySize;
    }
    return n;
}

std::vector<uint8_t> EncodeResponse(uint16_t status, std::string_view contentType,
                                    std::span<const uint8_t> body, bool close)
{
    std::vector<uint8_t> out;
    out.reserve(EncodedResponseSize(status, contentType, body.size(), close));
    Append(out, "HTTP/1.1 ");
    AppendNumber(out, status % 1000);
    Append(out, " ");
    Append(out, ReasonPhrase(status));
    Append(out, kCrlf);
    if (ResponseHasBodyHeaders(status, body.size()))
    {
        if (!contentType.empty())
        {
            Append(out, kContentType);
            Append(out, contentType);
            Append(out, kCrlf);
        }
        Append(out, kContentHeaders);
    }
    if (status != 204)
    {
        Append(out, kContentLength);
        AppendNumber(out, body.size());
        Append(out, kCrlf);
    }
    if (close)
    {
        Append(out, kClose);
    }
    Append(out, kCrlf);
    if (status != 204)
    {
        out.insert(out.end(), body.begin(), body.end());
    }
    return out;
}

Parser::Parser(Kind kind, Limits limits) : m_kind(kind), m_limits(limits)
{
}

bool Parser::Fail(std::string what, uint64_t at)
{
    m_error = std::string("HTTP ") + (m_kind == Kind::Request ? "request" : "response") + " #" +
              std::to_string(m_messages + 1) + " at stream byte " + std::to_string(at) + ": " +
              what;
    return false;
}

Message Parser::Pop()
{
    Message m = std::move(m_ready.front());
    m_ready.pop_front();
    return m;
}

bool Parser::Feed(std::span<const uint8_t> bytes)
{
    if (Failed())
    {
        return false;
    }
    std::size_t i = 0;
    while (i < bytes.size())
    {
        if (m_state == State::Head)
        {
            if (m_head.empty())
            {
                m_headStart = m_offset;
            }
            std::size_t room = m_limits.maxHeaderBytes - m_head.size();
            std::size_t take = std::min(room, bytes.size() - i);
            std::size_t old = m_head.size();
            m_head.append(reinterpret_cast<const char*>(bytes.data() + i), take);
            // Scan only the new bytes (plus 3 of context) for bare LFs and the blank line.
            std::size_t end = std::string::npos;
            for (std::size_t k = old; k < m_head.size(); ++k)
            {
                if (m_head[k] != '\n')
                {
                    continue;
                }
                if (k == 0 || m_head[k - 1] != '\r')
                {
                    return Fail("bare LF in header section (CRLF required)", m_headStart + k);
                }
                if (k >= 3 && m_head[k - 2] == '\n' && m_head[k - 3] == '\r')
                {
                    end = k + 1;
                    break;
                }
            }
            if (end == std::string::npos)
            {
                if (m_head.size() >= m_limits.maxHeaderBytes)
                {
                    return Fail("header section exceeds " +
                                    std::to_string(m_limits.maxHeaderBytes) + " bytes",
                                m_headStart + m_head.size());
                }
                i += take;
                m_offset += take;
                continue;
            }
            std::size_t used = end - old;
            i += used;
            m_offset += used;
            m_head.resize(end);
            if (!ParseHead())
            {
                return false;
            }
            m_head.clear();
            if (m_bodyLeft == 0)
            {
                m_ready.push_back(std::move(m_current));
                m_current = Message{};
                ++m_messages;
            }
            else
            {
                m_state = State::Body;
            }
        }
        else
        {
            std::size_t take = std::min(m_bodyLeft, bytes.size() - i);
            m_current.body.insert(m_current.body.end(), bytes.begin() + i,
                                  bytes.begin() + i + take);
            i += take;
            m_offset += take;
            m_bodyLeft -= take;
            if (m_bodyLeft == 0)
            {
                m_ready.push_back(std::move(m_current));
                m_current = Message{};
                m_state = State::Head;
                ++m_messages;
            }
        }
    }
    return true;
}

bool Parser::ParseHead()
{
    std::string_view head(m_head);
    head.remove_suffix(4); // the last line's CRLF and the blank line
    std::size_t pos = 0;
    // After the last line, pos is past the end (head.size() + 1).
    auto nextLine = [&](std::string_view& line)
    {
        std::size_t e = head.find("\r\n", pos);
        if (e == std::string_view::npos)
        {
            line = head.substr(pos);
            pos = head.size() + 1;
            return;
        }
        line = head.substr(pos, e - pos);
        pos = e + 2;
    };
    auto bad = [&](std::string what, std::size_t at)
    { return Fail(std::move(what), m_headStart + at); };

    std::string_view start;
    nextLine(start);
    if (start.find('\r') != std::string_view::npos)
    {
        return bad("bare CR in start line", 0);
    }
    std::string_view version;
    if (m_kind == Kind::Request)
    {
        std::size_t sp1 = start.find(' ');
        std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : start.find(' ', sp1 + 1);
        if (sp2 == std::string_view::npos || start.find(' ', sp2 + 1) != std::string_view::npos)
        {
            return bad("malformed request line '" + std::string(start.substr(0, 80)) + "'", 0);
        }
        std::string_view method = start.substr(0, sp1);
        std::string_view target = start.substr(sp1 + 1, sp2 - sp1 - 1);
        version = start.substr(sp2 + 1);
        if (!IsToken(method))
        {
            return bad("invalid method '" + std::string(method.substr(0, 40)) + "'", 0);
        }
        if (target.empty() ||
            !std::all_of(target.begin(), target.end(),
                         [](char c) { return static_cast<unsigned char>(c) > 0x20 && c != 0x7f; }))
        {
            return bad("invalid request target", sp1 + 1);
        }
        m_current.method = method;
        m_current.target = target;
    }
    else
    {
        version = start.substr(0, std::min<std::size_t>(8, start.size()));
        std::string_view rest = start.substr(version.size());
        if (rest.size() < 4 || rest[0] != ' ' ||
            !std::all_of(rest.begin() + 1, rest.begin() + 4,
                         [](char c) { return c >= '0' && c <= '9'; }) ||
            (rest.size() > 4 && rest[4] != ' '))
        {
            return bad("malformed status line '" + std::string(start.substr(0, 80)) + "'", 0);
        }
        m_current.status =
            static_cast<uint16_t>((rest[1] - '0') * 100 + (rest[2] - '0') * 10 + (rest[3] - '0'));
        if (m_current.status < 200 || m_current.status > 599)
        {
            return bad("unsupported status code " + std::to_string(m_current.status), 9);
        }
        if (rest.size() > 5)
        {
            std::string_view reason = rest.substr(5);
            if (!std::all_of(reason.begin(), reason.end(), IsFieldValueChar))
            {
                return bad("control character in reason phrase", 13);
            }
            m_current.reason = reason;
        }
    }
    if (version == "HTTP/1.1")
    {
        m_current.keepAlive = true;
    }
    else if (version == "HTTP/1.0")
    {
        m_current.keepAlive = false;
    }
    else
    {
        return bad("unsupported HTTP version '" + std::string(version.substr(0, 20)) + "'", 0);
    }

    bool haveLength = false;
    std::size_t length = 0;
    while (pos <= head.size())
    {
        std::size_t lineStart = pos;
        std::string_view line;
        nextLine(line);
        if (line.empty())
        {
            return bad("empty header line", lineStart);
        }
        if (line.front() == ' ' || line.front() == '\t')
        {
            return bad("obsolete line folding in header section", lineStart);
        }
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos)
        {
            return bad("header line without ':'", lineStart);
        }
        std::string_view name = line.substr(0, colon);
        if (!IsToken(name))
        {
            return bad("invalid header name '" + std::string(name.substr(0, 40)) + "'", lineStart);
        }
        std::string_view value = TrimOws(line.substr(colon + 1));
        if (!std::all_of(value.begin(), value.end(), IsFieldValueChar))
        {
            return bad("control character in value of header '" + std::string(name) + "'",
                       lineStart);
        }
        if (EqualsNoCase(name, "Content-Length"))
        {
            std::size_t v = 0;
            auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
            if (value.empty() || ec != std::errc() || p != value.data() + value.size())
            {
                return bad("bad Content-Length '" + std::string(value.substr(0, 40)) + "'",
                           lineStart);
            }
            if (v > m_limits.maxBodyBytes)
            {
                return bad("Content-Length " + std::to_string(v) + " exceeds limit " +
                               std::to_string(m_limits.maxBodyBytes),
                           lineStart);
            }
            if (haveLength && v != length)
            {
                return bad("conflicting Content-Length headers", lineStart);
            }
            haveLength = true;
            length = v;
        }
        else if (EqualsNoCase(name, "Transfer-Encoding"))
        {
            return bad("Transfer-Encoding is not supported (Content-Length framing only)",
                       lineStart);
        }
        else if (EqualsNoCase(name, "Connection"))
        {
            std::string_view list = value;
            while (!list.empty())
            {
                std::size_t comma = list.find(',');
                std::string_view token = TrimOws(list.substr(0, comma));
                if (EqualsNoCase(token, "close"))
                {
                    m_current.keepAlive = false;
                }
                else if (EqualsNoCase(token, "keep-alive"))
                {
                    m_current.keepAlive = true;
                }
                list =
                    comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
            }
        }
        else if (EqualsNoCase(name, "Content-Type"))
        {
            m_current.contentType = value;
        }
        else if (EqualsNoCase(name, "Host"))
        {
            m_current.host = value;
        }
    }

    if (m_kind == Kind::Response && (m_current.status == 204 || m_current.status == 304))
    {
        length = 0; // never a body, whatever the headers say
    }
    else if (m_kind == Kind::Response && !haveLength)
    {
        return bad("response without Content-Length (close-delimited bodies not supported)", 0);
    }
    m_bodyLeft = length;
    m_current.body.reserve(std::min(length, kBodyReserveCap));
    return true;
}

} // namespace teepsim::http
