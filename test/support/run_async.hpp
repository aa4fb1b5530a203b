#pragma once
// Runs a coroutine to completion on a test's own io_context, with a time limit, and hands back
// its result. A coroutine that does not finish in time fails the test instead of hanging it.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>

namespace hvs::test {

template <class T>
T run_async(boost::asio::io_context& ioc, boost::asio::awaitable<T> coro,
            std::chrono::steady_clock::duration limit = std::chrono::seconds(10)) {
    std::optional<T> value;
    std::exception_ptr failure;
    bool done = false;
    boost::asio::co_spawn(ioc, std::move(coro), [&](std::exception_ptr e, T v) {
        failure = e;
        if (!e) value.emplace(std::move(v));
        done = true;
    });
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done && std::chrono::steady_clock::now() < deadline) {
        if (ioc.stopped()) ioc.restart();
        ioc.run_one_until(deadline);
    }
    if (!done) throw std::runtime_error("coroutine did not finish within the time limit");
    if (failure) std::rethrow_exception(failure);
    return std::move(*value);
}

inline void run_async(boost::asio::io_context& ioc, boost::asio::awaitable<void> coro,
                      std::chrono::steady_clock::duration limit = std::chrono::seconds(10)) {
    std::exception_ptr failure;
    bool done = false;
    boost::asio::co_spawn(ioc, std::move(coro), [&](std::exception_ptr e) {
        failure = e;
        done = true;
    });
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done && std::chrono::steady_clock::now() < deadline) {
        if (ioc.stopped()) ioc.restart();
        ioc.run_one_until(deadline);
    }
    if (!done) throw std::runtime_error("coroutine did not finish within the time limit");
    if (failure) std::rethrow_exception(failure);
}

}  // namespace hvs::test
