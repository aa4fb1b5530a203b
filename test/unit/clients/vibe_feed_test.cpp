// What the Vibe change feed's events mean to the engine (vibe::feed_interpreter), without sockets.
// The event texts are the 0.0.71 server's (vibe-kanban-api.md §4.1).

#include "hvs/vibe/feed.hpp"

#include <gtest/gtest.h>

namespace hvs::vibe {
namespace {

using clock = std::chrono::system_clock;

net::sse_event patch(std::string data) { return net::sse_event{.type = "json_patch", .data = std::move(data), .id = std::nullopt}; }

net::sse_event task_event(unsigned n, std::string_view db_op, std::string_view project) {
    return patch(R"([{"op":"add","path":"/entries/)" + std::to_string(n) + R"(","value":{"db_op":")" +
                 std::string(db_op) +
                 R"(","record":{"data":{"created_at":"2026-11-24T18:57:50.500Z","description":null,"id":"5b9b0c1e-0000-4000-8000-000000000001","parent_task_attempt":null,"project_id":")" +
                 std::string(project) +
                 R"(","status":"todo","title":"t","updated_at":"2026-11-24T18:57:50.500Z"},"type":"TASK"}}}])");
}

net::sse_event deleted_event(unsigned n) {
    return patch(R"([{"op":"add","path":"/entries/)" + std::to_string(n) +
                 R"(","value":{"db_op":"delete","record":{"data":{"rowid":2},"type":"DELETED_TASK"}}}])");
}

TEST(VibeFeedReading, TaskInsertAndUpdateNameTheirProject) {
    auto reading = read_feed_event(task_event(3, "update", "7c8a0000-0000-4000-8000-000000000002"));
    EXPECT_EQ(reading.entries, std::vector<std::uint64_t>{3});
    EXPECT_EQ(reading.projects, std::vector<std::string>{"7c8a0000-0000-4000-8000-000000000002"});
    EXPECT_FALSE(reading.resync_all);
}

TEST(VibeFeedReading, ADeleteCarriesOnlyARowidSoEverythingResyncs) {
    auto reading = read_feed_event(deleted_event(4));
    EXPECT_EQ(reading.entries, std::vector<std::uint64_t>{4});
    EXPECT_TRUE(reading.projects.empty());
    EXPECT_TRUE(reading.resync_all);
}

TEST(VibeFeedReading, AttemptsAndProcessesAreNothingToSync) {
    auto reading = read_feed_event(patch(
        R"([{"op":"add","path":"/entries/9","value":{"db_op":"insert","record":{"data":{"id":"x","task_id":"y"},"type":"TASK_ATTEMPT"}}}])"));
    EXPECT_EQ(reading.entries, std::vector<std::uint64_t>{9});
    EXPECT_TRUE(reading.projects.empty());
    EXPECT_FALSE(reading.resync_all);
}

TEST(VibeFeedReading, AnythingUnreadableResyncs) {
    for (const auto& event : {patch("not json"), patch("[]"), patch("{}"), patch(R"([{"op":"replace","path":"/entries/1"}])"),
                              patch(R"([{"op":"add","path":"/entries/x","value":{}}])"),
                              patch(R"([{"op":"add","path":"/entries/1","value":{"record":{"type":"TASK","data":{}}}}])"),
                              net::sse_event{.type = "stdout", .data = "hello", .id = std::nullopt}}) {
        EXPECT_TRUE(read_feed_event(event).resync_all) << event.type << " " << event.data;
    }
}

TEST(VibeFeedInterpreter, AConnectResyncsThenEventsSignalTheirProject) {
    feed_interpreter feed;
    const auto now = clock::now();
    auto opened = feed.opened(now);
    ASSERT_EQ(opened.size(), 1u);
    EXPECT_TRUE(opened[0].resync_all);
    EXPECT_EQ(opened[0].at, now);
    auto first = feed.read(task_event(1, "insert", "P1"), now);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].project, "P1");
    EXPECT_FALSE(first[0].resync_all);
    EXPECT_EQ(feed.read(task_event(2, "update", "P2"), now).at(0).project, "P2");
}

TEST(VibeFeedInterpreter, AGapInTheEntryCounterMeansLostEvents) {
    feed_interpreter feed;
    const auto now = clock::now();
    (void)feed.opened(now);
    ASSERT_FALSE(feed.read(task_event(5, "insert", "P1"), now).at(0).resync_all)
        << "the first event of a connection may start anywhere (a replay trimmed to 100 MB)";
    auto after_gap = feed.read(task_event(8, "update", "P1"), now);
    ASSERT_EQ(after_gap.size(), 1u);
    EXPECT_TRUE(after_gap[0].resync_all);
    EXPECT_FALSE(feed.read(task_event(7, "update", "P1"), now).at(0).resync_all)
        << "an event numbered below the highest arrived late; it is not a loss";
    EXPECT_FALSE(feed.read(task_event(9, "update", "P1"), now).at(0).resync_all);
}

TEST(VibeFeedInterpreter, AReconnectStartsTheCounterAfresh) {
    feed_interpreter feed;
    const auto now = clock::now();
    (void)feed.opened(now);
    (void)feed.read(task_event(40, "insert", "P1"), now);
    (void)feed.opened(now);  // e.g. the server restarted: its counter begins at 1 again
    auto replayed = feed.read(task_event(1, "insert", "P1"), now);
    ASSERT_EQ(replayed.size(), 1u);
    EXPECT_FALSE(replayed[0].resync_all);
    EXPECT_FALSE(feed.read(task_event(2, "insert", "P1"), now).at(0).resync_all);
}

}  // namespace
}  // namespace hvs::vibe
