#include "hvs/service/health.hpp"

#include <algorithm>

namespace hvs::service {

std::string_view to_string(health_status s) {
    switch (s) {
    case health_status::healthy: return "healthy";
    case health_status::degraded: return "degraded";
    case health_status::unhealthy: return "unhealthy";
    }
    return "unhealthy";
}

std::string_view upstream_status(const upstream_health& u) {
    if (!u.reachable) return "down";
    return u.problem.empty() ? "ok" : "degraded";
}

std::string upstream_reason(const upstream_health& u) {
    if (!u.problem.empty() || u.reachable) return u.problem;
    return !u.last_error.empty() ? u.last_error : "circuit breaker " + u.breaker;
}

std::string polling_reason(const std::vector<feed_health>& feeds) {
    struct side {
        std::string_view name, shown;
    };
    for (auto [name, shown] : {side{"vibe", "Vibe"}, side{"huly", "Huly"}}) {
        auto feed = std::find_if(feeds.begin(), feeds.end(), [&](const feed_health& f) { return f.name == name; });
        if (feed == feeds.end()) return "no " + std::string(shown) + " feed configured: SYNC_INTERVAL";
        if (!feed->connected) return feed->name + " feed disconnected: SYNC_INTERVAL";
    }
    return "feeds connected: SYNC_INTERVAL_WITH_EVENTS";
}

health_verdict assess_health(const health_inputs& in) {
    health_verdict verdict;
    auto allowed = std::max<std::chrono::milliseconds>(in.interval * 3, std::chrono::minutes(15));
    auto since = in.now - in.last_success.value_or(in.started);
    if (since > allowed) {
        verdict.status = health_status::unhealthy;
        verdict.reasons.push_back(in.last_success ? "no successful cycle for " +
                                                        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(since).count()) + " s"
                                                  : "no successful cycle since start");
    }
    auto degrade = [&](std::string reason) {
        if (verdict.status == health_status::healthy) verdict.status = health_status::degraded;
        verdict.reasons.push_back(std::move(reason));
    };
    for (const auto& u : in.upstreams) {
        if (!u.reachable) degrade(u.name + " unreachable" + (u.last_error.empty() ? "" : ": " + u.last_error));
        else if (!u.problem.empty()) degrade(u.name + " degraded: " + u.problem);
    }
    for (const auto& f : in.feeds) {
        auto down_for = std::chrono::duration_cast<std::chrono::seconds>(in.now - f.since.value_or(in.started));
        if (f.connected || down_for <= feed_outage_grace) continue;
        degrade(f.name + " change feed disconnected for " + std::to_string(down_for.count()) +
                " s: polling every SYNC_INTERVAL");
    }
    if (in.last_cycle_failed) degrade("the last cycle was not ok");
    if (in.degraded_projects > 0) degrade(std::to_string(in.degraded_projects) + " projects degraded");
    return verdict;
}

readiness assess_readiness(bool first_cycle_finished, bool stopping) {
    if (stopping) return {false, "shutting down: the last cycle is draining"};
    if (!first_cycle_finished) return {false, "the first sync cycle has not finished yet"};
    return {true, ""};
}

}  // namespace hvs::service
