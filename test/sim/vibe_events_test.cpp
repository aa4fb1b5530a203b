// The Vibe simulator's change feed, GET /api/events, over a real socket: what Vibe Kanban 0.0.71
// sends (vibe-kanban-api.md §4.1; BloopAI/vibe-kanban v0.0.71 crates/services/src/services/events.rs
// and crates/utils/src/msg_store.rs). The shared part of the contract also runs against the real
// server in test/contract/vibe_events_contract_test.cpp.

#include "hvs/sim/vibe_simulator.hpp"

#include "support/blocking_http.hpp"
#include "support/event_reader.hpp"
#include "support/json_keys.hpp"
#include "support/served_simulator.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

namespace hvs::test {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;
using namespace std::chrono_literals;

sim::vibe_options feed_options() {
    sim::vibe_options o;
    o.check_filesystem = false;
    return o;
}

// The one `add` operation of a json_patch event.
json::object operation_of(const net::sse_event& event) {
    auto patch = json::parse(event.data).as_array();
    EXPECT_EQ(patch.size(), 1u);
    return patch.at(0).as_object();
}

std::uint64_t entry_of(const net::sse_event& event) {
    auto path = std::string(operation_of(event).at("path").as_string());
    return std::stoull(path.substr(std::string("/entries/").size()));
}

auto has_entry(std::uint64_t n) {
    return [n](const std::vector<net::sse_event>& events) {
        return std::any_of(events.begin(), events.end(), [n](const auto& e) { return entry_of(e) == n; });
    };
}

class VibeEvents : public ::testing::Test {
protected:
    explicit VibeEvents(sim::vibe_options options = feed_options()) : simulator_(std::move(options)) {}

