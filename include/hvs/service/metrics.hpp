#pragma once
// What /metrics serves: the service's counts as Prometheus text, one writer per group of families.

#include "hvs/net/http_client.hpp"
#include "hvs/service/change_feeds.hpp"
#include "hvs/service/health.hpp"
#include "hvs/service/scheduler.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace hvs::service {

// Everything /health and /metrics show of one upstream, gathered at one instant.
struct upstream_view {
    std::string name;
    net::client_stats client;
    net::pool_stats pool;
    net::limiter_stats limiter;
};

// Prometheus text exposition format 0.0.4.
[[nodiscard]] std::string render_metrics(const service_status& status, const std::vector<upstream_view>& upstreams,
                                         const std::vector<feed_view>& feeds, health_status health);

// The process's resident set size (0 when /proc cannot say).
[[nodiscard]] std::int64_t resident_memory_bytes();

}  // namespace hvs::service
