// The Server-Sent Events parser: framing, fields, limits, and bytes split at any point.

#include "hvs/net/sse.hpp"

#include <gtest/gtest.h>

namespace hvs::net {
namespace {

std::vector<sse_event> parse_all(std::string_view text, sse_limits limits = {}) {
    sse_parser parser(limits);
    std::vector<sse_event> out;
    auto fed = parser.feed(text, out);
    EXPECT_TRUE(fed) << fed.error().describe();
    return out;
}

TEST(SseParser, VibeJsonPatchEventsAndKeepAliveComments) {
    auto events = parse_all("event: json_patch\ndata: [{\"op\":\"add\"}]\n\n:\n\nevent: json_patch\ndata: [2]\n\n");
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].type, "json_patch");
    EXPECT_EQ(events[0].data, "[{\"op\":\"add\"}]");
    EXPECT_FALSE(events[0].id);
    EXPECT_EQ(events[1].data, "[2]");
}

TEST(SseParser, DataLinesJoinWithNewlineAndTypeDefaultsToMessage) {
    auto events = parse_all("data: first\ndata:second\ndata\n\n");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].type, "message");
    EXPECT_EQ(events[0].data, "first\nsecond\n");
}

TEST(SseParser, CrLfAndLoneCrEndLinesEvenWhenSplitAcrossFeeds) {
    const std::string text = "event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\rdata: 3\n\n";
    // Every split point, including between the CR and the LF of a CRLF.
    for (std::size_t cut = 0; cut <= text.size(); ++cut) {
        sse_parser parser;
        std::vector<sse_event> out;
        ASSERT_TRUE(parser.feed(std::string_view(text).substr(0, cut), out));
        ASSERT_TRUE(parser.feed(std::string_view(text).substr(cut), out));
        ASSERT_EQ(out.size(), 3u) << "cut at " << cut;
        EXPECT_EQ(out[0].type, "a");
        EXPECT_EQ(out[0].data, "1");
        EXPECT_EQ(out[1].type, "b");
        EXPECT_EQ(out[1].data, "2");
        EXPECT_EQ(out[2].type, "message") << "the type is reset after each dispatch";
        EXPECT_EQ(out[2].data, "3");
    }
}

TEST(SseParser, ByteByByteGivesTheSameEvents) {
    const std::string text = "\xEF\xBB\xBF" "data: {\"connected\": true}\n\nid: 7\ndata: x\n\n";
    sse_parser parser;
    std::vector<sse_event> out;
    for (char c : text) ASSERT_TRUE(parser.feed(std::string_view(&c, 1), out));
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].data, "{\"connected\": true}") << "a leading BOM is dropped";
    EXPECT_EQ(out[1].id, "7");
}

TEST(SseParser, IdPersistsRetryNeedsDigitsCommentsAndUnknownFieldsIgnored) {
    sse_parser parser;
    std::vector<sse_event> out;
    ASSERT_TRUE(parser.feed(": hello\nid: 1\nretry: 2500\nfoo: bar\ndata: a\n\ndata: b\n\nretry: 1x\n\n", out));
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].id, "1");
    EXPECT_EQ(out[1].id, "1") << "the last event id persists";
    EXPECT_EQ(parser.retry(), milliseconds{2500}) << "an invalid retry leaves the last valid one";
}

TEST(SseParser, AnEventWithoutDataIsNotDispatchedAndAnUnfinishedOneWaits) {
    auto events = parse_all("event: ping\n\ndata: partial");
    EXPECT_TRUE(events.empty());
}

TEST(SseParser, AnOversizedLineIsAProtocolError) {
    sse_parser parser(sse_limits{.max_line = 16, .max_event = 1024});
    std::vector<sse_event> out;
    ASSERT_TRUE(parser.feed("data: 0123456789", out));
    auto fed = parser.feed("x\n\n", out);
    ASSERT_FALSE(fed);
    EXPECT_EQ(fed.error().kind, error_kind::protocol);
    EXPECT_NE(fed.error().message.find("16 bytes"), std::string::npos) << fed.error().message;
}

TEST(SseParser, AnOversizedEventIsAProtocolErrorEvenInShortLines) {
    sse_parser parser(sse_limits{.max_line = 64, .max_event = 10});
    std::vector<sse_event> out;
    ASSERT_TRUE(parser.feed("data: 12345\n", out));
    auto fed = parser.feed("data: 67890\n\n", out);
    ASSERT_FALSE(fed);
    EXPECT_EQ(fed.error().kind, error_kind::protocol);
    EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace hvs::net
