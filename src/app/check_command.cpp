// `huly-vibe-sync check [--json]`: proves the configuration, the local HTTP stack, the database
// directory, STACKS_DIR and, for each configured upstream, its health and one authenticated request
// on the configured base path through the client the cycle uses (Huly and Vibe: the projects list;
// Letta: the agents list with the password), so that it catches what `once` would hit. One line per
// check (check_report.hpp); exit 1 on any finding, 2 for a Vibe without the local task API.

#include "app/check_report.hpp"
#include "app/cli.hpp"
#include "app/command_line.hpp"

#include "hvs/huly/client.hpp"
#include "hvs/letta/client.hpp"
#include "hvs/net/http_client.hpp"
#include "hvs/net/http_server.hpp"
#include "hvs/vibe/client.hpp"
#include "hvs/store/migrations.hpp"
#include "hvs/store/open.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <unistd.h>

namespace hvs::app {
namespace {

namespace fs = std::filesystem;

std::string milliseconds_text(net::steady_clock::duration d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f ms", std::chrono::duration<double, std::milli>(d).count());
    return buf;
}

check_entry passed(std::string name, std::string detail) { return {std::move(name), true, std::move(detail)}; }
check_entry finding(std::string name, std::string detail) { return {std::move(name), false, std::move(detail)}; }
check_entry not_configured(std::string name, const std::string& setting) {
    return {std::move(name), true, "not configured (" + setting + ")", false};
}

// One attempt, a short timeout: a check reports, it does not wait out an outage.
result<std::unique_ptr<net::http_client>> probe_client(net::executor ex, const net::base_url& where,
                                                       const std::string& name, const core::config& cfg,
                                                       net::rate_limiter& limiter) {
    net::client_params params;
    params.name = name;
    params.retry.max_attempts = 1;
    params.timeout = std::min(cfg.http_timeout, net::milliseconds{5000});
    params.tls = {cfg.tls_verify, cfg.tls_ca_file};
    return net::http_client::create(ex, where, params, limiter);
}

// "<status> in <time>" of one unauthenticated GET (a health route).
net::task<result<std::string>> probe_once(net::base_url where, std::string name, std::string path,
                                          core::config cfg) {
    net::rate_limiter limiter(0, 1);
    auto client = probe_client(co_await boost::asio::this_coro::executor, where, name, cfg, limiter);
    if (!client) co_return client.error();
    net::http_request req{net::http::verb::get, path, 11};
    auto started = net::steady_clock::now();
    auto res = co_await (*client)->send(std::move(req));
    if (!res) co_return res.error();
    std::string text = std::to_string(res->result_int()) + " in " + milliseconds_text(net::steady_clock::now() - started);
    if (name == "letta") {  // the profile found: which server version answers
        auto version = letta::decode_health_version(res->body());
        text += version ? "  Letta server " + *version : "  Letta server version not reported";
    }
    co_return text;
}

// The REST wrapper serves /health beside /api (huly-rest-api/server.js): under the same prefix as
// HULY_API_URL's /api, so that a wrapper behind a path prefix is probed under it.
std::string huly_health_path(const std::string& base_path) {
    std::string prefix = base_path;
    if (prefix.ends_with("/api")) prefix.resize(prefix.size() - 4);
    return prefix + "/health";
}

net::task<check_entry> check_huly(core::config cfg) {
    if (cfg.huly_api_url.empty()) co_return not_configured("huly", "HULY_API_URL");
    auto where = net::parse_base_url(cfg.huly_api_url);
    if (!where) co_return finding("huly", where.error().describe());
    const std::string health_path = huly_health_path(where->path);
    auto health = co_await probe_once(*where, "huly", health_path, cfg);
    if (!health) co_return finding("huly", health.error().describe());
    net::rate_limiter limiter(0, 1);
    auto http = probe_client(co_await boost::asio::this_coro::executor, *where, "huly", cfg, limiter);
    if (!http) co_return finding("huly", http.error().describe());
    huly::client client(**http);
    auto projects = co_await client.list_projects();
    if (!projects) {
        co_return finding("huly", "the projects list under " + cfg.huly_api_url + " failed (is the path right?): " +
                                      projects.error().describe());
    }
    // The generation, from a harmless PATCH without fields (see huly::client).
    auto generation = co_await client.probe_generation();
    co_return passed("huly", where->where.to_string() + health_path + "  " + *health + "; " +
                                 std::to_string(projects->size()) + " projects listed" +
                                 (generation ? "; wrapper " + std::string(huly::describe(*generation))
                                             : "; wrapper generation unknown: " + generation.error().describe()));
}

struct vibe_check {
    check_entry entry;
    bool usable = true;  // false: a Vibe without the local task API (>= 0.1.15)
};

// The health route, then the generation (its /api/health is OK on every generation: GET
// /api/projects tells) and the projects list in that generation's shape.
net::task<vibe_check> check_vibe(core::config cfg) {
    if (cfg.vibe_api_url.empty()) co_return vibe_check{not_configured("vibe", "VIBE_API_URL")};
    auto where = net::parse_base_url(cfg.vibe_api_url);
    if (!where) co_return vibe_check{finding("vibe", where.error().describe())};
    const std::string health_path = where->path + "/health";
    auto health = co_await probe_once(*where, "vibe", health_path, cfg);
    if (!health) co_return vibe_check{finding("vibe", health.error().describe())};
    net::rate_limiter limiter(0, 1);
    auto http = probe_client(co_await boost::asio::this_coro::executor, *where, "vibe", cfg, limiter);
    if (!http) co_return vibe_check{finding("vibe", http.error().describe())};
    vibe::client client(**http);
    auto generation = co_await client.detect_generation();
    if (!generation) co_return vibe_check{finding("vibe", generation.error().describe())};
    if (*generation == vibe::api_generation::unusable) {
        co_return vibe_check{finding("vibe", vibe::unusable_vibe_message(cfg.vibe_api_url)), false};
    }
    auto projects = co_await client.list_projects();
    if (!projects) {
        co_return vibe_check{finding("vibe", "the projects list under " + cfg.vibe_api_url + " failed: " +
                                                 projects.error().describe())};
    }
    co_return vibe_check{passed("vibe", where->where.to_string() + health_path + "  " + *health + "; " +
                                            std::to_string(projects->size()) + " projects listed  (local API: " +
                                            std::string(vibe::describe(*generation)) + ")")};
}

// The health route (which server answers), then one page of agents with the password.
net::task<check_entry> check_letta(core::config cfg) {
    if (cfg.letta_base_url.empty()) co_return not_configured("letta", "LETTA_BASE_URL");
    if (cfg.letta_password.empty()) {
        co_return finding("letta", "LETTA_BASE_URL is set but LETTA_PASSWORD is not: PM agents stay off (set both, "
                                   "or unset LETTA_BASE_URL)");
    }
    auto root = net::parse_base_url(core::letta_root_url(cfg.letta_base_url));
    if (!root) co_return finding("letta", root.error().describe());
    const std::string health_path = root->path + "/v1/health/";  // under a path prefix too
    auto health = co_await probe_once(*root, "letta", health_path, cfg);
    if (!health) co_return finding("letta", health.error().describe());
    auto where = net::parse_base_url(cfg.letta_base_url);
    if (!where) co_return finding("letta", where.error().describe());
    net::rate_limiter limiter(0, 1);
    auto http = probe_client(co_await boost::asio::this_coro::executor, *where, "letta", cfg, limiter);
    if (!http) co_return finding("letta", http.error().describe());
    letta::client client(**http, cfg.letta_password);
    auto listed = co_await client.probe_agents_list();
    if (!listed) {
        const auto status = listed.error().http_status;
        if (status == 401 || status == 403) {
            co_return finding("letta", "Letta refused the password (LETTA_PASSWORD): " + listed.error().describe());
        }
        co_return finding("letta", "the agents list failed: " + listed.error().describe());
    }
    co_return passed("letta", root->where.to_string() + health_path + "  " + *health + "; password accepted");
}

std::string errno_text(int code) { return std::strerror(code); }

// DB_PATH's directory exists and this user may create files in it (check creates nothing).
check_entry check_database(const std::string& db_path) {
    fs::path dir = fs::path(db_path).parent_path();
    if (dir.empty()) dir = ".";
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        return finding("database", "the directory '" + dir.string() + "' of DB_PATH does not exist; create it or set DB_PATH");
    }
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
        return finding("database", "the directory '" + dir.string() + "' of DB_PATH is not writable: " + errno_text(errno));
    }
    const bool exists = fs::exists(db_path, ec);
    if (exists && ::access(db_path.c_str(), R_OK | W_OK) != 0) {
        return finding("database", "'" + db_path + "' is not readable and writable: " + errno_text(errno));
    }
    return passed("database", "'" + dir.string() + "' writable; " + (exists ? "database present" : "database to be created"));
}

