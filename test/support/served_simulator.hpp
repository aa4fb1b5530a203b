#pragma once
// Serves a simulator on 127.0.0.1:<free port> from a background thread for the object's lifetime,
// so a test can talk to it with blocking clients (as it would to a real server).

#include "hvs/sim/host.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <future>
#include <memory>
#include <thread>

namespace hvs::test {

class served_simulator {
public:
    explicit served_simulator(sim::simulator& simulator, sim::host_options options = {});
    ~served_simulator();
    served_simulator(const served_simulator&) = delete;
    served_simulator& operator=(const served_simulator&) = delete;

    [[nodiscard]] std::uint16_t port() const { return port_; }
    [[nodiscard]] std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

    // Runs `fn(host&)` on the server thread and returns its result (state reads, faults, counts).
    template <class F>
    auto call(F fn) -> decltype(fn(std::declval<sim::host&>())) {
        std::packaged_task<decltype(fn(std::declval<sim::host&>()))()> task([&] { return fn(*host_); });
        auto future = task.get_future();
        boost::asio::post(ioc_, [&] { task(); });
        return future.get();
    }

private:
    boost::asio::io_context ioc_;
    std::unique_ptr<sim::host> host_;
    std::uint16_t port_ = 0;
    std::thread thread_;
};

}  // namespace hvs::test
