#include "hvs/service/scheduler.hpp"

#include "hvs/service/agent_work.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>

namespace hvs::service {

namespace asio = boost::asio;

void service_status::record(const cycle_outcome& outcome, double seconds) {
    last_cycle = outcome.record;
    if (outcome.leases && outcome.every_project) leases = outcome.leases;
    last_cycle_seconds = seconds;
    ++cycles_by_outcome[outcome.record.outcome];
    ++(outcome.every_project ? full_polls : change_syncs);
    durations.observe(seconds);
    tasks_created += static_cast<std::uint64_t>(outcome.record.tasks_created);
    tasks_updated += static_cast<std::uint64_t>(outcome.record.tasks_updated);
    issues_updated += static_cast<std::uint64_t>(outcome.record.issues_updated);
    conflicts += static_cast<std::uint64_t>(outcome.record.conflicts);
    // A full poll says which projects fail now; a cycle over a selection, only for its projects.
    if (outcome.every_project) failing_projects.clear();
    std::size_t failing_now = 0;
    for (const auto& p : outcome.projects) {
        if (!p.ok) {
            failing_projects[p.project] = p.error;
            ++failing_now;
        } else {
            failing_projects.erase(p.project);
        }
        if (p.duplicate_tasks > 0) {
            duplicate_tasks[p.project] = p.duplicate_tasks;
        } else if (p.ok) {
            duplicate_tasks.erase(p.project);  // read completely and found none
        }
    }
    for (const auto& [project, agent] : outcome.agents) {
        if (agent.ok) continue;
        ++agent_failures;
        if (!failing_projects.contains(project)) {
            failing_projects[project] = "PM agent: " + agent.error;
            ++failing_now;
        }
    }
    for (const auto& [name, n] : sum_agent_counts(outcome.agents)) agent_work[std::string(name)] += n;
    upstream_problems = outcome.upstream_problems;
    project_failures += failing_now;
    // The last time every project was in sync: a full poll's success (a selection's says less).
    if (outcome.ok && outcome.every_project) last_success = std::chrono::system_clock::now();
    if (!outcome.error.empty() || failing_now > 0) {
        last_error = !outcome.error.empty() ? outcome.error
                                            : failing_projects.begin()->first + ": " + failing_projects.begin()->second;
        last_error_at = outcome.record.finished_at;
    }
}

schedule schedule_of(const core::config& cfg) {
    return schedule{cfg.sync_interval, cfg.sync_interval_with_events, cfg.change_debounce, cfg.shutdown_grace};
}

scheduler::scheduler(runtime& rt, schedule times, service_status& status)
    : rt_(rt),
      times_(times),
      status_(status),
      wake_(rt.executor()),
      grace_timer_(rt.executor()),
      changes_(times.debounce, times.debounce * 8) {
    status_.poll_interval = poll_interval();
}

net::task<int> scheduler::run() {
    log::logger lg("scheduler");
    int last = 0;
    if (rt_.leases()) rt_.leases()->start();
    while (!status_.stopping) {
        cycle_options options = rt_.cycle_settings();
        options.stop_requested = &status_.stopping;
        change_batch changes;
        options.only = take_next_selection(changes);
        options.on_progress = [this, &changes](const project_progress& step) {
            if (step.sync && !step.agent) record_propagation(*step.sync, changes);
        };
        status_.running = true;
        status_.queued = false;
        auto began = std::chrono::steady_clock::now();
        auto outcome = co_await asio::co_spawn(co_await asio::this_coro::executor,
                                               net::cancellation_as_values(run_cycle(rt_.context(), options, rt_.letta())),
                                               asio::bind_cancellation_slot(cancel_.slot(), asio::use_awaitable));
        status_.running = false;
        if (outcome.every_project) last_full_poll_ = std::chrono::steady_clock::now();
        status_.record(outcome, std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
        last = outcome.ok ? 0 : 1;
        HVS_LOG(lg, info) << (outcome.every_project ? "cycle " : "changed projects' cycle ") << outcome.record.outcome
                          << ": " << outcome.record.projects_ok << " ok, " << outcome.record.projects_failed
                          << " failed, " << outcome.record.tasks_created << " tasks created, "
                          << outcome.record.tasks_updated << " updated, " << outcome.record.issues_updated
                          << " Huly updates, " << outcome.record.conflicts << " conflicts";
        if (times_.interval.count() == 0 || status_.stopping) break;
        rt_.sweep_idle_connections();
        co_await wait_for_work();
    }
    grace_timer_.cancel();
    if (rt_.leases()) co_await rt_.leases()->finish();  // the other replicas take over at once
    co_return status_.stopping ? 0 : last;  // a requested stop is a clean exit
}

std::optional<project_selection> scheduler::take_next_selection(change_batch& changes) {
    triggered_ = false;
    auto now = std::chrono::steady_clock::now();
    bool full_due = now >= last_full_poll_ + poll_interval();
    // A full poll covers every change marked before it starts (those after, the next cycle); a
    // cycle over changed projects takes those whose burst is over.
    changes = full_due || full_poll_wanted_ ? changes_.take_all() : changes_.take_due(now);
    project_selection only;
    only.identifiers = std::exchange(triggered_projects_, {});
    if (std::exchange(full_poll_wanted_, false) || full_due || changes.everything) return std::nullopt;
    for (const auto& [identifier, at] : changes.huly) only.identifiers.insert(identifier);
    for (const auto& [vibe_id, at] : changes.vibe) only.vibe_ids.insert(vibe_id);
    return only;
}

std::chrono::milliseconds scheduler::poll_interval() const {
    bool feeds_up = feeds_healthy_ && feeds_healthy_();
    // Replicas: a share not fully claimed yet (a replica joined or left) is claimed by full polls.
    bool share_settled = !rt_.leases() || !rt_.leases()->wants_full_claim();
    return feeds_up && share_settled ? std::max(times_.interval, times_.interval_with_events) : times_.interval;
}

net::task<void> scheduler::wait_for_work() {
    for (;;) {
        if (status_.stopping || triggered_) co_return;
        auto now = std::chrono::steady_clock::now();
        status_.poll_interval = poll_interval();
        auto next_poll = last_full_poll_ + status_.poll_interval;
        if (now >= next_poll) co_return;
        auto changes_due = changes_.due();
        if (changes_due && *changes_due <= now) co_return;
        auto until = std::min(next_poll, changes_due.value_or(next_poll));
        // While polls are slow, look again every second: a feed that went down since, or a
        // replica that joined or left, brings them back to SYNC_INTERVAL (neither is announced).
        if (status_.poll_interval > times_.interval) until = std::min(until, now + std::chrono::seconds(1));
        wake_.expires_at(until);
        co_await wake_.async_wait(net::use_nothrow);  // trigger(), note_change() and stop() cancel it
    }
}

void scheduler::record_propagation(const sync::project_outcome& synced, const change_batch& changes) {
    if (changes.empty() || !synced.ok || synced.tasks_created + synced.tasks_updated + synced.issues_updated == 0) return;
    auto at = changes.changed_at(synced.project, synced.vibe_id);
    if (!at) return;
    auto seconds = std::chrono::duration<double>(std::chrono::system_clock::now() - *at).count();
    status_.propagation.observe(std::max(0.0, seconds));
}

void scheduler::trigger(std::optional<std::string> project) {
    if (status_.stopping) return;
    if (project) {
        triggered_projects_.insert(std::move(*project));
    } else {
        full_poll_wanted_ = true;
    }
    triggered_ = true;
    status_.queued = status_.running;
    wake_.cancel();
}

void scheduler::note_change(change_side side, const net::feed_signal& signal) {
    if (status_.stopping) return;
    changes_.mark(side, signal, std::chrono::steady_clock::now());
    if (!status_.running) wake_.cancel();  // the wait recomputes when the batch is due
}

void scheduler::stop() {
    log::logger lg("scheduler");
    if (!status_.stopping) {
        status_.stopping = true;
        wake_.cancel();
        if (!status_.running) return;
        HVS_LOG(lg, info) << "stopping: in-flight work has " << times_.grace.count() << " ms to finish";
        grace_timer_.expires_after(times_.grace);
        grace_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) cancel_.emit(asio::cancellation_type::terminal);
        });
        return;
    }
    HVS_LOG(lg, warning) << "stopping now: cancelling in-flight work";
    cancel_.emit(asio::cancellation_type::terminal);
}

}  // namespace hvs::service
