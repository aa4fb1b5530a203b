#include "hvs/net/connection_pool.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core/error.hpp>

#include <sys/socket.h>

namespace hvs::net {

namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

// ---- connection ------------------------------------------------------------------------------

connection::connection(executor ex) { plain_.emplace(ex); }

connection::connection(executor ex, ssl::context& tls) { tls_.emplace(ex, tls); }

beast::tcp_stream& connection::tcp() { return tls_ ? beast::get_lowest_layer(*tls_) : *plain_; }

bool connection::looks_alive() {
    auto& socket = tcp().socket();
    if (!socket.is_open()) return false;
    char byte = 0;
    ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    // 0 = the peer closed; >0 = unsolicited bytes; -1/EAGAIN = quiet and open.
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

void connection::close() {
    boost::system::error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp().socket().close(ignored);
}

// ---- pooled_connection -----------------------------------------------------------------------

pooled_connection::pooled_connection(connection_pool* pool, std::unique_ptr<connection> conn, bool reused)
    : pool_(pool), conn_(std::move(conn)), reused_(reused) {}

pooled_connection::pooled_connection(pooled_connection&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      conn_(std::move(other.conn_)),
      broken_(other.broken_),
      reused_(other.reused_) {}

pooled_connection& pooled_connection::operator=(pooled_connection&& other) noexcept {
    if (this != &other) {
        give_back();
        pool_ = std::exchange(other.pool_, nullptr);
        conn_ = std::move(other.conn_);
        broken_ = other.broken_;
        reused_ = other.reused_;
    }
    return *this;
}

pooled_connection::~pooled_connection() { give_back(); }

void pooled_connection::give_back() {
    if (pool_ && conn_) pool_->release(std::move(conn_), broken_);
    pool_ = nullptr;
}

// ---- connection_pool -------------------------------------------------------------------------

// A caller parked until a connection is released or a slot frees up. Lives on its coroutine's frame.
struct connection_pool::waiter {
    explicit waiter(executor ex) : timer(ex) {}
    boost::asio::steady_timer timer;
    std::unique_ptr<connection> handed;  // an idle connection passed on directly
    bool slot = false;                   // permission to open a new connection (already counted)
};

connection_pool::connection_pool(executor ex, origin where, pool_params params, std::shared_ptr<ssl::context> tls,
                                 bool verify_host)
    : executor_(std::move(ex)),
      origin_(std::move(where)),
      params_(params),
      tls_(std::move(tls)),
      verify_host_(verify_host),
      state_(params_.max_connections, params_.idle_timeout) {
    if (!params_.resolve) params_.resolve = system_resolve();
}

connection_pool::~connection_pool() { close_idle(); }

namespace {

bool pooled_looks_alive(const std::unique_ptr<connection>& conn) { return conn->looks_alive(); }
void close_pooled(std::unique_ptr<connection> conn) { conn->close(); }

}  // namespace

task<result<pooled_connection>> connection_pool::acquire(steady_clock::time_point deadline) {
    if (auto conn = state_.take_idle(steady_clock::now(), pooled_looks_alive, close_pooled)) {
        co_return pooled_connection(this, std::move(*conn), true);
    }
    if (state_.reserve_slot()) co_return co_await open_in_slot(deadline);

    waiter me(executor_);
    me.timer.expires_at(deadline);
    state_.enqueue(&me);
    auto [ec] = co_await me.timer.async_wait(use_nothrow);
    if (me.handed) co_return pooled_connection(this, std::move(me.handed), true);
    if (me.slot) co_return co_await open_in_slot(deadline);
    state_.withdraw(&me);
    if (ec == boost::asio::error::operation_aborted) {
        co_return make_error(error_kind::cancelled, "cancelled while waiting for a connection to " + origin_.to_string());
    }
    co_return make_error(error_kind::timeout, "timed out waiting for a free connection to " + origin_.to_string());
}

task<result<pooled_connection>> connection_pool::open_in_slot(steady_clock::time_point deadline) {
    auto opened = co_await open(deadline);
    if (!opened) {
        carry_out(state_.open_failed());
        co_return opened.error();
    }
    state_.opened();
    co_return pooled_connection(this, std::move(*opened), false);
}

void connection_pool::release(std::unique_ptr<connection> conn, bool broken) {
    const bool healthy = !broken && conn->tcp().socket().is_open();
    carry_out(state_.release(std::move(conn), healthy, steady_clock::now()));
}

void connection_pool::carry_out(state::release_decision decision) {
    using action = state::release_decision::action;
    if (decision.what == action::hand_to_waiter) {
        (*decision.waiter)->handed = std::move(*decision.conn);
        (*decision.waiter)->timer.cancel();
        return;
    }
    if (decision.what == action::keep_idle) return;
    if (decision.conn) close_pooled(std::move(*decision.conn));
    if (decision.waiter) {
        (*decision.waiter)->slot = true;
        (*decision.waiter)->timer.cancel();
    }
}

task<result<std::unique_ptr<connection>>> connection_pool::open(steady_clock::time_point deadline) {
    auto conn = origin_.tls() ? std::make_unique<connection>(executor_, *tls_) : std::make_unique<connection>(executor_);
    const std::string where = origin_.to_string();

    // Bounded like the connect: a resolver that never answers must not hold the request.
    const std::string port = std::to_string(origin_.port);
    auto endpoints = co_await resolve_until(params_.resolve, origin_.host, port, deadline);
    if (!endpoints) {
        error e = endpoints.error();
        if (e.kind == error_kind::timeout) e.message = "timed out resolving " + where;
        if (e.kind == error_kind::resolve) e.message = "cannot resolve " + where + ": " + e.message;
        co_return e;
    }

    auto& stream = conn->tcp();
    stream.expires_at(deadline);
    auto [cec, endpoint] = co_await stream.async_connect(*endpoints, use_nothrow);
    if (cec) {
        if (cec == beast::error::timeout) co_return make_error(error_kind::timeout, "timed out connecting to " + where);
        if (cec == boost::asio::error::operation_aborted) co_return make_error(error_kind::cancelled, "cancelled connecting to " + where);
        co_return make_error(error_kind::connect, "cannot connect to " + where + ": " + cec.message());
    }
    stream.socket().set_option(tcp::no_delay(true));

    if (auto* tls = conn->tls()) {
        boost::system::error_code parse_ec;
        boost::asio::ip::make_address(origin_.host, parse_ec);
        if (parse_ec && !SSL_set_tlsext_host_name(tls->native_handle(), origin_.host.c_str())) {
            co_return make_error(error_kind::tls, "cannot set TLS server name for " + where);
        }
        if (verify_host_) tls->set_verify_callback(ssl::host_name_verification(origin_.host));
        auto [hec] = co_await tls->async_handshake(ssl::stream_base::client, use_nothrow);
        if (hec) {
            if (hec == beast::error::timeout) co_return make_error(error_kind::timeout, "timed out in TLS handshake with " + where);
            if (hec == boost::asio::error::operation_aborted) co_return make_error(error_kind::cancelled, "cancelled TLS handshake with " + where);
            co_return make_error(error_kind::tls, "TLS handshake with " + where + " failed: " + hec.message());
        }
    }
    stream.expires_never();
    co_return std::move(conn);
}

void connection_pool::sweep() { state_.sweep(steady_clock::now(), pooled_looks_alive, close_pooled); }

void connection_pool::close_idle() { state_.close_idle(close_pooled); }

pool_stats connection_pool::stats() const { return state_.stats(); }

}  // namespace hvs::net
