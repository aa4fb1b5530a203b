#pragma once
// Pure decisions of the ops server about a request: strict query values, whether its listening
// address is loopback-only, which upstream addresses to hide from an anonymous /health, and how
// often a refused token attempt may be logged. No sockets, no clocks read here.

#include "hvs/core/error.hpp"
#include "hvs/net/token_bucket.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hvs::service {

// The values one query parameter was given, in order (empty: absent).
using query_values = std::vector<std::string>;

// `limit` of GET /api/sync/history: absent = `fallback`; otherwise exactly one decimal integer
// from 1 to 1000 (no sign, no suffix). error_kind::invalid says what is allowed.
[[nodiscard]] result<int> parse_history_limit(const query_values& given, int fallback = 20);

// `project` of POST /api/sync: absent = every project (nullopt); otherwise exactly one non-empty
// value of at most 100 characters. error_kind::invalid says what is allowed.
[[nodiscard]] result<std::optional<std::string>> parse_project_param(const query_values& given);

// Whether `given` equals `expected`, in a time that does not depend on where they differ (only on
// whether their lengths do): for comparing tokens.
[[nodiscard]] bool same_secret(std::string_view given, std::string_view expected);

// The `token` of POST /api/webhooks/huly (the watcher cannot send an Authorization header):
// absent or given more than once → nullopt.
[[nodiscard]] std::optional<std::string> single_value(const query_values& given);

// A URL or request target without its query (and fragment), for logs.
[[nodiscard]] std::string_view without_query(std::string_view url);

// True for 127.0.0.0/8, ::1 and ::ffff:127.x.y.z; false for 0.0.0.0, :: and everything else.
[[nodiscard]] bool is_loopback_address(std::string_view host);

// `text` with each of `addresses` (origins such as "http://huly:3458" and "huly:3458") replaced by
// "(hidden)", longest first.
[[nodiscard]] std::string hide_addresses(std::string text, std::vector<std::string> addresses);

// Bounds the rate of one kind of warning: at most `burst` lines at once, `per_second` after that.
// The lines not written are counted and reported by the next one that is.
class log_throttle {
public:
    log_throttle(double per_second, double burst, net::token_bucket::time_point now) : bucket_(per_second, burst, now) {}

    // nullopt: do not log this one. Otherwise log it, mentioning the count of lines left out before it.
    [[nodiscard]] std::optional<std::uint64_t> admit(net::token_bucket::time_point now);

private:
    net::token_bucket bucket_;
    std::uint64_t suppressed_ = 0;
};

}  // namespace hvs::service
