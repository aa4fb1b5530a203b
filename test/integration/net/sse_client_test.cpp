// net::sse_client against the project's own server streaming replies over real loopback sockets:
// events as their bytes arrive, and every way a stream ends as an error value.

#include "hvs/net/http_server.hpp"
#include "hvs/net/sse.hpp"

#include "support/run_async.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <gtest/gtest.h>

namespace hvs::net {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

server_response event_stream_head(std::string content_type = "text/event-stream") {
    server_response head{http::status::ok, 11};
    head.set(http::field::content_type, content_type);
    return head;
}

class SseClient : public ::testing::Test {
protected:
    // Serves every request with `reply` (nullopt: the plain handler's 404).
    void serve(std::function<std::optional<streamed_reply>(const server_request&)> reply) {
        server_ = std::make_unique<http_server>(ioc_.get_executor(), server_params{},
                                                [](server_request) -> task<std::optional<server_response>> {
                                                    server_response res{http::status::not_found, 11};
                                                    res.body() = "no such stream";
                                                    co_return res;
                                                });
        server_->stream_with(std::move(reply));
        auto port = server_->listen("127.0.0.1", 0);
        ASSERT_TRUE(port);
        sse_params params;
        params.name = "test feed";
        params.idle_timeout = idle_;
        params.limits.max_event = 64;
        auto client = sse_client::create(ioc_.get_executor(), origin{"http", "127.0.0.1", *port}, params);
        ASSERT_TRUE(client);
        client_ = std::move(*client);
    }

    error read(std::string target = "/events") { return test::run_async(ioc_, stream(std::move(target))); }

    // A member coroutine: a capturing lambda coroutine would outlive its captures.
    task<error> stream(std::string target) {
        std::function<void()> on_open = [this] { ++opened_; };
        std::function<void(const sse_event&)> on_event = [this](const sse_event& e) {
            events_.push_back(e);
            if (abort_on_event_) client_->abort();
        };
        co_return co_await client_->stream(std::move(target), std::move(on_open), std::move(on_event));
    }

    asio::io_context ioc_;
    std::unique_ptr<http_server> server_;
    std::unique_ptr<sse_client> client_;
    milliseconds idle_{2'000};
    int opened_ = 0;
    bool abort_on_event_ = false;
    std::vector<sse_event> events_;
};

TEST_F(SseClient, EventsArriveAsTheyAreWrittenAndTheEndIsClosed) {
    serve([](const server_request& req) -> std::optional<streamed_reply> {
        EXPECT_EQ(req[http::field::accept], "text/event-stream");
        return streamed_reply{event_stream_head(), [](body_writer& out) -> task<void> {
                                  co_await out.write("event: a\ndata: 1\n\n: keep-alive\n\nda");
                                  co_await out.write("ta: 2\r\n\r\n");
                              }};
    });
    error ended = read();
    EXPECT_EQ(ended.kind, error_kind::closed) << ended.describe();
    EXPECT_EQ(opened_, 1);
    ASSERT_EQ(events_.size(), 2u);
    EXPECT_EQ(events_[0].type, "a");
    EXPECT_EQ(events_[1].data, "2");
}

TEST_F(SseClient, SilenceLongerThanTheIdleTimeoutIsATimeout) {
    idle_ = 50ms;
    serve([](const server_request&) -> std::optional<streamed_reply> {
        return streamed_reply{event_stream_head(), [](body_writer& out) -> task<void> {
                                  co_await out.write("data: first\n\n");
                                  asio::steady_timer quiet(co_await asio::this_coro::executor, 5s);
                                  co_await quiet.async_wait(use_nothrow);
                              }};
    });
    const auto started = steady_clock::now();
    error ended = read();
    EXPECT_EQ(ended.kind, error_kind::timeout) << ended.describe();
    EXPECT_LT(steady_clock::now() - started, 3s);
    EXPECT_EQ(events_.size(), 1u);
}

TEST_F(SseClient, AnswersThatAreNoEventStreamAreErrors) {
    serve([](const server_request& req) -> std::optional<streamed_reply> {
        if (req.target() == "/html") return streamed_reply{event_stream_head("text/html"), [](body_writer&) -> task<void> { co_return; }};
        return std::nullopt;
    });
    error missing = read("/missing");
    EXPECT_EQ(missing.kind, error_kind::http_4xx);
    EXPECT_EQ(missing.http_status, 404u);
    error html = read("/html");
    EXPECT_EQ(html.kind, error_kind::protocol) << html.describe();
    EXPECT_EQ(opened_, 0);
}

TEST_F(SseClient, AnOversizedEventIsAProtocolError) {
    serve([](const server_request&) -> std::optional<streamed_reply> {
        return streamed_reply{event_stream_head(), [](body_writer& out) -> task<void> {
                                  co_await out.write("data: " + std::string(100, 'x') + "\n\n");
                              }};
    });
    error ended = read();
    EXPECT_EQ(ended.kind, error_kind::protocol) << ended.describe();
    EXPECT_TRUE(events_.empty());
}

TEST_F(SseClient, AbortEndsAStreamAsCancelled) {
    idle_ = 10'000ms;
    serve([](const server_request&) -> std::optional<streamed_reply> {
        return streamed_reply{event_stream_head(), [](body_writer& out) -> task<void> {
                                  co_await out.write("data: hello\n\n");
                                  asio::steady_timer quiet(co_await asio::this_coro::executor, 5s);
                                  co_await quiet.async_wait(use_nothrow);
                              }};
    });
    abort_on_event_ = true;
    error ended = read();
    EXPECT_EQ(ended.kind, error_kind::cancelled) << ended.describe();
    EXPECT_EQ(events_.size(), 1u);
}

}  // namespace
}  // namespace hvs::net
