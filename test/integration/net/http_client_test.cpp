// The HTTP client against the project's own server over real loopback sockets.

#include "hvs/net/http_client.hpp"
#include "hvs/net/http_server.hpp"

#include "support/run_async.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

namespace hvs::net {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

server_response text(http::status status, std::string body) {
    server_response res{status, 11};
    res.set(http::field::content_type, "text/plain");
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

class HttpClientTest : public ::testing::Test {
protected:
    // Serves `handler` on 127.0.0.1:<ephemeral>.
    void serve(request_handler handler, server_params params = {}) {
        server_ = std::make_unique<http_server>(ioc_.get_executor(), params, std::move(handler));
        auto port = server_->listen("127.0.0.1", 0);
        ASSERT_TRUE(port) << port.error().describe();
        port_ = *port;
    }

    std::unique_ptr<http_client> client(client_params params = {}, std::string scheme = "http",
                                        std::string host = "127.0.0.1") {
        if (params.name.empty()) params.name = "test";
        params.retry.base = 1ms;
        params.retry.max = 5ms;
        auto where = parse_base_url(scheme + "://" + host + ":" + std::to_string(port_));
        auto created = http_client::create(ioc_.get_executor(), *where, params, limiter_);
        EXPECT_TRUE(created);
        return std::move(*created);
    }

    static http_request get(std::string target) { return http_request{http::verb::get, target, 11}; }

    asio::io_context ioc_;
    rate_limiter limiter_{0, 1};
    std::unique_ptr<http_server> server_;
    std::uint16_t port_ = 0;
};

TEST_F(HttpClientTest, KeepAliveReusesOneConnectionForSequentialRequests) {
    serve([](server_request req) -> task<std::optional<server_response>> {
        co_return text(http::status::ok, std::string(req.target()));
    });
    auto c = client();
    auto outcome = hvs::test::run_async(ioc_, [](http_client& sender) -> task<int> {
        int ok = 0;
        for (int i = 0; i < 20; ++i) {
            auto res = co_await sender.send(get("/n/" + std::to_string(i)));
            if (res && res->body() == "/n/" + std::to_string(i)) ++ok;
        }
        co_return ok;
    }(*c));
    EXPECT_EQ(outcome, 20);
    EXPECT_EQ(server_->stats().connections_accepted, 1u);
    EXPECT_EQ(server_->stats().requests, 20u);
    EXPECT_EQ(c->pool().created, 1u);
    EXPECT_EQ(c->pool().reused, 19u);
}

TEST_F(HttpClientTest, ConcurrencyPerOriginIsBounded) {
    int in_flight = 0;
    int peak = 0;
    serve([&](server_request) -> task<std::optional<server_response>> {
        peak = std::max(peak, ++in_flight);
        asio::steady_timer t(co_await asio::this_coro::executor, 20ms);
        co_await t.async_wait(asio::use_awaitable);
        --in_flight;
        co_return text(http::status::ok, "done");
    });
    client_params params;
    params.pool.max_connections = 3;
    auto c = client(params);
    int ok = 0;
    for (int i = 0; i < 12; ++i) {
        asio::co_spawn(ioc_, [](http_client& sender, int& done) -> task<void> {
            if (co_await sender.send(get("/slow"))) ++done;
        }(*c, ok), asio::detached);
    }
    EXPECT_TRUE(hvs::test::run_until(ioc_, [&] { return ok == 12; }));
    EXPECT_EQ(ok, 12);
    EXPECT_EQ(peak, 3);
    EXPECT_EQ(server_->stats().connections_accepted, 3u);
}

TEST_F(HttpClientTest, AStalledAnswerTimesOutAndTheConnectionIsNotReused) {
    bool stall = true;
    serve([&](server_request) -> task<std::optional<server_response>> {
        if (std::exchange(stall, false)) {
            asio::steady_timer t(co_await asio::this_coro::executor, 2s);
            co_await t.async_wait(asio::use_awaitable);
        }
        co_return text(http::status::ok, "late");
    });
    client_params params;
    params.timeout = 100ms;
    params.retry.max_attempts = 1;
    auto c = client(params);
    auto started = steady_clock::now();
    auto first = hvs::test::run_async(ioc_, c->send(get("/stall")));
    ASSERT_FALSE(first);
    EXPECT_EQ(first.error().kind, error_kind::timeout);
    EXPECT_LT(steady_clock::now() - started, 1s);
    auto second = hvs::test::run_async(ioc_, c->send(get("/fine")));
    ASSERT_TRUE(second) << second.error().describe();
    EXPECT_EQ(c->pool().created, 2u);  // the timed-out connection was discarded
}

TEST_F(HttpClientTest, TransientFailuresOfIdempotentRequestsAreRetried) {
    int calls = 0;
    serve([&](server_request) -> task<std::optional<server_response>> {
        if (++calls < 3) co_return text(http::status::bad_gateway, "upstream hiccup");
        co_return text(http::status::ok, "third time");
    });
    auto c = client();
    auto res = hvs::test::run_async(ioc_, c->send(get("/flaky")));
    ASSERT_TRUE(res) << res.error().describe();
    EXPECT_EQ(res->body(), "third time");
    EXPECT_EQ(c->stats().retries, 2u);
    EXPECT_EQ(c->stats().attempts, 3u);
}

TEST_F(HttpClientTest, ANonIdempotentRequestIsNotRepeatedAfterA5xx) {
    int calls = 0;
    serve([&](server_request) -> task<std::optional<server_response>> {
        ++calls;
        co_return text(http::status::internal_server_error, "boom");
    });
    auto c = client();
    http_request post{http::verb::post, "/create", 11};
    post.body() = "{}";
    auto res = hvs::test::run_async(ioc_, c->send(post, {.idempotent = false}));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, error_kind::http_5xx);
    EXPECT_EQ(res.error().http_status, 500u);
    EXPECT_EQ(res.error().body, "boom");
    EXPECT_TRUE(res.error().transient());
    EXPECT_EQ(calls, 1);
}

TEST_F(HttpClientTest, ClientErrorsAreValuesWithStatusAndBody) {
    serve([](server_request) -> task<std::optional<server_response>> {
        co_return text(http::status::not_found, R"({"error":"Project X not found"})");
    });
    auto c = client();
    auto res = hvs::test::run_async(ioc_, c->send(get("/api/projects/X/issues")));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, error_kind::http_4xx);
    EXPECT_FALSE(res.error().transient());
    EXPECT_EQ(res.error().body, R"({"error":"Project X not found"})");
    EXPECT_EQ(c->stats().attempts, 1u);
}

