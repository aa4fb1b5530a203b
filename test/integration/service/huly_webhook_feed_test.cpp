// service::huly_webhook_feed against the huly-change-watcher simulator served on loopback
// (oculairmedia/huly-webhook-implementation huly-change-watcher/src/index.js): it subscribes at
// start, subscribes again after the watcher restarted (subscriptions live in its memory) and
// signals one resync then, and a change the watcher delivers reaches the sink as its project.

#include "hvs/net/http_server.hpp"
#include "hvs/service/huly_webhook_feed.hpp"
#include "hvs/sim/host.hpp"
#include "hvs/sim/huly_simulator.hpp"
#include "hvs/sim/huly_watcher_simulator.hpp"

#include "support/manual_clock.hpp"
#include "support/run_async.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace hvs::test {
namespace {

namespace http = boost::beast::http;
using namespace std::chrono_literals;

TEST(HulyWebhookFeedParts, WatcherRootSubscribedUrlAndTheSubscribersList) {
    auto events = net::parse_base_url("http://watcher:3459/events");
    ASSERT_TRUE(events);
    EXPECT_EQ(service::watcher_root(*events).path, "");
    auto proxied = net::parse_base_url("https://proxy/huly-watcher/events");
    ASSERT_TRUE(proxied);
    EXPECT_EQ(service::watcher_root(*proxied).path, "/huly-watcher");

    EXPECT_EQ(service::subscribed_url("http://sync:3000/api/webhooks/huly", ""), "http://sync:3000/api/webhooks/huly");
    EXPECT_EQ(service::subscribed_url("http://sync:3000/api/webhooks/huly", "a b/+&"),
              "http://sync:3000/api/webhooks/huly?token=a%20b%2F%2B%26");
    EXPECT_EQ(service::subscribed_url("http://sync:3000/hook?x=1", "t"), "http://sync:3000/hook?x=1&token=t");

    auto listed = service::lists_subscriber(R"({"webhookSubscribers":["http://a","http://b"],"count":2})", "http://b");
    ASSERT_TRUE(listed);
    EXPECT_TRUE(*listed);
    auto not_listed = service::lists_subscriber(R"({"webhookSubscribers":[],"count":0})", "http://b");
    ASSERT_TRUE(not_listed);
    EXPECT_FALSE(*not_listed);
    EXPECT_FALSE(service::lists_subscriber("Not found", "http://b"));
    EXPECT_FALSE(service::lists_subscriber(R"({"count":0})", "http://b"));
}

class HulyWebhookFeed : public ::testing::Test {
protected:
    HulyWebhookFeed() {
        huly_.add_project("A", "Alpha", "");
        issue_ = huly_.add_issue("A", "first", "", "Todo");
        clock_.advance(1s);
    }
    ~HulyWebhookFeed() override {
        if (feed_) feed_->stop();
        stop_watcher_.emit(boost::asio::cancellation_type::terminal);
        run_until(ioc_, [&] { return feed_ended_ && watcher_ended_; });
        watcher_host_.stop();
        receiver_.stop();
    }

    sim::huly_options huly_options() const {
        sim::huly_options o;
        o.clock = clock_;
        return o;
    }
    sim::huly_watcher_options watcher_options() const {
        sim::huly_watcher_options o;
        o.clock = clock_;
        o.poll_interval = 20ms;
        return o;
    }

    // Starts the watcher (serving and polling) and the feed, whose URL is the receiver's (already
    // among the watcher's subscribers when `already_subscribed`: the service restarted, the watcher did not).
    void start(std::chrono::milliseconds check, bool already_subscribed = false) {
        auto watcher_port = watcher_host_.listen(0);
        ASSERT_TRUE(watcher_port);
        auto receiver_port = receiver_.listen("127.0.0.1", 0);
        ASSERT_TRUE(receiver_port);
        auto events = net::parse_base_url("http://127.0.0.1:" + std::to_string(*watcher_port) + "/events");
        ASSERT_TRUE(events);
        service::huly_webhook_params params;
        params.watcher = service::watcher_root(*events);
        params.token = token;
        params.our_url = service::subscribed_url("http://127.0.0.1:" + std::to_string(*receiver_port) + "/hook", token);
        params.check = check;
        params.client.name = "huly-change-watcher";
        params.client.retry.max_attempts = 1;
        params.client.timeout = 5s;
        our_url_ = params.our_url;
        if (already_subscribed) watcher_.seed(boost::json::object{{"webhookSubscribers", boost::json::array{our_url_}}});
        auto feed = service::huly_webhook_feed::create(ioc_.get_executor(), params,
                                                       [&](const net::feed_signal& s) { signals_.push_back(s); });
        ASSERT_TRUE(feed) << feed.error().describe();
        feed_ = std::move(*feed);
        feed_ended_ = watcher_ended_ = false;
        boost::asio::co_spawn(ioc_, net::cancellation_as_values(feed_->run()),
                              [&](std::exception_ptr) { feed_ended_ = true; });
        boost::asio::co_spawn(ioc_, net::cancellation_as_values(sim::run_watcher(watcher_)),
                              boost::asio::bind_cancellation_slot(stop_watcher_.slot(),
                                                                  [&](std::exception_ptr) { watcher_ended_ = true; }));
    }

    bool subscribed() const {
        const auto urls = watcher_.webhook_subscribers();
        return std::find(urls.begin(), urls.end(), our_url_) != urls.end();
    }
    std::size_t resyncs() const {
        return static_cast<std::size_t>(
            std::count_if(signals_.begin(), signals_.end(), [](const net::feed_signal& s) { return s.resync_all; }));
    }
    bool signalled_project(const std::string& project) const {
        return std::any_of(signals_.begin(), signals_.end(),
                           [&](const net::feed_signal& s) { return !s.resync_all && s.project == project; });
    }

    static constexpr const char* token = "watcher-token-7";
    boost::asio::io_context ioc_;
    manual_clock clock_;
    sim::huly_simulator huly_{huly_options()};
    sim::huly_watcher_simulator watcher_{huly_, watcher_options()};
    sim::host watcher_host_{ioc_.get_executor(), watcher_, {}};
    std::unique_ptr<service::huly_webhook_feed> feed_;
    // The ops server's part: each delivery to /hook?token=… is given to the feed.
    net::http_server receiver_{ioc_.get_executor(), {}, [this](net::server_request req)
                                                            -> net::task<std::optional<net::server_response>> {
        const bool ours = req.target() == our_url_.substr(our_url_.find("/hook"));
        auto readable = ours ? feed_->receive(req.body(), std::chrono::system_clock::now()) : result<void>{};
        net::server_response res{ours && readable ? http::status::accepted : http::status::bad_request, 11};
        res.prepare_payload();
        co_return res;
    }};
    std::vector<net::feed_signal> signals_;
    std::string issue_;
    std::string our_url_;
    boost::asio::cancellation_signal stop_watcher_;
    bool feed_ended_ = true;
    bool watcher_ended_ = true;
};

TEST_F(HulyWebhookFeed, SubscribesAtStartAndDeliveredChangesReachTheSinkAsTheirProject) {
    start(10s);
    ASSERT_TRUE(run_until(ioc_, [&] { return subscribed() && feed_->stats().connected; }));
    EXPECT_EQ(resyncs(), 1u) << "what changed before it was subscribed was never sent";
    EXPECT_EQ(feed_->stats().reconnects, 0u);
    EXPECT_EQ(our_url_.find(std::string("?token=") + token) != std::string::npos, true);

    clock_.advance(1s);  // after the watcher's last poll: the edit's modifiedOn is newer
    ASSERT_TRUE(huly_.edit_issue(issue_, "title", boost::json::value("edited in Huly")));
    ASSERT_TRUE(run_until(ioc_, [&] { return signalled_project("A"); }));
    EXPECT_EQ(feed_->stats().events, 1u);
    EXPECT_TRUE(feed_->stats().last_event.has_value());
    EXPECT_TRUE(run_until(ioc_, [&] { return watcher_.stats().webhooks_sent >= 1; })) << "answered 2xx";
    EXPECT_EQ(resyncs(), 1u);
}

TEST_F(HulyWebhookFeed, AfterTheWatcherRestartsItSubscribesAgainWithinTheCheckAndResyncsOnce) {
    const auto check = 300ms;
    start(check);
    ASSERT_TRUE(run_until(ioc_, [&] { return subscribed() && resyncs() == 1; }));

    watcher_.restart();  // the watcher forgot every subscription
    const auto restarted = std::chrono::steady_clock::now();
    EXPECT_FALSE(subscribed());
    ASSERT_TRUE(run_until(ioc_, [&] { return subscribed(); }));
    const auto took = std::chrono::steady_clock::now() - restarted;
    // One check interval, and what a busy machine adds to the check itself.
    EXPECT_LT(took, check + 2s);
    ASSERT_TRUE(run_until(ioc_, [&] { return resyncs() == 2; }));
    EXPECT_EQ(feed_->stats().reconnects, 1u);
    EXPECT_EQ(feed_->stats().resyncs, 2u);
    EXPECT_TRUE(feed_->stats().connected);

    // Checks that find it subscribed change nothing.
    const auto checks = watcher_host_.counts().by_route["GET /subscribers"];
    ASSERT_TRUE(run_until(ioc_, [&] { return watcher_host_.counts().by_route["GET /subscribers"] >= checks + 2; }));
    EXPECT_EQ(resyncs(), 2u);
    EXPECT_EQ(watcher_host_.counts().by_route["POST /subscribe"], 2u);
}

TEST_F(HulyWebhookFeed, AlreadySubscribedAtStartItResyncsOnceAndSubscribesNothing) {
    start(100ms, true);
    ASSERT_TRUE(run_until(ioc_, [&] { return feed_->stats().connected && resyncs() == 1; }))
        << "the feed opened: what changed before is unknown";
    ASSERT_TRUE(run_until(ioc_, [&] { return watcher_host_.counts().by_route["GET /subscribers"] >= 3; }));
    EXPECT_EQ(resyncs(), 1u);
    EXPECT_EQ(watcher_host_.counts().by_route.count("POST /subscribe"), 0u);
    EXPECT_EQ(feed_->stats().reconnects, 0u);
    EXPECT_TRUE(feed_->stats().since.has_value());
}

TEST_F(HulyWebhookFeed, AnUnreachableWatcherIsAFailedCheckRetriedNotAnEnd) {
    watcher_host_.inject({.route = "GET /subscribers", .kind = sim::fault_kind::error, .count = 2});
    start(100ms);
    ASSERT_TRUE(run_until(ioc_, [&] { return !feed_->stats().last_error.empty(); }));
    EXPECT_FALSE(feed_->stats().connected);
    EXPECT_EQ(feed_->stats().last_error.find(token), std::string::npos) << feed_->stats().last_error;
    ASSERT_TRUE(run_until(ioc_, [&] { return subscribed() && feed_->stats().connected; }));
    EXPECT_FALSE(feed_ended_);
    EXPECT_EQ(resyncs(), 1u);
}

TEST_F(HulyWebhookFeed, StopEndsACheckTheWatcherIsSlowToAnswer) {
    watcher_host_.inject({.route = "GET /subscribers", .kind = sim::fault_kind::stall, .count = 1, .stall = 60s});
    start(10s);
    ASSERT_TRUE(run_until(ioc_, [&] { return watcher_host_.requests_in_progress() == 1; }));
    const auto stopped = std::chrono::steady_clock::now();
    feed_->stop();
    ASSERT_TRUE(run_until(ioc_, [&] { return feed_ended_; }, 30s));
    EXPECT_LT(std::chrono::steady_clock::now() - stopped, 5s) << "not by the request's own timeout";
    EXPECT_FALSE(feed_->stats().connected);
    EXPECT_TRUE(feed_->stats().last_error.empty()) << "a stop is no failure: " << feed_->stats().last_error;
}

}  // namespace
}  // namespace hvs::test
