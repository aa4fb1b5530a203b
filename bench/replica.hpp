#pragma once
// One replica of the service inside the bench process, standing for one process of a deployment:
// its own io_context on its own thread, its own runtime (its own PostgreSQL connection, clients
// and lease keeper, which renews in the background from the start, as `run` does), and cycles
// run there when asked. crash() is what SIGKILL leaves behind: the replica stops at once and its
// runtime is destroyed without lease_keeper::finish(), so its leases stay in the database until
// LEASE_TTL expires them. (A separate io_context per replica is what allows that in one process:
// a stopped io_context never resumes the keeper's pending renewal after the runtime is gone.)

#include "hvs/core/config.hpp"
#include "hvs/service/runtime.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>

namespace hvs::bench {

struct timed_cycle {
    service::cycle_outcome outcome;
    double seconds = 0;  // from the cycle's start to its end, on the replica's own thread
};

class replica {
public:
    // `cfg` names the PostgreSQL store (database_url) and the replica (replica_id); throws
    // std::runtime_error when the runtime cannot be built.
    explicit replica(const core::config& cfg);
    // A graceful stop (its leases released) unless it crashed.
    ~replica();
    replica(const replica&) = delete;
    replica& operator=(const replica&) = delete;

    // Starts one whole cycle on the replica's thread.
    [[nodiscard]] std::future<timed_cycle> start_cycle();
    // Graceful stop: every lease released (lease_keeper::finish), then the thread ends.
    void stop();
    // SIGKILL's equivalent: no release, no further renewal; the leases expire after LEASE_TTL.
    // Between cycles only (no start_cycle() future pending): a cycle's coroutine must not outlive
    // the runtime it works on.
    void crash();

    [[nodiscard]] const std::string& id() const { return id_; }
    // What the last cycle's claim saw; read it once that cycle's future is ready.
    [[nodiscard]] service::lease_share share() const;

private:
    void end_thread();

    boost::asio::io_context ioc_;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
    std::unique_ptr<service::runtime> rt_;
    std::string id_;
    std::thread thread_;
};

}  // namespace hvs::bench
