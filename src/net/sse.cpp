#include "hvs/net/sse.hpp"

#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <charconv>

namespace hvs::net {

namespace http = boost::beast::http;

// ---- sse_parser ------------------------------------------------------------------------------

result<void> sse_parser::feed(std::string_view bytes, std::vector<sse_event>& out) {
    while (!bytes.empty()) {
        if (after_cr_) {
            after_cr_ = false;
            if (bytes.front() == '\n') bytes.remove_prefix(1);
            continue;
        }
        const auto end = bytes.find_first_of("\r\n");
        const auto piece = bytes.substr(0, end);
        if (line_.size() + piece.size() > limits_.max_line) {
            return make_error(error_kind::protocol, "event stream line exceeds " + std::to_string(limits_.max_line) +
                                                        " bytes");
        }
        line_.append(piece);
        if (end == std::string_view::npos) return {};
        after_cr_ = bytes[end] == '\r';
        bytes.remove_prefix(end + 1);
        if (auto done = line_done(out); !done) return done;
    }
    return {};
}

result<void> sse_parser::line_done(std::vector<sse_event>& out) {
    std::string_view line = line_;
    if (first_line_) {
        first_line_ = false;
        if (line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
    }
    if (line.empty()) {
        // Dispatch: the spec drops an event with an empty data buffer, and resets the type.
        if (has_data_) {
            sse_event event;
            if (!type_.empty()) event.type = std::move(type_);
            event.data = std::move(data_);
            event.id = last_id_;
            out.push_back(std::move(event));
        }
        type_.clear();
        data_.clear();
        has_data_ = false;
        line_.clear();
        return {};
    }
    if (line.front() == ':') {
        line_.clear();
        return {};
    }
    const auto colon = line.find(':');
    const std::string_view field = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    if (value.starts_with(' ')) value.remove_prefix(1);

    if (field == "data") {
        const std::size_t added = value.size() + (has_data_ ? 1 : 0);
        if (data_.size() + added > limits_.max_event) {
            return make_error(error_kind::protocol, "event stream event exceeds " +
                                                        std::to_string(limits_.max_event) + " bytes of data");
        }
        if (has_data_) data_.push_back('\n');
        data_.append(value);
        has_data_ = true;
    } else if (field == "event") {
        type_ = std::string(value);
    } else if (field == "id") {
        if (value.find('\0') == std::string_view::npos) last_id_ = std::string(value);
    } else if (field == "retry") {
        long long ms = 0;
        const auto* first = value.data();
        const auto* last = value.data() + value.size();
        auto [ptr, ec] = std::from_chars(first, last, ms);
        const bool digits_only = !value.empty() && ec == std::errc() && ptr == last && value.front() != '-' &&
                                 value.front() != '+';
        if (digits_only) retry_ = milliseconds{ms};
    }
    line_.clear();
    return {};
}

// ---- sse_client ------------------------------------------------------------------------------

namespace {

using buffer_parser = http::response_parser<http::buffer_body>;

bool ended_by_peer(const boost::system::error_code& ec) {
    return ec == http::error::end_of_stream || ec == boost::asio::error::eof ||
           ec == boost::asio::error::connection_reset || ec == boost::asio::error::broken_pipe ||
           ec == boost::asio::ssl::error::stream_truncated || ec == http::error::partial_message;
}

error stream_error(const boost::system::error_code& ec, const std::string& what, bool idle) {
    if (ec == beast::error::timeout) {
        return make_error(error_kind::timeout, what + (idle ? ": no data within the idle timeout" : " timed out"));
    }
    if (ec == boost::asio::error::operation_aborted) return make_error(error_kind::cancelled, what + " was cancelled");
    if (ec == http::error::header_limit) return make_error(error_kind::protocol, what + ": response headers too large");
    if (ended_by_peer(ec)) return make_error(error_kind::closed, what + ": the server closed the stream (" + ec.message() + ")");
    if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
        return make_error(error_kind::protocol, what + ": malformed HTTP response (" + ec.message() + ")");
    }
    return make_error(error_kind::closed, what + ": " + ec.message());
}

error status_refusal(unsigned status, const std::string& what) {
    error e;
    e.kind = status == 429 ? error_kind::http_429 : status >= 500 ? error_kind::http_5xx
             : status >= 400 ? error_kind::http_4xx : error_kind::protocol;
    e.http_status = status;
    e.message = what + " answered " + std::to_string(status) + " instead of an event stream";
    return e;
}

// Reads the body of an event-stream response as it comes, one read at a time, under the idle
// timeout; returns what ended it.
template <class Stream>
task<error> read_events(Stream& stream, beast::tcp_stream& tcp, beast::flat_buffer& buffer, buffer_parser& parser,
                        const sse_params& params, const std::string& what,
                        const std::function<void(const sse_event&)>& on_event) {
    sse_parser events(params.limits);
    std::vector<sse_event> ready;
    std::array<char, 16 * 1024> chunk{};
    for (;;) {
        if (parser.is_done()) co_return make_error(error_kind::closed, what + ": the server ended the stream");
        parser.get().body().data = chunk.data();
        parser.get().body().size = chunk.size();
        if (params.idle_timeout.count() > 0) {
            tcp.expires_after(params.idle_timeout);
        } else {
            tcp.expires_never();
        }
        auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, use_nothrow);
        if (ec == http::error::need_buffer) ec = {};
        const std::size_t got = chunk.size() - parser.get().body().size;
        if (got > 0) {
            if (auto fed = events.feed(std::string_view(chunk.data(), got), ready); !fed) {
                error e = fed.error();
                e.message = what + ": " + e.message;
                co_return e;
            }
            for (const auto& event : ready) on_event(event);
            ready.clear();
        }
        if (ec) co_return stream_error(ec, what, true);
    }
}

template <class Stream>
task<error> exchange_stream(Stream& stream, connection& conn, const http::request<http::empty_body>& req,
                            steady_clock::time_point header_deadline, const sse_params& params,
                            const std::string& what, const std::function<void()>& on_open,
                            const std::function<void(const sse_event&)>& on_event) {
    conn.tcp().expires_at(header_deadline);
    auto [wec, written] = co_await http::async_write(stream, req, use_nothrow);
    if (wec) co_return stream_error(wec, what, false);
    buffer_parser parser;
    parser.header_limit(static_cast<std::uint32_t>(params.header_limit));
    parser.body_limit(boost::none);
    auto [hec, read] = co_await http::async_read_header(stream, conn.buffer(), parser, use_nothrow);
    if (hec) co_return stream_error(hec, what, false);
    const auto& head = parser.get();
    if (head.result_int() != 200) co_return status_refusal(head.result_int(), what);
    if (!head[http::field::content_type].starts_with("text/event-stream")) {
        co_return make_error(error_kind::protocol, what + " answered " +
                                                       std::string(head[http::field::content_type].substr(0, 100)) +
                                                       " instead of text/event-stream");
    }
    on_open();
    co_return co_await read_events(stream, conn.tcp(), conn.buffer(), parser, params, what, on_event);
}

}  // namespace

