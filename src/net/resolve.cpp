#include "hvs/net/resolve.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <memory>
#include <optional>
#include <tuple>

namespace hvs::net {
namespace {

// Shared by the waiting caller and the detached lookup, so either may finish first.
struct pending_lookup {
    explicit pending_lookup(executor ex) : wake(std::move(ex)) {}
    asio::steady_timer wake;                            // the caller's bound; cancelled by the answer
    std::optional<result<resolved_endpoints>> answer;
};

task<void> look_up_and_wake(resolve_step step, std::string host, std::string port,
                            std::shared_ptr<pending_lookup> lookup) {
    auto answer = co_await step(std::move(host), std::move(port));
    lookup->answer = std::move(answer);
    lookup->wake.cancel();
}

}  // namespace

resolve_step system_resolve() {
    return [](std::string host, std::string port) -> task<result<resolved_endpoints>> {
        asio::ip::tcp::resolver resolver(co_await asio::this_coro::executor);
        auto [ec, endpoints] = co_await resolver.async_resolve(host, port, use_nothrow);
        if (ec == asio::error::operation_aborted) co_return make_error(error_kind::cancelled, "resolving " + host + " was cancelled");
        if (ec) co_return make_error(error_kind::resolve, ec.message());
        co_return endpoints;
    };
}

task<result<resolved_endpoints>> resolve_until(const resolve_step& step, std::string host, std::string port,
                                               steady_clock::time_point until) {
    auto ex = co_await asio::this_coro::executor;
    auto lookup = std::make_shared<pending_lookup>(ex);
    lookup->wake.expires_at(until);
    // Not bound to our cancellation: a hung getaddrinfo would hold the caller until it returns.
    asio::co_spawn(ex, cancellation_as_values(look_up_and_wake(step, host, port, lookup)), asio::detached);
    // co_spawn dispatches: a lookup that does not suspend has answered already.
    boost::system::error_code ec;
    if (!lookup->answer) std::tie(ec) = co_await lookup->wake.async_wait(use_nothrow);
    if (lookup->answer) co_return std::move(*lookup->answer);
    if (ec == asio::error::operation_aborted) co_return make_error(error_kind::cancelled, "cancelled resolving " + host);
    co_return make_error(error_kind::timeout, "resolving " + host + " took longer than the time left");
}

}  // namespace hvs::net
