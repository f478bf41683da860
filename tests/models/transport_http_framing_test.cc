// The HTTP/1.1 framing of TEEP over HTTP, without ns-3: exact encoder bytes, and an incremental
// parser that survives any segmentation of the TCP stream and rejects malformed framing.
#include "teepsim/http-framing.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace teepsim::http
{
namespace
{

std::vector<uint8_t> Bytes(std::string_view s)
{
    return {s.begin(), s.end()};
}

std::span<const uint8_t> Span(const std::vector<uint8_t>& v)
{
    return {v.data(), v.size()};
}

const std::vector<uint8_t> kBody = {0x83, 0x01, 0xa0, 0x00, 0x0d, 0x0a, 0x0d, 0x0a, 0xff};

TEST(HttpFramingTest, EncodesSessionOpeningPostWithoutContentType)
{
    auto bytes = EncodeRequest("10.0.0.1:80", "/tam", "", {});
    EXPECT_EQ(std::string(bytes.begin(), bytes.end()),
              "POST /tam HTTP/1.1\r\nHost: 10.0.0.1:80\r\nAccept: application/teep+cbor\r\n"
              "Content-Length: 0\r\n\r\n");
    EXPECT_EQ(bytes.size(), EncodedRequestSize("10.0.0.1:80", "/tam", "", 0));
}

TEST(HttpFramingTest, EncodesRequestWithBodyAndSizeMatches)
{
    auto bytes = EncodeRequest("tam", "/tam", kTeepMediaType, Span(kBody));
    std::string head = "POST /tam HTTP/1.1\r\nHost: tam\r\nAccept: application/teep+cbor\r\n"
                       "Content-Type: application/teep+cbor\r\nContent-Length: 9\r\n\r\n";
    auto expected = Bytes(head);
    expected.insert(expected.end(), kBody.begin(), kBody.end());
    EXPECT_EQ(bytes, expected);
    EXPECT_EQ(bytes.size(), EncodedRequestSize("tam", "/tam", kTeepMediaType, kBody.size()));
}

TEST(HttpFramingTest, EncodesResponsesWithRequiredHeaders)
{
    auto ok = EncodeResponse(200, kTeepMediaType, Span(kBody));
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/teep+cbor\r\n"
                       "X-Content-Type-Options: nosniff\r\n"
                       "Content-Security-Policy: default-src 'none'\r\n"
                       "Referrer-Policy: no-referrer\r\nContent-Length: 9\r\n\r\n";
    auto expected = Bytes(head);
    expected.insert(expected.end(), kBody.begin(), kBody.end());
    EXPECT_EQ(ok, expected);

    auto noContent = EncodeResponse(204, "", {});
    EXPECT_EQ(std::string(noContent.begin(), noContent.end()), "HTTP/1.1 204 No Content\r\n\r\n");
    auto busy = EncodeResponse(503, "", {}, true);
    EXPECT_EQ(std::string(busy.begin(), busy.end()),
              "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    for (uint16_t status : {200, 204, 400, 503})
    {
        for (bool close : {false, true})
        {
            EXPECT_EQ(EncodeResponse(status, kTeepMediaType, Span(kBody), close).size(),
                      EncodedResponseSize(status, kTeepMediaType, kBody.size(), close))
                << status;
        }
    }
}

// Two requests (empty session opener, then one with a body) and their wire bytes.
std::vector<uint8_t> TwoRequests()
{
    auto a = EncodeRequest("tam", "/tam", "", {});
    auto b = EncodeRequest("tam", "/tam", kTeepMediaType, Span(kBody));
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

void ExpectTwoRequests(Parser& p)
{
    ASSERT_TRUE(p.HasMessage());
    Message first = p.Pop();
    EXPECT_EQ(first.method, "POST");
    EXPECT_EQ(first.target, "/tam");
    EXPECT_EQ(first.host, "tam");
    EXPECT_EQ(first.contentType, "");
    EXPECT_TRUE(first.body.empty());
    EXPECT_TRUE(first.keepAlive);
    ASSERT_TRUE(p.HasMessage());
    Message second = p.Pop();
    EXPECT_EQ(second.contentType, "application/teep+cbor");
    EXPECT_EQ(second.body, kBody);
    EXPECT_FALSE(p.HasMessage());
    EXPECT_FALSE(p.InMessage());
}

TEST(HttpFramingTest, ParsesTwoRequestsCoalescedInOneSegment)
{
    auto stream = TwoRequests();
    Parser p(Kind::Request);
    ASSERT_TRUE(p.Feed(Span(stream))) << p.Error();
    ExpectTwoRequests(p);
}

TEST(HttpFramingTest, ParsesTwoRequestsSplitAtEveryBytePosition)
{
    auto stream = TwoRequests();
    for (std::size_t cut = 0; cut <= stream.size(); ++cut)
    {
        Parser p(Kind::Request);
        std::span<const uint8_t> all(stream);
        ASSERT_TRUE(p.Feed(all.subspan(0, cut))) << "cut " << cut << ": " << p.Error();
        ASSERT_TRUE(p.Feed(all.subspan(cut))) << "cut " << cut << ": " << p.Error();
        ExpectTwoRequests(p);
    }
}

TEST(HttpFramingTest, ParsesOneByteAtATime)
{
    auto stream = TwoRequests();
    Parser p(Kind::Request);
    for (uint8_t b : stream)
    {
        ASSERT_TRUE(p.Feed(std::span<const uint8_t>(&b, 1))) << p.Error();
    }
    ExpectTwoRequests(p);
}

TEST(HttpFramingTest, ParsesResponsesSplitAtEveryBytePosition)
{
    auto stream = EncodeResponse(200, kTeepMediaType, Span(kBody));
    auto noContent = EncodeResponse(204, "", {});
    auto closing = EncodeResponse(503, "", {}, true);
    stream.insert(stream.end(), noContent.begin(), noContent.end());
    stream.insert(stream.end(), closing.begin(), closing.end());
    for (std::size_t cut = 0; cut <= stream.size(); ++cut)
    {
        Parser p(Kind::Response);
        std::span<const uint8_t> all(stream);
        ASSERT_TRUE(p.Feed(all.subspan(0, cut)) && p.Feed(all.subspan(cut))) << p.Error();
        ASSERT_TRUE(p.HasMessage());
        Message ok = p.Pop();
        EXPECT_EQ(ok.status, 200);
        EXPECT_EQ(ok.reason, "OK");
        EXPECT_EQ(ok.contentType, "application/teep+cbor");
        EXPECT_EQ(ok.body, kBody);
        ASSERT_TRUE(p.HasMessage());
        Message nc = p.Pop();
        EXPECT_EQ(nc.status, 204);
        EXPECT_TRUE(nc.body.empty());
        EXPECT_TRUE(nc.keepAlive);
        ASSERT_TRUE(p.HasMessage());
        Message busy = p.Pop();
        EXPECT_EQ(busy.status, 503);
        EXPECT_FALSE(busy.keepAlive);
        EXPECT_FALSE(p.HasMessage());
    }
}

TEST(HttpFramingTest, PartialMessageIsNotDeliveredEarly)
{
    auto stream = EncodeRequest("tam", "/tam", kTeepMediaType, Span(kBody));
    Parser p(Kind::Request);
    ASSERT_TRUE(p.Feed(std::span<const uint8_t>(stream).first(stream.size() - 1)));
    EXPECT_FALSE(p.HasMessage());
    EXPECT_TRUE(p.InMessage());
}

// Feeds `text` to a fresh parser and returns the error (empty if accepted).
std::string ErrorFor(Kind kind, std::string_view text, Limits limits = {})
{
    Parser p(kind, limits);
    auto bytes = Bytes(text);
    bool ok = p.Feed(Span(bytes));
    EXPECT_EQ(ok, !p.Failed());
    if (ok)
    {
        return {};
    }
    // Once failed, the parser stays failed.
    EXPECT_FALSE(p.Feed(Span(bytes)));
    return p.Error();
}

TEST(HttpFramingTest, RejectsOversizeHeaderSectionWithoutBufferingMore)
{
    Limits limits;
    limits.maxHeaderBytes = 256;
    std::string big = "POST /tam HTTP/1.1\r\nX-Pad: " + std::string(300, 'a'); // no end in sight
    std::string err = ErrorFor(Kind::Request, big, limits);
    EXPECT_NE(err.find("header section exceeds 256 bytes"), std::string::npos) << err;
    EXPECT_NE(err.find("request #1"), std::string::npos) << err;

    // Exactly at the limit is still fine.
    std::string fits = "POST /tam HTTP/1.1\r\nX-Pad: ";
    fits += std::string(256 - fits.size() - 4, 'b') + "\r\n\r\n";
    ASSERT_EQ(fits.size(), 256u);
    EXPECT_EQ(ErrorFor(Kind::Request, fits, limits), "");
}

TEST(HttpFramingTest, RejectsBadContentLength)
{
    auto err = [](std::string value) {
        return ErrorFor(Kind::Request,
                        "POST /tam HTTP/1.1\r\nContent-Length: " + value + "\r\n\r\n");
    };
    EXPECT_NE(err("abc").find("bad Content-Length 'abc'"), std::string::npos);
    EXPECT_NE(err("-1").find("bad Content-Length"), std::string::npos);
    EXPECT_NE(err("").find("bad Content-Length"), std::string::npos);
    EXPECT_NE(err("12 34").find("bad Content-Length"), std::string::npos);
    EXPECT_NE(err("+5").find("bad Content-Length"), std::string::npos);
    EXPECT_NE(err("99999999999999999999999").find("bad Content-Length"), std::string::npos);
    EXPECT_NE(err("999999999").find("exceeds limit"), std::string::npos);
    EXPECT_NE(ErrorFor(Kind::Request, "POST /tam HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: "
                                      "2\r\n\r\n")
                  .find("conflicting Content-Length"),
              std::string::npos);
    // Repeating the same value is allowed (RFC 9110 8.6).
    EXPECT_EQ(ErrorFor(Kind::Request,
                       "POST /tam HTTP/1.1\r\nContent-Length: 1\r\ncontent-length: 1\r\n\r\nx"),
              "");
}

TEST(HttpFramingTest, RejectsMalformedFramingWithPosition)
{
    EXPECT_NE(ErrorFor(Kind::Request, "POST /tam HTTP/1.1\nHost: x\n\n").find("bare LF"),
              std::string::npos);
    EXPECT_NE(ErrorFor(Kind::Request, "POST  /tam HTTP/1.1\r\n\r\n").find("request line"),
              std::string::npos);
    EXPECT_NE(ErrorFor(Kind::Request, "POST /tam HTTP/2.0\r\n\r\n").find("HTTP version"),
              std::string::npos);
    EXPECT_NE(ErrorFor(Kind::Request, "POST /tam HTTP/1.1\r\nNoColon\r\n\r\n").find("without ':'"),
              std::string::npos);
    EXPECT_NE(ErrorFor(Kind::Request, "POST /tam HTTP/1.1\r\nBad Name: x\r\n\r\n")
                  .find("invalid header name"),
              std::string::npos);
    EXPECT_NE(ErrorFor(Kind::Request, "POST /tam HTTP/1.1\r\nA: b\r\n c\r\n\r\n").find("folding"),
              std::string::npos);
    EXPECT_NE(ErrorFor(Kind::Request, "POST /tam HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
                  .find("Transfer-Encoding"),
              std::string::npos);
    EXPECT_NE(ErrorFor(Kind::Response, "HTTP/1.1 200 OK\r\n\r\n").find("without Content-Length"),
              std::string::npos);
    EXPECT_NE(ErrorFor(Kind::Response, "HTTP/1.1 2x0 OK\r\n\r\n").find("status line"),
              std::string::npos);
    EXPECT_NE(ErrorFor(Kind::Response, "HTTP/1.1 100 Continue\r\n\r\n").find("status code 100"),
              std::string::npos);
    EXPECT_NE(ErrorFor(Kind::Request, std::string("POST /tam HTTP/1.1\r\nA: b\0c\r\n\r\n", 31))
                  .find("control character"),
              std::string::npos);

    // The error names the message number and the stream offset of the bad line.
    auto good = EncodeRequest("tam", "/tam", "", {});
    std::string stream(good.begin(), good.end());
    stream += "POST /tam HTTP/1.1\r\nContent-Length: x\r\n\r\n";
    std::string err = ErrorFor(Kind::Request, stream);
    EXPECT_NE(err.find("request #2 at stream byte " + std::to_string(good.size() + 20)),
              std::string::npos)
        << err;
}

TEST(HttpFramingTest, ConnectionHeaderControlsKeepAlive)
{
    Parser p(Kind::Request);
    auto bytes = Bytes("POST /tam HTTP/1.1\r\nConnection: foo, Close\r\n\r\n"
                       "POST /tam HTTP/1.0\r\n\r\n"
                       "POST /tam HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    ASSERT_TRUE(p.Feed(Span(bytes))) << p.Error();
    EXPECT_FALSE(p.Pop().keepAlive);
    EXPECT_FALSE(p.Pop().keepAlive);
    EXPECT_TRUE(p.Pop().keepAlive);
}

TEST(HttpFramingTest, NeverCrashesOnArbitraryBytes)
{
    // A deterministic pseudo-random walk over mutated valid streams: the parser either accepts
    // or fails with a message, never reads out of bounds (run under ASan in sanitizer builds).
    auto base = TwoRequests();
    uint32_t state = 12345;
    auto next = [&]
    {
        state = state * 1664525u + 1013904223u;
        return state >> 8;
    };
    for (int round = 0; round < 2000; ++round)
    {
        auto bytes = base;
        for (int m = 0; m < 3; ++m)
        {
            bytes[next() % bytes.size()] = static_cast<uint8_t>(next());
        }
        Parser p(Kind::Request);
        std::size_t cut = next() % (bytes.size() + 1);
        std::span<const uint8_t> all(bytes);
        bool ok = p.Feed(all.first(cut)) && p.Feed(all.subspan(cut));
        EXPECT_EQ(ok, p.Error().empty());
        while (p.HasMessage())
        {
            EXPECT_LE(p.Pop().body.size(), bytes.size());
        }
    }
}

} // namespace
} // namespace teepsim::http
