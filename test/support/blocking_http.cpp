#include "support/blocking_http.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <stdexcept>

namespace hvs::test {

namespace http = boost::beast::http;

raw_response blocking_exchange(const std::string& host, std::uint16_t port, raw_request req) {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::resolver resolver(ioc);
    boost::beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(30));
    boost::system::error_code ec;
    auto endpoints = resolver.resolve(host, std::to_string(port), ec);
    if (!ec) stream.connect(endpoints, ec);
    if (ec) throw std::runtime_error("connect " + host + ":" + std::to_string(port) + ": " + ec.message());
    req.version(11);
    req.set(http::field::host, host + ":" + std::to_string(port));
    if (req[http::field::user_agent].empty()) req.set(http::field::user_agent, "huly-vibe-sync-contract-tests");
    req.prepare_payload();
    http::write(stream, req, ec);
    if (ec) throw std::runtime_error("write: " + ec.message());
    boost::beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (req.method() == http::verb::head) parser.skip(true);
    http::read(stream, buffer, parser, ec);
    if (ec) throw std::runtime_error("read: " + ec.message());
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    return parser.release();
}

raw_response blocking_call(const std::string& host, std::uint16_t port, http::verb method, const std::string& target,
                           const std::string& json_body) {
    raw_request req{method, target, 11};
    if (!json_body.empty()) {
        req.set(http::field::content_type, "application/json");
        req.body() = json_body;
    }
    return blocking_exchange(host, port, std::move(req));
}

}  // namespace hvs::test
