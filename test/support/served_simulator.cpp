#include "support/served_simulator.hpp"

#include <stdexcept>

namespace hvs::test {

served_simulator::served_simulator(sim::simulator& simulator, sim::host_options options)
    : host_(std::make_unique<sim::host>(ioc_.get_executor(), simulator, options)) {
    auto port = host_->listen(0);
    if (!port) throw std::runtime_error("cannot serve simulator: " + port.error().describe());
    port_ = *port;
    thread_ = std::thread([this] { ioc_.run(); });
}

served_simulator::~served_simulator() {
    boost::asio::post(ioc_, [this] { host_->stop(); });
    // Give closing sessions a moment to finish, then stop the loop.
    boost::asio::post(ioc_, [this] { ioc_.stop(); });
    thread_.join();
    host_.reset();
}

}  // namespace hvs::test
