#include "hvs/net/rate_limiter.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

namespace hvs::net {

rate_limiter::rate_limiter(double rate, double burst) : bucket_(rate, burst, steady_clock::now()) {}

task<result<void>> rate_limiter::acquire() {
    auto start = steady_clock::now();
    auto wait = bucket_.reserve(start);
    if (wait > steady_clock::duration::zero()) {
        ++stats_.waits;
        ++stats_.waiting;
        asio::steady_timer timer(co_await asio::this_coro::executor, wait);
        auto [ec] = co_await timer.async_wait(use_nothrow);
        // A Retry-After that arrived while we slept still holds us back.
        while (!ec && bucket_.paused_until() > steady_clock::now()) {
            timer.expires_at(bucket_.paused_until());
            std::tie(ec) = co_await timer.async_wait(use_nothrow);
        }
        --stats_.waiting;
        stats_.wait_seconds += std::chrono::duration<double>(steady_clock::now() - start).count();
        if (ec) {
            bucket_.refund(steady_clock::now());
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
    bucket_.pause_until(now + delay, now);
}

limiter_stats rate_limiter::stats() const {
    limiter_stats s = stats_;
    s.tokens = bucket_.available(steady_clock::now());
    return s;
}

}  // namespace hvs::net
