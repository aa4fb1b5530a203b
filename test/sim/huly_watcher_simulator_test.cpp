// The huly-change-watcher simulator (oculairmedia/huly-webhook-implementation
// huly-change-watcher/src/index.js at 1f0568f): its SSE stream, its polls of Huly, its webhook
// subscriptions and deliveries.

#include "hvs/net/http_server.hpp"
#include "hvs/sim/huly_simulator.hpp"
#include "hvs/sim/huly_watcher_simulator.hpp"

#include "support/event_reader.hpp"
#include "support/json_keys.hpp"
#include "support/manual_clock.hpp"
#include "support/run_async.hpp"
#include "support/served_simulator.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

namespace hvs::test {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;
using namespace std::chrono_literals;

sim::request make(http::verb method, std::string target, std::string body = "") {
    sim::request req{method, target, 11};
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
    req.prepare_payload();
    return req;
}

class HulyWatcher : public ::testing::Test {
protected:
    HulyWatcher() {
        huly_.add_project("A", "Alpha", "");
        issue_ = huly_.add_issue("A", "first", "", "Todo");
        clock_.advance(1s);
    }
    sim::huly_options huly_options() const {
        sim::huly_options o;
        o.clock = clock_;
        return o;
    }
    sim::huly_watcher_options watcher_options() const {
        sim::huly_watcher_options o;
        o.clock = clock_;
        o.webhook_urls = {"http://configured.invalid/webhook"};
        return o;
    }

