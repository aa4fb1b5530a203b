#pragma once
// The service's configuration: environment variables (the original service's names plus the new
// ones), overridden by command-line flags. Every value is validated before anything starts.

#include "hvs/core/error.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hvs::core {

using std::chrono::milliseconds;

enum class log_format { text, json };
enum class conflict_policy { huly, vibe };
enum class on_huly_delete { keep, cancel };

// One upstream's connection and pacing limits.
struct upstream_limits {
    double rate = 0;             // admitted requests per second; 0 = unlimited
    unsigned burst = 1;          // tokens available at once
    unsigned connections = 8;    // open connections per origin
};

struct config {
    // Upstreams. An empty URL means "not configured".
    std::string huly_api_url;
    std::string vibe_api_url;
    std::string letta_base_url;
    std::string letta_password;  // secret
    std::string api_token;       // secret
    std::string huly_events_url;   // huly-change-watcher's /events (empty: no Huly feed)
    std::string huly_webhook_url;  // set: the watcher POSTs its changes here instead of the SSE stream
    std::chrono::milliseconds huly_webhook_check{30'000};  // how often the watcher's subscription is checked
    bool vibe_events = true;       // read Vibe's /events feed

    // Sync behaviour.
    milliseconds sync_interval{300'000};
    milliseconds sync_interval_with_events{600'000};  // full polls while every side's feed is healthy
    milliseconds change_debounce{250};                // quiet time before a feed's changes are synced
    milliseconds sync_timeout{900'000};
    bool incremental_sync = true;
    unsigned full_sync_every = 12;
    unsigned max_workers = 8;
    bool parallel_sync = true;
    bool skip_empty_projects = false;
    bool dry_run = false;
    conflict_policy conflicts = conflict_policy::huly;
    on_huly_delete huly_delete = on_huly_delete::keep;
    unsigned deletion_guard_min = 5;     // a read removing more links than this at once ...
    double deletion_guard_ratio = 0.2;   // ... and more than this share of them is confirmed first
    bool huly_include_archived = false;
    std::string stacks_dir = "/opt/stacks";
    std::vector<std::string> allowed_repo_roots;
    std::string db_path = "./data/sync-state.db";
    std::string database_url;                  // postgresql://…: the shared store (secret: may hold a password)
    milliseconds lease_ttl{30'000};
    std::string replica_id;                    // empty: host-pid
    std::string huly_status_todo = "Todo";
    std::string huly_status_inprogress = "In Progress";
    std::string huly_status_inreview = "In Review";
    std::string huly_status_done = "Done";
    std::string huly_status_cancelled = "Canceled";

    // Network.
    upstream_limits huly{50, 20, 8};
    upstream_limits vibe{50, 10, 4};
    upstream_limits letta{20, 10, 8};
    milliseconds http_timeout{30'000};
    unsigned http_attempts = 4;
    milliseconds retry_base{200};
    milliseconds retry_max{10'000};
    unsigned breaker_failures = 5;
    milliseconds breaker_cooldown{30'000};
    std::string tls_ca_file;
    bool tls_verify = true;

    // Letta PM agents.
    std::string letta_model = "anthropic/sonnet-4-5";
    std::string letta_embedding = "letta/letta-free";
    std::string letta_control_agent = "Huly-PM-Control";
    std::vector<std::string> letta_control_tools;
    bool letta_sync_tools_from_control = true;
    bool letta_sync_tools_force = false;
    bool letta_sync_persona = false;
    bool letta_attach_repo_docs = false;
    bool letta_upload_project_files = false;
    unsigned letta_max_files = 50;
    std::string letta_human_block_id;

    // Operations.
    std::string health_host = "0.0.0.0";
    std::uint16_t health_port = 3099;
    std::string log_level = "info";
    log_format log_output = log_format::text;
    milliseconds shutdown_grace{20'000};

    [[nodiscard]] bool letta_enabled() const { return !letta_base_url.empty() && !letta_password.empty(); }
};

// What the configuration table knows of one setting, for --help and the effective-config view.
struct setting_info {
    std::string env;            // HULY_API_URL
    std::string flag;           // --huly-api-url
    std::string default_value;  // as text
    std::string allowed;        // what values are allowed
    std::string description;
    bool secret = false;
};

[[nodiscard]] const std::vector<setting_info>& settings();

// Reads an environment variable; nullopt when unset.
using env_lookup = std::function<std::optional<std::string>(std::string_view)>;
[[nodiscard]] env_lookup process_environment();

struct loaded_config {
    config values;
    std::vector<std::string> notices;  // deprecation or safety notes to log at start
};

// Settings given as flags, as (environment variable name, value) pairs in the order given: the
// command line (src/app) parses `--kebab-case` flags, this validates their values.
using setting_overrides = std::vector<std::pair<std::string, std::string>>;

// Applies defaults, then the environment (a secret also from <NAME>_FILE), then `overrides`. A bad
// value yields error_kind::invalid naming the variable, the value and what is allowed (a secret's
// value is never repeated); so does an override of a secret setting (its flag, --letta-password,
// is visible in `ps`: secrets come from the environment or <NAME>_FILE only).
[[nodiscard]] result<loaded_config> load_config(const env_lookup& env, const setting_overrides& overrides = {});

// The effective configuration as (env name, value) pairs; secrets show as "(set)" or "(unset)".
[[nodiscard]] std::vector<std::pair<std::string, std::string>> effective_settings(const config& cfg);

// The refusal of a secret setting given as a flag (`ps` shows every argument): it names
// <NAME>_FILE, never the value.
[[nodiscard]] error secret_flag_refused(const setting_info& secret);

// For a flag that is not a setting: the secret setting's flag it resembles (a typo such as
// --letta-pasword, or a name holding "password", "token" or "secret"), whose value must then not
// be repeated anywhere; nullopt when it resembles none.
[[nodiscard]] std::optional<std::string> secret_flag_resembled(std::string_view flag);

// A URL's port as written ("99999"): nullopt unless it is 1-65535. (Boost.URL's port_number()
// wraps 99999 to 34463.)
[[nodiscard]] std::optional<std::uint16_t> url_port_number(std::string_view digits);

// A URL as it may be shown: any "user:password@" replaced by "***@" ("http://***@huly:3458/api").
// Works on text that is not a valid URL too.
[[nodiscard]] std::string without_credentials(std::string_view url);

// `LETTA_BASE_URL` with or without a trailing "/v1" → the server root without it.
[[nodiscard]] std::string letta_root_url(std::string_view base_url);

}  // namespace hvs::core
