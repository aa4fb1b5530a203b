// The blocking-work pool: jobs run on its threads, the caller resumes on its own, exceptions become
// error values, and its threads run jobs side by side (a job waiting for another one finishes).

#include "hvs/core/blocking_pool.hpp"

#include "support/run_async.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <thread>

namespace hvs::core {
namespace {

TEST(BlockingPool, RunsJobsOnItsThreadsAndResumesTheCaller) {
    blocking_pool pool;
    boost::asio::io_context ioc;
    auto io_thread = std::this_thread::get_id();
    auto outcome = hvs::test::run_async(ioc, [](blocking_pool& p, std::thread::id io) -> task<bool> {
        auto job_thread = co_await p.run([]() -> result<std::thread::id> { return std::this_thread::get_id(); });
        bool elsewhere = job_thread && *job_thread != io;
        bool back_home = std::this_thread::get_id() == io;
        auto failing = co_await p.run([]() -> result<int> { throw std::runtime_error("boom"); });
        bool failure_is_a_value = !failing && failing.error().kind == error_kind::io &&
                                  failing.error().message.find("boom") != std::string::npos;
        co_return elsewhere && back_home && failure_is_a_value;
    }(pool, io_thread));
    EXPECT_TRUE(outcome);
}

// The first job waits (at most 10 s) for the second: with one thread it would run out its wait.
TEST(BlockingPool, ItsDefaultTwoThreadsRunJobsSideBySide) {
    blocking_pool pool;
    boost::asio::io_context ioc;
    auto signal = std::make_shared<std::promise<void>>();
    std::shared_future<void> signalled = signal->get_future().share();
    auto waiting = [signalled]() -> result<bool> {
        return signalled.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
    };
    auto signalling = [signal]() -> result<bool> {
        signal->set_value();
        return true;
    };
    bool first_saw_second = false;
    bool second_ran = false;
    int finished = 0;
    auto run_first = [&]() -> task<void> {
        auto first = co_await pool.run(std::move(waiting));
        first_saw_second = first && *first;
        ++finished;
    };
    auto run_second = [&]() -> task<void> {
        auto second = co_await pool.run(std::move(signalling));
        second_ran = second && *second;
        ++finished;
    };
    boost::asio::co_spawn(ioc, run_first(), boost::asio::detached);
    boost::asio::co_spawn(ioc, run_second(), boost::asio::detached);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (finished < 2 && std::chrono::steady_clock::now() < deadline) ioc.run_one_until(deadline);
    ASSERT_EQ(finished, 2);
    EXPECT_TRUE(second_ran);
    EXPECT_TRUE(first_saw_second);
}

}  // namespace
}  // namespace hvs::core