TEST_F(HttpClientTest, TooManyRequestsHonoursRetryAfterThenSucceeds) {
    int calls = 0;
    serve([&](server_request) -> task<std::optional<server_response>> {
        if (++calls == 1) {
            auto res = text(http::status::too_many_requests, "slow down");
            res.set(http::field::retry_after, "1");
            co_return res;
        }
        co_return text(http::status::ok, "welcome back");
    });
    auto c = client();
    auto started = steady_clock::now();
    auto res = hvs::test::run_async(ioc_, c->send(get("/busy")));
    auto waited = steady_clock::now() - started;
    ASSERT_TRUE(res) << res.error().describe();
    EXPECT_EQ(res->body(), "welcome back");
    EXPECT_GE(waited, 1s);
    EXPECT_LT(waited, 3s);
    EXPECT_EQ(c->stats().rate_limited, 1u);
    EXPECT_EQ(limiter_.stats().pauses, 1u);  // the pause applies to every request to this upstream
}

TEST_F(HttpClientTest, ABodyOverTheLimitIsRejected) {
    serve([](server_request) -> task<std::optional<server_response>> {
        co_return text(http::status::ok, std::string(5000, 'x'));
    });
    client_params params;
    params.body_limit = 1000;
    auto c = client(params);
    auto res = hvs::test::run_async(ioc_, c->send(get("/big")));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, error_kind::protocol);
    EXPECT_NE(res.error().message.find("exceeds 1000 bytes"), std::string::npos);
}

