// The ops/simulator HTTP server against raw clients that misbehave.

#include "hvs/net/http_server.hpp"

#include "support/run_async.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <functional>

namespace hvs::net {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class HttpServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        params_.body_limit = 1000;
        params_.header_limit = 2000;
        params_.header_timeout = 200ms;
        params_.idle_timeout = 300ms;
    }

    void start() {
        server_ = std::make_unique<http_server>(ioc_.get_executor(), params_,
                                                [](server_request req) -> task<std::optional<server_response>> {
                                                    server_response res{http::status::ok, 11};
                                                    res.body() = "echo:" + req.body();
                                                    co_return res;
                                                });
        auto port = server_->listen("127.0.0.1", 0);
        ASSERT_TRUE(port);
        port_ = *port;
    }

    // Sends raw bytes, then reads until the server closes (or `limit` passes); returns what came back.
    std::string exchange_raw(std::string bytes, std::chrono::milliseconds pause_after_send = 0ms) {
        return hvs::test::run_async(ioc_, [](std::uint16_t port, std::string payload,
                                             std::chrono::milliseconds pause) -> task<std::string> {
            tcp::socket socket(co_await asio::this_coro::executor);
            co_await socket.async_connect({asio::ip::make_address("127.0.0.1"), port}, asio::use_awaitable);
            co_await asio::async_write(socket, asio::buffer(payload), asio::use_awaitable);
            if (pause.count() > 0) co_await sleep_for(pause);
            std::string out;
            char buf[4096];
            for (;;) {
                auto [ec, n] = co_await socket.async_read_some(asio::buffer(buf), use_nothrow);
                out.append(buf, n);
                if (ec) break;
            }
            co_return out;
        }(port_, std::move(bytes), pause_after_send), 5s);
    }

    asio::io_context ioc_;
    server_params params_;
    std::unique_ptr<http_server> server_;
    std::uint16_t port_ = 0;
};

TEST_F(HttpServerTest, ServesSeveralRequestsOnOneConnection) {
    start();
    auto out = exchange_raw(
        "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
        "GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_NE(out.find("echo:hi"), std::string::npos);
    EXPECT_EQ(std::count(out.begin(), out.end(), 'H') >= 2, true);
    EXPECT_EQ(server_->stats().requests, 2u);
    EXPECT_EQ(server_->stats().connections_accepted, 1u);
}

TEST_F(HttpServerTest, GarbageGetsA400AndTheConnectionCloses) {
    start();
    auto out = exchange_raw("this is not http\r\n\r\n");
    EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << out;
}

TEST_F(HttpServerTest, OversizedHeadersGetA431) {
    start();
    auto out = exchange_raw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(5000, 'a') + "\r\n\r\n");
    EXPECT_EQ(out.rfind("HTTP/1.1 431", 0), 0u) << out.substr(0, 40);
}

TEST_F(HttpServerTest, OversizedBodyGetsA413) {
    start();
    auto out = exchange_raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'b'));
    EXPECT_EQ(out.rfind("HTTP/1.1 413", 0), 0u) << out.substr(0, 40);
}