    sim::vibe_simulator simulator_;
    served_simulator served_{simulator_};
};

TEST_F(VibeEvents, ReplaysTheHistoryOnConnectThenStreamsLiveChanges) {
    std::string project, before;
    served_.call([&](sim::host&) {
        project = simulator_.add_project("P", "/srv/p");
        before = simulator_.add_task(project, "before-subscribe", std::nullopt);
        return 0;
    });
    event_reader reader("127.0.0.1", served_.port(), "/api/events");
    EXPECT_EQ(reader.status(), 200u);
    EXPECT_EQ(reader.header(http::field::content_type), "text/event-stream");
    EXPECT_EQ(reader.header(http::field::cache_control), "no-cache");
    EXPECT_EQ(reader.header(http::field::transfer_encoding), "chunked");
    ASSERT_TRUE(has_entry(1)(reader.read_until(has_entry(1))));

    served_.call([&](sim::host&) {
        simulator_.move_task(before, "inreview");
        simulator_.delete_task(before);
        return 0;
    });
    const auto& events = reader.read_until(has_entry(3));
    ASSERT_EQ(events.size(), 3u);
    for (const auto& e : events) {
        EXPECT_EQ(e.type, "json_patch");
        EXPECT_FALSE(e.id) << "no id: Last-Event-ID cannot be used";
        EXPECT_EQ(keys_of(operation_of(e)), (std::vector<std::string>{"op", "path", "value"}));
    }
    auto insert = operation_of(events[0]).at("value").as_object();
    EXPECT_EQ(insert.at("db_op").as_string(), "insert");
    EXPECT_EQ(insert.at("record").at("type").as_string(), "TASK");
    const auto& data = insert.at("record").at("data").as_object();
    EXPECT_EQ(keys_of(data), (std::vector<std::string>{"created_at", "description", "id", "parent_task_attempt",
                                                        "project_id", "status", "title", "updated_at"}))
        << "alphabetical, as serde_json::Value writes them";
    EXPECT_EQ(data.at("project_id").as_string(), project);
    EXPECT_EQ(data.at("title").as_string(), "before-subscribe");

    auto update = operation_of(events[1]).at("value").as_object();
    EXPECT_EQ(update.at("db_op").as_string(), "update");
    EXPECT_EQ(update.at("record").at("data").at("status").as_string(), "inreview");

    auto removed = operation_of(events[2]).at("value").as_object();
    EXPECT_EQ(removed.at("db_op").as_string(), "delete");
    EXPECT_EQ(removed.at("record").at("type").as_string(), "DELETED_TASK");
    EXPECT_EQ(keys_of(removed.at("record").at("data").as_object()), std::vector<std::string>{"rowid"});
    EXPECT_TRUE(removed.at("record").at("data").at("rowid").is_number());
}

TEST_F(VibeEvents, EveryApiWriteOfATaskIsAnEventAndProjectsAreNot) {
    event_reader reader("127.0.0.1", served_.port(), "/api/events");
    served_.call([&](sim::host& host) {
        auto call = [&](http::verb method, std::string target, std::string body) {
            sim::request req{method, target, 11};
            req.set(http::field::content_type, "application/json");
            req.body() = std::move(body);
            req.prepare_payload();
            return host.sim().handle(req);
        };
        auto created = json::parse(call(http::verb::post, "/api/projects",
                                        R"({"name":"P","git_repo_path":"/srv/q","use_existing_repo":false})").body());
        const std::string project(created.at("data").at("id").as_string());
        auto task = json::parse(call(http::verb::post, "/api/tasks", R"({"project_id":")" + project + R"(","title":"t"})").body());
        const std::string id(task.at("data").at("id").as_string());
        call(http::verb::put, "/api/tasks/" + id, "{}");  // a no-op PUT is an update event too
        call(http::verb::put, "/api/projects/" + project, R"({"name":"renamed"})");
        call(http::verb::delete_, "/api/projects/" + project, "");  // its task goes by the cascade
        return 0;
    });
    const auto& events = reader.read_until(has_entry(3));
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(operation_of(events[0]).at("value").at("db_op").as_string(), "insert");
    EXPECT_EQ(operation_of(events[1]).at("value").at("db_op").as_string(), "update");
    EXPECT_EQ(operation_of(events[2]).at("value").at("record").at("type").as_string(), "DELETED_TASK");
    EXPECT_EQ(served_.call([&](sim::host&) { return simulator_.events_published(); }), 3u);
}

class LaggingVibeEvents : public VibeEvents {
protected:
    static sim::vibe_options small_channel() {
        auto o = feed_options();
        o.events_capacity = 4;
        return o;
    }
    LaggingVibeEvents() : VibeEvents(small_channel()) {}
};

TEST_F(LaggingVibeEvents, ASubscriberThatFallsBehindSilentlyLosesTheOldestEvents) {
    std::string task;
    served_.call([&](sim::host&) {
        task = simulator_.add_task(simulator_.add_project("P", "/srv/p"), "t", std::nullopt);
        return 0;
    });
    event_reader reader("127.0.0.1", served_.port(), "/api/events");
    ASSERT_TRUE(has_entry(1)(reader.read_until(has_entry(1))));
    // 20 changes while the sender cannot run: its queue of 4 keeps only the newest.
    served_.call([&](sim::host&) {
        for (int i = 0; i < 20; ++i) simulator_.edit_task(task, "edit " + std::to_string(i), std::nullopt);
        return 0;
    });
    const auto& events = reader.read_until(has_entry(21));
    ASSERT_TRUE(has_entry(21)(events));
    std::vector<std::uint64_t> entries;
    for (const auto& e : events) entries.push_back(entry_of(e));
    EXPECT_EQ(entries, (std::vector<std::uint64_t>{1, 18, 19, 20, 21})) << "nothing tells the subscriber";

    // A new subscriber still gets the whole history.
    event_reader late("127.0.0.1", served_.port(), "/api/events");
    EXPECT_EQ(late.read_until(has_entry(21)).size(), 21u);
}

class QuietVibeEvents : public VibeEvents {
protected:
    static sim::vibe_options fast_keep_alive() {
        auto o = feed_options();
        o.events_keep_alive = 20ms;
        return o;
    }
    QuietVibeEvents() : VibeEvents(fast_keep_alive()) {}
};

TEST_F(QuietVibeEvents, SilenceIsBrokenByAKeepAliveComment) {
    event_reader reader("127.0.0.1", served_.port(), "/api/events");
    reader.read_until([&](const auto&) { return reader.raw().find(":\n\n") != std::string::npos; });
    EXPECT_NE(reader.raw().find(":\n\n"), std::string::npos);
    EXPECT_TRUE(reader.read_until([](const auto&) { return false; }, 50ms).empty()) << "comments are no events";
}

TEST_F(VibeEvents, ARestartEndsTheStreamsAndCountsFromOneAgainWithNoHistory) {
    std::string project;
    served_.call([&](sim::host&) {
        project = simulator_.add_project("P", "/srv/p");
        simulator_.add_task(project, "old", std::nullopt);
        return 0;
    });
    event_reader reader("127.0.0.1", served_.port(), "/api/events");
    reader.read_until(has_entry(1));
    served_.call([&](sim::host&) {
        simulator_.restart_events();
        return 0;
    });
    reader.read_until([](const auto&) { return false; }, 5s);
    EXPECT_TRUE(reader.ended());

    event_reader after("127.0.0.1", served_.port(), "/api/events");
    served_.call([&](sim::host&) { return simulator_.add_task(project, "new", std::nullopt); });
    const auto& events = after.read_until(has_entry(1));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(operation_of(events[0]).at("value").at("record").at("data").at("title").as_string(), "new");
}

TEST_F(VibeEvents, DroppedStreamsEndAndAreCountedByRoute) {
    event_reader reader("127.0.0.1", served_.port(), "/api/events");
    EXPECT_EQ(served_.call([](sim::host& host) { return host.open_streams(); }), 1u);
    served_.call([](sim::host& host) {
        host.drop_streams();
        return 0;
    });
    reader.read_until([](const auto&) { return false; }, 5s);
    EXPECT_TRUE(reader.ended());
    EXPECT_EQ(served_.call([](sim::host& host) { return host.counts().by_route.at("GET /api/events"); }), 1u);
}

TEST_F(VibeEvents, TheAdminApiDropsTheStreams) {
    event_reader reader("127.0.0.1", served_.port(), "/api/events");
    auto dropped = blocking_call("127.0.0.1", served_.port(), http::verb::post, "/__admin/drop-streams");
    EXPECT_EQ(dropped.result_int(), 200u);
    reader.read_until([](const auto&) { return false; }, 5s);
    EXPECT_TRUE(reader.ended());
}

TEST(VibeEventsGenerations, OnlyTheSingleRepoServerHasTheFeed) {
    sim::vibe_options o = feed_options();
    o.generation = sim::vibe_generation::multi_repo;
    sim::vibe_simulator multi(o);
    sim::request req{http::verb::get, "/api/events", 11};
    EXPECT_EQ(multi.open_stream(req), nullptr);
    EXPECT_EQ(multi.handle(req)[http::field::content_type], "text/html");
}

}  // namespace
}  // namespace hvs::test