TEST_F(HttpClientTest, AServerThatClosesWithoutAnsweringIsATransientFailure) {
    serve([](server_request) -> task<std::optional<server_response>> { co_return std::nullopt; });
    client_params params;
    params.retry.max_attempts = 2;
    auto c = client(params);
    auto res = hvs::test::run_async(ioc_, c->send(get("/reset")));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, error_kind::closed);
    EXPECT_EQ(c->stats().attempts, 2u);
}

TEST_F(HttpClientTest, AServerThatClosesMidResponseIsDetected) {
    asio::ip::tcp::acceptor acceptor(ioc_, {asio::ip::make_address("127.0.0.1"), 0});
    port_ = acceptor.local_endpoint().port();
    asio::co_spawn(ioc_, [](asio::ip::tcp::acceptor& listening) -> task<void> {
        for (;;) {
            auto socket = co_await listening.async_accept(asio::use_awaitable);
            std::string partial = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part of it";
            co_await asio::async_write(socket, asio::buffer(partial), asio::use_awaitable);
            socket.close();
        }
    }(acceptor), asio::detached);
    client_params params;
    params.retry.max_attempts = 1;
    auto c = client(params);
    auto res = hvs::test::run_async(ioc_, c->send(get("/partial")));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, error_kind::closed);
}

TEST_F(HttpClientTest, AnIdleConnectionClosedByTheServerIsNotUsedAgain) {
    server_params sp;
    sp.idle_timeout = 50ms;
    serve([](server_request) -> task<std::optional<server_response>> { co_return text(http::status::ok, "hi"); }, sp);
    client_params params;
    params.retry.max_attempts = 1;
    auto c = client(params);
    ASSERT_TRUE(hvs::test::run_async(ioc_, c->send(get("/a"))));
    // The server drops the idle connection: wait for that by the clock, not a fixed sleep.
    ASSERT_TRUE(hvs::test::run_until(ioc_, [&] { return server_->stats().connections_open == 0; }));
    auto second = hvs::test::run_async(ioc_, c->send(get("/b")));
    ASSERT_TRUE(second) << second.error().describe();
    EXPECT_EQ(server_->stats().connections_accepted, 2u);
}

TEST_F(HttpClientTest, ConnectionRefusedIsAConnectError) {
    {
        asio::ip::tcp::acceptor probe(ioc_, {asio::ip::make_address("127.0.0.1"), 0});
        port_ = probe.local_endpoint().port();
    }  // closed again: nothing listens there now
    client_params params;
    params.retry.max_attempts = 2;
    auto c = client(params);
    auto res = hvs::test::run_async(ioc_, c->send(get("/")));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, error_kind::connect);
    EXPECT_EQ(c->stats().attempts, 2u);
}

TEST_F(HttpClientTest, CancellationReachesAnInFlightRequest) {
    serve([](server_request) -> task<std::optional<server_response>> {
        asio::steady_timer t(co_await asio::this_coro::executor, 5s);
        co_await t.async_wait(asio::use_awaitable);
        co_return text(http::status::ok, "too late");
    });
    auto c = client();
    asio::cancellation_signal cancel;
    std::optional<result<http_response>> outcome;
    asio::co_spawn(ioc_, c->send(get("/forever")),
                   asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr, result<http_response> r) {
                       outcome = std::move(r);
                   }));
    // Cancelled once it is in flight (the server has it), not after a guessed delay.
    ASSERT_TRUE(hvs::test::run_until(ioc_, [&] { return server_->stats().requests == 1; }));
    cancel.emit(asio::cancellation_type::terminal);
    ASSERT_TRUE(hvs::test::run_until(ioc_, [&] { return outcome.has_value(); }, 3s));
    ASSERT_FALSE(*outcome);
    EXPECT_EQ(outcome->error().kind, error_kind::cancelled);
}

