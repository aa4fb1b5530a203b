#include "hvs/service/ops_server.hpp"

#include "hvs/core/json.hpp"
#include "hvs/net/url.hpp"
#include "hvs/service/agent_work.hpp"
#include "hvs/store/project_repository.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <unistd.h>

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

std::int64_t resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    if (!(statm >> pages >> resident)) return 0;
    return static_cast<std::int64_t>(resident) * sysconf(_SC_PAGESIZE);
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

std::string label_escape(std::string_view v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

std::string_view agent_metric_help(std::string_view family) {
    if (family == "hvs_letta_writes_total") return "Writes Letta confirmed for PM agents, by kind";
    if (family == "hvs_agent_drift_total") return "Differences between a PM agent and what Letta holds, found and repaired";
    return "PM agent work";
}

// Shortest text that reads back as the same double (0.1 is "0.1", not "0.10000000000000001":
// Prometheus matches `le` labels as text), with Prometheus's spellings of the special values.
std::string number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char text[32];
    auto written = std::to_chars(text, text + sizeof text, v);
    return std::string(text, written.ptr);
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

std::string render_metrics(const service_status& s, const std::vector<upstream_view>& upstreams, health_status health) {
    std::string out;
    auto metric = [&](std::string_view name, std::string_view type, std::string_view help) {
        out += "# HELP " + std::string(name) + " " + std::string(help) + "\n# TYPE " + std::string(name) + " " +
               std::string(type) + "\n";
    };
    auto sample = [&](std::string_view name, std::string labels, double value) {
        out += std::string(name) + (labels.empty() ? "" : "{" + labels + "}") + " " + number(value) + "\n";
    };
    // A histogram's cumulative buckets, sum and count; `labels` come before `le`.
    auto histogram = [&](std::string_view name, const std::string& labels, const auto& h) {
        const std::string prefix = labels.empty() ? "" : labels + ",";
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < h.bounds.size(); ++i) {
            cumulative += h.counts[i];
            sample(std::string(name) + "_bucket", prefix + "le=\"" + number(h.bounds[i]) + "\"",
                   static_cast<double>(cumulative));
        }
        cumulative += h.counts.back();
        sample(std::string(name) + "_bucket", prefix + "le=\"+Inf\"", static_cast<double>(cumulative));
        sample(std::string(name) + "_sum", labels, h.sum);
        sample(std::string(name) + "_count", labels, static_cast<double>(cumulative));
    };

    metric("hvs_up", "gauge", "1 while the service runs; health: 0 healthy, 1 degraded, 2 unhealthy in hvs_health");
    sample("hvs_up", "", 1);
    metric("hvs_health", "gauge", "0 healthy, 1 degraded, 2 unhealthy");
    sample("hvs_health", "", static_cast<double>(health));
    metric("hvs_cycles_total", "counter", "Sync cycles by outcome");
    for (const char* outcome : {"ok", "partial", "failed", "timeout", "interrupted"}) {
        auto it = s.cycles_by_outcome.find(outcome);
        sample("hvs_cycles_total", "outcome=\"" + std::string(outcome) + "\"",
               static_cast<double>(it == s.cycles_by_outcome.end() ? 0 : it->second));
    }
    metric("hvs_cycle_duration_seconds", "histogram", "Duration of sync cycles");
    histogram("hvs_cycle_duration_seconds", "", s.durations);
    metric("hvs_last_success_timestamp_seconds", "gauge",
           "When the last cycle in which every project succeeded ended (0: none since the start)");
    sample("hvs_last_success_timestamp_seconds", "",
           s.last_success ? std::chrono::duration<double>(s.last_success->time_since_epoch()).count() : 0.0);
    metric("hvs_build_info", "gauge", "Always 1; the version of the running binary in its label");
    sample("hvs_build_info", "version=\"" + label_escape(HVS_VERSION) + "\"", 1);
    metric("hvs_writes_total", "counter", "Writes confirmed by the upstreams, by kind");
    sample("hvs_writes_total", "kind=\"task_created\"", static_cast<double>(s.tasks_created));
    sample("hvs_writes_total", "kind=\"task_updated\"", static_cast<double>(s.tasks_updated));
    sample("hvs_writes_total", "kind=\"issue_updated\"", static_cast<double>(s.issues_updated));
    metric("hvs_conflicts_total", "counter", "Fields changed on both sides since the last sync");
    sample("hvs_conflicts_total", "", static_cast<double>(s.conflicts));
    metric("hvs_projects_failing", "gauge", "Projects that failed in the last cycle");
    sample("hvs_projects_failing", "", static_cast<double>(s.failing_projects.size()));
    // One series, not one per project: labels stay bounded with thousands of projects (/health
    // and the history name the projects).
    metric("hvs_agent_failures_total", "counter", "Projects whose PM agent work failed, summed over cycles");
    sample("hvs_agent_failures_total", "", static_cast<double>(s.agent_failures));
    // Every count of agents::agent_counts, summed over projects and cycles (no project label).
    std::string_view family;
    for (const auto& count : agents::agent_counts(agents::agent_outcome{})) {
        if (count.metric != family) {
            family = count.metric;
            metric(family, "counter", agent_metric_help(family));
        }
        auto total = s.agent_work.find(count.name);
        sample(count.metric, std::string(count.label),
               total == s.agent_work.end() ? 0.0 : static_cast<double>(total->second));
    }
    if (!s.replica_id.empty()) {
        metric("hvs_replicas_live", "gauge", "Replicas sharing the PostgreSQL store, as this one last saw them");
        sample("hvs_replicas_live", "", s.leases ? static_cast<double>(s.leases->live_replicas) : 0.0);
        metric("hvs_projects_leased", "gauge", "Projects whose lease this replica held in its last cycle");
        sample("hvs_projects_leased", "", s.leases ? static_cast<double>(s.leases->claimed) : 0.0);
    }
    metric("hvs_duplicate_tasks", "gauge",
           "Vibe tasks carrying the marker of an issue another task carries too (repair duplicates removes them)");
    double duplicates = 0;
    for (const auto& [project, n] : s.duplicate_tasks) duplicates += n;
    sample("hvs_duplicate_tasks", "", duplicates);

    metric("hvs_upstream_requests_total", "counter", "Requests answered by each upstream, by HTTP status");
    for (const auto& u : upstreams) {
        for (const auto& [code, n] : u.client.by_status) {
            sample("hvs_upstream_requests_total",
                   "upstream=\"" + label_escape(u.name) + "\",status=\"" + std::to_string(code) + "\"",
                   static_cast<double>(n));
        }
    }
    metric("hvs_upstream_errors_total", "counter", "Failed upstream calls by error kind");
    for (const auto& u : upstreams) {
        for (const auto& [kind, n] : u.client.errors) {
            sample("hvs_upstream_errors_total", "upstream=\"" + label_escape(u.name) + "\",kind=\"" + kind + "\"",
                   static_cast<double>(n));
        }
    }
    auto per_upstream = [&](std::string_view name, std::string_view type, std::string_view help, auto value) {
        metric(name, type, help);
        for (const auto& u : upstreams) sample(name, "upstream=\"" + label_escape(u.name) + "\"", value(u));
    };
    metric("hvs_upstream_request_duration_seconds", "histogram",
           "Duration of each call to an upstream, retries and waits included");
    for (const auto& u : upstreams) {
        histogram("hvs_upstream_request_duration_seconds", "upstream=\"" + label_escape(u.name) + "\"",
                  u.client.durations);
    }
    per_upstream("hvs_upstream_calls_total", "counter", "Calls to each upstream", [](const upstream_view& u) {
        return static_cast<double>(u.client.requests);
    });
    per_upstream("hvs_upstream_retries_total", "counter", "Retried attempts", [](const upstream_view& u) {
        return static_cast<double>(u.client.retries);
    });
    per_upstream("hvs_upstream_rate_limited_total", "counter", "429 answers", [](const upstream_view& u) {
        return static_cast<double>(u.client.rate_limited);
    });
    per_upstream("hvs_upstream_latency_seconds_total", "counter", "Total time spent in completed calls",
                 [](const upstream_view& u) { return u.client.latency_seconds; });
    per_upstream("hvs_upstream_breaker_open", "gauge", "1 while the circuit breaker is not closed",
                 [](const upstream_view& u) { return u.client.breaker_state == "closed" ? 0.0 : 1.0; });
    per_upstream("hvs_pool_connections_open", "gauge", "Open connections", [](const upstream_view& u) {
        return static_cast<double>(u.pool.open);
    });
    per_upstream("hvs_pool_connections_idle", "gauge", "Idle keep-alive connections", [](const upstream_view& u) {
        return static_cast<double>(u.pool.idle);
    });
    per_upstream("hvs_pool_waiting", "gauge", "Callers waiting for a connection", [](const upstream_view& u) {
        return static_cast<double>(u.pool.waiting);
    });
    per_upstream("hvs_limiter_tokens", "gauge", "Tokens available in the rate limiter", [](const upstream_view& u) {
        return u.limiter.tokens;
    });
    per_upstream("hvs_limiter_waits_total", "counter", "Requests that waited for a token", [](const upstream_view& u) {
        return static_cast<double>(u.limiter.waits);
    });
    per_upstream("hvs_limiter_waiting", "gauge", "Requests waiting for a token now", [](const upstream_view& u) {
        return static_cast<double>(u.limiter.waiting);
    });
    metric("hvs_resident_memory_bytes", "gauge", "Resident set size");
    sample("hvs_resident_memory_bytes", "", static_cast<double>(resident_bytes()));
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
    std::string expected = "Bearer " + cfg_.api_token;
    std::string_view given = req[http::field::authorization];
    if (given.size() != expected.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) diff |= static_cast<unsigned char>(given[i] ^ expected[i]);
    return diff == 0;
}

