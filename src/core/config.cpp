#include "hvs/core/config.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace hvs::core {
namespace {

using apply_fn = std::function<std::optional<std::string>(config&, std::string_view)>;  // nullopt = ok, else allowed
using show_fn = std::function<std::string(const config&)>;

struct setting {
    setting_info info;
    apply_fn apply;
    show_fn show;
    bool is_bool = false;
    bool is_url = false;  // its value is shown without credentials
};

std::string flag_of(std::string_view env) {
    std::string flag = "--";
    for (char c : env) flag += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return flag;
}

std::string trim(std::string_view s) {
    auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    auto last = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(first, last - first + 1));
}

template <class Int>
std::optional<Int> parse_int(std::string_view text) {
    Int value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::optional<double> parse_double(std::string_view text) {
    if (text.empty()) return std::nullopt;
    std::string copy(text);
    char* end = nullptr;
    double value = std::strtod(copy.c_str(), &end);
    if (end != copy.c_str() + copy.size() || !(value >= 0) || value > 1e9) return std::nullopt;
    return value;
}

std::optional<bool> parse_bool(std::string_view text) {
    if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
    if (text == "false" || text == "0" || text == "no" || text == "off") return false;
    return std::nullopt;
}

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> items;
    std::string current;
    for (char c : text) {
        if (c == ',' || c == ':') {
            if (auto item = trim(current); !item.empty()) items.push_back(item);
            current.clear();
        } else {
            current += c;
        }
    }
    if (auto item = trim(current); !item.empty()) items.push_back(item);
    return items;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += sep;
        out += item;
    }
    return out;
}

setting make(std::string env, std::string def, std::string allowed, std::string description, apply_fn apply,
             show_fn show) {
    setting s;
    s.info = {env, flag_of(env), std::move(def), std::move(allowed), std::move(description), false};
    s.apply = std::move(apply);
    s.show = std::move(show);
    return s;
}

template <class Int>
setting int_setting(std::string env, Int config::*field, Int min, Int max, std::string description) {
    std::string allowed = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
    config defaults;
    return make(env, std::to_string(defaults.*field), allowed, std::move(description),
                [=](config& c, std::string_view v) -> std::optional<std::string> {
                    auto n = parse_int<Int>(v);
                    if (!n || *n < min || *n > max) return allowed;
                    c.*field = *n;
                    return std::nullopt;
                },
                [=](const config& c) { return std::to_string(c.*field); });
}

setting duration_setting(std::string env, milliseconds config::*field, std::int64_t max_ms, std::string description,
                         std::int64_t min_ms = 0) {
    std::string allowed = "milliseconds from " + std::to_string(min_ms) + " to " + std::to_string(max_ms);
    config defaults;
    return make(env, std::to_string((defaults.*field).count()), allowed, std::move(description),
                [=](config& c, std::string_view v) -> std::optional<std::string> {
                    auto n = parse_int<std::int64_t>(v);
                    if (!n || *n < min_ms || *n > max_ms) return allowed;
                    c.*field = milliseconds{*n};
                    return std::nullopt;
                },
                [=](const config& c) { return std::to_string((c.*field).count()); });
}

setting bool_setting(std::string env, bool config::*field, std::string description) {
    config defaults;
    auto s = make(env, defaults.*field ? "true" : "false", "true or false", std::move(description),
                  [=](config& c, std::string_view v) -> std::optional<std::string> {
                      auto b = parse_bool(v);
                      if (!b) return std::string("true or false");
                      c.*field = *b;
                      return std::nullopt;
                  },
                  [=](const config& c) { return std::string(c.*field ? "true" : "false"); });
    s.is_bool = true;
    return s;
}

setting string_setting(std::string env, std::string config::*field, std::string description, bool required_nonempty = false) {
    config defaults;
    return make(env, defaults.*field, required_nonempty ? "a non-empty string" : "any string", std::move(description),
                [=](config& c, std::string_view v) -> std::optional<std::string> {
                    if (required_nonempty && trim(v).empty()) return std::string("a non-empty string");
                    c.*field = std::string(v);
                    return std::nullopt;
                },
                [=](const config& c) { return c.*field; });
}

setting secret_setting(std::string env, std::string config::*field, std::string description) {
    auto s = make(env, "", "any string (or " + env + "_FILE naming a file that holds it)", std::move(description),
                  [=](config& c, std::string_view v) -> std::optional<std::string> {
                      c.*field = trim(v);
                      return std::nullopt;
                  },
                  [=](const config& c) { return std::string((c.*field).empty() ? "(unset)" : "(set)"); });
    s.info.secret = true;
    return s;
}

