#include "replica.hpp"

#include "hvs/service/cycle.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <stdexcept>

namespace hvs::bench {
namespace {

namespace asio = boost::asio;

net::task<timed_cycle> timed_cycle_of(service::runtime& rt) {
    const auto started = std::chrono::steady_clock::now();
    auto outcome = co_await service::run_cycle(rt.context(), rt.cycle_settings());
    timed_cycle out;
    out.outcome = std::move(outcome);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    co_return out;
}

}  // namespace

replica::replica(const core::config& cfg) : work_(ioc_.get_executor()) {
    auto rt = service::runtime::create(ioc_.get_executor(), cfg);
    if (!rt) throw std::runtime_error("replica " + cfg.replica_id + " cannot start: " + rt.error().describe());
    rt_ = std::move(*rt);
    if (!rt_->leases()) throw std::runtime_error("replica " + cfg.replica_id + " has no lease keeper (DATABASE_URL unset?)");
    id_ = rt_->leases()->replica_id();
    rt_->leases()->start();
    thread_ = std::thread([this] { ioc_.run(); });
}

replica::~replica() { stop(); }

std::future<timed_cycle> replica::start_cycle() {
    if (!rt_) throw std::logic_error("replica " + id_ + " is stopped");
    return asio::co_spawn(ioc_, timed_cycle_of(*rt_), asio::use_future);
}

void replica::stop() {
    if (!rt_) return;
    asio::co_spawn(ioc_, rt_->leases()->finish(), asio::use_future).get();
    end_thread();
}

void replica::crash() { end_thread(); }

void replica::end_thread() {
    if (!rt_) return;
    // Idle pooled connections may keep work pending: stop the loop rather than wait for it. What
    // is still queued (the keeper's renewal timer after a crash) is destroyed with ioc_, never run.
    work_.reset();
    ioc_.stop();
    thread_.join();
    rt_.reset();
}

service::lease_share replica::share() const { return rt_ ? rt_->leases()->last_share() : service::lease_share{}; }

}  // namespace hvs::bench
