#pragma once
// The operations HTTP surface on the service's io_context: GET /health (the detailed view),
// GET /livez (liveness: the event loop answers), GET /ready and /readyz (readiness, see
// assess_readiness), GET /metrics, POST /api/sync[?project=ID], GET /api/sync/history[?limit=N],
// POST /api/webhooks/huly (huly-change-watcher's deliveries, when HULY_WEBHOOK_URL is set: 202 at
// once, the body read into the feed's signals; the token may also come as ?token=, the watcher
// sending no headers).
// It keeps answering while the last cycle drains after a stop (/ready then 503). Mutating endpoints need
// "Authorization: Bearer $API_TOKEN" when API_TOKEN is set; refused attempts are logged (client
// address only, at a bounded rate). Bound to a non-loopback address, POST /api/sync is refused
// unless API_TOKEN is set, and /health shows no settings or upstream addresses without the token.
// Query values are strict (400), an unknown project is 404. Nothing it serves contains a secret.
// /health and /metrics also show the change feeds attached (attach_feeds) and the polling pace;
// render_metrics (metrics.hpp) writes /metrics.

#include "hvs/core/config.hpp"
#include "hvs/core/log.hpp"
#include "hvs/net/http_server.hpp"
#include "hvs/service/change_feeds.hpp"
#include "hvs/service/health.hpp"
#include "hvs/service/metrics.hpp"
#include "hvs/service/ops_requests.hpp"
#include "hvs/service/scheduler.hpp"

#include <map>
#include <string>

namespace hvs::service {

// `cycle_problems`: upstream -> why it refused or failed the last cycle (service_status::upstream_problems).
[[nodiscard]] std::vector<upstream_health> upstream_health_of(const std::vector<upstream_view>& upstreams,
                                                              const std::map<std::string, std::string>& cycle_problems);
class ops_server {
public:
    ops_server(runtime& rt, scheduler& loop, service_status& status, const core::config& cfg);

    result<std::uint16_t> listen(const std::string& host, std::uint16_t port);
    // The change feeds /health and /metrics show and webhooks are given to (none attached: the
    // service has none).
    void attach_feeds(change_feeds* feeds) { feeds_ = feeds; }
    void stop() { server_.stop(); }
    // The HTTP server's counts (connections_open falls to zero once every session has ended).
    [[nodiscard]] net::server_stats server_stats() const { return server_.stats(); }

private:
    net::task<std::optional<net::server_response>> handle(net::server_request req, std::string client);
    net::server_response health() const;
    // /health for a caller that may not see settings or upstream addresses.
    net::server_response anonymous_health() const;
    net::task<net::server_response> history(int limit);
    net::task<net::server_response> trigger_sync(std::optional<std::string> project);
    net::server_response huly_webhook(const net::server_request& req);
    [[nodiscard]] std::vector<upstream_view> upstreams() const;
    [[nodiscard]] std::vector<feed_view> feed_views() const;
    // What assess_health judges, read now.
    [[nodiscard]] health_inputs health_now(const std::vector<upstream_view>& upstreams,
                                           const std::vector<feed_view>& feeds) const;
    [[nodiscard]] bool token_matches(const net::server_request& req) const;
    // token_matches, logging a refusal (never the token given).
    bool authorized(const net::server_request& req, const std::string& client);
    // The same, or the one value of `query_token` is API_TOKEN (a refusal is logged without the
    // target's query).
    bool authorized(const net::server_request& req, const std::string& client, const query_values& query_token);
    void log_refusal(const net::server_request& req, std::string_view target, const std::string& client,
                     std::string_view why);

    runtime& rt_;
    scheduler& loop_;
    change_feeds* feeds_ = nullptr;
    service_status& status_;
    const core::config& cfg_;
    bool loopback_only_ = true;  // every address listened on is a loopback one
    log_throttle refusal_log_;
    log::logger log_{"ops"};
    net::http_server server_;
};

}  // namespace hvs::service
