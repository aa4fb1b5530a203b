// What huly-change-watcher's messages mean to the engine (huly::feed_interpreter), without sockets.
// Message texts as index.js writes them (upstreams-2026.md "Huly change feed").

#include "hvs/huly/feed.hpp"

#include <gtest/gtest.h>

namespace hvs::huly {
namespace {

using clock = std::chrono::system_clock;

net::sse_event message(std::string data) { return net::sse_event{.type = "message", .data = std::move(data), .id = std::nullopt}; }

std::string issue_event(std::string_view identifier, std::int64_t modified_on = 1764700000000) {
    return R"({"type":"issue.updated","timestamp":1764700000500,"data":{"id":"i1","class":"tracker:class:Issue","space":"s1","identifier":")" +
           std::string(identifier) + R"(","title":"t","status":"tracker:status:Todo","modifiedOn":)" +
           std::to_string(modified_on) + R"(,"modifiedBy":"u"}})";
}

TEST(HulyFeed, ProjectOfAnIssueIsThePrefixBeforeTheDash) {
    EXPECT_EQ(project_of_issue("HVSYN-12"), "HVSYN");
    EXPECT_EQ(project_of_issue("HVSYN"), "");
    EXPECT_EQ(project_of_issue("-3"), "");
}

TEST(HulyFeed, TheGreetingSaysNothingAndAConnectResyncs) {
    feed_interpreter feed;
    EXPECT_TRUE(feed.opened(clock::now()).at(0).resync_all);
    EXPECT_TRUE(feed.read(message(R"({"connected": true})"), clock::now()).empty());
}

TEST(HulyFeed, IssueUpdatesSignalTheirProjectOnceAtTheChangeTime) {
    feed_interpreter feed;
    auto signals = feed.read(message(R"({"events":[)" + issue_event("A-1", 1764700000123) + "," + issue_event("A-2") + "," +
                                     issue_event("B-7") + "]}"),
                             clock::now());
    ASSERT_EQ(signals.size(), 2u);
    EXPECT_EQ(signals[0].project, "A");
    EXPECT_EQ(signals[0].at, clock::time_point(std::chrono::milliseconds{1764700000123}));
    EXPECT_FALSE(signals[0].resync_all);
    EXPECT_FALSE(signals[0].refresh_projects);
    EXPECT_EQ(signals[1].project, "B");
}

TEST(HulyFeed, ProjectUpdatesRefreshTheProjectListAndOtherTasksAreIgnored) {
    feed_interpreter feed;
    auto signals = feed.read(
        message(R"({"events":[{"type":"project.updated","timestamp":1,"data":{"id":"p","class":"tracker:class:Project","identifier":"NEW","name":"n","archived":false,"modifiedOn":5,"modifiedBy":"u"}},)"
                R"({"type":"task.updated","timestamp":1,"data":{"id":"x","class":"recruit:class:Applicant","identifier":"APP-1"}}]})"),
        clock::now());
    ASSERT_EQ(signals.size(), 1u);
    EXPECT_TRUE(signals[0].refresh_projects);
    EXPECT_EQ(signals[0].project, "NEW");
    EXPECT_FALSE(signals[0].resync_all);
}

TEST(HulyFeed, APollCutOffAtItsLimitResyncsEverything) {
    feed_interpreter feed;
    std::string events;
    for (int i = 0; i < 100; ++i) events += (i ? "," : "") + issue_event("A-" + std::to_string(i));
    auto signals = feed.read(message(R"({"events":[)" + events + "]}"), clock::now());
    ASSERT_EQ(signals.size(), 1u);
    EXPECT_TRUE(signals[0].resync_all) << "LIMIT 100: more changes than that were never sent";
}

TEST(HulyFeed, AWebhookDeliveryReadsLikeAStreamMessage) {
    auto signals = read_change_message(
        R"({"source":"huly-change-watcher","timestamp":1764700000900,"events":[)" + issue_event("HVSYN-3") + "]}",
        clock::now());
    ASSERT_EQ(signals.size(), 1u);
    EXPECT_EQ(signals[0].project, "HVSYN");
}

TEST(HulyFeed, AnythingUnreadableResyncs) {
    feed_interpreter feed;
    for (const char* text : {"nope", "[]", R"({"events":{}})", R"({"events":[{"type":"issue.updated"}]})",
                             R"({"events":[{"type":"issue.updated","data":{"identifier":"NODASH"}}]})", R"({"other":1})"}) {
        auto signals = feed.read(message(text), clock::now());
        ASSERT_EQ(signals.size(), 1u) << text;
        EXPECT_TRUE(signals[0].resync_all) << text;
    }
}

TEST(HulyFeed, AWebhookDeliveryIsReadOrRefusedWithAOneLineReason) {
    auto read = read_webhook_delivery(
        R"({"source":"huly-change-watcher","timestamp":1764700000900,"events":[)" + issue_event("HVSYN-3") + "]}",
        clock::now());
    ASSERT_TRUE(read);
    ASSERT_EQ(read->size(), 1u);
    EXPECT_EQ(read->at(0).project, "HVSYN");
    std::string cut;
    for (int i = 0; i < 100; ++i) cut += (i ? "," : "") + issue_event("A-" + std::to_string(i));
    auto cut_off = read_webhook_delivery(R"({"events":[)" + cut + "]}", clock::now());
    ASSERT_TRUE(cut_off) << "readable: it says resync";
    EXPECT_TRUE(cut_off->at(0).resync_all);
    for (const char* text : {"nope", "[]", R"({"events":{}})", R"({"events":[{"type":"issue.updated"}]})",
                             R"({"events":[{"type":"issue.updated","data":{"identifier":"NODASH"}}]})",
                             R"({"connected": true})"}) {
        auto refused = read_webhook_delivery(text, clock::now());
        ASSERT_FALSE(refused) << text;
        EXPECT_EQ(refused.error().kind, error_kind::invalid) << text;
        EXPECT_FALSE(refused.error().message.empty()) << text;
        EXPECT_EQ(refused.error().message.find('\n'), std::string::npos) << text;
    }
}

}  // namespace
}  // namespace hvs::huly
