#pragma once
// The decisions of the rate limiter as pure state: a token bucket plus the protocol its waiters
// follow (go now, wait until a time, give up at a deadline, queue again behind a Retry-After
// pause), with the statistics they leave. No clock is read and no timer is set here: every call
// takes `now`, and rate_limiter maps each decision to one timer wait (as Boost.MySQL's
// sansio_connection_node does for its pool).

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

// What a caller of the limiter does next.
struct limiter_decision {
    enum class action {
        go,             // the token is the caller's
        wait,           // wait `wait`, then report `woke`
        past_deadline,  // the token would come after the caller's deadline: none is held
    };
    action what = action::go;
    token_bucket::duration wait{};
};

// A caller that waits: what the state needs to know of it when it wakes or gives up.
struct limiter_ticket {
    std::uint64_t pause_epoch = 0;    // the pauses it has seen: a later one voids its slot
    token_bucket::time_point since{};  // when it arrived
};

class limiter_state {
public:
    using time_point = token_bucket::time_point;
    using duration = token_bucket::duration;

    // rate <= 0: unlimited.
    limiter_state(double rate, double burst, time_point now) : bucket_(rate, burst, now) {}

    // A caller arrives at `now`, wanting its token no later than `until`. On `wait`, `ticket`
    // describes it until it reports `woke` or `abandoned`.
    limiter_decision arrive(time_point now, std::optional<time_point> until, limiter_ticket& ticket);
    // A waiter's wait ended at `now`. Its slot holds unless a pause came in meanwhile; then it
    // queues again behind the pause, in the order waiters wake (their arrival order), so the
    // rate is kept after the pause instead of every waiter going at once into the next 429.
    limiter_decision woke(time_point now, std::optional<time_point> until, limiter_ticket& ticket);
    // A waiter gave up (cancelled): its token goes back.
    void abandoned(time_point now, const limiter_ticket& ticket);
    // No token is issued for `delay` from `now` (an upstream's Retry-After).
    void pause_for(time_point now, duration delay);

    [[nodiscard]] limiter_stats stats(time_point now) const;
    [[nodiscard]] double rate() const { return bucket_.rate(); }

private:
    void stop_waiting(time_point now, const limiter_ticket& ticket);

    token_bucket bucket_;
    limiter_stats stats_;
    std::uint64_t pause_epoch_ = 0;  // bumped by every pause
};

}  // namespace hvs::net
