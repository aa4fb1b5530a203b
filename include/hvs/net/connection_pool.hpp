#pragma once
// Keep-alive connections to one origin: at most `max_connections` open, FIFO waiters when all are
// busy, idle connections expire, and a connection marked broken is closed, never reused.

#include "hvs/net/async.hpp"
#include "hvs/net/resolve.hpp"
#include "hvs/net/url.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

namespace hvs::net {

namespace beast = boost::beast;

struct pool_params {
    unsigned max_connections = 8;
    milliseconds idle_timeout{30'000};
    resolve_step resolve;          // empty: the system resolver; bounded by each connect's deadline
};

struct pool_stats {
    std::uint64_t open = 0;        // connections open now (idle + in use + connecting)
    std::uint64_t idle = 0;        // open and waiting for a request
    std::uint64_t waiting = 0;     // callers waiting for a connection
    std::uint64_t created = 0;     // connections opened since start
    std::uint64_t reused = 0;      // acquisitions served by an idle connection
    std::uint64_t discarded = 0;   // connections closed as broken, expired or dead
};

// One connection: a TCP stream, optionally wrapped in TLS, and its read buffer.
class connection {
public:
    explicit connection(executor ex);
    connection(executor ex, boost::asio::ssl::context& tls);

    [[nodiscard]] beast::tcp_stream& tcp();
    [[nodiscard]] beast::ssl_stream<beast::tcp_stream>* tls() { return tls_ ? &*tls_ : nullptr; }
    [[nodiscard]] beast::flat_buffer& buffer() { return buffer_; }
    [[nodiscard]] unsigned requests_served() const { return served_; }
    void count_request() { ++served_; }
    // True when the peer has not closed or sent anything while the connection sat idle.
    [[nodiscard]] bool looks_alive();
    void close();

    steady_clock::time_point idle_since{};

private:
    std::optional<beast::tcp_stream> plain_;
    std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
    beast::flat_buffer buffer_;
    unsigned served_ = 0;
};

class connection_pool;

// A connection on loan. Returned to the pool when destroyed, or closed if marked broken.
class pooled_connection {
public:
    pooled_connection() = default;
    pooled_connection(connection_pool* pool, std::unique_ptr<connection> conn, bool reused);
    pooled_connection(pooled_connection&& other) noexcept;
    pooled_connection& operator=(pooled_connection&& other) noexcept;
    pooled_connection(const pooled_connection&) = delete;
    pooled_connection& operator=(const pooled_connection&) = delete;
    ~pooled_connection();

    connection& operator*() { return *conn_; }
    connection* operator->() { return conn_.get(); }
    // The connection is closed on return (I/O error, timeout, Connection: close, unread body).
    void mark_broken() { broken_ = true; }
    // True when this connection had already served a request before this loan.
    [[nodiscard]] bool reused() const { return reused_; }

private:
    void give_back();

    connection_pool* pool_ = nullptr;
    std::unique_ptr<connection> conn_;
    bool broken_ = false;
    bool reused_ = false;
};

class connection_pool {
public:
    // `tls` is required for an https origin and ignored otherwise.
    connection_pool(executor ex, origin where, pool_params params, std::shared_ptr<boost::asio::ssl::context> tls,
                    bool verify_host);
    connection_pool(const connection_pool&) = delete;
    connection_pool& operator=(const connection_pool&) = delete;
    ~connection_pool();

    // An idle connection, a new one, or the next one released; fails with timeout at `deadline`
    // (which bounds the name resolution, the connect and the TLS handshake alike), cancelled on
    // cancellation, or the resolve/connect/TLS error.
    task<result<pooled_connection>> acquire(steady_clock::time_point deadline);

    // Closes idle connections that have been idle longer than the idle timeout.
    void sweep();
    // Closes every idle connection (in-use ones close when returned).
    void close_idle();

    [[nodiscard]] pool_stats stats() const;
    [[nodiscard]] const origin& where() const { return origin_; }

private:
    friend class pooled_connection;
    struct waiter;

    void release(std::unique_ptr<connection> conn, bool broken);
    std::unique_ptr<connection> take_idle();
    task<result<std::unique_ptr<connection>>> open(steady_clock::time_point deadline);

    executor executor_;
    origin origin_;
    pool_params params_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    bool verify_host_;
    std::vector<std::unique_ptr<connection>> idle_;  // most recently used last
    std::deque<waiter*> waiters_;
    std::uint64_t open_ = 0;
    pool_stats totals_;
};

}  // namespace hvs::net