setting url_setting(std::string env, std::string config::*field, std::string description) {
    std::string allowed = "an http:// or https:// URL with a host, or empty to disable";
    auto s = make(env, "", allowed, std::move(description),
                  [=](config& c, std::string_view v) -> std::optional<std::string> {
                      auto text = trim(v);
                      if (text.empty()) {
                          (c.*field).clear();
                          return std::nullopt;
                      }
                      auto url = boost::urls::parse_absolute_uri(text);
                      if (!url || (url->scheme() != "http" && url->scheme() != "https") || url->host().empty() ||
                          url->has_fragment()) {
                          return allowed;
                      }
                      if (url->has_userinfo()) return std::string("a URL without credentials (user:password@)");
                      if (url->has_port() && !url_port_number(url->port())) return std::string("a port from 1 to 65535");
                      while (text.size() > 1 && text.back() == '/') text.pop_back();
                      c.*field = text;
                      return std::nullopt;
                  },
                  [=](const config& c) { return c.*field; });
    s.is_url = true;
    return s;
}

setting list_setting(std::string env, std::vector<std::string> config::*field, std::string description) {
    return make(env, "", "a comma- or colon-separated list", std::move(description),
                [=](config& c, std::string_view v) -> std::optional<std::string> {
                    c.*field = split_list(v);
                    return std::nullopt;
                },
                [=](const config& c) { return join(c.*field, ","); });
}

template <class Enum>
setting enum_setting(std::string env, Enum config::*field, std::vector<std::pair<std::string, Enum>> names,
                     std::string description) {
    std::vector<std::string> choices;
    for (const auto& [name, value] : names) choices.push_back(name);
    std::string allowed = "one of " + join(choices, "|");
    config defaults;
    std::string def;
    for (const auto& [name, value] : names) {
        if (value == defaults.*field) def = name;
    }
    return make(env, def, allowed, std::move(description),
                [=](config& c, std::string_view v) -> std::optional<std::string> {
                    for (const auto& [name, value] : names) {
                        if (name == v) {
                            c.*field = value;
                            return std::nullopt;
                        }
                    }
                    return allowed;
                },
                [=](const config& c) {
                    for (const auto& [name, value] : names) {
                        if (value == c.*field) return name;
                    }
                    return std::string();
                });
}

setting rate_setting(std::string env, upstream_limits config::*limits, std::string description) {
    std::string allowed = "requests per second, a number from 0 (unlimited) to 1000000";
    config defaults;
    std::ostringstream def;
    def << (defaults.*limits).rate;
    return make(env, def.str(), allowed, std::move(description),
                [=](config& c, std::string_view v) -> std::optional<std::string> {
                    auto rate = parse_double(v);
                    if (!rate || *rate > 1'000'000) return allowed;
                    (c.*limits).rate = *rate;
                    return std::nullopt;
                },
                [=](const config& c) {
                    std::ostringstream out;
                    out << (c.*limits).rate;
                    return out.str();
                });
}

setting ratio_setting(std::string env, double config::*field, std::string description) {
    std::string allowed = "a number from 0 to 1";
    config defaults;
    std::ostringstream def;
    def << defaults.*field;
    return make(env, def.str(), allowed, std::move(description),
                [=](config& c, std::string_view v) -> std::optional<std::string> {
                    auto ratio = parse_double(v);
                    if (!ratio || *ratio > 1) return allowed;
                    c.*field = *ratio;
                    return std::nullopt;
                },
                [=](const config& c) {
                    std::ostringstream out;
                    out << c.*field;
                    return out.str();
                });
}

setting limit_count_setting(std::string env, upstream_limits config::*limits, unsigned upstream_limits::*field,
                            unsigned max, std::string description) {
    std::string allowed = "an integer from 1 to " + std::to_string(max);
    config defaults;
    return make(env, std::to_string((defaults.*limits).*field), allowed, std::move(description),
                [=](config& c, std::string_view v) -> std::optional<std::string> {
                    auto n = parse_int<unsigned>(v);
                    if (!n || *n < 1 || *n > max) return allowed;
                    (c.*limits).*field = *n;
                    return std::nullopt;
                },
                [=](const config& c) { return std::to_string((c.*limits).*field); });
}

