#pragma once
// The operations HTTP surface on the service's io_context: GET /health, GET /metrics, GET /ready,
// POST /api/sync[?project=ID], GET /api/sync/history[?limit=N]. Mutating endpoints need
// "Authorization: Bearer $API_TOKEN" when API_TOKEN is set. Nothing it serves contains a secret.

#include "hvs/core/config.hpp"
#include "hvs/net/http_server.hpp"
#include "hvs/service/health.hpp"
#include "hvs/service/scheduler.hpp"

#include <map>
#include <string>

namespace hvs::service {

// Everything /health and /metrics show, gathered at one instant.
struct upstream_view {
    std::string name;
    net::client_stats client;
    net::pool_stats pool;
    net::limiter_stats limiter;
};

// `cycle_problems`: upstream -> why it refused or failed the last cycle (service_status::upstream_problems).
[[nodiscard]] std::vector<upstream_health> upstream_health_of(const std::vector<upstream_view>& upstreams,
                                                              const std::map<std::string, std::string>& cycle_problems);
// Prometheus text exposition format 0.0.4.
[[nodiscard]] std::string render_metrics(const service_status& status, const std::vector<upstream_view>& upstreams,
                                         health_status health);

class ops_server {
public:
    ops_server(runtime& rt, scheduler& loop, service_status& status, const core::config& cfg);

    result<std::uint16_t> listen(const std::string& host, std::uint16_t port) { return server_.listen(host, port); }
    void stop() { server_.stop(); }

private:
    net::task<std::optional<net::server_response>> handle(net::server_request req);
    net::server_response health() const;
    net::task<net::server_response> history(int limit);
    [[nodiscard]] std::vector<upstream_view> upstreams() const;
    [[nodiscard]] bool authorized(const net::server_request& req) const;

    runtime& rt_;
    scheduler& loop_;
    service_status& status_;
    const core::config& cfg_;
    net::http_server server_;
};

}  // namespace hvs::service
