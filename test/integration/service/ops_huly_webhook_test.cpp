// POST /api/webhooks/huly on the ops server, with the service wired as `run` wires it for
// HULY_WEBHOOK_URL: huly-change-watcher's deliveries (oculairmedia/huly-webhook-implementation
// huly-change-watcher/src/index.js emitWebhooks: a plain POST of {"source","timestamp","events"})
// mark the named project dirty, and the scheduler syncs it without a full poll.

#include "integration/service/ops_fixture.hpp"

#include "hvs/service/change_feeds.hpp"

#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

namespace hvs::test {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;
using namespace std::chrono_literals;

// One delivery as the watcher POSTs it: an issue.updated for `identifier`.
std::string delivery_for(const std::string& identifier) {
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    json::object data{{"id", "issue:" + identifier},   {"class", "tracker:class:Issue"},
                      {"identifier", identifier},      {"title", "ignored: the sync reads Huly"},
                      {"status", "tracker:status:Todo"}, {"modifiedOn", now},
                      {"modifiedBy", "core:account:System"}};
    json::array events{json::object{{"type", "issue.updated"}, {"timestamp", now}, {"data", std::move(data)}}};
    return json::serialize(json::object{{"source", "huly-change-watcher"}, {"timestamp", now}, {"events", events}});
}

class OpsHulyWebhook : public OpsTest {
protected:
    void SetUp() override {
        OpsTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        issue_ = huly_.add_issue("WEB", "Webhook target", "", "Todo");
        cfg_.vibe_events = false;  // the Huly side alone
    }

    // The change feeds as `run` builds them for HULY_WEBHOOK_URL (their subscription checks are
    // not started: what is tested is the endpoint and what its signals cause).
    void attach_webhook_feed() {
        cfg_.huly_events_url = "http://127.0.0.1:9/events";
        cfg_.huly_webhook_url = "http://127.0.0.1:9/api/webhooks/huly";
        cfg_.health_host = "127.0.0.1";  // as start_ops listens
        auto feeds = service::change_feeds::create(
            ioc_.get_executor(), cfg_, std::nullopt,
            [this](service::change_side side, const net::feed_signal& signal) { loop_->note_change(side, signal); });
        ASSERT_TRUE(feeds) << feeds.error().describe();
        feeds_ = std::move(*feeds);
        ASSERT_TRUE(feeds_->receives_huly_webhooks());
        ops_->attach_feeds(feeds_.get());
    }

    raw_response post_webhook(const std::string& target, const std::string& body, const headers& extra = {}) {
        headers with_type = extra;
        with_type.emplace_back(http::field::content_type, "application/json");
        return call(http::verb::post, target, with_type, body);
    }

    std::optional<std::string> vibe_title() {
        auto task = task_for("Web", issue_);
        if (!task) return std::nullopt;
        return task->title;
    }

