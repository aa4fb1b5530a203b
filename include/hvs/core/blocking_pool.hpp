#pragma once
// Blocking work that is not the database's: child processes (git ls-files) and file reads of up
// to 50 MB. A fixed number of threads, so a slow repository never stalls the database thread
// (store::db_worker) and with it every other project's commits; jobs beyond the threads wait in
// the pool's queue (their number is bounded by the callers: one per cycle worker), no thread is
// ever created per job. Coroutines hand it a job with `co_await pool.run([]() -> result<T> {...})`;
// the result comes back on the caller's executor.

#include "hvs/core/run_on.hpp"

#include <boost/asio/thread_pool.hpp>

#include <cstddef>
#include <type_traits>

namespace hvs::core {

class blocking_pool {
public:
    static constexpr std::size_t default_threads = 2;

    explicit blocking_pool(std::size_t threads = default_threads) : pool_(threads == 0 ? 1 : threads) {}
    // Waits for the jobs already handed over (a git run ends within its own time limit).
    ~blocking_pool() { pool_.join(); }
    blocking_pool(const blocking_pool&) = delete;
    blocking_pool& operator=(const blocking_pool&) = delete;

    // Runs fn() on one of the pool's threads. fn returns a result<T>; an exception it throws
    // becomes an io error. Jobs are not cancellable.
    template <class F, class R = std::invoke_result_t<F&>>
    task<R> run(F fn) {
        return run_on(pool_, std::move(fn), "blocking job failed: ");
    }

private:
    boost::asio::thread_pool pool_;
};

}  // namespace hvs::core
