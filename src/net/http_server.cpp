#include "hvs/net/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <exception>
#include <map>
#include <unordered_map>

namespace hvs::net {

namespace beast = boost::beast;
using tcp = boost::asio::ip::tcp;

// One open connection. `busy` while a request is being answered; otherwise it is idle (waiting
// for or reading a request) and listed in `idle_order` under the moment it became idle.
struct session_entry {
    std::shared_ptr<beast::tcp_stream> stream;
    std::string client;
    bool busy = false;
    std::uint64_t idle_key = 0;
};

struct http_server::state {
    state(executor ex_, server_params params_, request_handler_with_client handler_)
        : ex(std::move(ex_)), params(params_), handler(std::move(handler_)), acceptor(ex) {}

    executor ex;
    server_params params;
    request_handler_with_client handler;
    stream_claim claim;
    tcp::acceptor acceptor;
    std::unordered_map<std::uint64_t, session_entry> sessions;
    std::map<std::uint64_t, std::uint64_t> idle_order;  // idle key -> session id, oldest first
    std::unordered_map<std::string, unsigned> per_client;
    std::uint64_t next_session = 0;
    std::uint64_t next_idle_key = 0;
    server_stats stats;
    bool stopped = false;
};

namespace {

using state_ptr = std::shared_ptr<http_server::state>;

server_response plain_error(http::status status, std::string_view text) {
    server_response res{status, 11};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = std::string(text);
    res.keep_alive(false);
    res.prepare_payload();
    return res;
}

// The answer to a request that could not be read, or nullopt to just close.
std::optional<server_response> answer_to_read_error(const boost::system::error_code& ec) {
    if (ec == http::error::body_limit) return plain_error(http::status::payload_too_large, "request body too large");
    if (ec == http::error::header_limit) {
        return plain_error(http::status::request_header_fields_too_large, "request headers too large");
    }
    if (ec.category() == http::make_error_code(http::error::bad_version).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
        return plain_error(http::status::bad_request, "malformed request");
    }
    return std::nullopt;
}

task<std::optional<server_response>> call_handler(const state_ptr& s, server_request req, std::string client) {
    try {
        co_return co_await s->handler(std::move(req), std::move(client));
    } catch (const std::exception&) {
        co_return plain_error(http::status::internal_server_error, "internal error");
    }
}

void mark_idle(http_server::state& s, std::uint64_t id) {
    auto it = s.sessions.find(id);
    if (it == s.sessions.end()) return;
    it->second.busy = false;
    it->second.idle_key = s.next_idle_key++;
    s.idle_order.emplace(it->second.idle_key, id);
}

void mark_busy(http_server::state& s, std::uint64_t id) {
    auto it = s.sessions.find(id);
    if (it == s.sessions.end() || it->second.busy) return;
    s.idle_order.erase(it->second.idle_key);
    it->second.busy = true;
}

// Forgets a session (once: a session closed to make room is forgotten when it is closed).
void release(http_server::state& s, std::uint64_t id) {
    auto it = s.sessions.find(id);
    if (it == s.sessions.end()) return;
    if (!it->second.busy) s.idle_order.erase(it->second.idle_key);
    if (auto count = s.per_client.find(it->second.client); count != s.per_client.end() && --count->second == 0) {
        s.per_client.erase(count);
    }
    s.sessions.erase(it);
    --s.stats.connections_open;
}

// Closes the connection idle the longest (of `client` only, when given); false when none is idle.
bool evict_oldest_idle(http_server::state& s, const std::string* client) {
    for (auto [key, id] : s.idle_order) {
        auto& entry = s.sessions.at(id);
        if (client && entry.client != *client) continue;
        boost::system::error_code ignored;
        entry.stream->socket().close(ignored);
        release(s, id);
        ++s.stats.connections_evicted;
        return true;
    }
    return false;
}

// Makes room for one more connection from `client` under both caps; false when every connection
// that counts against a full cap is answering a request.
bool make_room(http_server::state& s, const std::string& client) {
    auto count = s.per_client.find(client);
    if (count != s.per_client.end() && count->second >= s.params.max_connections_per_client &&
        !evict_oldest_idle(s, &client)) {
        return false;
    }
    return s.sessions.size() < s.params.max_connections || evict_oldest_idle(s, nullptr);
}

class chunk_writer final : public body_writer {
public:
    chunk_writer(const state_ptr& s, beast::tcp_stream& stream) : s_(s), stream_(stream) {}

