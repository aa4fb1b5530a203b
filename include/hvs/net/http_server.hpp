#pragma once
// A small HTTP/1.1 server on the caller's io_context: keep-alive, bounded headers and bodies, a
// header-read timeout, an idle timeout, a connection cap. It serves /health and /metrics, and
// hosts the simulators.

#include "hvs/net/async.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace hvs::net {

namespace http = boost::beast::http;
using server_request = http::request<http::string_body>;
using server_response = http::response<http::string_body>;

struct server_params {
    std::size_t body_limit = 1024 * 1024;
    std::size_t header_limit = 16 * 1024;
    milliseconds header_timeout{10'000};   // from a request's first byte to its last
    milliseconds idle_timeout{60'000};     // a keep-alive connection with no request
    milliseconds write_timeout{30'000};
    unsigned max_connections = 1024;
};

struct server_stats {
    std::uint64_t connections_accepted = 0;
    std::uint64_t connections_open = 0;
    std::uint64_t connections_refused = 0;   // over max_connections
    std::uint64_t requests = 0;
    std::uint64_t bad_requests = 0;          // malformed, oversized or timed out
};

// Answers one request. nullopt closes the connection without an answer (fault injection).
// A handler that throws produces a 500.
using request_handler = std::function<task<std::optional<server_response>>(server_request)>;

class http_server {
public:
    http_server(executor ex, server_params params, request_handler handler);
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;
    ~http_server();

    // Binds `host:port` (port 0 = any free port) and starts accepting.
    result<std::uint16_t> listen(const std::string& host, std::uint16_t port);
    [[nodiscard]] std::uint16_t port() const;
    // Stops accepting and closes every connection; pending handlers finish on their own.
    void stop();

    [[nodiscard]] server_stats stats() const;

    struct state;  // shared with the accept loop and the sessions, so they outlive nothing they use

private:
    std::shared_ptr<state> state_;
};

}  // namespace hvs::net