    manual_clock clock_;
    sim::huly_simulator huly_{huly_options()};
    sim::huly_watcher_simulator watcher_{huly_, watcher_options()};
    std::string issue_;
};

TEST_F(HulyWatcher, EventsGreetThenCarryWhatEachPollFound) {
    served_simulator served(watcher_);
    event_reader reader("127.0.0.1", served.port(), "/events");
    EXPECT_EQ(reader.status(), 200u);
    EXPECT_EQ(reader.header(http::field::content_type), "text/event-stream");
    const auto& greeting = reader.read_until([](const auto& e) { return !e.empty(); });
    ASSERT_EQ(greeting.size(), 1u);
    EXPECT_EQ(greeting[0].data, R"({"connected": true})");
    EXPECT_EQ(greeting[0].type, "message") << "no event: line, no id";

    served.call([&](sim::host&) {
        EXPECT_FALSE(watcher_.poll()) << "nothing changed since the watcher started";
        clock_.advance(10ms);
        huly_.edit_issue(issue_, "status", json::value("In Progress"));
        clock_.advance(10ms);
        return watcher_.poll().has_value();
    });
    const auto& events = reader.read_until([](const auto& e) { return e.size() == 2; });
    ASSERT_EQ(events.size(), 2u);
    auto message = json::parse(events[1].data).as_object();
    EXPECT_EQ(keys_of(message), std::vector<std::string>{"events"});
    const auto& event = message.at("events").as_array().at(0).as_object();
    EXPECT_EQ(keys_of(event), (std::vector<std::string>{"type", "timestamp", "data"}));
    EXPECT_EQ(event.at("type").as_string(), "issue.updated");
    const auto& data = event.at("data").as_object();
    EXPECT_EQ(keys_of(data), (std::vector<std::string>{"id", "class", "space", "identifier", "title", "status",
                                                        "modifiedOn", "modifiedBy"}));
    EXPECT_EQ(data.at("identifier").as_string(), issue_);
    EXPECT_EQ(data.at("class").as_string(), "tracker:class:Issue");
    EXPECT_NE(data.at("status").as_string(), "In Progress") << "a status reference, not its name";
    EXPECT_EQ(served.call([](sim::host& host) { return host.counts().by_route.at("GET /events"); }), 1u);
}

TEST_F(HulyWatcher, APollReportsOnlyChangesSinceTheLastOneNewestFirstAtMost100Tasks) {
    for (int i = 0; i < 120; ++i) {
        huly_.add_issue("A", "bulk " + std::to_string(i), "", "Todo");
        clock_.advance(1ms);
    }
    huly_.add_project("B", "Beta", "");
    clock_.advance(1ms);
    auto payload = watcher_.poll();
    ASSERT_TRUE(payload);
    EXPECT_EQ(keys_of(*payload), (std::vector<std::string>{"source", "timestamp", "events"}));
    EXPECT_EQ(payload->at("source").as_string(), "huly-change-watcher");
    const auto& events = payload->at("events").as_array();
    ASSERT_EQ(events.size(), 101u) << "100 task rows (LIMIT 100) and the project";
    EXPECT_EQ(events.at(0).at("type").as_string(), "project.updated");
    EXPECT_EQ(events.at(0).at("data").at("identifier").as_string(), "B");
    EXPECT_EQ(events.at(1).at("data").at("title").as_string(), "bulk 119");
    EXPECT_EQ(events.at(100).at("data").at("title").as_string(), "bulk 20") << "the 20 oldest are never reported";
    clock_.advance(1ms);
    EXPECT_FALSE(watcher_.poll());
    EXPECT_EQ(watcher_.stats().checks_performed, 2u);
    EXPECT_EQ(watcher_.stats().changes_detected, 101u);
}

TEST_F(HulyWatcher, WebhookSubscriptionsAreKeptInMemoryAndLostOnRestart) {
    auto subscribe = watcher_.handle(make(http::verb::post, "/subscribe", R"({"url":"http://sync:3000/hook"})"));
    EXPECT_EQ(subscribe.result_int(), 200u);
    EXPECT_EQ(subscribe.body(), R"({"success":true,"subscriberCount":2})");
    auto missing = watcher_.handle(make(http::verb::post, "/subscribe", R"({"uri":"x"})"));
    EXPECT_EQ(missing.result_int(), 400u);
    EXPECT_EQ(missing.body(), R"({"error":"Missing \"url\" field in request body"})");
    EXPECT_EQ(watcher_.handle(make(http::verb::post, "/subscribe", "{nope")).body(), R"({"error":"Invalid JSON"})");
    EXPECT_EQ(watcher_.handle(make(http::verb::get, "/subscribers")).body(),
              R"({"webhookSubscribers":["http://configured.invalid/webhook","http://sync:3000/hook"],"count":2})");
    EXPECT_EQ(watcher_.handle(make(http::verb::post, "/unsubscribe", R"({"url":"http://other"})")).body(),
              R"({"success":false,"subscriberCount":2})");

    huly_.edit_issue(issue_, "title", json::value("changed while the watcher is down"));
    clock_.advance(5ms);
    watcher_.restart();
    EXPECT_EQ(watcher_.webhook_subscribers(), std::vector<std::string>{"http://configured.invalid/webhook"});
    clock_.advance(5ms);
    EXPECT_FALSE(watcher_.poll()) << "a change made before the restart is never reported";

    auto unknown = watcher_.handle(make(http::verb::get, "/subscribe"));
    EXPECT_EQ(unknown.result_int(), 404u);
    EXPECT_EQ(unknown.body(), "Not found");
    EXPECT_EQ(unknown.count(http::field::content_type), 0u);
}

TEST_F(HulyWatcher, EachPollWithChangesIsPostedToEverySubscriber) {
    boost::asio::io_context ioc;
    std::vector<std::string> received;
    net::http_server receiver(ioc.get_executor(), {}, [&](net::server_request req) -> net::task<std::optional<net::server_response>> {
        received.push_back(req.target() == "/hook?token=a%2Fb" ? req.body() : "wrong target " + std::string(req.target()));
        net::server_response res{http::status::ok, 11};
        co_return res;
    });
    auto port = receiver.listen("127.0.0.1", 0);
    ASSERT_TRUE(port);
    sim::huly_watcher_options options = watcher_options();
    options.webhook_urls.clear();
    options.poll_interval = 10ms;
    sim::huly_watcher_simulator watcher(huly_, options);
    // fetch(url) requests the path and the query as subscribed.
    watcher.handle(
        make(http::verb::post, "/subscribe", R"({"url":"http://127.0.0.1:)" + std::to_string(*port) + R"(/hook?token=a%2Fb"})"));
    boost::asio::cancellation_signal stop;
    bool finished = false;
    boost::asio::co_spawn(ioc, net::cancellation_as_values(sim::run_watcher(watcher)),
                          boost::asio::bind_cancellation_slot(stop.slot(), [&](std::exception_ptr) { finished = true; }));
    clock_.advance(1ms);
    huly_.edit_issue(issue_, "title", json::value("renamed"));
    clock_.advance(1ms);
    ASSERT_TRUE(run_until(ioc, [&] { return !received.empty(); }));
    auto payload = json::parse(received[0]).as_object();
    EXPECT_EQ(payload.at("source").as_string(), "huly-change-watcher");
    EXPECT_EQ(payload.at("events").at(0).at("data").at("identifier").as_string(), issue_);
    EXPECT_TRUE(run_until(ioc, [&] { return watcher.stats().webhooks_sent == 1; }));
    stop.emit(boost::asio::cancellation_type::terminal);
    EXPECT_TRUE(run_until(ioc, [&] { return finished; }));
    EXPECT_EQ(received.size(), 1u) << "polls without changes post nothing";
}

}  // namespace
}  // namespace hvs::test
