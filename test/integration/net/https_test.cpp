// HTTPS: the client verifies the peer and host name, and trusts a CA bundle when given one.

#include "hvs/net/http_client.hpp"
#include "hvs/net/sse.hpp"

#include "support/run_async.hpp"
#include "support/tls_certificate.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <gtest/gtest.h>

namespace hvs::net {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

// Answers every request on every accepted TLS connection with "secure" (/events: as one event).
task<void> serve_tls(tcp::acceptor& acceptor, asio::ssl::context& ctx) {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(use_nothrow);
        if (ec) co_return;
        beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), ctx);
        auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, use_nothrow);
        if (hec) continue;
        beast::flat_buffer buffer;
        for (;;) {
            http::request<http::string_body> req;
            auto [rec, n] = co_await http::async_read(stream, buffer, req, use_nothrow);
            if (rec) break;
            http::response<http::string_body> res{http::status::ok, 11};
            res.body() = "secure";
            if (req.target() == "/events") {
                res.set(http::field::content_type, "text/event-stream");
                res.body() = "data: secure\n\n";
            }
            res.prepare_payload();
            auto [wec, w] = co_await http::async_write(stream, res, use_nothrow);
            if (wec) break;
        }
    }
}

class HttpsTest : public ::testing::Test {
protected:
    void SetUp() override {
        cert_ = hvs::test::make_self_signed_certificate();
        server_ctx_.use_certificate_chain(asio::buffer(cert_.certificate_pem));
        server_ctx_.use_private_key(asio::buffer(cert_.private_key_pem), asio::ssl::context::pem);
        port_ = acceptor_.local_endpoint().port();
        asio::co_spawn(ioc_, serve_tls(acceptor_, server_ctx_), asio::detached);
    }
    void TearDown() override { std::remove(cert_.certificate_file.c_str()); }

    result<http_response> fetch(std::string host, tls_options tls) {
        client_params params;
        params.name = "tls-test";
        params.retry.max_attempts = 1;
        params.timeout = 3s;
        params.tls = std::move(tls);
        auto where = parse_base_url("https://" + host + ":" + std::to_string(port_));
        auto c = http_client::create(ioc_.get_executor(), *where, params, limiter_);
        if (!c) return c.error();
        return hvs::test::run_async(ioc_, (*c)->send(http_request{http::verb::get, "/", 11}));
    }

    asio::io_context ioc_;
    hvs::test::tls_certificate cert_;
    asio::ssl::context server_ctx_{asio::ssl::context::tls_server};
    tcp::acceptor acceptor_{ioc_, {asio::ip::make_address("127.0.0.1"), 0}};
    std::uint16_t port_ = 0;
    rate_limiter limiter_{0, 1};
};

TEST_F(HttpsTest, AnUnknownCertificateFailsVerification) {
    auto res = fetch("localhost", {});
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, error_kind::tls);
    EXPECT_FALSE(res.error().transient());
}

TEST_F(HttpsTest, TheConfiguredCaBundleIsTrusted) {
    auto res = fetch("localhost", {.verify = true, .ca_file = cert_.certificate_file});
    ASSERT_TRUE(res) << res.error().describe();
    EXPECT_EQ(res->body(), "secure");
}

TEST_F(HttpsTest, TheHostNameMustMatchTheCertificate) {
    // The certificate names localhost only; the same server reached as 127.0.0.1 must be refused.
    auto res = fetch("127.0.0.1", {.verify = true, .ca_file = cert_.certificate_file});
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, error_kind::tls);
}

TEST_F(HttpsTest, VerificationCanBeTurnedOffExplicitly) {
    auto res = fetch("localhost", {.verify = false, .ca_file = ""});
    ASSERT_TRUE(res) << res.error().describe();
}

TEST_F(HttpsTest, AMissingCaBundleIsAConfigurationError) {
    auto res = fetch("localhost", {.verify = true, .ca_file = "/nonexistent/ca.pem"});
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, error_kind::invalid);
}

// The event stream client takes the same TLS path (connection_pool + make_client_tls_context).
task<error> read_secure_events(sse_client& client, std::vector<sse_event>& events) {
    std::function<void()> on_open = [] {};
    std::function<void(const sse_event&)> on_event = [&events](const sse_event& e) { events.push_back(e); };
    co_return co_await client.stream("/events", std::move(on_open), std::move(on_event));
}

TEST_F(HttpsTest, EventStreamsAreReadOverVerifiedTls) {
    sse_params params;
    params.name = "tls feed";
    params.tls.ca_file = cert_.certificate_file;
    auto client = sse_client::create(ioc_.get_executor(), origin{"https", "localhost", port_}, params);
    ASSERT_TRUE(client);
    std::vector<sse_event> events;
    error ended = hvs::test::run_async(ioc_, read_secure_events(**client, events));
    EXPECT_EQ(ended.kind, error_kind::closed) << ended.describe();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].data, "secure");

    params.tls.ca_file.clear();
    auto untrusting = sse_client::create(ioc_.get_executor(), origin{"https", "localhost", port_}, params);
    ASSERT_TRUE(untrusting);
    error refused = hvs::test::run_async(ioc_, read_secure_events(**untrusting, events));
    EXPECT_EQ(refused.kind, error_kind::tls) << refused.describe();
}

}  // namespace
}  // namespace hvs::net
