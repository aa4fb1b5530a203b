#pragma once
// The database lives on its own thread: blocking SQLite calls never run on the I/O thread.
// Coroutines hand it a job with `co_await worker.run([](database& db) -> result<T> {...})`.
// Jobs are short and not cancellable; the result comes back on the caller's executor.

#include "hvs/core/task.hpp"
#include "hvs/store/sqlite.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <exception>
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
        return boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void(R)>(
            [this](auto handler, F job) {
                auto caller = boost::asio::get_associated_executor(handler);
                // Keeps the caller's io_context running while the job is away.
                auto work = boost::asio::prefer(caller, boost::asio::execution::outstanding_work.tracked);
                boost::asio::post(pool_, [this, job = std::move(job), handler = std::move(handler),
                                          work = std::move(work)]() mutable {
                    R outcome = call(job);
                    // The tracked executor travels with the completion and ends on the caller's
                    // thread; this thread keeps only an untracked copy. Destroying a tracked copy
                    // here could race the caller's io_context being destroyed once the completion
                    // has run (ASan saw exactly that under load).
                    auto untracked = boost::asio::prefer(work, boost::asio::execution::outstanding_work.untracked);
                    boost::asio::post(untracked, [handler = std::move(handler), outcome = std::move(outcome),
                                                  work = std::move(work)]() mutable {
                        std::move(handler)(std::move(outcome));
                    });
                });
            },
            boost::asio::use_awaitable, std::move(fn));
    }

    // For start-up and tools: run a job synchronously on the calling thread (no I/O thread yet).
    database& direct() { return db_; }

private:
    template <class F, class R = std::invoke_result_t<F, database&>>
    R call(F& job) {
        try {
            return job(db_);
        } catch (const std::exception& ex) {
            return make_error(error_kind::io, std::string("database job failed: ") + ex.what());
        }
    }

    database db_;
    boost::asio::thread_pool pool_{1};
};

}  // namespace hvs::store