result<std::unique_ptr<sse_client>> sse_client::create(executor ex, const origin& where, sse_params params) {
    std::shared_ptr<boost::asio::ssl::context> tls;
    if (where.tls()) {
        auto ctx = make_client_tls_context(params.tls);
        if (!ctx) return ctx.error();
        tls = std::move(*ctx);
    }
    pool_params pool;
    pool.max_connections = 1;
    pool.resolve = params.resolve;
    auto connections = std::make_unique<connection_pool>(std::move(ex), where, pool, std::move(tls), params.tls.verify);
    return std::unique_ptr<sse_client>(new sse_client(where, std::move(params), std::move(connections)));
}

sse_client::sse_client(origin where, sse_params params, std::unique_ptr<connection_pool> pool)
    : where_(std::move(where)), params_(std::move(params)), pool_(std::move(pool)) {}

task<error> sse_client::stream(std::string target, std::function<void()> on_open,
                               std::function<void(const sse_event&)> on_event) {
    const std::string what = params_.name + " GET " + target;
    const auto header_deadline = steady_clock::now() + params_.connect_timeout;
    auto lease = co_await pool_->acquire(header_deadline);
    if (!lease) {
        error e = lease.error();
        e.message = params_.name + ": " + e.message;
        co_return e;
    }
    // A stream is never given back for reuse: whatever ends it leaves the connection unusable.
    lease->mark_broken();
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, where_.host_header());
    req.set(http::field::user_agent, params_.user_agent);
    req.set(http::field::accept, "text/event-stream");
    req.set(http::field::cache_control, "no-cache");
    auto& conn = **lease;
    aborted_ = false;
    reading_ = &conn;
    error ended;
    if (auto* tls = conn.tls()) {
        ended = co_await exchange_stream(*tls, conn, req, header_deadline, params_, what, on_open, on_event);
    } else {
        ended = co_await exchange_stream(conn.tcp(), conn, req, header_deadline, params_, what, on_open, on_event);
    }
    reading_ = nullptr;
    if (aborted_) ended = make_error(error_kind::cancelled, what + " was stopped");
    co_return ended;
}

void sse_client::abort() {
    if (!reading_) return;
    aborted_ = true;
    reading_->close();
}

}  // namespace hvs::net
