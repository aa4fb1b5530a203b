#include "hvs/service/ops_server.hpp"

#include "hvs/core/json.hpp"
#include "hvs/net/url.hpp"
#include "hvs/service/agent_work.hpp"
#include "hvs/store/project_repository.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <sstream>

namespace hvs::service {
namespace {

namespace json = boost::json;
namespace http = boost::beast::http;

net::server_response json_reply(http::status code, const json::value& body) {
    net::server_response res{code, 11};
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    res.body() = json::serialize(body);
    res.prepare_payload();
    return res;
}

json::object cycle_json(const store::cycle_record& r) {
    boost::system::error_code ec;
    auto errors = json::parse(r.errors_json, ec);
    if (ec) errors = json::array{};
    auto agent_work = json::parse(r.agent_work_json, ec);
    if (ec) agent_work = json::object{};
    return {{"started_at", r.started_at},
            {"finished_at", r.finished_at},
            {"outcome", r.outcome},
            {"projects_ok", r.projects_ok},
            {"projects_failed", r.projects_failed},
            {"tasks_created", r.tasks_created},
            {"tasks_updated", r.tasks_updated},
            {"issues_updated", r.issues_updated},
            {"conflicts", r.conflicts},
            {"errors", std::move(errors)},
            {"agent_work", std::move(agent_work)}};
}

std::vector<feed_health> feed_health_of(const std::vector<feed_view>& feeds) {
    std::vector<feed_health> out;
    for (const auto& f : feeds) out.push_back({f.name, f.stats.connected, f.stats.since});
    return out;
}

json::value time_or_null(const std::optional<std::chrono::system_clock::time_point>& at) {
    if (!at) return nullptr;
    return json::value(core::iso8601_ms(
        std::chrono::duration_cast<std::chrono::milliseconds>(at->time_since_epoch()).count()));
}

// /health's "feeds": what each change feed is doing (no address: the settings show those).
json::array feeds_json(const std::vector<feed_view>& feeds) {
    json::array out;
    for (const auto& f : feeds) {
        const auto& st = f.stats;
        out.push_back(json::object{
            {"name", f.name},
            {"source", f.source},
            {"connected", st.connected},
            {"since", time_or_null(st.since)},
            {"last_event", time_or_null(st.last_event)},
            {"events", st.events},
            {"reconnects", st.reconnects},
            {"resyncs", st.resyncs},
            {"last_error", st.last_error.empty() ? json::value(nullptr) : json::value(log::redacted(st.last_error))}});
    }
    return out;
}

}  // namespace

std::vector<upstream_health> upstream_health_of(const std::vector<upstream_view>& upstreams,
                                                const std::map<std::string, std::string>& cycle_problems) {
    std::vector<upstream_health> out;
    for (const auto& u : upstreams) {
        bool failing = u.client.breaker_state != "closed" || u.client.consecutive_failures > 0;
        // Refused credentials count at once, whatever the cycle made of them.
        std::string problem = !u.client.refusal.empty()          ? "refused the credentials: " + u.client.refusal
                              : !u.client.rate_limited_for.empty() ? u.client.rate_limited_for
                                                                   : "";
        if (auto it = cycle_problems.find(u.name); problem.empty() && it != cycle_problems.end()) problem = it->second;
        out.push_back({u.name, !failing, u.client.breaker_state, failing ? u.client.last_error : "", problem});
    }
    return out;
}

ops_server::ops_server(runtime& rt, scheduler& loop, service_status& status, const core::config& cfg)
    : rt_(rt),
      loop_(loop),
      status_(status),
      cfg_(cfg),
      refusal_log_(0.1, 5, std::chrono::steady_clock::now()),  // 5 lines at once, then one per 10 s
      server_(rt.executor(), net::server_params{}, [this](net::server_request req, std::string client) {
          return handle(std::move(req), std::move(client));
      }) {}

result<std::uint16_t> ops_server::listen(const std::string& host, std::uint16_t port) {
    loopback_only_ = loopback_only_ && is_loopback_address(host);
    return server_.listen(host, port);
}

std::vector<upstream_view> ops_server::upstreams() const {
    std::vector<upstream_view> out;
    out.push_back({"huly", rt_.huly_http().stats(), rt_.huly_http().pool(), rt_.huly_http().limiter()});
    out.push_back({"vibe", rt_.vibe_http().stats(), rt_.vibe_http().pool(), rt_.vibe_http().limiter()});
    if (auto* letta = rt_.letta_http()) out.push_back({"letta", letta->stats(), letta->pool(), letta->limiter()});
    return out;
}

bool ops_server::token_matches(const net::server_request& req) const {
    if (cfg_.api_token.empty()) return false;
    return same_secret(req[http::field::authorization], "Bearer " + cfg_.api_token);
}

bool ops_server::authorized(const net::server_request& req, const std::string& client) {
    if (cfg_.api_token.empty() || token_matches(req)) return true;
    const bool given = !req[http::field::authorization].empty();
    log_refusal(req, req.target(), client, given ? "wrong bearer token" : "no bearer token");
    return false;
}

bool ops_server::authorized(const net::server_request& req, const std::string& client, const query_values& query_token) {
    if (cfg_.api_token.empty() || token_matches(req)) return true;
    if (auto token = single_value(query_token); token && same_secret(*token, cfg_.api_token)) return true;
    const bool given = !req[http::field::authorization].empty() || !query_token.empty();
    log_refusal(req, without_query(req.target()), client, given ? "wrong token" : "no token");
    return false;
}

void ops_server::log_refusal(const net::server_request& req, std::string_view target, const std::string& client,
                             std::string_view why) {
    if (auto left_out = refusal_log_.admit(std::chrono::steady_clock::now())) {
        HVS_LOG(log_, warning) << "refused " << req.method_string() << " " << target.substr(0, 200) << " from "
                               << client << ": " << why
                               << (*left_out > 0 ? " (" + std::to_string(*left_out) + " more refusals not logged)" : "");
    }
}

net::server_response ops_server::anonymous_health() const {
    auto res = health();
    boost::system::error_code ec;
    auto body = json::parse(res.body(), ec);
    if (ec || !body.is_object()) return res;
    body.as_object().erase("config");
    std::vector<std::string> addresses;
    for (const auto* url : {&cfg_.huly_api_url, &cfg_.vibe_api_url, &cfg_.letta_base_url, &cfg_.huly_events_url}) {
        auto parsed = net::parse_base_url(*url);
        if (!parsed) continue;
        addresses.push_back(parsed->where.to_string());
        addresses.push_back(parsed->where.host + ":" + std::to_string(parsed->where.port));
        addresses.push_back(parsed->where.host_header());
    }
    res.body() = hide_addresses(json::serialize(body), std::move(addresses));
    res.prepare_payload();
    return res;
}

std::vector<feed_view> ops_server::feed_views() const {
    return feeds_ ? feeds_->views() : std::vector<feed_view>{};
}

health_inputs ops_server::health_now(const std::vector<upstream_view>& upstreams,
                                     const std::vector<feed_view>& feeds) const {
    health_inputs in;
    in.now = std::chrono::system_clock::now();
    in.started = status_.started;
    in.last_success = status_.last_success;
    in.interval = status_.poll_interval;  // SYNC_INTERVAL_WITH_EVENTS while the feeds keep polls slow
    in.last_cycle_failed = status_.last_cycle && status_.last_cycle->outcome != "ok";
    in.degraded_projects = static_cast<int>(status_.failing_projects.size());
    in.upstreams = upstream_health_of(upstreams, status_.upstream_problems);
    in.feeds = feed_health_of(feeds);
    return in;
}

net::server_response ops_server::health() const {
    auto views = upstreams();
    auto feeds = feed_views();
    auto in = health_now(views, feeds);
    auto verdict = assess_health(in);

    json::object body;
    body["status"] = std::string(to_string(verdict.status));
    body["service"] = "huly-vibe-sync";
    body["version"] = HVS_VERSION;
    body["uptime_seconds"] = std::chrono::duration_cast<std::chrono::seconds>(in.now - status_.started).count();
    json::array reasons;
    for (auto& r : verdict.reasons) reasons.push_back(json::value(log::redacted(r)));
    body["reasons"] = std::move(reasons);
    body["cycle_running"] = status_.running;
    body["last_cycle"] = status_.last_cycle ? json::value(cycle_json(*status_.last_cycle)) : json::value(nullptr);
    if (status_.last_cycle) body["last_cycle"].as_object()["duration_seconds"] = status_.last_cycle_seconds;
    json::object totals;
    for (const auto& [outcome, n] : status_.cycles_by_outcome) totals["cycles_" + outcome] = n;
    totals["tasks_created"] = status_.tasks_created;
    totals["tasks_updated"] = status_.tasks_updated;
    totals["issues_updated"] = status_.issues_updated;
    totals["conflicts"] = status_.conflicts;
    body["totals"] = std::move(totals);
    if (!status_.replica_id.empty()) {
        json::object replica{{"id", status_.replica_id}};
        if (status_.leases) {
            replica["live_replicas"] = status_.leases->live_replicas;
            replica["projects"] = status_.leases->projects;
            replica["projects_claimed"] = status_.leases->claimed;
            replica["projects_held_elsewhere"] = status_.leases->held_elsewhere;
        }
        body["replica"] = std::move(replica);
    }
    json::object failing;
    for (const auto& [project, reason] : status_.failing_projects) failing[project] = log::redacted(reason);
    body["failing_projects"] = std::move(failing);
    json::object duplicates;
    for (const auto& [project, n] : status_.duplicate_tasks) duplicates[project] = n;
    body["duplicate_tasks"] = std::move(duplicates);
    body["errors"] = json::object{{"count", status_.project_failures},
                                  {"last", status_.last_error.empty()
                                               ? json::value(nullptr)
                                               : json::value(json::object{{"message", log::redacted(status_.last_error)},
                                                                          {"at", status_.last_error_at}})}};
    json::object config;
    for (const auto& [name, value] : core::effective_settings(cfg_)) config[name] = value;
    body["config"] = std::move(config);
    body["memory"] = json::object{{"resident_bytes", resident_memory_bytes()}};
    json::object ups;
    for (std::size_t i = 0; i < views.size(); ++i) {
        const auto& u = views[i];
        const auto& judged = in.upstreams[i];
        const std::string why = upstream_reason(judged);
        ups[u.name] = json::object{
            {"status", std::string(upstream_status(judged))},
            {"reason", why.empty() ? json::value(nullptr) : json::value(log::redacted(why))},
            {"breaker", u.client.breaker_state},
            {"requests", u.client.requests},
            {"failures", u.client.failures},
            {"last_error", u.client.last_error.empty() ? json::value(nullptr) : json::value(log::redacted(u.client.last_error))},
            {"pool", json::object{{"open", u.pool.open}, {"idle", u.pool.idle}, {"waiting", u.pool.waiting},
                                  {"created", u.pool.created}, {"reused", u.pool.reused}}},
            {"limiter", json::object{{"tokens", u.limiter.tokens}, {"waits", u.limiter.waits},
                                     {"waiting", u.limiter.waiting}, {"pauses", u.limiter.pauses}}}};
    }
    body["upstreams"] = std::move(ups);
    body["feeds"] = feeds_json(feeds);
    body["polling"] = json::object{
        {"interval_ms", status_.poll_interval.count()},
        {"full_polls", status_.full_polls},
        {"change_syncs", status_.change_syncs},
        {"reason", polling_reason(in.feeds)}};
    return json_reply(verdict.status == health_status::unhealthy ? http::status::service_unavailable : http::status::ok,
                      body);
}

net::task<net::server_response> ops_server::history(int limit) {
    auto job = [limit](store::database& db) { return store::load_cycles(db, limit); };
    auto cycles = co_await rt_.db().run(std::move(job));
    if (!cycles) co_return json_reply(http::status::internal_server_error, json::object{{"error", "history unavailable"}});
    json::array out;
    for (const auto& c : *cycles) out.push_back(cycle_json(c));
    co_return json_reply(http::status::ok, out);
}

namespace {

enum class project_lookup { known, unknown, no_list_yet };

net::server_response query_error(const error& e) {
    return json_reply(http::status::bad_request, json::object{{"error", e.message}});
}

}  // namespace

net::task<net::server_response> ops_server::trigger_sync(std::optional<std::string> project) {
    if (project && !status_.failing_projects.contains(*project)) {
        auto job = [id = *project](store::database& db) -> result<project_lookup> {
            auto row = store::load_project(db, id);
            if (!row) return row.error();
            if (*row) return project_lookup::known;
            auto all = store::load_projects(db);
            if (!all) return all.error();
            return all->empty() ? project_lookup::no_list_yet : project_lookup::unknown;
        };
        auto lookup = co_await rt_.db().run(std::move(job));
        if (!lookup) co_return json_reply(http::status::internal_server_error, json::object{{"error", "project list unavailable"}});
        if (*lookup == project_lookup::unknown) {
            co_return json_reply(http::status::not_found,
                                 json::object{{"error", "unknown project '" + *project +
                                                            "': not among the projects of the last cycles "
                                                            "(POST /api/sync without project looks for new ones)"}});
        }
        if (*lookup == project_lookup::no_list_yet) {
            auto res = json_reply(http::status::service_unavailable,
                                  json::object{{"error", "no cycle has listed the projects yet; try again after the first one"}});
            res.set(http::field::retry_after, "10");
            co_return res;
        }
    }
    bool was_running = status_.running;
    loop_.trigger(project);
    co_return json_reply(http::status::accepted,
                         json::object{{"accepted", true},
                                      {"queued", was_running},
                                      {"project", project ? json::value(*project) : json::value(nullptr)}});
}

net::server_response ops_server::huly_webhook(const net::server_request& req) {
    if (!feeds_ || !feeds_->receives_huly_webhooks()) {
        return json_reply(http::status::not_found, json::object{{"error", "HULY_WEBHOOK_URL is not set"}});
    }
    // Bodies over the server's limit (1 MiB) were answered 413 before this.
    auto readable = feeds_->receive_huly_webhook(req.body());
    if (!readable) {
        return json_reply(http::status::bad_request,
                          json::object{{"error", "unreadable watcher delivery: " + readable.error().message +
                                                     " (every project will be synced)"}});
    }
    return json_reply(http::status::accepted, json::object{{"accepted", true}});
}

net::task<std::optional<net::server_response>> ops_server::handle(net::server_request req, std::string client) {
    auto target = boost::urls::parse_origin_form(req.target());
    if (!target) co_return json_reply(http::status::bad_request, json::object{{"error", "bad target"}});
    std::string path = target->path();
    auto values = [&](std::string_view key) {
        query_values out;
        for (auto p : target->params()) {
            if (p.key == key) out.emplace_back(p.has_value ? std::string(p.value) : std::string());
        }
        return out;
    };
    const auto method = req.method();
    const bool read = method == http::verb::get || method == http::verb::head;

    if (path == "/health" && read) {
        if (loopback_only_ || token_matches(req)) co_return health();
        co_return anonymous_health();
    }
    // Process-only: answering at all proves the event loop runs; no upstream or cycle counts.
    if (path == "/livez" && read) co_return json_reply(http::status::ok, json::object{{"live", true}});
    if ((path == "/ready" || path == "/readyz") && read) {
        auto verdict = assess_readiness(status_.last_cycle.has_value(), status_.stopping);
        if (verdict.ready) co_return json_reply(http::status::ok, json::object{{"ready", true}});
        co_return json_reply(http::status::service_unavailable,
                             json::object{{"ready", false}, {"reason", verdict.reason}});
    }
    if (path == "/metrics" && read) {
        auto views = upstreams();
        auto feeds = feed_views();
        net::server_response res{http::status::ok, 11};
        res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        res.body() = render_metrics(status_, views, feeds, assess_health(health_now(views, feeds)).status);
        res.prepare_payload();
        co_return res;
    }
    if (path == "/api/sync/history" && read) {
        auto limit = parse_history_limit(values("limit"));
        if (!limit) co_return query_error(limit.error());
        co_return co_await history(*limit);
    }
    if (path == "/api/sync" || path == "/api/webhooks/huly") {
        if (method != http::verb::post) {
            auto res = json_reply(http::status::method_not_allowed, json::object{{"error", "use POST"}});
            res.set(http::field::allow, "POST");
            co_return res;
        }
        if (!loopback_only_ && cfg_.api_token.empty()) {
            co_return json_reply(http::status::forbidden,
                                 json::object{{"error", "refused: the ops server listens on a non-loopback address "
                                                        "and API_TOKEN is not set"}});
        }
        const bool webhook = path == "/api/webhooks/huly";
        const bool allowed = webhook ? authorized(req, client, values("token")) : authorized(req, client);
        if (!allowed) {
            auto res = json_reply(http::status::unauthorized, json::object{{"error", "missing or wrong bearer token"}});
            res.set(http::field::www_authenticate, "Bearer");
            co_return res;
        }
        if (webhook) co_return huly_webhook(req);
        auto project = parse_project_param(values("project"));
        if (!project) co_return query_error(project.error());
        co_return co_await trigger_sync(std::move(*project));
    }
    co_return json_reply(http::status::not_found, json::object{{"error", "not found"}});
}

}  // namespace hvs::service
