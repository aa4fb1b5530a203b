#pragma once
// The database lives on its own thread: blocking SQLite calls never run on the I/O thread.
// Coroutines hand it a job with `co_await worker.run([](database& db) -> result<T> {...})`.
// Jobs are short and not cancellable; the result comes back on the caller's executor.

#include "hvs/core/run_on.hpp"
#include "hvs/store/database.hpp"

#include <boost/asio/thread_pool.hpp>

#include <type_traits>

namespace hvs::store {

class db_worker {
public:
    explicit db_worker(database db) : db_(std::move(db)) {}
    ~db_worker() { pool_.join(); }
    db_worker(const db_worker&) = delete;
    db_worker& operator=(const db_worker&) = delete;

    // Runs fn(database&) on the database thread. fn returns a result<T>; an exception it throws
    // becomes an io error (it is a bug, but it must not take the service down mid-write).
    template <class F, class R = std::invoke_result_t<F, database&>>
    core::task<R> run(F fn) {
        auto job = [this, fn = std::move(fn)]() mutable -> R { return fn(db_); };
        return core::run_on(pool_, std::move(job), "database job failed: ");
    }

    // For start-up and tools: run a job synchronously on the calling thread (no I/O thread yet).
    database& direct() { return db_; }

private:
    database db_;
    boost::asio::thread_pool pool_{1};
};

}  // namespace hvs::store
