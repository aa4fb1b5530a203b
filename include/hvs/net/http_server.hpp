#pragma once
// A small HTTP/1.1 server on the caller's io_context: keep-alive, bounded headers and bodies, a
// header-read timeout, an idle timeout, connection caps in total and per client address. At a cap
// the oldest idle connection (no request being answered) is closed to make room, so idle or
// silent sockets cannot keep a new request out. It serves /health and /metrics, and hosts the
// simulators.

#include "hvs/net/async.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace hvs::net {

namespace http = boost::beast::http;
using server_request = http::request<http::string_body>;
using server_response = http::response<http::string_body>;

struct server_params {
    std::size_t body_limit = 1024 * 1024;
    std::size_t header_limit = 16 * 1024;
    milliseconds header_timeout{10'000};   // a new connection: from accept to the request's last byte;
                                           // later requests: from their first byte to their last
    milliseconds idle_timeout{60'000};     // a keep-alive connection between requests
    milliseconds write_timeout{30'000};
    unsigned max_connections = 1024;
    unsigned max_connections_per_client = 64;  // per remote address
};

struct server_stats {
    std::uint64_t connections_accepted = 0;
    std::uint64_t connections_open = 0;
    std::uint64_t connections_refused = 0;   // at a cap with no idle connection to close
    std::uint64_t connections_evicted = 0;   // idle connections closed to make room for a new one
    std::uint64_t requests = 0;
    std::uint64_t bad_requests = 0;          // malformed, oversized or timed out
};

// Answers one request. nullopt closes the connection without an answer (fault injection).
// A handler that throws produces a 500.
using request_handler = std::function<task<std::optional<server_response>>(server_request)>;
// The same, also told the client's address ("127.0.0.1", "::1").
using request_handler_with_client =
    std::function<task<std::optional<server_response>>(server_request, std::string client_address)>;

// Writes the body of a streamed reply piece by piece (chunked transfer-encoding).
class body_writer {
public:
    virtual ~body_writer() = default;
    // Sends one piece under the write timeout; false once the connection failed or was stopped:
    // the producer should return then.
    virtual task<bool> write(std::string_view piece) = 0;
};

// A reply whose body is produced while it is sent (Server-Sent Events): `head` goes out at once
// with chunked transfer-encoding, then `produce` writes through the writer for as long as it
// likes; when it returns the body ends and the connection closes.
struct streamed_reply {
    server_response head;
    std::function<task<void>(body_writer&)> produce;
};

// Claims a request for a streamed reply; nullopt leaves it to the request handler.
using stream_claim = std::function<std::optional<streamed_reply>(const server_request&)>;

class http_server {
public:
    http_server(executor ex, server_params params, request_handler handler);
    http_server(executor ex, server_params params, request_handler_with_client handler);
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;
    ~http_server();

    // Binds `host:port` (port 0 = any free port) and starts accepting.
    result<std::uint16_t> listen(const std::string& host, std::uint16_t port);
    [[nodiscard]] std::uint16_t port() const;
    // Stops accepting and closes every connection; pending handlers finish on their own.
    void stop();

    [[nodiscard]] server_stats stats() const;
    // Every request is offered to `claim` first (set before listen).
    void stream_with(stream_claim claim);

    struct state;  // shared with the accept loop and the sessions, so they outlive nothing they use

private:
    std::shared_ptr<state> state_;
};

}  // namespace hvs::net
