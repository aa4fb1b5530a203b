#pragma once
// The per-upstream limiter: a token bucket that coroutines wait on. Waiters are served in
// arrival order; a cancelled waiter gives its token back.

#include "hvs/net/async.hpp"
#include "hvs/net/token_bucket.hpp"

#include <cstdint>
#include <optional>

namespace hvs::net {

struct limiter_stats {
    std::uint64_t acquired = 0;   // tokens handed out
    std::uint64_t waits = 0;      // acquisitions that had to wait
    std::uint64_t waiting = 0;    // coroutines waiting right now
    std::uint64_t pauses = 0;     // Retry-After pauses applied
    double tokens = 0;            // tokens available now (negative while waiters queue)
    double wait_seconds = 0;      // total time spent waiting
};

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
    [[nodiscard]] double rate() const { return bucket_.rate(); }

private:
    token_bucket bucket_;
    limiter_stats stats_;
    std::uint64_t pause_epoch_ = 0;  // bumped by every pause: waiters queued before it re-queue
};

}  // namespace hvs::net