    std::string issue_;
    std::unique_ptr<service::change_feeds> feeds_;
};

TEST_F(OpsHulyWebhook, ADeliverySyncsTheProjectItNamesWithoutAFullPoll) {
    start_ops();
    attach_webhook_feed();
    start_loop();
    ASSERT_TRUE(wait_for_cycles(1));
    ASSERT_EQ(vibe_title(), "Webhook target");
    const auto full_polls = status_.full_polls;
    const auto change_syncs = status_.change_syncs;

    ASSERT_TRUE(huly_.edit_issue(issue_, "title", json::value("Webhook target, renamed in Huly")));
    const auto sent = clock::now();
    auto res = post_webhook("/api/webhooks/huly", delivery_for(issue_));
    EXPECT_LT(clock::now() - sent, 2s) << "answered at once, the work queued";
    ASSERT_EQ(res.result_int(), 202u) << res.body();
    EXPECT_TRUE(json::parse(res.body()).at("accepted").as_bool());

    ASSERT_TRUE(pump_until([&] { return vibe_title() == "Webhook target, renamed in Huly"; }, 20s))
        << "the task still reads " << vibe_title().value_or("(none)");
    ASSERT_TRUE(pump_until([&] { return !status_.running; }));
    EXPECT_GT(status_.change_syncs, change_syncs);
    EXPECT_EQ(status_.full_polls, full_polls) << "the delivery named one project: no full poll";
    const auto views = feeds_->views();
    ASSERT_EQ(views.size(), 1u);
    EXPECT_EQ(views[0].source, "webhooks");
    EXPECT_EQ(views[0].stats.events, 1u);
}

TEST_F(OpsHulyWebhook, WithApiTokenTheBearerOrTheTokenQueryIsRequired) {
    const std::string token = "hook-token-42/+";
    cfg_.api_token = token;
    start_ops();
    attach_webhook_feed();
    const auto body = delivery_for(issue_);

    auto missing = post_webhook("/api/webhooks/huly", body);
    EXPECT_EQ(missing.result_int(), 401u);
    EXPECT_EQ(post_webhook("/api/webhooks/huly", body, {{http::field::authorization, "Bearer wrong"}}).result_int(), 401u);
    EXPECT_EQ(post_webhook("/api/webhooks/huly?token=wrong", body).result_int(), 401u);
    EXPECT_EQ(post_webhook("/api/webhooks/huly?token=" + token + "x", body).result_int(), 401u);
    EXPECT_EQ(post_webhook("/api/webhooks/huly?token=hook-token-42%2F%2B&token=hook-token-42%2F%2B", body).result_int(),
              401u)
        << "given twice";
    EXPECT_EQ(feeds_->views().at(0).stats.events, 0u) << "refused deliveries are not read";

    EXPECT_EQ(post_webhook("/api/webhooks/huly", body, {{http::field::authorization, "Bearer " + token}}).result_int(),
              202u);
    EXPECT_EQ(post_webhook("/api/webhooks/huly?token=hook-token-42%2F%2B", body).result_int(), 202u);
    EXPECT_EQ(feeds_->views().at(0).stats.events, 2u);
    EXPECT_EQ(call(http::verb::get, "/api/webhooks/huly").result_int(), 405u);
}

TEST_F(OpsHulyWebhook, AnOversizedBodyIs413AndAnUnreadableOneIs400AndAFullPoll) {
    start_ops();
    attach_webhook_feed();
    start_loop();
    ASSERT_TRUE(wait_for_cycles(1));
    const auto full_polls = status_.full_polls;

    EXPECT_EQ(raw_status("POST /api/webhooks/huly HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         "Content-Length: 1048577\r\n\r\n"),
              413u);
    EXPECT_EQ(feeds_->views().at(0).stats.events, 0u);

    auto garbage = post_webhook("/api/webhooks/huly", "{\"events\": 42}");
    ASSERT_EQ(garbage.result_int(), 400u) << garbage.body();
    const auto reason = std::string(json::parse(garbage.body()).at("error").as_string());
    EXPECT_NE(reason.find("events"), std::string::npos) << reason;
    EXPECT_EQ(reason.find('\n'), std::string::npos) << "one line";
    EXPECT_EQ(post_webhook("/api/webhooks/huly", "not json at all").result_int(), 400u);

    // Something changed and what is unknown: every project is synced.
    ASSERT_TRUE(pump_until([&] { return status_.full_polls > full_polls && !status_.running; }, 20s));
    EXPECT_EQ(feeds_->views().at(0).stats.resyncs, 2u);
}

TEST_F(OpsHulyWebhook, WithoutAWebhookFeedTheEndpointIs404) {
    start_ops();
    auto res = post_webhook("/api/webhooks/huly", delivery_for(issue_));
    EXPECT_EQ(res.result_int(), 404u);
    EXPECT_EQ(res.body(), R"({"error":"HULY_WEBHOOK_URL is not set"})");

    // The stream instead of webhooks: the same.
    cfg_.huly_events_url = "http://127.0.0.1:9/events";
    auto feeds = service::change_feeds::create(ioc_.get_executor(), cfg_, std::nullopt,
                                               [](service::change_side, const net::feed_signal&) {});
    ASSERT_TRUE(feeds);
    EXPECT_FALSE((*feeds)->receives_huly_webhooks());
    ops_->attach_feeds(feeds->get());
    EXPECT_EQ(post_webhook("/api/webhooks/huly", delivery_for(issue_)).result_int(), 404u);
    ops_->attach_feeds(nullptr);

    cfg_.huly_events_url.clear();
    cfg_.huly_webhook_url = "http://127.0.0.1:9/api/webhooks/huly";
    auto refused = service::change_feeds::create(ioc_.get_executor(), cfg_, std::nullopt,
                                                 [](service::change_side, const net::feed_signal&) {});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, error_kind::invalid);
    EXPECT_NE(refused.error().message.find("HULY_EVENTS_URL"), std::string::npos);

    // Deliveries the ops server would refuse: an error at start, not a silent feed.
    cfg_.huly_events_url = "http://127.0.0.1:9/events";
    cfg_.health_host = "0.0.0.0";
    auto without_token = service::change_feeds::create(ioc_.get_executor(), cfg_, std::nullopt,
                                                       [](service::change_side, const net::feed_signal&) {});
    ASSERT_FALSE(without_token);
    EXPECT_NE(without_token.error().message.find("API_TOKEN"), std::string::npos);
    cfg_.api_token = "set";
    EXPECT_TRUE(service::change_feeds::create(ioc_.get_executor(), cfg_, std::nullopt,
                                              [](service::change_side, const net::feed_signal&) {}));
}

}  // namespace
}  // namespace hvs::test
