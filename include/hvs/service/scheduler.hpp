#pragma once
// The daemon loop: cycles never overlap; the next starts SYNC_INTERVAL after the previous ended,
// or at once when triggered (POST /api/sync; a trigger during a cycle queues one more). A stop
// lets in-flight work finish for the grace period, then cancels it.

#include "hvs/core/histogram.hpp"
#include "hvs/service/runtime.hpp"

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace hvs::service {

// What the ops endpoints read. Updated by the scheduler on the I/O thread only.
struct service_status {
    std::chrono::system_clock::time_point started = std::chrono::system_clock::now();
    std::optional<std::chrono::system_clock::time_point> last_success;
    std::optional<store::cycle_record> last_cycle;
    double last_cycle_seconds = 0;
    bool running = false;
    bool queued = false;
    bool stopping = false;  // a stop was asked for (SIGTERM/SIGINT): the scheduler ends, /ready answers 503
    std::map<std::string, std::uint64_t> cycles_by_outcome;  // ok | partial | failed | timeout | interrupted
    core::histogram<10> durations{{0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900}};  // of whole cycles
    std::uint64_t tasks_created = 0, tasks_updated = 0, issues_updated = 0, conflicts = 0;
    std::uint64_t project_failures = 0;
    std::string last_error;
    std::string last_error_at;
    std::map<std::string, std::string> failing_projects;  // identifier -> reason, from the last cycle
    std::map<std::string, unsigned> duplicate_tasks;      // identifier -> surplus Vibe tasks, as last seen
    std::map<std::string, std::string> upstream_problems;  // upstream -> why it refused or failed the last cycle
    std::uint64_t agent_failures = 0;  // projects whose PM agent work failed, summed over cycles
    std::map<std::string, std::uint64_t, std::less<>> agent_work;  // agents::agent_counts name -> sum over cycles
    std::string replica_id;                 // replicas on PostgreSQL: this one's REPLICA_ID (else empty)
    std::optional<lease_share> leases;      // its share of the projects in the last cycle that read them

    void record(const cycle_outcome& outcome, double seconds);
};

class scheduler {
public:
    scheduler(runtime& rt, std::chrono::milliseconds interval, std::chrono::milliseconds grace, service_status& status);

    // Runs cycles until stop() (or one cycle when the interval is 0); returns 0 after a stop or
    // when the last cycle succeeded, 1 otherwise.
    net::task<int> run();

    // Starts a cycle now, for every project or one; queues it when a cycle is running.
    void trigger(std::optional<std::string> project = std::nullopt);
    // First call: start no new work; in-flight work gets the grace period. Second call: cancel now.
    void stop();

private:
    runtime& rt_;
    std::chrono::milliseconds interval_;
    std::chrono::milliseconds grace_;
    service_status& status_;
    boost::asio::steady_timer wake_;
    boost::asio::steady_timer grace_timer_;
    boost::asio::cancellation_signal cancel_;
    bool triggered_ = false;
    std::optional<std::string> only_project_;
};

}  // namespace hvs::service