TEST_F(HttpClientTest, TheLimiterPacesRequests) {
    serve([](server_request) -> task<std::optional<server_response>> { co_return text(http::status::ok, "ok"); });
    rate_limiter paced(50, 1);  // one request per 20 ms
    auto where = parse_base_url("http://127.0.0.1:" + std::to_string(port_));
    client_params params;
    params.name = "paced";
    auto c = http_client::create(ioc_.get_executor(), *where, params, paced);
    ASSERT_TRUE(c);
    auto started = steady_clock::now();
    auto ok = hvs::test::run_async(ioc_, [](http_client& sender) -> task<int> {
        int done = 0;
        for (int i = 0; i < 11; ++i) done += (co_await sender.send(get("/"))) ? 1 : 0;
        co_return done;
    }(**c));
    EXPECT_EQ(ok, 11);
    // 10 tokens of 20 ms after the first. How many requests had to wait for theirs depends on how
    // long each took (on a loaded machine one can outlast a token's interval), so only the lower
    // bound on the elapsed time is a property of the limiter.
    EXPECT_GE(steady_clock::now() - started, 195ms);
    EXPECT_LE(paced.stats().waits, 10u);
}

}  // namespace
}  // namespace hvs::net

namespace hvs::net {
namespace {

TEST_F(HttpClientTest, ACancelledProbeDoesNotLeaveTheBreakerRefusingForGood) {
    bool down = true;
    serve([&](server_request req) -> task<std::optional<server_response>> {
        if (req.target() == "/stall") {
            asio::steady_timer t(co_await asio::this_coro::executor, 5s);
            co_await t.async_wait(asio::use_awaitable);
        }
        co_return text(down ? http::status::service_unavailable : http::status::ok, down ? "down" : "up");
    });
    client_params params;
    params.retry.max_attempts = 1;
    params.breaker_failures = 1;
    params.breaker_cooldown = 50ms;
    auto c = client(params);
    steady_clock::duration skew{};  // the breaker's clock runs ahead by this much: no sleeping
    c->set_breaker_clock([&] { return steady_clock::now() + skew; });
    EXPECT_FALSE(hvs::test::run_async(ioc_, c->send(get("/"))));
    ASSERT_EQ(c->stats().breaker_state, "open");
    down = false;
    skew += 80ms;  // past the cooldown

    // The probe goes out and is cancelled (a cycle deadline, a shutdown) before any answer.
    const auto requests_before = server_->stats().requests;
    asio::cancellation_signal cancel;
    std::optional<result<http_response>> probe;
    asio::co_spawn(ioc_, c->send(get("/stall")),
                   asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr, result<http_response> r) {
                       probe = std::move(r);
                   }));
    ASSERT_TRUE(hvs::test::run_until(ioc_, [&] { return server_->stats().requests == requests_before + 1; }));
    cancel.emit(asio::cancellation_type::terminal);
    ASSERT_TRUE(hvs::test::run_until(ioc_, [&] { return probe.has_value(); }, 3s));
    ASSERT_EQ(probe->error().kind, error_kind::cancelled);

    auto next = hvs::test::run_async(ioc_, c->send(get("/")));
    ASSERT_TRUE(next) << next.error().describe();
    EXPECT_EQ(c->stats().breaker_state, "closed");
}

TEST_F(HttpClientTest, ABreakerOpensAfterRepeatedFailuresAndProbesAfterTheCooldown) {
    int calls = 0;
    bool down = true;
    serve([&](server_request) -> task<std::optional<server_response>> {
        ++calls;
        co_return text(down ? http::status::service_unavailable : http::status::ok, down ? "down" : "up");
    });
    client_params params;
    params.retry.max_attempts = 1;
    params.breaker_failures = 3;
    params.breaker_cooldown = 200ms;
    auto c = client(params);
    steady_clock::duration skew{};
    c->set_breaker_clock([&] { return steady_clock::now() + skew; });
    for (int i = 0; i < 3; ++i) EXPECT_FALSE(hvs::test::run_async(ioc_, c->send(get("/"))));
    auto fast = hvs::test::run_async(ioc_, c->send(get("/")));
    ASSERT_FALSE(fast);
    EXPECT_EQ(fast.error().kind, error_kind::unavailable);
    EXPECT_EQ(calls, 3);  // failing fast costs the upstream nothing
    EXPECT_EQ(c->stats().breaker_state, "open");

    down = false;
    EXPECT_EQ(c->stats().breaker_state, "open");  // still within the cooldown
    skew += 250ms;
    auto probe = hvs::test::run_async(ioc_, c->send(get("/")));
    ASSERT_TRUE(probe) << probe.error().describe();
    EXPECT_EQ(c->stats().breaker_state, "closed");
    EXPECT_EQ(calls, 4);
}

}  // namespace
}  // namespace hvs::net

