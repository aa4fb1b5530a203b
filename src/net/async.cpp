#include "hvs/net/async.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

namespace hvs::net {

task<result<void>> sleep_for(milliseconds delay) {
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    auto [ec] = co_await timer.async_wait(use_nothrow);
    if (ec) co_return make_error(error_kind::cancelled, "wait cancelled");
    co_return result<void>{};
}

}  // namespace hvs::net

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>

namespace hvs::net {

task<void> run_all(std::vector<task<void>> tasks) {
    if (tasks.empty()) co_return;
    auto ex = co_await asio::this_coro::executor;
    using op_type = decltype(asio::co_spawn(ex, cancellation_as_values(std::move(tasks.front())), asio::deferred));
    std::vector<op_type> ops;
    ops.reserve(tasks.size());
    for (auto& t : tasks) ops.push_back(asio::co_spawn(ex, cancellation_as_values(std::move(t)), asio::deferred));
    auto [order, failures] = co_await asio::experimental::make_parallel_group(std::move(ops))
                                 .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    for (auto& failure : failures) {
        if (failure) std::rethrow_exception(failure);
    }
}

}  // namespace hvs::net
