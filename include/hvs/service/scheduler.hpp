#pragma once
// The daemon loop: cycles never overlap (so a project never has two syncs in flight). A full poll
// syncs every project; the next starts SYNC_INTERVAL after the previous ended — or
// SYNC_INTERVAL_WITH_EVENTS while the change feeds of both sides are connected (and, with replicas,
// this replica's share is claimed: lease_keeper::wants_full_claim); a feed that is down brings
// SYNC_INTERVAL back within a second. Between polls, the projects a feed marked dirty are synced,
// by the same cycle, once the feeds were quiet for CHANGE_DEBOUNCE (change_batch.hpp); a feed that
// cannot say what changed asks for a full poll. POST /api/sync starts a cycle now (one during a
// cycle queues one more). A stop lets in-flight work finish for the grace period, then cancels it.

#include "hvs/core/histogram.hpp"
#include "hvs/service/change_batch.hpp"
#include "hvs/service/runtime.hpp"

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <functional>
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
    std::chrono::milliseconds poll_interval{300'000};  // the pause between full polls now
    std::uint64_t full_polls = 0;           // cycles over every project
    std::uint64_t change_syncs = 0;         // cycles over the projects the feeds or a trigger named
    // From a change's time (or its arrival) to the end of the sync that wrote it to the other side.
    core::histogram<10> propagation{{0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300}};

    // A cycle ended. A cycle over a selection changes only its projects' entries.
    void record(const cycle_outcome& outcome, double seconds);
};

struct schedule {
    std::chrono::milliseconds interval{300'000};              // SYNC_INTERVAL; 0: one cycle, then return
    std::chrono::milliseconds interval_with_events{600'000};  // SYNC_INTERVAL_WITH_EVENTS
    std::chrono::milliseconds debounce{250};                  // CHANGE_DEBOUNCE
    std::chrono::milliseconds grace{20'000};                  // SHUTDOWN_GRACE
};

// The schedule a configuration asks for.
[[nodiscard]] schedule schedule_of(const core::config& cfg);

class scheduler {
public:
    scheduler(runtime& rt, schedule times, service_status& status);

    // Runs cycles until stop() (or one cycle when the interval is 0); returns 0 after a stop or
    // when the last cycle succeeded, 1 otherwise.
    net::task<int> run();

    // Starts a cycle now, for every project or one; queues it when a cycle is running.
    void trigger(std::optional<std::string> project = std::nullopt);
    // A change feed's signal: its project is synced after the debounce; a resync, in a full poll.
    void note_change(change_side side, const net::feed_signal& signal);
    // Asked before each wait: true while the feeds of both sides are connected (none: never).
    void set_feeds_healthy(std::function<bool()> healthy) { feeds_healthy_ = std::move(healthy); }
    // First call: start no new work; in-flight work gets the grace period. Second call: cancel now.
    void stop();

private:
    // What the next cycle syncs (nullopt: every project), taking what it covers off the queues.
    std::optional<project_selection> take_next_selection(change_batch& changes);
    [[nodiscard]] std::chrono::milliseconds poll_interval() const;
    // Returns when a cycle is due: a trigger, a stop, the changes' debounce or the next full poll.
    net::task<void> wait_for_work();
    // A project's sync wrote what a change feed announced: how long it took since the change.
    void record_propagation(const sync::project_outcome& synced, const change_batch& changes);

    runtime& rt_;
    schedule times_;
    service_status& status_;
    boost::asio::steady_timer wake_;
    boost::asio::steady_timer grace_timer_;
    boost::asio::cancellation_signal cancel_;
    change_debouncer changes_;
    std::function<bool()> feeds_healthy_;
    bool triggered_ = false;
    bool full_poll_wanted_ = true;             // the first cycle, a trigger without project, a resync
    std::set<std::string> triggered_projects_;
    std::chrono::steady_clock::time_point last_full_poll_{};  // when the last full poll ended
};

}  // namespace hvs::service