// DATABASE_URL's server accepts us and holds no schema newer than this binary's (check writes nothing).
check_entry check_postgres(const core::config& cfg) {
    auto db = store::database::open_postgres(cfg.database_url);
    if (!db) return finding("database", db.error().message);
    auto version = store::schema_version(*db);
    if (!version) return finding("database", store::describe_database(cfg) + ": " + version.error().message);
    if (*version > store::latest_schema_version()) {
        return finding("database", store::describe_database(cfg) + " has schema version " + std::to_string(*version) +
                                       ", newer than this binary's " + std::to_string(store::latest_schema_version()));
    }
    return passed("database", store::describe_database(cfg) + " reachable; schema version " + std::to_string(*version));
}

// STACKS_DIR, when set, is a directory this user can read (placeholders are made under it if absent).
check_entry check_stacks(const std::string& stacks_dir) {
    if (stacks_dir.empty()) return not_configured("stacks", "STACKS_DIR");
    std::error_code ec;
    if (!fs::exists(stacks_dir, ec)) return passed("stacks", "'" + stacks_dir + "' does not exist yet (created for placeholders)");
    if (!fs::is_directory(stacks_dir, ec)) return finding("stacks", "STACKS_DIR '" + stacks_dir + "' is not a directory");
    if (::access(stacks_dir.c_str(), R_OK | X_OK) != 0) {
        return finding("stacks", "STACKS_DIR '" + stacks_dir + "' is not readable: " + errno_text(errno));
    }
    return passed("stacks", "'" + stacks_dir + "' readable");
}

