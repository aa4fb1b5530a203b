#pragma once
// Pure retry decisions: exponential backoff with full jitter, Retry-After parsing, and whether an
// error may be retried at all.

#include "hvs/core/error.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace hvs::net {

using std::chrono::milliseconds;

struct retry_policy {
    unsigned max_attempts = 4;   // attempts in all, the first included; 1 = never retry
    milliseconds base{200};      // cap of the first backoff step
    milliseconds max{10'000};    // largest backoff step
    milliseconds max_retry_after{300'000};  // longest Retry-After waited for; a longer one ends the call
};

// Why a wait of `delay` before the next attempt is not allowed (nullopt when it is): longer than
// the policy's cap, or than `left` of the caller's deadline (nullopt: none), e.g. "the next attempt
// is 3600.0 s away, more than the 2.9 s left before the deadline; not waiting".
[[nodiscard]] std::optional<std::string> wait_refusal(const retry_policy& policy, milliseconds delay,
                                                      std::optional<milliseconds> left);

// Delay before retry number `retry` (1 = the wait after the first attempt), with full jitter:
// uniform in [0, min(max, base * 2^(retry-1))]. `unit_random` is a number in [0, 1).
[[nodiscard]] milliseconds backoff_delay(const retry_policy& policy, unsigned retry, double unit_random);

// True when another attempt is allowed: attempts remain, the error is transient, and either the
// caller declared the request safe to repeat or the error proves it was never processed
// (resolve, connect, 429).
[[nodiscard]] bool should_retry(const retry_policy& policy, unsigned attempts_made, const error& failure,
                                bool safe_to_repeat);

// The wait a Retry-After header asks for: delta-seconds ("120") or an HTTP date, relative to `now`.
// nullopt when the header is absent or unreadable.
[[nodiscard]] std::optional<milliseconds> parse_retry_after(std::string_view header,
                                                            std::chrono::system_clock::time_point now);

}  // namespace hvs::net
