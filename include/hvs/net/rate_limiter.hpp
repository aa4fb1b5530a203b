#pragma once
// The per-upstream limiter: a token bucket that coroutines wait on. Waiters are served in
// arrival order; a cancelled waiter gives its token back. The decisions are limiter_state's;
// this class only reads the clock and waits on timers.

#include "hvs/net/async.hpp"
#include "hvs/net/limiter_state.hpp"

#include <optional>

namespace hvs::net {

class rate_limiter {
public:
    // rate <= 0: unlimited.
    rate_limiter(double rate, double burst);

    // Waits for a token; error_kind::cancelled if the caller is cancelled while waiting, and
    // error_kind::deadline at once (the token given back) when it would come after `until`.
    task<result<void>> acquire(std::optional<steady_clock::time_point> until = std::nullopt);
    // No token is issued for `delay` from now (an upstream's Retry-After).
    void pause_for(milliseconds delay);

    [[nodiscard]] limiter_stats stats() const;
    [[nodiscard]] double rate() const { return state_.rate(); }

private:
    limiter_state state_;
};

}  // namespace hvs::net
