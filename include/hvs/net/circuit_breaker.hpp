#pragma once
// A circuit breaker per upstream: after `failure_threshold` consecutive transient failures it
// opens and fails fast for `cooldown`; then it lets a single probe through (half-open). A success
// closes it; a failed probe opens it again. Pure: every call takes `now`.

#include <chrono>
#include <cstdint>
#include <string_view>

namespace hvs::net {

class circuit_breaker {
public:
    using clock = std::chrono::steady_clock;
    enum class state { closed, open, half_open };

    circuit_breaker(unsigned failure_threshold, clock::duration cooldown)
        : threshold_(failure_threshold == 0 ? 1 : failure_threshold), cooldown_(cooldown) {}

    // May a request go out now? In half-open state only the first caller gets through.
    bool allow(clock::time_point now);
    void record_success();
    // Only transient failures count; a 4xx says the upstream is up.
    void record_failure(clock::time_point now);
    // The probe ended with no verdict on the upstream (cancelled, or sent again on a fresh
    // connection): the next caller probes instead. Without this, a cancelled probe would leave
    // the breaker half-open and refusing every call for good.
    void release_probe() { probing_ = false; }

    [[nodiscard]] state current(clock::time_point now) const;
    [[nodiscard]] unsigned consecutive_failures() const { return failures_; }
    [[nodiscard]] std::uint64_t times_opened() const { return opened_; }

private:
    unsigned threshold_;
    clock::duration cooldown_;
    unsigned failures_ = 0;
    bool open_ = false;
    bool probing_ = false;
    clock::time_point opened_at_{};
    std::uint64_t opened_ = 0;
};

[[nodiscard]] std::string_view to_string(circuit_breaker::state s);

}  // namespace hvs::net