namespace hvs::net {
namespace {

TEST_F(HttpClientTest, WaitersQueuedBeforeARetryAfterAreSpacedAfterItNotReleasedTogether) {
    int calls = 0;
    std::vector<steady_clock::time_point> arrivals;
    serve([&](server_request) -> task<std::optional<server_response>> {
        arrivals.push_back(steady_clock::now());
        if (++calls == 1) {
            auto res = text(http::status::too_many_requests, "slow down");
            res.set(http::field::retry_after, "1");
            co_return res;
        }
        co_return text(http::status::ok, "ok");
    });
    rate_limiter paced(20, 1);  // one request per 50 ms
    auto where = parse_base_url("http://127.0.0.1:" + std::to_string(port_));
    client_params params;
    params.name = "paced";
    params.retry.base = 1ms;
    auto c = http_client::create(ioc_.get_executor(), *where, params, paced);
    ASSERT_TRUE(c);
    int ok = 0;
    for (int i = 0; i < 6; ++i) {
        asio::co_spawn(ioc_, [](http_client& sender, int& done) -> task<void> {
            if (co_await sender.send(get("/"))) ++done;
        }(**c, ok), asio::detached);
    }
    ASSERT_TRUE(hvs::test::run_until(ioc_, [&] { return ok == 6; }));
    // After the pause, requests arrive spaced by the rate, not all at once. Only lower bounds are
    // asserted, which a busy machine cannot break: the pause was applied after the first request
    // arrived, and no token is issued before its end; after it, the k-th request's token comes no
    // sooner than k intervals of 50 ms. (The spacing itself is LimiterState's unit test.)
    std::sort(arrivals.begin(), arrivals.end());
    const auto pause_ends = arrivals.front() + 1s;
    std::vector<steady_clock::time_point> after_pause;
    std::copy_if(arrivals.begin(), arrivals.end(), std::back_inserter(after_pause),
                 [&](steady_clock::time_point arrival) { return arrival >= pause_ends; });
    // The 429's retry and the waiters still queued when it came: all five of them, unless the
    // machine was too slow to read the 429 before the next token. Without the requeue they go
    // at their old slots, before the pause ends.
    ASSERT_GE(after_pause.size(), 3u);
    for (std::size_t k = 0; k < after_pause.size(); ++k) {
        EXPECT_GE(after_pause[k] - pause_ends, static_cast<int>(k + 1) * 50ms - 1ms) << k;
    }
}

}  // namespace
}  // namespace hvs::net

namespace hvs::net {
namespace {

// A request has one deadline: attempts that time out are retried only while it lasts, the attempt
// running at the deadline is cut there, and no attempt starts after it.
class RequestDeadlineTest : public HttpClientTest {
protected:
    // A server that reads each request and never answers; it notes when each one arrived.
    void serve_silence() {
        serve([this](server_request) -> task<std::optional<server_response>> {
            arrivals_.push_back(steady_clock::now());
            asio::steady_timer forever(co_await asio::this_coro::executor, std::chrono::hours(1));
            co_await forever.async_wait(use_nothrow);
            co_return std::nullopt;
        });
    }

    // Four attempts of 300 ms each would take 1.2 s.
    std::unique_ptr<http_client> patient_client() {
        client_params params;
        params.timeout = 300ms;
        params.retry.max_attempts = 4;
        auto c = client(params);
        c->set_jitter_source([] { return 0.0; });
        return c;
    }

    // Runs the loop until the server has seen `count` requests or the clock says it will not.
    void until_server_saw(std::size_t count) {
        hvs::test::run_until(ioc_, [&] { return arrivals_.size() >= count; }, 2s);
    }

