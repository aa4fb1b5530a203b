#include "hvs/net/retry_policy.hpp"

#include <algorithm>
#include <cstdio>
#include <charconv>
#include <ctime>
#include <string>

namespace hvs::net {

milliseconds backoff_delay(const retry_policy& policy, unsigned retry, double unit_random) {
    if (retry == 0) return milliseconds{0};
    double cap = static_cast<double>(policy.base.count());
    for (unsigned i = 1; i < retry && cap < static_cast<double>(policy.max.count()); ++i) cap *= 2;
    cap = std::min(cap, static_cast<double>(policy.max.count()));
    double unit = std::clamp(unit_random, 0.0, 1.0);
    return milliseconds{static_cast<milliseconds::rep>(cap * unit)};
}

bool should_retry(const retry_policy& policy, unsigned attempts_made, const error& failure, bool safe_to_repeat) {
    if (attempts_made >= policy.max_attempts || !failure.transient()) return false;
    if (failure.kind == error_kind::unavailable) return false;  // the breaker decides when to try again
    if (failure.kind == error_kind::deadline) return false;     // no time is left for another attempt
    // These prove the upstream never processed the request, so even a create may be sent again.
    bool not_processed = failure.kind == error_kind::resolve || failure.kind == error_kind::connect ||
                         failure.kind == error_kind::http_429;
    return safe_to_repeat || not_processed;
}

namespace {

std::string seconds_text(milliseconds d) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(d.count()) / 1000.0);
    return text;
}

}  // namespace

std::optional<std::string> wait_refusal(const retry_policy& policy, milliseconds delay,
                                        std::optional<milliseconds> left) {
    if (left && delay >= *left) {
        return "the next attempt is " + seconds_text(delay) + " away, more than the " +
               seconds_text(std::max(*left, milliseconds{0})) + " left before the deadline; not waiting";
    }
    if (delay > policy.max_retry_after) {
        return "the next attempt is " + seconds_text(delay) + " away, more than the longest wait allowed (" +
               seconds_text(policy.max_retry_after) + "); not waiting";
    }
    return std::nullopt;
}

std::optional<milliseconds> parse_retry_after(std::string_view header, std::chrono::system_clock::time_point now) {
    while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
    while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
    if (header.empty()) return std::nullopt;

    if (std::isdigit(static_cast<unsigned char>(header.front()))) {
        double seconds = 0;
        auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), seconds);
        if (ec != std::errc{} || end != header.data() + header.size() || seconds < 0 || seconds > 86'400) {
            return std::nullopt;
        }
        return milliseconds{static_cast<milliseconds::rep>(seconds * 1000)};
    }

    // IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
    std::tm tm{};
    std::string text(header);
    const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (end == nullptr || *end != '\0') return std::nullopt;
    auto when = std::chrono::system_clock::from_time_t(timegm(&tm));
    if (when <= now) return milliseconds{0};
    auto wait = std::chrono::duration_cast<milliseconds>(when - now);
    return std::min(wait, milliseconds{86'400'000});
}

}  // namespace hvs::net
