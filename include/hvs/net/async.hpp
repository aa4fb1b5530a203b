#pragma once
// The coroutine vocabulary used across the project (Boost 1.81: tokens are always explicit).

#include "hvs/core/error.hpp"
#include "hvs/core/task.hpp"

#include <boost/asio/this_coro.hpp>

#include <chrono>

namespace hvs::net {

namespace asio = boost::asio;

using core::executor;
using core::task;
using core::use_nothrow;
using steady_clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

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
