#pragma once
// One sync cycle: read the world once, then one task per project (at most `max_workers` at
// once), under a deadline that cancels what is still running. Records the cycle in the history,
// with its PM agent work (agent_work.hpp), and logs that work: one line per project that wrote
// something in Letta (info) or failed (warning).

#include "hvs/agents/pm_agent.hpp"
#include "hvs/service/lease_keeper.hpp"
#include "hvs/sync/project_sync.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace hvs::service {

// One project's step ended, for a progress display: its sync (`agent` null), or later its PM agent.
struct project_progress {
    std::size_t done = 0;   // steps of this kind ended so far, this one included
    std::size_t total = 0;  // steps of this kind in the cycle
    const sync::project_outcome* sync = nullptr;
    const agents::agent_outcome* agent = nullptr;
};

// The projects a cycle syncs when not every one: those named by their Huly identifier, and those
// mirrored to one of the Vibe projects named by id (a change feed's events name either).
struct project_selection {
    std::set<std::string> identifiers;
    std::set<std::string> vibe_ids;

    [[nodiscard]] bool contains(const std::string& identifier, const std::string& vibe_id) const {
        return identifiers.contains(identifier) || (!vibe_id.empty() && vibe_ids.contains(vibe_id));
    }
};

struct cycle_options {
    unsigned max_workers = 8;
    bool include_archived = false;
    std::optional<project_selection> only;         // POST /api/sync?project=ID, change feeds; nullopt: every project
    std::chrono::milliseconds deadline{900'000};   // SYNC_TIMEOUT
    const bool* stop_requested = nullptr;          // shutdown: start no further project
    // Told the cycle's deadline, so that a wait (Retry-After, backoff) longer than what is left of
    // it ends the request at once instead of outliving the cycle.
    std::vector<net::http_client*> bounded_clients;
    std::function<void(const project_progress&)> on_progress;  // none: no progress is reported
    // Replicas sharing a PostgreSQL store: the cycle syncs only the projects whose lease it holds,
    // and every write of a project carries the lease's fence. Null: every project (SQLite).
    lease_keeper* leases = nullptr;
};

struct cycle_outcome {
    bool ok = false;                    // every project and every PM agent succeeded
    std::string error;                  // why the cycle itself failed (the world could not be read)
    bool timed_out = false;
    bool interrupted = false;           // shutdown stopped it before every project ran
    bool every_project = true;          // false: a selection (cycle_options::only) was synced
    std::vector<sync::project_outcome> projects;
    std::map<std::string, agents::agent_outcome> agents;  // by project, when Letta is enabled
    std::string letta_error;            // the control agent could not be had: every PM agent step failed
    std::map<std::string, std::string> upstream_problems;  // upstream -> why it refused or failed this cycle
    store::cycle_record record;
    std::optional<lease_share> leases;  // replicas: this replica's share of the projects this cycle
};

// `letta` is null when Letta is not configured; otherwise, once every project's issues and tasks
// are synced, each synced project's PM agent is brought up to date (Letta never delays the sync).
// One deadline covers all of it, the project lists included. Outcome: ok, partial (the sync
// succeeded but some PM agent work failed), failed, timeout or interrupted.
// The cycle's outcome word (pure): interrupted, timeout, failed, partial or ok.
[[nodiscard]] std::string_view cycle_verdict(bool world_read, bool timed_out, bool interrupted, int projects_failed,
                                             int agents_failed);

net::task<cycle_outcome> run_cycle(sync::sync_context& ctx, cycle_options options,
                                   agents::agent_context* letta = nullptr);

}  // namespace hvs::service
