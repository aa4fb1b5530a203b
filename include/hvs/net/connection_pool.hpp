#pragma once
// Keep-alive connections to one origin: at most `max_connections` open, FIFO waiters when all are
// busy, idle connections expire, and a connection marked broken is closed, never reused. The
// decisions are pool_state's; this class opens, probes and closes the sockets.

#include "hvs/net/async.hpp"
#include "hvs/net/pool_state.hpp"
#include "hvs/net/resolve.hpp"
#include "hvs/net/url.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <cstdint>
#include <memory>
#include <optional>

namespace hvs::net {

namespace beast = boost::beast;

struct pool_params {
    unsigned max_connections = 8;
    milliseconds idle_timeout{30'000};
    resolve_step resolve;          // empty: the system resolver; bounded by each connect's deadline
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

    using state = pool_state<std::unique_ptr<connection>, waiter*>;

    void release(std::unique_ptr<connection> conn, bool broken);
    // Carries out what the state decided about a connection given back or a failed open.
    void carry_out(state::release_decision decision);
    task<result<std::unique_ptr<connection>>> open(steady_clock::time_point deadline);
    // Opens a connection in a slot already reserved; a failure passes the slot on.
    task<result<pooled_connection>> open_in_slot(steady_clock::time_point deadline);

    executor executor_;
    origin origin_;
    pool_params params_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    bool verify_host_;
    state state_;
};

}  // namespace hvs::net
