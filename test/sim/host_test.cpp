// The simulator host: admission rate, faults, latency, counters and the admin API, over loopback.

#include "hvs/net/http_client.hpp"
#include "hvs/sim/host.hpp"
#include "hvs/sim/http_util.hpp"

#include "support/run_async.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <optional>

namespace hvs::sim {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;
namespace http = boost::beast::http;

// A minimal simulator: one counter that POST /count increments and GET /count reads.
class counter_simulator final : public simulator {
public:
    std::string_view name() const override { return "counter"; }
    std::string route_of(const request& req) const override {
        return std::string(req.method_string()) + " " + std::string(req.target());
    }
    response handle(const request& req) override {
        if (req.method() == http::verb::post) ++value_;
        return json_response(status::ok, json::object{{"value", value_}});
    }
    void seed(const json::value& document) override { value_ = document.at("value").to_number<int>(); }
    json::value state() const override { return json::object{{"value", value_}}; }

private:
    int value_ = 0;
};

class HostTest : public ::testing::Test {
protected:
    void start(host_options options = {}) {
        host_ = std::make_unique<host>(ioc_.get_executor(), sim_, options);
        auto port = host_->listen(0);
        ASSERT_TRUE(port);
        net::client_params params;
        params.name = "counter";
        params.retry.max_attempts = 1;
        params.timeout = 2s;
        auto created = net::http_client::create(ioc_.get_executor(),
                                                *net::parse_base_url("http://127.0.0.1:" + std::to_string(*port)),
                                                params, limiter_);
        ASSERT_TRUE(created);
        client_ = std::move(*created);
    }

    result<net::http_response> send(http::verb verb, std::string target, std::string body = "") {
        net::http_request req{verb, target, 11};
        req.body() = std::move(body);
        return hvs::test::run_async(ioc_, client_->send(std::move(req)));
    }

    boost::asio::io_context ioc_;
    counter_simulator sim_;
    net::rate_limiter limiter_{0, 1};
    std::unique_ptr<host> host_;
    std::unique_ptr<net::http_client> client_;
};

TEST_F(HostTest, ServesTheSimulatorAndCountsRequestsByRoute) {
    start();
    ASSERT_TRUE(send(http::verb::post, "/count"));
    ASSERT_TRUE(send(http::verb::post, "/count"));
    auto res = send(http::verb::get, "/count");
    ASSERT_TRUE(res);
    EXPECT_EQ(json::parse(res->body()).at("value").as_int64(), 2);
    auto counts = host_->counts();
    EXPECT_EQ(counts.total, 3u);
    EXPECT_EQ(counts.by_route["POST /count"], 2u);
    EXPECT_EQ(counts.by_route["GET /count"], 1u);
}

TEST_F(HostTest, BeyondTheAdmittedRateAnswers429WithRetryAfter) {
    start({.latency = 0ms, .rate = 1, .burst = 2});
    EXPECT_TRUE(send(http::verb::get, "/count"));
    EXPECT_TRUE(send(http::verb::get, "/count"));
    auto third = send(http::verb::get, "/count");
    ASSERT_FALSE(third);
    EXPECT_EQ(third.error().kind, error_kind::http_429);
    EXPECT_EQ(third.error().retry_after, 1s);
    EXPECT_EQ(host_->counts().rejected, 1u);
    EXPECT_EQ(host_->counts().rejected_by_route["GET /count"], 1u);
    EXPECT_EQ(host_->counts().by_route["GET /count"], 3u);
}

TEST_F(HostTest, InjectedFaultsHitTheirRouteTheGivenNumberOfTimes) {
    start();
    host_->inject({.route = "POST /count", .kind = fault_kind::error, .count = 2});
    EXPECT_TRUE(send(http::verb::get, "/count"));  // another route: untouched
    auto failed = send(http::verb::post, "/count");
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().http_status, 500u);
    EXPECT_FALSE(send(http::verb::post, "/count"));
    EXPECT_TRUE(send(http::verb::post, "/count"));
    EXPECT_EQ(sim_.state().at("value").as_int64(), 1);  // failed requests changed nothing
}