// Prints each line as it is found (unless --json: one document at the end).
struct check_output {
    bool json = false;
    std::vector<check_entry> entries;

    void add(check_entry entry) {
        if (!json) std::cout << check_line(entry) << std::flush;
        entries.push_back(std::move(entry));
    }
};

// The local stack: our server answers our client over loopback.
net::task<check_entry> check_local_http(core::config cfg) {
    net::http_server server(co_await boost::asio::this_coro::executor, {}, [](net::server_request) -> net::task<std::optional<net::server_response>> {
        net::server_response res{net::http::status::ok, 11};
        res.body() = "ok";
        co_return res;
    });
    auto port = server.listen("127.0.0.1", 0);
    if (!port) co_return finding("local http", port.error().describe());
    auto local = net::parse_base_url("http://127.0.0.1:" + std::to_string(*port));
    auto round_trip = co_await probe_once(*local, "local", "/", cfg);
    server.stop();
    if (!round_trip) co_return finding("local http", round_trip.error().describe());
    co_return passed("local http", *round_trip);
}

// exit_ok, exit_failed (any finding) or exit_usage (an upstream this service cannot work with).
net::task<int> run_checks(core::config cfg, bool json) {
    check_output out{json, {}};
    out.add(passed("configuration", std::to_string(core::settings().size()) + " settings validated"));
    auto local = co_await check_local_http(cfg);
    out.add(std::move(local));
    out.add(store::uses_postgres(cfg) ? check_postgres(cfg) : check_database(cfg.db_path));
    out.add(check_stacks(cfg.stacks_dir));
    auto huly = co_await check_huly(cfg);
    out.add(std::move(huly));
    auto vibe = co_await check_vibe(cfg);
    const bool usable = vibe.usable;
    out.add(std::move(vibe.entry));
    auto letta = co_await check_letta(cfg);
    out.add(std::move(letta));
    if (json) std::cout << check_json(out.entries);
    if (!usable) co_return exit_usage;
    co_return all_ok(out.entries) ? exit_ok : exit_failed;
}

int check_command(const core::config& cfg, bool json) {
    boost::asio::io_context ioc;
    int status = exit_failed;
    boost::asio::co_spawn(ioc, run_checks(cfg, json), [&](std::exception_ptr e, int result) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                std::cerr << "check failed: " << ex.what() << "\n";
            }
        }
        status = e ? exit_failed : result;
    });
    ioc.run();
    return status;
}

}  // namespace

command add_check_command(CLI::App& root) {
    CLI::App* app = root.add_subcommand(
        "check", "Validate the configuration, the database directory, STACKS_DIR, the local HTTP stack, and each "
                 "configured upstream with an authenticated request on its base path; exit 1 on any finding");
    auto json = std::make_shared<bool>(false);
    add_json_flag(*app, *json, R"(one JSON document {"ok", "checks": [{"name", "ok", "detail"}, ...]} instead of lines)");
    return {app, [json](const core::config& cfg) { return check_command(cfg, *json); }};
}

}  // namespace hvs::app
