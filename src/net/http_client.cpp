#include "hvs/net/http_client.hpp"

#include "hvs/core/config.hpp"

#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>

namespace hvs::net {
namespace {

bool is_connection_closed(const boost::system::error_code& ec) {
    return ec == http::error::end_of_stream || ec == boost::asio::error::eof ||
           ec == boost::asio::error::connection_reset || ec == boost::asio::error::broken_pipe ||
           ec == boost::asio::ssl::error::stream_truncated || ec == http::error::partial_message;
}

error transport_error(const boost::system::error_code& ec, const std::string& what, const client_params& params) {
    if (ec == beast::error::timeout) return make_error(error_kind::timeout, what + " timed out");
    if (ec == boost::asio::error::operation_aborted) return make_error(error_kind::cancelled, what + " was cancelled");
    if (ec == http::error::body_limit) {
        return make_error(error_kind::protocol,
                          what + ": response body exceeds " + std::to_string(params.body_limit) + " bytes");
    }
    if (ec == http::error::header_limit) {
        return make_error(error_kind::protocol,
                          what + ": response headers exceed " + std::to_string(params.header_limit) + " bytes");
    }
    if (is_connection_closed(ec)) return make_error(error_kind::closed, what + ": connection closed by the server (" + ec.message() + ")");
    if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
        return make_error(error_kind::protocol, what + ": malformed HTTP response (" + ec.message() + ")");
    }
    return make_error(error_kind::closed, what + ": " + ec.message());
}

template <class Stream>
task<boost::system::error_code> exchange(Stream& stream, beast::flat_buffer& buffer, const http_request& req,
                                         http::response_parser<http::string_body>& parser) {
    auto [wec, written] = co_await http::async_write(stream, req, use_nothrow);
    if (wec) co_return wec;
    auto [rec, read] = co_await http::async_read(stream, buffer, parser, use_nothrow);
    co_return rec;
}

}  // namespace

result<std::unique_ptr<http_client>> http_client::create(executor ex, const base_url& where, client_params params,
                                                          rate_limiter& limiter) {
    std::shared_ptr<boost::asio::ssl::context> tls;
    if (where.where.tls()) {
        auto ctx = make_client_tls_context(params.tls);
        if (!ctx) return ctx.error();
        tls = std::move(*ctx);
    }
    auto pool = std::make_unique<connection_pool>(std::move(ex), where.where, params.pool, std::move(tls),
                                                  params.tls.verify);
    return std::unique_ptr<http_client>(new http_client(where, std::move(params), limiter, std::move(pool)));
}

http_client::http_client(base_url where, client_params params, rate_limiter& limiter,
                         std::unique_ptr<connection_pool> pool)
    : where_(std::move(where)),
      params_(std::move(params)),
      limiter_(limiter),
      pool_(std::move(pool)),
      breaker_(params_.breaker_failures, params_.breaker_cooldown),
      breaker_clock_([] { return steady_clock::now(); }) {
    jitter_ = [engine = std::minstd_rand(std::random_device{}())]() mutable {
        return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
    };
}

task<result<http_response>> http_client::send(http_request req, request_options options) {
    req.version(11);
    req.set(http::field::host, where_.where.host_header());
    if (req[http::field::user_agent].empty()) req.set(http::field::user_agent, params_.user_agent);
    req.keep_alive(true);
    req.prepare_payload();

    const auto started = steady_clock::now();
    const auto timeout = options.timeout.count() > 0 ? options.timeout : params_.timeout;
    const auto deadline = earliest(options.deadline, deadline_);
    const std::string what = params_.name + " " + std::string(req.method_string()) + " " + std::string(req.target());
    ++stats_.requests;
    unsigned attempts = 0;
    bool retried_stale = false;

    for (;;) {
        if (auto token = co_await limiter_.acquire(deadline); !token) {
            result<http_response> stopped = token.error();
            if (token.error().kind == error_kind::deadline) stopped = deadline_passed(what, "waiting for the rate limiter");
            record(stopped, started);
            co_return stopped;
        }
        const auto bound = clip_to_deadline(steady_clock::now(), deadline, timeout);
        if (!bound) {
            result<http_response> late = deadline_passed(what, "before attempt " + std::to_string(attempts + 1));
            record(late, started);
            co_return late;
        }
        const bool probe = breaker_.current(breaker_clock_()) == circuit_breaker::state::half_open;
        if (!breaker_.allow(breaker_clock_())) {
            result<http_response> fast = make_error(
                error_kind::unavailable, params_.name + " is failing (" +
                                             std::to_string(breaker_.consecutive_failures()) +
                                             " transient failures in a row); requests fail fast until the next probe");
            record(fast, started);
            co_return fast;
        }
        ++attempts;
        ++stats_.attempts;
        bool stale = false;
        result<http_response> outcome = co_await attempt(req, bound->until, stale);
        // An attempt the deadline cut short (in its resolve, connect or exchange) ran out of the
        // request's time, not of its own.
        if (!outcome && bound->by_deadline && outcome.error().kind == error_kind::timeout) {
            outcome = deadline_passed(what, "during attempt " + std::to_string(attempts) + " (" +
                                                outcome.error().message + ")");
        }

        // A keep-alive connection the server had already closed: send again at once on a new one.
        if (!outcome && stale && options.idempotent && !retried_stale) {
            retried_stale = true;
            --attempts;
            if (probe) breaker_.release_probe();
            continue;
        }
        if (outcome) {
            ++stats_.by_status[outcome->result_int()];
            if (outcome->result_int() >= 300) outcome = status_error(req, *outcome);
        }
        // The breaker counts what says "the upstream is down": transport failures and 5xx.
        // A deadline cut the attempt short: it says nothing either way (like a cancellation).
        const bool cut_short = !outcome && (outcome.error().kind == error_kind::cancelled ||
                                            outcome.error().kind == error_kind::deadline);
        if (!outcome && outcome.error().transient() && outcome.error().kind != error_kind::http_429 && !cut_short) {
            breaker_.record_failure(breaker_clock_());
        } else if (!cut_short) {
            breaker_.record_success();
        } else if (probe) {
            breaker_.release_probe();
        }
        if (!outcome) {
            const error& failure = outcome.error();
            if (failure.kind == error_kind::http_429) ++stats_.rate_limited;
            if (failure.retry_after.count() > 0) limiter_.pause_for(std::min(failure.retry_after, params_.retry.max_retry_after));
            if (should_retry(params_.retry, attempts, failure, options.idempotent)) {
                auto delay = std::max(backoff_delay(params_.retry, attempts, jitter_()), failure.retry_after);
                if (auto refused = refuse_wait(failure, delay, deadline)) {
                    outcome = std::move(*refused);
                    record(outcome, started);
                    co_return outcome;
                }
                ++stats_.retries;
                if (auto slept = co_await sleep_for(delay); !slept) {
                    outcome = make_error(error_kind::cancelled, params_.name + " request cancelled during backoff");
                    record(outcome, started);
                    co_return outcome;
                }
                continue;
            }
        }
        record(outcome, started);
        co_return outcome;
    }
}

