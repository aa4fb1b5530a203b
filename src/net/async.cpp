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
