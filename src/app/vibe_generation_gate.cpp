#include "app/vibe_generation_gate.hpp"

#include "app/cli.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <iostream>

namespace hvs::app {
namespace {

namespace asio = boost::asio;

// The gate answers within this, whatever Vibe does: a stalled Vibe is the first cycle's failure to
// report (and the daemon's ops server must come up meanwhile), not a start that hangs.
constexpr std::chrono::seconds gate_budget{5};

net::task<std::optional<vibe::api_generation>> generation_of(vibe::client& vibe) {
    auto found = co_await vibe.detect_generation();
    if (!found) co_return std::nullopt;
    co_return *found;
}

}  // namespace

net::task<int> refuse_unusable_vibe(vibe::client& vibe, std::string url) {
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer budget(ex, gate_budget);
    auto [order, failure, generation, timer_ec] =
        co_await asio::experimental::make_parallel_group(
            asio::co_spawn(ex, net::cancellation_as_values(generation_of(vibe)), asio::deferred),
            budget.async_wait(asio::deferred))
            .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
    if (failure) std::rethrow_exception(failure);
    if (order[0] == 0 && generation && *generation == vibe::api_generation::unusable) {
        std::cerr << "huly-vibe-sync: " << vibe::unusable_vibe_message(url) << "\n";
        co_return exit_usage;
    }
    co_return exit_ok;
}

}  // namespace hvs::app
