#include "hvs/net/rate_limiter.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

namespace hvs::net {

rate_limiter::rate_limiter(double rate, double burst) : bucket_(rate, burst, steady_clock::now()) {}

namespace {

error token_after_deadline() {
    return make_error(error_kind::deadline, "the rate limiter's next token comes after the request's deadline");
}

}  // namespace

task<result<void>> rate_limiter::acquire(std::optional<steady_clock::time_point> until) {
    auto start = steady_clock::now();
    auto wait = bucket_.reserve(start);
    if (until && start + wait > *until) {
        bucket_.refund(start);
        co_return token_after_deadline();
    }
    if (wait > steady_clock::duration::zero()) {
        ++stats_.waits;
        ++stats_.waiting;
        asio::steady_timer timer(co_await asio::this_coro::executor, wait);
        auto epoch = pause_epoch_;
        auto [ec] = co_await timer.async_wait(use_nothrow);
        // A Retry-After that arrived while we waited: our slot was computed before it, and every
        // waiter going at once when it ends would bring on the next 429. Queue again behind it,
        // in the order we woke (the original order), so the rate is kept after the pause.
        bool past_deadline = false;
        while (!ec && epoch != pause_epoch_) {
            epoch = pause_epoch_;
            const auto now = steady_clock::now();
            const auto requeued = bucket_.reserve(now);
            if (until && now + requeued > *until) {
                past_deadline = true;
                break;
            }
            timer.expires_after(requeued);
            std::tie(ec) = co_await timer.async_wait(use_nothrow);
        }
        --stats_.waiting;
        stats_.wait_seconds += std::chrono::duration<double>(steady_clock::now() - start).count();
        if (ec || past_deadline) {
            bucket_.refund(steady_clock::now());
            if (past_deadline) co_return token_after_deadline();
            co_return make_error(error_kind::cancelled, "cancelled while waiting for the rate limiter");
        }
    }
    ++stats_.acquired;
    co_return result<void>{};
}

void rate_limiter::pause_for(milliseconds delay) {
    auto now = steady_clock::now();
    if (delay <= milliseconds{0}) return;
    ++stats_.pauses;
    ++pause_epoch_;
    bucket_.pause_until(now + delay, now);
}

limiter_stats rate_limiter::stats() const {
    limiter_stats s = stats_;
    s.tokens = bucket_.available(steady_clock::now());
    return s;
}

}  // namespace hvs::net
