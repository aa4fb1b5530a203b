#include "support/event_reader.hpp"

#include <boost/asio/connect.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <stdexcept>

#include <poll.h>

namespace hvs::test {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

event_reader::event_reader(const std::string& host, std::uint16_t port, const std::string& target) {
    tcp::resolver resolver(ioc_);
    boost::asio::connect(socket_, resolver.resolve(host, std::to_string(port)));
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, host + ":" + std::to_string(port));
    req.set(http::field::accept, "text/event-stream");
    http::write(socket_, req);
    // From here reads never block: read_until waits for data with poll(), under its time limit.
    socket_.non_blocking(true);
    parser_.body_limit(boost::none);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
        boost::system::error_code ec;
        http::read_header(socket_, buffer_, parser_, ec);
        if (!ec) break;
        if (ec != boost::asio::error::would_block || !wait_readable(deadline)) {
            throw std::runtime_error("event stream " + target + ": " + (ec ? ec.message() : "no answer"));
        }
    }
}

bool event_reader::wait_readable(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd fd{socket_.native_handle(), POLLIN, 0};
    return ::poll(&fd, 1, static_cast<int>(left.count())) > 0;
}

const std::vector<net::sse_event>& event_reader::read_until(
    const std::function<bool(const std::vector<net::sse_event>&)>& done, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::array<char, 16 * 1024> chunk{};
    while (!ended_ && !done(events_) && std::chrono::steady_clock::now() < deadline) {
        if (parser_.is_done()) {
            ended_ = true;
            break;
        }
        parser_.get().body().data = chunk.data();
        parser_.get().body().size = chunk.size();
        boost::system::error_code ec;
        http::read_some(socket_, buffer_, parser_, ec);
        const std::size_t got = chunk.size() - parser_.get().body().size;
        if (got > 0) {
            raw_.append(chunk.data(), got);
            if (!events_parser_.feed(std::string_view(chunk.data(), got), events_)) {
                throw std::runtime_error("event stream: unparseable");
            }
        }
        if (!ec || ec == http::error::need_buffer) continue;
        if (ec != boost::asio::error::would_block) {
            ended_ = true;
        } else if (got == 0) {
            wait_readable(deadline);
        }
    }
    return events_;
}

}  // namespace hvs::test
