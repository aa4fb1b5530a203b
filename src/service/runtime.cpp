#include "hvs/service/runtime.hpp"

#include "hvs/letta/client.hpp"
#include "hvs/store/open.hpp"

namespace hvs::service {

net::client_params client_params_for(std::string name, const core::upstream_limits& limits, const core::config& cfg) {
    net::client_params params;
    params.name = std::move(name);
    params.pool.max_connections = limits.connections;
    params.retry = {cfg.http_attempts, cfg.retry_base, cfg.retry_max};
    params.timeout = cfg.http_timeout;
    params.tls = {cfg.tls_verify, cfg.tls_ca_file};
    params.breaker_failures = cfg.breaker_failures;
    params.breaker_cooldown = cfg.breaker_cooldown;
    return params;
}

sync::sync_settings sync_settings_from(const core::config& cfg) {
    sync::sync_settings s;
    s.dry_run = cfg.dry_run;
    s.incremental = cfg.incremental_sync;
    s.full_sync_every = cfg.full_sync_every;
    s.skip_empty_projects = cfg.skip_empty_projects;
    s.stacks_dir = cfg.stacks_dir;
    s.allowed_repo_roots = cfg.allowed_repo_roots;
    s.plan.policy = cfg.conflicts == core::conflict_policy::huly ? sync::winner::huly : sync::winner::vibe;
    s.plan.cancel_on_huly_delete = cfg.huly_delete == core::on_huly_delete::cancel;
    s.deletion_guard = {cfg.deletion_guard_min, cfg.deletion_guard_ratio};
    s.plan.names = {cfg.huly_status_todo, cfg.huly_status_inprogress, cfg.huly_status_inreview, cfg.huly_status_done,
                    cfg.huly_status_cancelled};
    return s;
}

runtime::runtime(net::executor ex, const core::config& cfg)
    : executor_(std::move(ex)),
      huly_limiter_(cfg.huly.rate, cfg.huly.burst),
      vibe_limiter_(cfg.vibe.rate, cfg.vibe.burst),
      letta_limiter_(cfg.letta.rate, cfg.letta.burst) {
    cycle_.max_workers = cfg.max_workers;
    cycle_.include_archived = cfg.huly_include_archived;
    cycle_.deadline = cfg.sync_timeout.count() > 0 ? cfg.sync_timeout : std::chrono::milliseconds::max();
}

result<std::unique_ptr<runtime>> runtime::create(net::executor ex, const core::config& cfg, std::ostream* plan_output) {
    if (cfg.huly_api_url.empty() || cfg.vibe_api_url.empty()) {
        return make_error(error_kind::invalid,
                          "HULY_API_URL and VIBE_API_URL must both be set (scripts/run.sh starts the simulators and "
                          "sets them)");
    }
    std::unique_ptr<runtime> rt(new runtime(ex, cfg));
    auto huly_url = net::parse_base_url(cfg.huly_api_url);
    if (!huly_url) return huly_url.error();
    auto vibe_url = net::parse_base_url(cfg.vibe_api_url);
    if (!vibe_url) return vibe_url.error();
    auto huly_http = net::http_client::create(ex, *huly_url, client_params_for("huly", cfg.huly, cfg), rt->huly_limiter_);
    if (!huly_http) return huly_http.error();
    rt->huly_http_ = std::move(*huly_http);
    auto vibe_http = net::http_client::create(ex, *vibe_url, client_params_for("vibe", cfg.vibe, cfg), rt->vibe_limiter_);
    if (!vibe_http) return vibe_http.error();
    rt->vibe_http_ = std::move(*vibe_http);
    rt->huly_ = std::make_unique<huly::client>(*rt->huly_http_);
    rt->vibe_ = std::make_unique<vibe::client>(*rt->vibe_http_);

    auto db = store::open_for_writing(cfg);
    if (!db) return db.error();
    rt->db_ = std::make_unique<store::db_worker>(std::move(*db));
    rt->blocking_ = std::make_unique<core::blocking_pool>();
    if (cfg.letta_enabled()) {
        auto letta_url = net::parse_base_url(cfg.letta_base_url);
        if (!letta_url) return letta_url.error();
        auto letta_http =
            net::http_client::create(ex, *letta_url, client_params_for("letta", cfg.letta, cfg), rt->letta_limiter_);
        if (!letta_http) return letta_http.error();
        rt->letta_http_ = std::move(*letta_http);
        rt->letta_ = std::make_unique<letta::client>(*rt->letta_http_, cfg.letta_password);
        agents::letta_settings settings;
        settings.control_agent = cfg.letta_control_agent;
        settings.control_tool_names = cfg.letta_control_tools;
        settings.model = cfg.letta_model;
        settings.embedding = cfg.letta_embedding;
        settings.human_block_id = cfg.letta_human_block_id;
        settings.sync_tools = cfg.letta_sync_tools_from_control;
        settings.force_tools = cfg.letta_sync_tools_force;
        settings.sync_persona = cfg.letta_sync_persona;
        settings.attach_repo_docs = cfg.letta_attach_repo_docs;
        settings.upload_project_files = cfg.letta_upload_project_files;
        settings.max_files = cfg.letta_max_files;
        settings.allowed_repo_roots = cfg.allowed_repo_roots;
        settings.allowed_repo_roots.push_back(cfg.stacks_dir);  // the same roots the sync accepts
        settings.status_names = sync_settings_from(cfg).plan.names;
        rt->letta_context_ = std::make_unique<agents::agent_context>(
            agents::agent_context{*rt->letta_, *rt->db_, *rt->blocking_, settings, log::logger("agents")});
    }
    if (store::uses_postgres(cfg) && !cfg.dry_run) {
        auto id = cfg.replica_id.empty() ? default_replica_id() : cfg.replica_id;
        rt->leases_ = std::make_unique<lease_keeper>(ex, *rt->db_, std::move(id), cfg.lease_ttl);
        rt->cycle_.leases = rt->leases_.get();
    }
    rt->cycle_.bounded_clients = {rt->huly_http_.get(), rt->vibe_http_.get()};
    if (rt->letta_http_) rt->cycle_.bounded_clients.push_back(rt->letta_http_.get());
    rt->context_ = std::make_unique<sync::sync_context>(
        sync::sync_context{*rt->huly_, *rt->vibe_, *rt->db_, sync_settings_from(cfg), log::logger("sync"), plan_output});
    return rt;
}

}  // namespace hvs::service

namespace hvs::service {

void runtime::sweep_idle_connections() {
    huly_http_->sweep_idle();
    vibe_http_->sweep_idle();
    if (letta_http_) letta_http_->sweep_idle();
}

}  // namespace hvs::service
