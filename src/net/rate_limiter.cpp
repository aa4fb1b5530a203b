#include "hvs/net/rate_limiter.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

namespace hvs::net {

rate_limiter::rate_limiter(double rate, double burst) : state_(rate, burst, steady_clock::now()) {}

namespace {

error token_after_deadline() {
    return make_error(error_kind::deadline, "the rate limiter's next token comes after the request's deadline");
}

}  // namespace

task<result<void>> rate_limiter::acquire(std::optional<steady_clock::time_point> until) {
    limiter_ticket ticket;
    auto next = state_.arrive(steady_clock::now(), until, ticket);
    if (next.what == limiter_decision::action::wait) {
        asio::steady_timer timer(co_await asio::this_coro::executor);
        while (next.what == limiter_decision::action::wait) {
            timer.expires_after(next.wait);
            auto [ec] = co_await timer.async_wait(use_nothrow);
            if (ec) {
                state_.abandoned(steady_clock::now(), ticket);
                co_return make_error(error_kind::cancelled, "cancelled while waiting for the rate limiter");
            }
            next = state_.woke(steady_clock::now(), until, ticket);
        }
    }
    if (next.what == limiter_decision::action::past_deadline) co_return token_after_deadline();
    co_return result<void>{};
}

void rate_limiter::pause_for(milliseconds delay) { state_.pause_for(steady_clock::now(), delay); }

limiter_stats rate_limiter::stats() const { return state_.stats(steady_clock::now()); }

}  // namespace hvs::net