TEST_F(HostTest, AFaultCanLetTheFirstMatchingRequestsThrough) {
    start();
    host_->inject({.route = "GET /count", .kind = fault_kind::error, .count = 1, .skip = 2});
    EXPECT_TRUE(send(http::verb::get, "/count"));
    EXPECT_TRUE(send(http::verb::get, "/count"));
    EXPECT_FALSE(send(http::verb::get, "/count"));
    EXPECT_TRUE(send(http::verb::get, "/count"));
}

TEST_F(HostTest, CloseAndMalformedFaults) {
    start();
    host_->inject({.route = "*", .kind = fault_kind::close, .count = 1});
    auto closed = send(http::verb::get, "/count");
    ASSERT_FALSE(closed);
    EXPECT_EQ(closed.error().kind, error_kind::closed);
    host_->inject({.route = "*", .kind = fault_kind::malformed, .count = 1});
    auto malformed = send(http::verb::get, "/count");
    ASSERT_TRUE(malformed);
    boost::system::error_code ec;
    json::parse(malformed->body(), ec);
    EXPECT_TRUE(ec) << malformed->body();
}

TEST_F(HostTest, StallDelaysTheAnswer) {
    start();
    host_->inject({.route = "*", .kind = fault_kind::stall, .count = 1, .stall = 300ms});
    auto started = std::chrono::steady_clock::now();
    EXPECT_TRUE(send(http::verb::get, "/count"));
    EXPECT_GE(std::chrono::steady_clock::now() - started, 300ms);
}

TEST_F(HostTest, AStalledRequestWhoseClientGaveUpIsInProgressUntilItIsApplied) {
    start();
    host_->inject({.route = "POST /count", .kind = fault_kind::stall, .count = 1, .stall = 300ms});
    boost::asio::cancellation_signal give_up;
    std::optional<result<net::http_response>> outcome;
    boost::asio::co_spawn(ioc_, client_->send(net::http_request{http::verb::post, "/count", 11}),
                          boost::asio::bind_cancellation_slot(give_up.slot(), [&](std::exception_ptr, result<net::http_response> r) {
                              outcome = std::move(r);
                          }));
    ASSERT_TRUE(hvs::test::run_until(ioc_, [&] { return host_->requests_in_progress() == 1; }));
    EXPECT_EQ(sim_.state().at("value").as_int64(), 0);  // not applied yet
    give_up.emit(boost::asio::cancellation_type::terminal);
    ASSERT_TRUE(hvs::test::run_until(ioc_, [&] { return outcome.has_value(); }));
    ASSERT_FALSE(*outcome);
    ASSERT_TRUE(hvs::test::run_until(ioc_, [&] { return host_->requests_in_progress() == 0; }));
    EXPECT_EQ(sim_.state().at("value").as_int64(), 1);  // applied although nobody read the answer
    ASSERT_TRUE(send(http::verb::get, "/count"));
    EXPECT_EQ(host_->requests_in_progress(), 0u);
}

TEST_F(HostTest, AdminApiSeedsReadsCountsAndInjects) {
    start();
    ASSERT_TRUE(send(http::verb::post, "/__admin/seed", R"({"value":41})"));
    ASSERT_TRUE(send(http::verb::post, "/count"));
    auto state = send(http::verb::get, "/__admin/state");
    ASSERT_TRUE(state);
    EXPECT_EQ(json::parse(state->body()).at("value").as_int64(), 42);

    auto counts = send(http::verb::get, "/__admin/requests");
    ASSERT_TRUE(counts);
    EXPECT_EQ(json::parse(counts->body()).at("total").as_int64(), 1);  // admin calls are not counted
    ASSERT_TRUE(send(http::verb::delete_, "/__admin/requests"));
    EXPECT_EQ(host_->counts().total, 0u);

    ASSERT_TRUE(send(http::verb::post, "/__admin/faults", R"({"route":"GET /count","kind":"error","count":1,"skip":1})"));
    EXPECT_TRUE(send(http::verb::get, "/count"));
    EXPECT_FALSE(send(http::verb::get, "/count"));
    EXPECT_TRUE(send(http::verb::get, "/count"));

    auto bad = send(http::verb::post, "/__admin/faults", R"({"kind":"explode"})");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().http_status, 400u);
    auto bad_seed = send(http::verb::post, "/__admin/seed", "{nope");
    ASSERT_FALSE(bad_seed);
    EXPECT_EQ(bad_seed.error().http_status, 400u);
}

}  // namespace
}  // namespace hvs::sim