const std::vector<setting>& table() {
    static const std::vector<setting> all = [] {
        std::vector<setting> t;
        // Upstreams.
        t.push_back(url_setting("HULY_API_URL", &config::huly_api_url,
                                "Huly REST API base URL, used as given (e.g. http://huly:3458/api)"));
        t.push_back(url_setting("VIBE_API_URL", &config::vibe_api_url, "Vibe Kanban API base URL (e.g. http://vibe:3105/api)"));
        t.push_back(url_setting("LETTA_BASE_URL", &config::letta_base_url, "Letta server URL, with or without a trailing /v1"));
        t.push_back(secret_setting("LETTA_PASSWORD", &config::letta_password, "Letta server password; Letta work is on when this and LETTA_BASE_URL are set"));
        t.push_back(url_setting("HULY_EVENTS_URL", &config::huly_events_url, "huly-change-watcher's change feed (e.g. http://huly-change-watcher:3459/events); empty: Huly changes are seen by polling only"));
        t.push_back(url_setting("HULY_WEBHOOK_URL", &config::huly_webhook_url, "With HULY_EVENTS_URL: the address the watcher reaches this service's POST /api/webhooks/huly at; the service subscribes it instead of reading the stream"));
        t.push_back(duration_setting("HULY_WEBHOOK_CHECK", &config::huly_webhook_check, 86'400'000, "With HULY_WEBHOOK_URL: how often the watcher's subscribers are read, to subscribe again when it forgot this service (its subscriptions live in its memory)", 100));
        t.push_back(bool_setting("VIBE_EVENTS", &config::vibe_events, "Read Vibe Kanban's change feed (<VIBE_API_URL>/events) to sync a changed project at once"));
        t.push_back(secret_setting("API_TOKEN", &config::api_token, "Bearer token required by mutating ops endpoints when set"));
        // Sync.
        t.push_back(duration_setting("SYNC_INTERVAL", &config::sync_interval, 86'400'000, "Pause after a cycle ends before the next starts; 0 = one cycle, then exit"));
        t.push_back(duration_setting("SYNC_INTERVAL_WITH_EVENTS", &config::sync_interval_with_events, 86'400'000, "Pause between full polls while the change feeds of both sides are connected (a feed that is down brings back SYNC_INTERVAL)", 1));
        t.push_back(duration_setting("CHANGE_DEBOUNCE", &config::change_debounce, 60'000, "Quiet time after a feed's last change before the changed projects are synced (at most 8 times this after the first)"));
        t.push_back(duration_setting("SYNC_TIMEOUT", &config::sync_timeout, 86'400'000, "Deadline of one cycle, its start included; its unfinished work is cancelled (0 is refused)", 1));
        t.push_back(bool_setting("INCREMENTAL_SYNC", &config::incremental_sync, "Fetch only Huly issues modified since the project's watermark"));
        t.push_back(int_setting<unsigned>("FULL_SYNC_EVERY", &config::full_sync_every, 1, 100'000, "Every Nth cycle fetches every issue (to see deletions)"));
        t.push_back(int_setting<unsigned>("MAX_WORKERS", &config::max_workers, 1, 1024, "Projects processed at once"));
        t.push_back(bool_setting("PARALLEL_SYNC", &config::parallel_sync, "false processes one project at a time (as MAX_WORKERS=1)"));
        t.push_back(bool_setting("SKIP_EMPTY_PROJECTS", &config::skip_empty_projects, "Skip projects whose Huly issue count is 0"));
        t.push_back(bool_setting("DRY_RUN", &config::dry_run, "Compute and print the plan; write nothing"));
        t.push_back(enum_setting<conflict_policy>("CONFLICT_POLICY", &config::conflicts, {{"huly", conflict_policy::huly}, {"vibe", conflict_policy::vibe}}, "Which side wins when both changed a field"));
        t.push_back(enum_setting<on_huly_delete>("ON_HULY_DELETE", &config::huly_delete, {{"keep", on_huly_delete::keep}, {"cancel", on_huly_delete::cancel}}, "What happens to the task of an issue deleted in Huly"));
        t.push_back(int_setting<unsigned>("DELETION_GUARD_MIN", &config::deletion_guard_min, 0, 1'000'000, "A read that would mark more links deleted than this at once (and more than DELETION_GUARD_RATIO of them) is confirmed by a second read and single fetches first"));
        t.push_back(ratio_setting("DELETION_GUARD_RATIO", &config::deletion_guard_ratio, "Share of a project's links a read may mark deleted at once (beyond DELETION_GUARD_MIN) before it is confirmed first"));
        t.push_back(bool_setting("HULY_INCLUDE_ARCHIVED", &config::huly_include_archived, "Also sync archived Huly projects"));
        t.push_back(string_setting("STACKS_DIR", &config::stacks_dir, "Root of the repositories; placeholders go to <STACKS_DIR>/huly-sync-placeholders", true));
        t.push_back(list_setting("ALLOWED_REPO_ROOTS", &config::allowed_repo_roots, "Further roots a project's repository path may lie under"));
        t.push_back(string_setting("DB_PATH", &config::db_path, "SQLite state database (when DATABASE_URL is unset)", true));
        t.push_back(secret_setting("DATABASE_URL", &config::database_url, "postgresql://user:password@host:port/db selects PostgreSQL as the shared store (replicas with leases) instead of DB_PATH"));
        t.push_back(duration_setting("LEASE_TTL", &config::lease_ttl, 3'600'000, "PostgreSQL: how long a replica's claim on a project lasts unless renewed; a dead replica's projects are taken over after it", 1'000));
        t.push_back(string_setting("REPLICA_ID", &config::replica_id, "PostgreSQL: this replica's name in leases (default host-pid); must differ between replicas"));
        t.push_back(string_setting("HULY_STATUS_TODO", &config::huly_status_todo, "Huly status written for Vibe 'todo' (falls back to Backlog when absent)", true));
        t.push_back(string_setting("HULY_STATUS_INPROGRESS", &config::huly_status_inprogress, "Huly status written for Vibe 'inprogress'", true));
        t.push_back(string_setting("HULY_STATUS_INREVIEW", &config::huly_status_inreview, "Huly status written for Vibe 'inreview'", true));
        t.push_back(string_setting("HULY_STATUS_DONE", &config::huly_status_done, "Huly status written for Vibe 'done'", true));
        t.push_back(string_setting("HULY_STATUS_CANCELLED", &config::huly_status_cancelled, "Huly status written for Vibe 'cancelled'", true));
        // Network.
        t.push_back(rate_setting("HULY_RATE", &config::huly, "Requests per second sent to Huly"));
        t.push_back(limit_count_setting("HULY_BURST", &config::huly, &upstream_limits::burst, 100'000, "Requests Huly may receive at once before pacing"));
        t.push_back(limit_count_setting("HULY_CONNECTIONS", &config::huly, &upstream_limits::connections, 1024, "Open connections to Huly"));
        t.push_back(rate_setting("VIBE_RATE", &config::vibe, "Requests per second sent to Vibe Kanban"));
        t.push_back(limit_count_setting("VIBE_BURST", &config::vibe, &upstream_limits::burst, 100'000, "Requests Vibe may receive at once before pacing"));
        t.push_back(limit_count_setting("VIBE_CONNECTIONS", &config::vibe, &upstream_limits::connections, 1024, "Open connections to Vibe Kanban"));
        t.push_back(rate_setting("LETTA_RATE", &config::letta, "Requests per second sent to Letta (the original's pacing was 5)"));
        t.push_back(limit_count_setting("LETTA_BURST", &config::letta, &upstream_limits::burst, 100'000, "Requests Letta may receive at once before pacing"));
        t.push_back(limit_count_setting("LETTA_CONNECTIONS", &config::letta, &upstream_limits::connections, 1024, "Open connections to Letta"));
        t.push_back(duration_setting("HTTP_TIMEOUT", &config::http_timeout, 3'600'000, "Deadline of one HTTP attempt (0 is refused)", 1));
        t.push_back(int_setting<unsigned>("HTTP_ATTEMPTS", &config::http_attempts, 1, 20, "Attempts per retryable request, the first included"));
        t.push_back(duration_setting("RETRY_BASE", &config::retry_base, 600'000, "First backoff step (exponential, full jitter)"));
        t.push_back(duration_setting("RETRY_MAX", &config::retry_max, 3'600'000, "Largest backoff step"));
        t.push_back(int_setting<unsigned>("BREAKER_FAILURES", &config::breaker_failures, 1, 10'000, "Consecutive transient failures that open an upstream's circuit breaker"));
        t.push_back(duration_setting("BREAKER_COOLDOWN", &config::breaker_cooldown, 3'600'000, "How long an open breaker fails fast before one probe"));
        t.push_back(string_setting("TLS_CA_FILE", &config::tls_ca_file, "PEM bundle of trusted CAs, added to the system's"));
        t.push_back(bool_setting("TLS_VERIFY", &config::tls_verify, "Verify HTTPS peers and host names (false is logged loudly)"));
        // Letta.
        t.push_back(string_setting("LETTA_MODEL", &config::letta_model, "Model of new PM agents", true));
        t.push_back(string_setting("LETTA_EMBEDDING", &config::letta_embedding, "Embedding of new PM agents and folders", true));
        t.push_back(string_setting("LETTA_CONTROL_AGENT", &config::letta_control_agent, "Name of the control agent whose tools PM agents receive", true));
        t.push_back(list_setting("LETTA_CONTROL_TOOLS", &config::letta_control_tools, "Tool names a newly created control agent gets"));
        t.push_back(bool_setting("LETTA_SYNC_TOOLS_FROM_CONTROL", &config::letta_sync_tools_from_control, "Attach the control agent's tools to every PM agent"));
        t.push_back(bool_setting("LETTA_SYNC_TOOLS_FORCE", &config::letta_sync_tools_force, "Also detach tools the control agent lacks (Letta-managed tools excepted)"));
        t.push_back(bool_setting("LETTA_SYNC_PERSONA", &config::letta_sync_persona, "Keep PM agents' persona equal to the control agent's"));
        t.push_back(bool_setting("LETTA_ATTACH_REPO_DOCS", &config::letta_attach_repo_docs, "Upload the project's README.md into folder Huly-<ID>"));
        t.push_back(bool_setting("LETTA_UPLOAD_PROJECT_FILES", &config::letta_upload_project_files, "Upload the repository's files into folder Huly-<ID>-root"));
        t.push_back(int_setting<unsigned>("LETTA_MAX_FILES", &config::letta_max_files, 0, 10'000, "Most project files uploaded per project"));
        t.push_back(string_setting("LETTA_HUMAN_BLOCK_ID", &config::letta_human_block_id, "Shared human block attached to new PM agents"));
        // Operations.
        t.push_back(string_setting("HEALTH_HOST", &config::health_host, "Address the ops HTTP server binds", true));
        t.push_back(int_setting<std::uint16_t>("HEALTH_PORT", &config::health_port, 0, 65535, "Port of the ops HTTP server (/health, /metrics); 0 = any free port"));
        t.push_back(enum_setting<std::string>("LOG_LEVEL", &config::log_level, {{"trace", "trace"}, {"debug", "debug"}, {"info", "info"}, {"warning", "warning"}, {"error", "error"}}, "Least severe level logged"));
        t.push_back(enum_setting<log_format>("LOG_FORMAT", &config::log_output, {{"text", log_format::text}, {"json", log_format::json}}, "Log lines as text or as JSON objects"));
        t.push_back(duration_setting("SHUTDOWN_GRACE", &config::shutdown_grace, 600'000, "How long in-flight writes may finish after SIGTERM"));
        return t;
    }();
    return all;
}

const setting* find_by_flag(std::string_view flag) {
    for (const auto& s : table()) {
        if (s.info.flag == flag) return &s;
    }
    return nullptr;
}

const setting* find_by_env(std::string_view env) {
    for (const auto& s : table()) {
        if (s.info.env == env) return &s;
    }
    return nullptr;
}

error invalid_value(const setting& s, std::string_view value, std::string_view allowed) {
    std::string shown = s.info.secret ? std::string("(hidden)")
                        : s.is_url    ? "'" + without_credentials(value) + "'"
                                      : "'" + std::string(value) + "'";
    return make_error(error_kind::invalid,
                      "invalid " + s.info.env + "=" + shown + ": expected " + std::string(allowed));
}

result<std::string> read_secret_file(const std::string& env, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(error_kind::invalid, "invalid " + env + "_FILE='" + path + "': cannot read the file");
    std::ostringstream contents;
    contents << in.rdbuf();
    return trim(contents.str());
}

// Settings that stopped meaning anything; accepted so old deployments start, and noted.
constexpr std::pair<std::string_view, std::string_view> retired_settings[] = {
    {"API_DELAY", "replaced by HULY_RATE and VIBE_RATE"},
    {"HULY_USE_REST", "the REST API is the only Huly client"},
    {"VIBE_USE_REST", "the REST API is the only Vibe client"},
    {"HULY_MCP_URL", "not used"},
    {"VIBE_MCP_URL", "not used"},
    {"LETTA_SEND_MESSAGES", "not used"},
};

}  // namespace

const std::vector<setting_info>& settings() {
    static const std::vector<setting_info> infos = [] {
        std::vector<setting_info> out;
        for (const auto& s : table()) out.push_back(s.info);
        return out;
    }();
    return infos;
}

env_lookup process_environment() {
    return [](std::string_view name) -> std::optional<std::string> {
        std::string key(name);
        if (const char* value = std::getenv(key.c_str())) return std::string(value);
        return std::nullopt;
    };
}

result<loaded_config> load_config(const env_lookup& env, const setting_overrides& overrides) {
    loaded_config out;
    for (const auto& s : table()) {
        std::optional<std::string> value = env(s.info.env);
        // An empty secret counts as unset, so compose files may list it while the _FILE form is used.
        if (s.info.secret && (!value || value->empty())) {
            if (auto path = env(s.info.env + "_FILE"); path && !path->empty()) {
                auto contents = read_secret_file(s.info.env, *path);
                if (!contents) return contents.error();
                value = std::move(*contents);
            }
        }
        if (!value) continue;
        if (auto allowed = s.apply(out.values, *value)) return invalid_value(s, *value, *allowed);
    }
    for (auto [name, why] : retired_settings) {
        if (env(name)) out.notices.push_back(std::string(name) + " is ignored: " + std::string(why));
    }

    for (const auto& [name, value] : overrides) {
        const setting* s = find_by_env(name);
        if (!s) return make_error(error_kind::invalid, "unknown setting " + name);
        if (s->info.secret) return secret_flag_refused(s->info);
        if (auto allowed = s->apply(out.values, value)) return invalid_value(*s, value, *allowed);
    }

    auto& c = out.values;
    if (!c.parallel_sync) c.max_workers = 1;
    if (c.retry_max < c.retry_base) {
        return make_error(error_kind::invalid, "invalid RETRY_MAX='" + std::to_string(c.retry_max.count()) +
                                                   "': expected at least RETRY_BASE (" +
                                                   std::to_string(c.retry_base.count()) + ")");
    }
    if (!c.letta_base_url.empty() && c.letta_password.empty()) {
        out.notices.push_back("LETTA_BASE_URL is set but LETTA_PASSWORD is not: Letta agents are off");
    }
    if (!c.tls_verify) out.notices.push_back("TLS_VERIFY=false: HTTPS peers and host names are NOT verified");
    return out;
}

// A secret given as a flag is visible to every local user (`ps`, /proc/PID/cmdline) and in shell
// history: refused, its value never repeated, with the way that keeps it private.
error secret_flag_refused(const setting_info& secret) {
    return make_error(error_kind::invalid, secret.flag + " is refused: a flag's value is visible to every user in ps; "
                                           "put the secret in a file named by " + secret.env + "_FILE (or set " +
                                           secret.env + ")");
}

std::vector<std::pair<std::string, std::string>> effective_settings(const config& cfg) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& s : table()) out.emplace_back(s.info.env, s.show(cfg));
    return out;
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

}  // namespace

std::optional<std::string> secret_flag_resembled(std::string_view flag) {
    std::string lower;
    for (char c : flag) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (find_by_flag(flag)) return std::nullopt;
    for (const auto& s : table()) {
        if (!s.info.secret || lower == s.info.flag) continue;
        const std::string& secret = s.info.flag;
        const std::size_t close = secret.size() / 5;  // --letta-password: 3, --api-token: 2
        if (edit_distance(lower, secret) <= close || edit_distance(lower, secret + "-file") <= close) return secret;
    }
    for (const char* word : {"password", "passwd", "token", "secret"}) {
        if (lower.find(word) == std::string::npos) continue;
        for (const auto& s : table()) {
            if (s.info.secret && s.info.flag.find(word) != std::string::npos) return s.info.flag;
        }
        return std::string("a secret setting");
    }
    return std::nullopt;
}

std::optional<std::uint16_t> url_port_number(std::string_view digits) {
    auto n = parse_int<std::uint32_t>(digits);
    if (!n || *n < 1 || *n > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(*n);
}

std::string without_credentials(std::string_view url) {
    auto scheme_end = url.find("://");
    std::size_t authority = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
    auto authority_end = url.find_first_of("/?#", authority);
    auto at = url.substr(0, authority_end).rfind('@');
    if (at == std::string_view::npos || at < authority) return std::string(url);
    return std::string(url.substr(0, authority)) + "***" + std::string(url.substr(at));
}

std::string letta_root_url(std::string_view base_url) {
    std::string url(base_url);
    while (!url.empty() && url.back() == '/') url.pop_back();
    if (url.size() >= 3 && url.compare(url.size() - 3, 3, "/v1") == 0) url.resize(url.size() - 3);
    return url;
}

}  // namespace hvs::core