    task<bool> write(std::string_view piece) override {
        if (s_->stopped || !stream_.socket().is_open()) co_return false;
        if (piece.empty()) co_return true;  // an empty chunk would end the body
        stream_.expires_after(s_->params.write_timeout);
        auto chunk = http::make_chunk(boost::asio::buffer(piece.data(), piece.size()));
        auto [ec, n] = co_await boost::asio::async_write(stream_, chunk, use_nothrow);
        stream_.expires_never();
        co_return !ec;
    }

private:
    const state_ptr& s_;
    beast::tcp_stream& stream_;
};

// Sends a streamed reply: its header, the pieces its producer writes, the last chunk.
task<void> send_streamed(const state_ptr& s, beast::tcp_stream& stream, streamed_reply reply) {
    http::response<http::empty_body> head{reply.head.result(), 11};
    for (const auto& field : reply.head) head.set(field.name_string(), field.value());
    head.chunked(true);
    head.keep_alive(false);
    http::response_serializer<http::empty_body> serializer(head);
    stream.expires_after(s->params.write_timeout);
    auto [ec, n] = co_await http::async_write_header(stream, serializer, use_nothrow);
    stream.expires_never();
    if (ec) co_return;
    chunk_writer writer(s, stream);
    try {
        co_await reply.produce(writer);
    } catch (const std::exception&) {
        co_return;  // a producer that throws ends the body without its last chunk
    }
    if (s->stopped || !stream.socket().is_open()) co_return;
    stream.expires_after(s->params.write_timeout);
    const auto last = http::make_chunk_last();
    co_await boost::asio::async_write(stream, last, use_nothrow);
}

task<void> run_session(state_ptr s, std::uint64_t id, std::shared_ptr<beast::tcp_stream> stream, std::string client) {
    beast::flat_buffer buffer;
    // A new connection gets the header timeout from its start: one that sends nothing is closed
    // as soon as one that sends too slowly.
    bool first_request = true;
    for (;;) {
        if (buffer.size() == 0 && !first_request) {
            // Wait for the first byte of the next request under the idle timeout.
            stream->expires_after(s->params.idle_timeout);
            auto [ec, n] = co_await stream->async_read_some(buffer.prepare(4096), use_nothrow);
            if (ec) break;
            buffer.commit(n);
        }
        first_request = false;
        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(s->params.header_limit));
        parser.body_limit(s->params.body_limit);
        stream->expires_after(s->params.header_timeout);
        auto [ec, n] = co_await http::async_read(*stream, buffer, parser, use_nothrow);
        stream->expires_never();
        if (ec) {
            if (parser.got_some()) ++s->stats.bad_requests;
            if (auto answer = answer_to_read_error(ec)) {
                stream->expires_after(s->params.write_timeout);
                co_await http::async_write(*stream, *answer, use_nothrow);
            }
            break;
        }
        mark_busy(*s, id);
        ++s->stats.requests;
        server_request req = parser.release();
        if (s->claim) {
            if (auto streamed = s->claim(req)) {
                co_await send_streamed(s, *stream, std::move(*streamed));
                break;
            }
        }
        const bool keep_alive = req.keep_alive();
        std::optional<server_response> reply = co_await call_handler(s, std::move(req), client);
        if (!reply || s->stopped) break;
        reply->keep_alive(keep_alive && reply->keep_alive());
        // A reply that states its own length keeps it (a HEAD answer carries the GET body's length).
        if (!reply->has_content_length() && !reply->chunked()) reply->prepare_payload();
        stream->expires_after(s->params.write_timeout);
        auto [wec, written] = co_await http::async_write(*stream, *reply, use_nothrow);
        if (wec || !reply->keep_alive()) break;
        mark_idle(*s, id);
    }
    boost::system::error_code ignored;
    stream->socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream->close();
    release(*s, id);
}

task<void> accept_loop(state_ptr s) {
    for (;;) {
        auto [ec, socket] = co_await s->acceptor.async_accept(use_nothrow);
        if (s->stopped) co_return;
        if (ec) {
            if (ec == boost::asio::error::operation_aborted) co_return;
            co_await sleep_for(milliseconds{10});  // e.g. out of file descriptors: do not spin
            continue;
        }
        boost::system::error_code peer_ec;
        auto peer = socket.remote_endpoint(peer_ec);
        std::string client = peer_ec ? std::string("unknown") : peer.address().to_string();
        if (!make_room(*s, client)) {
            ++s->stats.connections_refused;
            boost::system::error_code ignored;
            socket.close(ignored);
            continue;
        }
        socket.set_option(tcp::no_delay(true), peer_ec);
        auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
        auto id = s->next_session++;
        s->sessions.emplace(id, session_entry{stream, client});
        ++s->per_client[client];
        mark_idle(*s, id);
        ++s->stats.connections_accepted;
        ++s->stats.connections_open;
        // The server owns every session through `sessions`; stop() closes them.
        boost::asio::co_spawn(s->ex, run_session(s, id, stream, std::move(client)), [](const std::exception_ptr&) {});
    }
}

}  // namespace

http_server::http_server(executor ex, server_params params, request_handler_with_client handler)
    : state_(std::make_shared<state>(std::move(ex), params, std::move(handler))) {}

http_server::http_server(executor ex, server_params params, request_handler handler)
    : http_server(std::move(ex), params,
                  request_handler_with_client([handler = std::move(handler)](server_request req, std::string) {
                      return handler(std::move(req));
                  })) {}

http_server::~http_server() { stop(); }

result<std::uint16_t> http_server::listen(const std::string& host, std::uint16_t port) {
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(host, ec);
    if (ec) return make_error(error_kind::invalid, "cannot listen on '" + host + "': not an IP address");
    tcp::endpoint endpoint(address, port);
    auto& acceptor = state_->acceptor;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
    if (ec) {
        return make_error(error_kind::io,
                          "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
    }
    boost::asio::co_spawn(state_->ex, accept_loop(state_), [](const std::exception_ptr&) {});
    return acceptor.local_endpoint().port();
}

std::uint16_t http_server::port() const {
    boost::system::error_code ec;
    auto endpoint = state_->acceptor.local_endpoint(ec);
    return ec ? 0 : endpoint.port();
}

void http_server::stop() {
    if (state_->stopped) return;
    state_->stopped = true;
    boost::system::error_code ignored;
    state_->acceptor.close(ignored);
    for (auto& [id, entry] : state_->sessions) entry.stream->socket().close(ignored);
}

server_stats http_server::stats() const { return state_->stats; }

void http_server::stream_with(stream_claim claim) { state_->claim = std::move(claim); }

}  // namespace hvs::net
