#include "app/command_io.hpp"

#include "app/cli.hpp"

#include "hvs/service/runtime.hpp"
#include "hvs/store/open.hpp"

#include <boost/asio/co_spawn.hpp>

#include <filesystem>
#include <iostream>

namespace hvs::app {
result<std::map<std::string, store::agent_binding>> read_bindings(const core::config& cfg) {
    auto db = store::open_for_reading(cfg);
    if (!db) return db.error();
    auto bindings = store::load_bindings(*db);
    if (!bindings) {
        return make_error(bindings.error().kind,
                          "reading '" + store::describe_database(cfg) + "': " + bindings.error().message);
    }
    return bindings;
}

result<store::instance_lock> hold_database(const core::config& cfg, const std::string& command,
                                           std::optional<std::chrono::seconds> wait, store::writer_kind kind) {
    if (store::uses_postgres(cfg)) {
        return store::instance_lock::acquire_postgres(cfg.database_url, store::describe_database(cfg), command, kind,
                                                      wait);
    }
    if (auto dir = store::sqlite_directory_exists(cfg.db_path); !dir) return dir.error();
    return store::instance_lock::acquire(cfg.db_path, command, wait);
}

result<std::optional<store::instance_lock>> hold_database_unless(bool read_only, const core::config& cfg,
                                                                 const std::string& command,
                                                                 std::optional<std::chrono::seconds> wait,
                                                                 store::writer_kind kind) {
    if (read_only) return std::optional<store::instance_lock>{};
    auto lock = hold_database(cfg, command, wait, kind);
    if (!lock) return lock.error();
    return std::optional<store::instance_lock>(std::move(*lock));
}

namespace {

// The connection's HTTP client for `setting` (the URL's variable name, for errors).
template <typename Client>
result<std::unique_ptr<upstream_connection<Client>>> connect(boost::asio::io_context& ioc, const core::config& cfg,
                                                             std::string name, const core::upstream_limits& limits,
                                                             const std::string& url, std::string_view setting) {
    auto where = net::parse_base_url(url);
    if (!where) return make_error(error_kind::invalid, std::string(setting) + ": " + where.error().message);
    auto conn = std::make_unique<upstream_connection<Client>>(limits.rate, limits.burst);
    auto params = service::client_params_for(std::move(name), limits, cfg);
    auto http = net::http_client::create(ioc.get_executor(), *where, params, conn->limiter);
    if (!http) return make_error(error_kind::invalid, http.error().message);
    conn->http = std::move(*http);
    return conn;
}

}  // namespace

result<std::unique_ptr<letta_connection>> connect_letta(boost::asio::io_context& ioc, const core::config& cfg) {
    if (!cfg.letta_enabled()) return make_error(error_kind::invalid, "LETTA_BASE_URL and LETTA_PASSWORD must be set");
    auto conn = connect<letta::client>(ioc, cfg, "letta", cfg.letta, cfg.letta_base_url, "LETTA_BASE_URL");
    if (!conn) return conn.error();
    (*conn)->client = std::make_unique<letta::client>(*(*conn)->http, cfg.letta_password);
    return conn;
}

result<std::unique_ptr<vibe_connection>> connect_vibe(boost::asio::io_context& ioc, const core::config& cfg) {
    auto conn = connect<vibe::client>(ioc, cfg, "vibe", cfg.vibe, cfg.vibe_api_url, "VIBE_API_URL");
    if (!conn) return conn.error();
    (*conn)->client = std::make_unique<vibe::client>(*(*conn)->http);
    return conn;
}

int run_to_completion(boost::asio::io_context& ioc, net::task<int> work) {
    int status = exit_failed;
    boost::asio::co_spawn(ioc, net::cancellation_as_values(std::move(work)), [&](std::exception_ptr e, int code) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                std::cerr << "huly-vibe-sync: internal error: " << ex.what() << "\n";
            }
            status = exit_failed;
        } else {
            status = code;
        }
    });
    ioc.run();
    return status;
}

}  // namespace hvs::app
