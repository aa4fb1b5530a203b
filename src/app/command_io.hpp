#pragma once
// What commands share to reach their inputs: the state database at DB_PATH, a Letta client from
// the configuration, and running a command's coroutine to completion on its io_context.

#include "hvs/core/config.hpp"
#include "hvs/letta/client.hpp"
#include "hvs/net/rate_limiter.hpp"
#include "hvs/store/agent_repository.hpp"
#include "hvs/store/database.hpp"
#include "hvs/store/instance_lock.hpp"
#include "hvs/vibe/client.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hvs::app {

// The project -> agent bindings of the existing database at DB_PATH, opened read-only; errors say
// which file could not be read.
result<std::map<std::string, store::agent_binding>> read_bindings(const core::config& cfg);

// The database's writers' lock for `command` (store/instance_lock.hpp), held until the returned
// object is destroyed. SQLite: its directory must exist (the error says so, as
// store::open_for_writing's does).
result<store::instance_lock> hold_database(const core::config& cfg, const std::string& command,
                                           std::optional<std::chrono::seconds> wait,
                                           store::writer_kind kind = store::writer_kind::maintenance);

// The lock for a command that writes, none for one that only reads (`read_only`: dry runs never
// block and are never blocked).
result<std::optional<store::instance_lock>> hold_database_unless(bool read_only, const core::config& cfg,
                                                                 const std::string& command,
                                                                 std::optional<std::chrono::seconds> wait,
                                                                 store::writer_kind kind = store::writer_kind::maintenance);

// A client of one upstream as the service builds it (rate, retries, TLS from the configuration).
template <typename Client>
struct upstream_connection {
    upstream_connection(double rate, double burst) : limiter(rate, burst) {}
    net::rate_limiter limiter;
    std::unique_ptr<net::http_client> http;
    std::unique_ptr<Client> client;
};
using letta_connection = upstream_connection<letta::client>;
using vibe_connection = upstream_connection<vibe::client>;

// error_kind::invalid when Letta is not configured or its URL is bad.
result<std::unique_ptr<letta_connection>> connect_letta(boost::asio::io_context& ioc, const core::config& cfg);
// error_kind::invalid when VIBE_API_URL is bad.
result<std::unique_ptr<vibe_connection>> connect_vibe(boost::asio::io_context& ioc, const core::config& cfg);

// Runs `work` on `ioc` until it finishes and returns its exit status; an exception escaping it
// (a bug) is printed and gives exit_failed.
int run_to_completion(boost::asio::io_context& ioc, net::task<int> work);

}  // namespace hvs::app
