#pragma once
// Runs a coroutine to completion on a test's own io_context, with a time limit, and hands back
// its result. A coroutine that does not finish in time fails the test instead of hanging it.
// run_until runs the io_context until a condition holds, by the clock: the way to wait for
// something to happen, instead of a fixed sleep.

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

// Runs `ioc` until `done()` holds or `limit` has passed; true when it holds. For conditions
// that the io_context's own handlers change: once it has no work left, nothing will.
template <class Condition>
bool run_until(boost::asio::io_context& ioc, Condition done,
               std::chrono::steady_clock::duration limit = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    if (ioc.stopped()) ioc.restart();
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        if (ioc.run_one_until(deadline) == 0 && ioc.stopped()) {
            ioc.restart();
            return done();
        }
    }
    return true;
}

}  // namespace hvs::test