bool ops_server::authorized(const net::server_request& req, const std::string& client) {
    if (cfg_.api_token.empty() || token_matches(req)) return true;
    if (auto left_out = refusal_log_.admit(std::chrono::steady_clock::now())) {
        const bool given = !req[http::field::authorization].empty();
        HVS_LOG(log_, warning) << "refused " << req.method_string() << " " << req.target().substr(0, 200) << " from "
                               << client << ": " << (given ? "wrong bearer token" : "no bearer token")
                               << (*left_out > 0 ? " (" + std::to_string(*left_out) + " more refusals not logged)" : "");
    }
    return false;
}

net::server_response ops_server::anonymous_health() const {
    auto res = health();
    boost::system::error_code ec;
    auto body = json::parse(res.body(), ec);
    if (ec || !body.is_object()) return res;
    body.as_object().erase("config");
    std::vector<std::string> addresses;
    for (const auto* url : {&cfg_.huly_api_url, &cfg_.vibe_api_url, &cfg_.letta_base_url}) {
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

net::server_response ops_server::health() const {
    auto views = upstreams();
    health_inputs in;
    in.now = std::chrono::system_clock::now();
    in.started = status_.started;
    in.last_success = status_.last_success;
    in.interval = cfg_.sync_interval;
    in.last_cycle_failed = status_.last_cycle && status_.last_cycle->outcome != "ok";
    in.degraded_projects = static_cast<int>(status_.failing_projects.size());
    in.upstreams = upstream_health_of(views, status_.upstream_problems);
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
    body["memory"] = json::object{{"resident_bytes", resident_bytes()}};
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
        health_inputs in{std::chrono::system_clock::now(), status_.started, status_.last_success, cfg_.sync_interval,
                         status_.last_cycle && status_.last_cycle->outcome != "ok",
                         static_cast<int>(status_.failing_projects.size()),
                         upstream_health_of(views, status_.upstream_problems)};
        net::server_response res{http::status::ok, 11};
        res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        res.body() = render_metrics(status_, views, assess_health(in).status);
        res.prepare_payload();
        co_return res;
    }
    if (path == "/api/sync/history" && read) {
        auto limit = parse_history_limit(values("limit"));
        if (!limit) co_return query_error(limit.error());
        co_return co_await history(*limit);
    }
    if (path == "/api/sync") {
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
        if (!authorized(req, client)) {
            auto res = json_reply(http::status::unauthorized, json::object{{"error", "missing or wrong bearer token"}});
            res.set(http::field::www_authenticate, "Bearer");
            co_return res;
        }
        auto project = parse_project_param(values("project"));
        if (!project) co_return query_error(project.error());
        co_return co_await trigger_sync(std::move(*project));
    }
    co_return json_reply(http::status::not_found, json::object{{"error", "not found"}});
}

}  // namespace hvs::service
