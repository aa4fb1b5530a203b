#pragma once
// What /health reports, decided by a pure function from what the service knows.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hvs::service {

enum class health_status { healthy, degraded, unhealthy };
[[nodiscard]] std::string_view to_string(health_status s);

struct upstream_health {
    std::string name;
    bool reachable = true;      // the last request got an answer and the breaker is closed
    std::string breaker = "closed";
    std::string last_error;
    std::string problem;        // reachable, but refusing or failing the service (credentials, rate limit, Letta work)
};

// ok | degraded (answers, but refuses or fails the service) | down (unreachable or breaker open).
[[nodiscard]] std::string_view upstream_status(const upstream_health& u);
// Why it is not ok (empty when it is): the problem, or for one down its last error or breaker state.
[[nodiscard]] std::string upstream_reason(const upstream_health& u);

// A change feed as assess_health judges it (service::feed_view's name and net::feed_stats).
struct feed_health {
    std::string name;  // "vibe" | "huly"
    bool connected = false;
    std::optional<std::chrono::system_clock::time_point> since;  // when `connected` last changed
};

// A feed down for longer than this degrades the service; a reconnect's blip does not.
inline constexpr std::chrono::seconds feed_outage_grace{60};

// Why full polls run at their current pace: both sides' feeds connected (SYNC_INTERVAL_WITH_EVENTS),
// or the first side without a feed or with its feed disconnected (SYNC_INTERVAL).
[[nodiscard]] std::string polling_reason(const std::vector<feed_health>& feeds);

struct health_inputs {
    std::chrono::system_clock::time_point now;
    std::chrono::system_clock::time_point started;
    std::optional<std::chrono::system_clock::time_point> last_success;  // end of the last fully successful cycle
    std::chrono::milliseconds interval{300'000};  // the pause between full polls now
    bool last_cycle_failed = false;
    int degraded_projects = 0;
    std::vector<upstream_health> upstreams;
    std::vector<feed_health> feeds;  // the configured change feeds
};

struct health_verdict {
    health_status status = health_status::healthy;
    std::vector<std::string> reasons;  // why it is not healthy, for operators
};

// unhealthy: no successful cycle for 3 intervals (at least 15 minutes), counting from start;
// degraded: an upstream down or degraded, the last cycle not ok, a project degraded, or a change
// feed disconnected for longer than feed_outage_grace.
[[nodiscard]] health_verdict assess_health(const health_inputs& in);

struct readiness {
    bool ready = false;
    std::string reason;  // why not, for the 503 answer
};

// /ready and /readyz: ready once the first cycle has finished, whatever its outcome (an upstream
// outage must not keep the service out of rotation forever: /health says what is wrong), and not
// from the moment a stop was asked for (SIGTERM/SIGINT) until the ops server closes.
[[nodiscard]] readiness assess_readiness(bool first_cycle_finished, bool stopping);

}  // namespace hvs::service
