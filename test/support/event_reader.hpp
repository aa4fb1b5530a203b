#pragma once
// A blocking reader of one Server-Sent Events stream for contract tests (they test servers, so
// they do not use the product's feed client): connects, sends the GET, reads the head, then
// reads events as they come until a condition holds or a time limit passes.

#include "hvs/net/sse.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace hvs::test {

class event_reader {
public:
    // Throws std::runtime_error when the connection or the head fails.
    event_reader(const std::string& host, std::uint16_t port, const std::string& target);

    [[nodiscard]] unsigned status() const { return parser_.get().result_int(); }
    [[nodiscard]] std::string header(boost::beast::http::field field) const {
        return std::string(parser_.get()[field]);
    }

    // Reads until `done(events so far)` holds, the stream ends or `limit` passes; every event read
    // so far, oldest first.
    const std::vector<net::sse_event>& read_until(const std::function<bool(const std::vector<net::sse_event>&)>& done,
                                                  std::chrono::milliseconds limit = std::chrono::seconds(10));
    // The body's bytes read so far (comments included).
    [[nodiscard]] const std::string& raw() const { return raw_; }
    [[nodiscard]] bool ended() const { return ended_; }

private:
    // Waits until the socket has bytes to read; false at the deadline.
    bool wait_readable(std::chrono::steady_clock::time_point deadline);

    boost::asio::io_context ioc_;
    boost::asio::ip::tcp::socket socket_{ioc_};
    boost::beast::flat_buffer buffer_;
    boost::beast::http::response_parser<boost::beast::http::buffer_body> parser_;
    net::sse_parser events_parser_;
    std::vector<net::sse_event> events_;
    std::string raw_;
    bool ended_ = false;
};

}  // namespace hvs::test
