#pragma once
// The running service's parts, built from the configuration: one limiter, connection pool and
// typed client per upstream, the database (opened, migrated, on its own thread), and the sync
// context the cycles use.

#include "hvs/core/config.hpp"
#include "hvs/service/cycle.hpp"

#include <memory>
#include <ostream>

namespace hvs::service {

class runtime {
public:
    // Fails (error_kind::invalid or io) when an upstream is not configured or the database cannot
    // be opened, migrated or written.
    static result<std::unique_ptr<runtime>> create(net::executor ex, const core::config& cfg,
                                                   std::ostream* plan_output = nullptr);

    sync::sync_context& context() { return *context_; }
    store::db_worker& db() { return *db_; }
    net::http_client& huly_http() { return *huly_http_; }
    net::http_client& vibe_http() { return *vibe_http_; }
    // Null when Letta is not configured (LETTA_BASE_URL and LETTA_PASSWORD).
    net::http_client* letta_http() { return letta_http_.get(); }
    agents::agent_context* letta() { return letta_context_.get(); }
    [[nodiscard]] cycle_options cycle_settings() const { return cycle_; }
    // Null unless replicas share a PostgreSQL store (DATABASE_URL, not a dry run).
    lease_keeper* leases() { return leases_.get(); }
    [[nodiscard]] const net::executor& executor() const { return executor_; }
    void sweep_idle_connections();

private:
    runtime(net::executor ex, const core::config& cfg);

    net::executor executor_;
    net::rate_limiter huly_limiter_;
    net::rate_limiter vibe_limiter_;
    std::unique_ptr<net::http_client> huly_http_;
    std::unique_ptr<net::http_client> vibe_http_;
    std::unique_ptr<huly::client> huly_;
    std::unique_ptr<vibe::client> vibe_;
    net::rate_limiter letta_limiter_;
    std::unique_ptr<net::http_client> letta_http_;
    std::unique_ptr<letta::client> letta_;
    std::unique_ptr<agents::agent_context> letta_context_;
    std::unique_ptr<store::db_worker> db_;
    std::unique_ptr<core::blocking_pool> blocking_;  // git runs and repository file reads
    std::unique_ptr<sync::sync_context> context_;
    std::unique_ptr<lease_keeper> leases_;
    cycle_options cycle_;
};

// The HTTP client settings for one upstream, from the configuration.
[[nodiscard]] net::client_params client_params_for(std::string name, const core::upstream_limits& limits,
                                                   const core::config& cfg);

// The sync settings a configuration asks for.
[[nodiscard]] sync::sync_settings sync_settings_from(const core::config& cfg);

}  // namespace hvs::service