task<result<http_response>> http_client::attempt(const http_request& req, steady_clock::time_point deadline,
                                                 bool& stale) {
    const std::string what = params_.name + " " + std::string(req.method_string()) + " " + std::string(req.target());
    auto lease = co_await pool_->acquire(deadline);
    if (!lease) {
        error e = lease.error();
        e.message = params_.name + ": " + e.message;
        co_return e;
    }
    auto& conn = **lease;
    http::response_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(params_.header_limit));
    parser.body_limit(params_.body_limit);
    parser.eager(true);

    conn.tcp().expires_at(deadline);
    boost::system::error_code ec;
    if (auto* tls = conn.tls()) {
        ec = co_await exchange(*tls, conn.buffer(), req, parser);
    } else {
        ec = co_await exchange(conn.tcp(), conn.buffer(), req, parser);
    }
    if (ec) {
        lease->mark_broken();
        stale = lease->reused() && !parser.got_some() && is_connection_closed(ec);
        co_return transport_error(ec, what, params_);
    }
    conn.tcp().expires_never();
    conn.count_request();
    http_response res = parser.release();
    if (!res.keep_alive()) lease->mark_broken();
    co_return res;
}

error http_client::status_error(const http_request& req, const http_response& res) const {
    unsigned status = res.result_int();
    error e;
    if (status < 400) {
        // Redirects are not followed: the configured base URL is wrong (or a proxy sits in the way).
        std::string location(res[http::field::location].substr(0, 500));
        e.kind = error_kind::protocol;
        e.http_status = status;
        e.message = params_.name + " " + std::string(req.method_string()) + " " + std::string(req.target()) +
                    " redirected to " + (location.empty() ? "(no Location)" : core::without_credentials(location)) +
                    " (" + std::to_string(status) + "); redirects are not followed: point the base URL there";
        return e;
    }
    e.kind = status == 429 ? error_kind::http_429 : status >= 500 ? error_kind::http_5xx : error_kind::http_4xx;
    e.http_status = status;
    e.message = params_.name + " answered " + std::to_string(status) + " to " + std::string(req.method_string()) +
                " " + std::string(req.target());
    e.body = res.body().substr(0, params_.error_body_limit);
    // 409 too: Letta ≥ 0.16.5 answers a database lock with 409 and Retry-After: 1.
    if (status == 429 || status == 503 || status == 409) {
        if (auto wait = parse_retry_after(res[http::field::retry_after], std::chrono::system_clock::now())) {
            e.retry_after = *wait;
        }
    }
    return e;
}

std::optional<error> http_client::refuse_wait(const error& failure, milliseconds delay,
                                              std::optional<steady_clock::time_point> deadline) const {
    std::optional<milliseconds> left;
    if (deadline) left = std::chrono::duration_cast<milliseconds>(*deadline - steady_clock::now());
    auto why = wait_refusal(params_.retry, delay, left);
    if (!why) return std::nullopt;
    error e = failure;
    const bool rate_limited = failure.kind == error_kind::http_429;
    const bool past_deadline = left && delay >= *left;
    if (!rate_limited) e.kind = past_deadline ? error_kind::deadline : error_kind::timeout;
    e.message = failure.message + (rate_limited ? " (rate-limited, Retry-After " : " (retry in ") +
                std::to_string(delay.count() / 1000) + " s); " + *why;
    return e;
}

void http_client::record(const result<http_response>& outcome, steady_clock::time_point started) {
    const double seconds = std::chrono::duration<double>(steady_clock::now() - started).count();
    stats_.latency_seconds += seconds;
    stats_.durations.observe(seconds);
    if (outcome) {
        stats_.refusal.clear();
        stats_.rate_limited_for.clear();
        return;
    }
    const error& e = outcome.error();
    if (e.kind == error_kind::http_4xx && (e.http_status == 401 || e.http_status == 403)) stats_.refusal = e.describe();
    if (e.kind == error_kind::http_429) stats_.rate_limited_for = e.describe();
    ++stats_.failures;
    ++stats_.errors[std::string(to_string(e.kind))];
    stats_.last_error = e.describe();
}

client_stats http_client::stats() const {
    client_stats s = stats_;
    s.breaker_opened = breaker_.times_opened();
    s.breaker_state = std::string(to_string(breaker_.current(breaker_clock_())));
    s.consecutive_failures = breaker_.consecutive_failures();
    return s;
}

}  // namespace hvs::net
