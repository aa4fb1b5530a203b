#pragma once
// The HTTP/1.1 client for one upstream: every request goes pool → limiter token → per-attempt
// deadline → retry policy → a typed result. A response with a status of 400 or more is an error
// value (kind by status, with the start of the body), so callers can tell 404 from 5xx. A redirect
// (3xx) is not followed: it is a protocol error "… redirected to <Location> (3xx)".

#include "hvs/core/histogram.hpp"
#include "hvs/net/async.hpp"
#include "hvs/net/circuit_breaker.hpp"
#include "hvs/net/connection_pool.hpp"
#include "hvs/net/deadline.hpp"
#include "hvs/net/rate_limiter.hpp"
#include "hvs/net/retry_policy.hpp"
#include "hvs/net/tls.hpp"
#include "hvs/net/url.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <random>
#include <string>

namespace hvs::net {

namespace http = boost::beast::http;
using http_request = http::request<http::string_body>;
using http_response = http::response<http::string_body>;

struct client_params {
    std::string name;                       // "huly", "vibe", "letta": used in error messages
    pool_params pool;
    retry_policy retry;
    milliseconds timeout{30'000};           // one attempt, connect included
    std::size_t body_limit = 32 * 1024 * 1024;
    std::size_t header_limit = 64 * 1024;
    std::size_t error_body_limit = 2048;    // how much of an error body an error keeps
    std::string user_agent = "huly-vibe-sync/" HVS_VERSION;
    tls_options tls;
    unsigned breaker_failures = 5;          // consecutive transient failures that open the breaker
    milliseconds breaker_cooldown{30'000};  // how long it fails fast before one probe
};

struct request_options {
    bool idempotent = true;                 // safe to send again after a transient failure
    milliseconds timeout{0};                // one attempt; 0 = the client's default
    // The request's one deadline: the limiter's wait, every attempt (resolve and connect included)
    // and every backoff end by it, and no attempt starts after it; running out is
    // error_kind::deadline. The client's cycle deadline (set_deadline) applies too, the earlier first.
    std::optional<steady_clock::time_point> deadline{};
};

struct client_stats {
    std::uint64_t requests = 0;             // calls to send()
    std::uint64_t attempts = 0;             // requests written to the wire, retries included
    std::uint64_t retries = 0;
    std::uint64_t rate_limited = 0;         // 429 answers
    std::uint64_t failures = 0;             // calls that ended in an error
    std::map<unsigned, std::uint64_t> by_status;   // answers by HTTP status
    std::map<std::string, std::uint64_t> errors;   // failed calls by error kind
    double latency_seconds = 0;             // total time of completed calls
    // Duration of each call, retries and waits included (hvs_upstream_request_duration_seconds).
    core::histogram<12> durations{{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}};
    std::uint64_t breaker_opened = 0;       // times the circuit breaker opened
    std::string breaker_state = "closed";   // closed | open | half_open
    unsigned consecutive_failures = 0;      // transient failures since the last answer
    std::string last_error;                 // the last failure, described (never a secret)
    std::string refusal;                    // the last 401/403 since the last answer, described
    std::string rate_limited_for;           // the last call ended by a 429 since the last answer
};

class http_client {
public:
    // The limiter is shared with whoever else paces this upstream; it must outlive the client.
    static result<std::unique_ptr<http_client>> create(executor ex, const base_url& where, client_params params,
                                                       rate_limiter& limiter);

    // Sends `req` (its target relative to the origin, e.g. from build_target) and returns the
    // response when its status is below 300. Host, User-Agent and keep-alive are filled in.
    task<result<http_response>> send(http_request req, request_options options = {});

    [[nodiscard]] const base_url& where() const { return where_; }
    [[nodiscard]] client_stats stats() const;
    [[nodiscard]] pool_stats pool() const { return pool_->stats(); }
    [[nodiscard]] limiter_stats limiter() const { return limiter_.stats(); }
    void sweep_idle() { pool_->sweep(); }
    // Until cleared, every request's deadline is at most `until` (the running cycle's deadline):
    // no attempt or wait outlives it, and a Retry-After that asks for longer ends the call at once
    // as rate-limited.
    void set_deadline(std::optional<steady_clock::time_point> until) { deadline_ = until; }

    // Test hook: a source of numbers in [0, 1) for backoff jitter.
    void set_jitter_source(std::function<double()> source) { jitter_ = std::move(source); }
    // Test hook: the clock the circuit breaker's cooldown is measured by (steady_clock::now).
    void set_breaker_clock(std::function<steady_clock::time_point()> now) { breaker_clock_ = std::move(now); }

private:
    http_client(base_url where, client_params params, rate_limiter& limiter, std::unique_ptr<connection_pool> pool);

    task<result<http_response>> attempt(const http_request& req, steady_clock::time_point deadline, bool& stale);
    error status_error(const http_request& req, const http_response& res) const;
    // The error ending the call instead of waiting `delay`, when the wait is not allowed.
    std::optional<error> refuse_wait(const error& failure, milliseconds delay,
                                     std::optional<steady_clock::time_point> deadline) const;
    void record(const result<http_response>& outcome, steady_clock::time_point started);

    base_url where_;
    client_params params_;
    rate_limiter& limiter_;
    std::unique_ptr<connection_pool> pool_;
    client_stats stats_;
    circuit_breaker breaker_;
    std::function<steady_clock::time_point()> breaker_clock_;
    std::function<double()> jitter_;
    std::optional<steady_clock::time_point> deadline_;
};

}  // namespace hvs::net
