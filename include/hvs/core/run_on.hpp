#pragma once
// Hands a blocking job to a thread pool and resumes the awaiting coroutine on its own executor
// with the job's result: `R r = co_await core::run_on(pool, job, "what failed: ")`. Shared by the
// database thread (store::db_worker) and the blocking-work pool (core::blocking_pool).

#include "hvs/core/error.hpp"
#include "hvs/core/task.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <exception>
#include <string>
#include <type_traits>

namespace hvs::core {

// Runs job() on `pool`. job returns a result<T>; an exception it throws becomes an io error
// "<failure><what()>" (it is a bug, but it must not take the service down). Not cancellable.
template <class F, class R = std::invoke_result_t<F&>>
task<R> run_on(boost::asio::thread_pool& pool, F job, const char* failure) {
    return boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void(R)>(
        [&pool, failure](auto handler, F queued) {
            auto caller = boost::asio::get_associated_executor(handler);
            // Keeps the caller's io_context running while the job is away.
            auto work = boost::asio::prefer(caller, boost::asio::execution::outstanding_work.tracked);
            boost::asio::post(pool, [failure, job = std::move(queued), handler = std::move(handler),
                                     work = std::move(work)]() mutable {
                R outcome = [&]() -> R {
                    try {
                        return job();
                    } catch (const std::exception& ex) {
                        return make_error(error_kind::io, std::string(failure) + ex.what());
                    }
                }();
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
        boost::asio::use_awaitable, std::move(job));
}

}  // namespace hvs::core
