#pragma once
// The coroutine vocabulary used across the project (Boost 1.81: tokens are always explicit).

#include "hvs/core/error.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

namespace hvs::net {

namespace asio = boost::asio;

template <class T>
using task = asio::awaitable<T>;

using executor = asio::any_io_executor;
using steady_clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Completion token that reports errors as values: `auto [ec, n] = co_await op(..., use_nothrow);`
inline constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// Waits `delay` on the current executor; error_kind::cancelled when the caller is cancelled.
task<result<void>> sleep_for(milliseconds delay);

}  // namespace hvs::net

#include <vector>

namespace hvs::net {

// Runs every task concurrently on the current executor and returns when all have finished.
// Cancellation of the caller reaches every task, whose operations then complete with
// error_kind::cancelled values (no exception). An exception escaping a task (a bug) is
// rethrown after all have finished.
task<void> run_all(std::vector<task<void>> tasks);

// Awaits `t` in a coroutine thread that reports cancellation as error values, not exceptions.
// Use it for every coroutine given to co_spawn.
template <class T>
task<T> cancellation_as_values(task<T> t) {
    co_await asio::this_coro::throw_if_cancelled(false);
    co_return co_await std::move(t);
}

}  // namespace hvs::net
