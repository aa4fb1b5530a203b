#pragma once
// Host name resolution as a replaceable step, bounded by a time limit. Asio's resolver runs
// getaddrinfo on a private thread and completes only when it returns — cancel() cannot cut a hung
// lookup short — so the bound does not wait for the lookup: at the limit the caller goes on and
// the lookup is left to finish on its own, its answer dropped.

#include "hvs/net/async.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <string>

namespace hvs::net {

using resolved_endpoints = boost::asio::ip::tcp::resolver::results_type;

// Resolves `host` and `port` to endpoints on the current executor. Tests substitute their own.
using resolve_step = std::function<task<result<resolved_endpoints>>(std::string host, std::string port)>;

// The system resolver (getaddrinfo through asio::ip::tcp::resolver).
[[nodiscard]] resolve_step system_resolve();

// Runs `step`; error_kind::timeout at `until` if it has not answered, cancelled when the caller is.
task<result<resolved_endpoints>> resolve_until(const resolve_step& step, std::string host, std::string port,
                                               steady_clock::time_point until);

}  // namespace hvs::net