    std::vector<steady_clock::time_point> arrivals_;
};

TEST_F(RequestDeadlineTest, ARequestDeadlineShorterThanItsAttemptsEndsItAtTheDeadline) {
    serve_silence();
    auto c = patient_client();
    const auto started = steady_clock::now();
    request_options options;
    options.deadline = started + 700ms;
    auto res = hvs::test::run_async(ioc_, c->send(get("/silent"), options));
    const auto took = steady_clock::now() - started;
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, error_kind::deadline) << res.error().describe();
    EXPECT_GE(took, 690ms);
    EXPECT_LE(took, 700ms + 1500ms);  // a generous margin for a busy machine
    const auto attempts = c->stats().attempts;
    EXPECT_GE(attempts, 1u);
    EXPECT_LE(attempts, 3u);          // the fourth would have started after the deadline
    until_server_saw(attempts);
    EXPECT_EQ(arrivals_.size(), attempts);
    for (auto arrival : arrivals_) EXPECT_LT(arrival, *options.deadline + 200ms);
    EXPECT_EQ(c->stats().errors["deadline"], 1u);
    EXPECT_LE(c->stats().consecutive_failures, attempts);
}

TEST_F(RequestDeadlineTest, TheCycleDeadlineReachesTheRequest) {
    serve_silence();
    auto c = patient_client();
    const auto started = steady_clock::now();
    c->set_deadline(started + 450ms);
    auto res = hvs::test::run_async(ioc_, c->send(get("/silent")));
    const auto took = steady_clock::now() - started;
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, error_kind::deadline) << res.error().describe();
    EXPECT_LE(took, 450ms + 1500ms);
    EXPECT_LE(c->stats().attempts, 2u);
    until_server_saw(c->stats().attempts);
    EXPECT_EQ(arrivals_.size(), c->stats().attempts);
}

TEST_F(RequestDeadlineTest, ADeadlineAlreadyPastStartsNoAttempt) {
    serve_silence();
    auto c = patient_client();
    request_options options;
    options.deadline = steady_clock::now() - 1ms;
    auto res = hvs::test::run_async(ioc_, c->send(get("/late"), options));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, error_kind::deadline);
    EXPECT_EQ(c->stats().attempts, 0u);
    EXPECT_EQ(server_->stats().connections_accepted, 0u);
}

// A name resolution that never answers (a hung getaddrinfo ignores cancellation) through the pool.
task<result<resolved_endpoints>> resolver_that_never_answers(std::string, std::string) {
    asio::steady_timer forever(co_await asio::this_coro::executor, steady_clock::time_point::max());
    co_await forever.async_wait(use_nothrow);
    co_return make_error(error_kind::resolve, "unreachable");
}

TEST_F(RequestDeadlineTest, AHungResolverIsBoundedByTheAttemptTimeout) {
    client_params params;
    params.timeout = 150ms;
    params.retry.max_attempts = 1;
    params.pool.resolve = resolver_that_never_answers;
    port_ = 8080;  // nothing listens: the name never resolves
    auto c = client(params, "http", "stuck.invalid");
    const auto started = steady_clock::now();
    auto res = hvs::test::run_async(ioc_, c->send(get("/")));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, error_kind::timeout) << res.error().describe();
    EXPECT_NE(res.error().message.find("timed out resolving"), std::string::npos) << res.error().message;
    EXPECT_LT(steady_clock::now() - started, 3s);
}

TEST_F(RequestDeadlineTest, AHungResolverIsBoundedByTheRequestDeadline) {
    client_params params;
    params.timeout = 30s;
    params.retry.max_attempts = 4;
    params.pool.resolve = resolver_that_never_answers;
    port_ = 8080;  // nothing listens: the name never resolves
    auto c = client(params, "http", "stuck.invalid");
    const auto started = steady_clock::now();
    request_options options;
    options.deadline = started + 200ms;
    auto res = hvs::test::run_async(ioc_, c->send(get("/"), options));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, error_kind::deadline) << res.error().describe();
    EXPECT_LT(steady_clock::now() - started, 3s);
    EXPECT_EQ(c->stats().attempts, 1u);
}

}  // namespace
}  // namespace hvs::net