TEST_F(HttpServerTest, ASlowClientIsCutOffWithinTheHeaderTimeout) {
    start();
    auto started = steady_clock::now();
    auto out = exchange_raw("GET / HTTP/1.1\r\nHost: x\r\n");  // never finishes its headers
    EXPECT_TRUE(out.empty());
    EXPECT_LT(steady_clock::now() - started, 2s);
    EXPECT_EQ(server_->stats().bad_requests, 1u);
    // …and the server keeps serving.
    auto next = exchange_raw("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(next.rfind("HTTP/1.1 200", 0), 0u);
}

TEST_F(HttpServerTest, AHandlerThatThrowsYieldsA500) {
    server_ = std::make_unique<http_server>(ioc_.get_executor(), params_,
                                            [](server_request) -> task<std::optional<server_response>> {
                                                throw std::runtime_error("bug");
                                                co_return std::nullopt;
                                            });
    auto port = server_->listen("127.0.0.1", 0);
    ASSERT_TRUE(port);
    port_ = *port;
    auto out = exchange_raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(out.rfind("HTTP/1.1 500", 0), 0u);
}

// Connects a client that sends nothing and lets the server accept it.
tcp::socket connect_silent(asio::io_context& ioc, std::uint16_t port, const std::function<bool()>& accepted) {
    tcp::socket socket(ioc);
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    EXPECT_TRUE(hvs::test::run_until(ioc, accepted, 5s));
    return socket;
}

// True once the server has closed `socket` (a read ends), false when it stays open for `within`.
bool closed_by_server(asio::io_context& ioc, tcp::socket& socket, std::chrono::milliseconds within) {
    return hvs::test::run_async(ioc, [](tcp::socket& s, std::chrono::milliseconds limit) -> task<bool> {
        s.non_blocking(true);
        auto deadline = steady_clock::now() + limit;
        char byte;
        while (steady_clock::now() < deadline) {
            boost::system::error_code ec;
            s.read_some(asio::buffer(&byte, 1), ec);
            if (ec != asio::error::would_block) co_return true;
            co_await sleep_for(5ms);  // polling under a clock deadline, not a synchronising sleep
        }
        co_return false;
    }(socket, within), within + 5s);
}

TEST_F(HttpServerTest, AtTheCapTheOldestIdleConnectionMakesRoomForANewRequest) {
    params_.max_connections = 2;
    params_.header_timeout = 5s;  // nothing here times out on its own
    start();
    auto oldest = connect_silent(ioc_, port_, [&] { return server_->stats().connections_accepted >= 1; });
    auto newer = connect_silent(ioc_, port_, [&] { return server_->stats().connections_accepted >= 2; });
    auto out = exchange_raw("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(out.rfind("HTTP/1.1 200", 0), 0u) << out;
    EXPECT_EQ(server_->stats().connections_evicted, 1u);
    EXPECT_EQ(server_->stats().connections_refused, 0u);
    EXPECT_TRUE(closed_by_server(ioc_, oldest, 2s));
    EXPECT_FALSE(closed_by_server(ioc_, newer, 100ms));
}

TEST_F(HttpServerTest, OneClientAtItsCapLosesItsOwnOldestIdleConnection) {
    params_.max_connections_per_client = 1;
    params_.header_timeout = 5s;
    start();
    auto idle = connect_silent(ioc_, port_, [&] { return server_->stats().connections_accepted >= 1; });
    auto out = exchange_raw("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(out.rfind("HTTP/1.1 200", 0), 0u) << out;
    EXPECT_EQ(server_->stats().connections_evicted, 1u);
    EXPECT_TRUE(closed_by_server(ioc_, idle, 2s));
}

TEST_F(HttpServerTest, AtTheCapWithEveryConnectionAnsweringTheNewOneIsRefused) {
    params_.max_connections = 1;
    params_.header_timeout = 5s;
    asio::steady_timer gate(ioc_, asio::steady_timer::time_point::max());
    server_ = std::make_unique<http_server>(ioc_.get_executor(), params_,
                                            [&gate](server_request) -> task<std::optional<server_response>> {
                                                co_await gate.async_wait(use_nothrow);  // answers when released
                                                co_return server_response{http::status::ok, 11};
                                            });
    auto port = server_->listen("127.0.0.1", 0);
    ASSERT_TRUE(port);
    port_ = *port;
    auto busy = connect_silent(ioc_, port_, [&] { return server_->stats().connections_accepted >= 1; });
    asio::write(busy, asio::buffer(std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
    ASSERT_TRUE(hvs::test::run_until(ioc_, [&] { return server_->stats().requests >= 1; }, 5s));
    auto out = exchange_raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(server_->stats().connections_refused, 1u);
    EXPECT_EQ(server_->stats().connections_evicted, 0u);
    gate.cancel();
}

TEST_F(HttpServerTest, AConnectionThatSendsNothingIsClosedWithinTheHeaderTimeout) {
    params_.idle_timeout = 60s;  // only for keep-alive connections between requests
    start();
    auto started = steady_clock::now();
    auto silent = connect_silent(ioc_, port_, [&] { return server_->stats().connections_accepted >= 1; });
    EXPECT_TRUE(closed_by_server(ioc_, silent, 3s));
    EXPECT_LT(steady_clock::now() - started, 3s);
    // The client sees the close before the server's session has counted itself out: wait for that
    // by the clock.
    EXPECT_TRUE(hvs::test::run_until(ioc_, [&] { return server_->stats().connections_open == 0; }, 5s));
}

TEST_F(HttpServerTest, ListeningOnABadAddressIsAnError) {
    http_server server(ioc_.get_executor(), params_, [](server_request) -> task<std::optional<server_response>> {
        co_return std::nullopt;
    });
    auto port = server.listen("not-an-ip", 0);
    ASSERT_FALSE(port);
    EXPECT_EQ(port.error().kind, error_kind::invalid);
}

}  // namespace
}  // namespace hvs::net
