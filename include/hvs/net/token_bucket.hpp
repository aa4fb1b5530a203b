#pragma once
// The pure arithmetic of a token bucket: `rate` tokens per second up to `burst`. Reservations
// may drive the balance negative, so callers are served first come, first served. No clock is
// read here: every call takes `now`, which lets tests drive time by hand.

#include <chrono>

namespace hvs::net {

class token_bucket {
public:
    using clock = std::chrono::steady_clock;
    using time_point = clock::time_point;
    using duration = clock::duration;

    // rate <= 0 means unlimited (every reservation is immediate unless paused).
    token_bucket(double rate, double burst, time_point now);

    // Takes one token and returns how long the caller must wait before using it.
    duration reserve(time_point now);
    // Takes one token only if one is available now (for admission control that answers "not now").
    bool try_take(time_point now);
    // How long until try_take can succeed.
    [[nodiscard]] duration until_available(time_point now) const;
    // Gives back a token whose reservation was abandoned (cancelled waiter).
    void refund(time_point now);
    // Issues no token before `until` (a Retry-After): the balance drops to zero (reservations
    // made before are void and must be made again) and grows again from `until`.
    void pause_until(time_point until, time_point now);

    // Tokens available now (negative while reservations are queued).
    [[nodiscard]] double available(time_point now) const;
    [[nodiscard]] time_point paused_until() const { return paused_until_; }
    [[nodiscard]] double rate() const { return rate_; }
    [[nodiscard]] double burst() const { return burst_; }

private:
    void refill(time_point now);

    double rate_;
    double burst_;
    double tokens_;
    time_point last_;          // refill has been accounted up to here (may lie in the future while paused)
    time_point paused_until_;
};

}  // namespace hvs::net
