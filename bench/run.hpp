#pragma once
// Runs one coroutine to completion on the benchmark's io_context.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <optional>
#include <stdexcept>

namespace hvs::bench {

template <class T>
T run_to_end(boost::asio::io_context& ioc, boost::asio::awaitable<T> coro) {
    std::optional<T> value;
    std::exception_ptr failure;
    boost::asio::co_spawn(ioc, std::move(coro), [&](std::exception_ptr e, T v) {
        failure = e;
        if (!e) value.emplace(std::move(v));
    });
    while (!value && !failure) {
        if (ioc.stopped()) ioc.restart();
        ioc.run_one();
    }
    if (failure) std::rethrow_exception(failure);
    return std::move(*value);
}

}  // namespace hvs::bench
