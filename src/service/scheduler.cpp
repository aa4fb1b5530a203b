#include "hvs/service/scheduler.hpp"

#include "hvs/service/agent_work.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>

namespace hvs::service {

namespace asio = boost::asio;

void service_status::record(const cycle_outcome& outcome, double seconds) {
    last_cycle = outcome.record;
    if (outcome.leases) leases = outcome.leases;
    last_cycle_seconds = seconds;
    ++cycles_by_outcome[outcome.record.outcome];
    durations.observe(seconds);
    tasks_created += static_cast<std::uint64_t>(outcome.record.tasks_created);
    tasks_updated += static_cast<std::uint64_t>(outcome.record.tasks_updated);
    issues_updated += static_cast<std::uint64_t>(outcome.record.issues_updated);
    conflicts += static_cast<std::uint64_t>(outcome.record.conflicts);
    failing_projects.clear();
    for (const auto& p : outcome.projects) {
        if (!p.ok) failing_projects[p.project] = p.error;
        if (p.duplicate_tasks > 0) {
            duplicate_tasks[p.project] = p.duplicate_tasks;
        } else if (p.ok) {
            duplicate_tasks.erase(p.project);  // read completely and found none
        }
    }
    for (const auto& [project, agent] : outcome.agents) {
        if (agent.ok) continue;
        ++agent_failures;
        if (!failing_projects.contains(project)) failing_projects[project] = "PM agent: " + agent.error;
    }
    for (const auto& [name, n] : sum_agent_counts(outcome.agents)) agent_work[std::string(name)] += n;
    upstream_problems = outcome.upstream_problems;
    project_failures += failing_projects.size();
    if (outcome.ok) last_success = std::chrono::system_clock::now();
    if (!outcome.error.empty() || !failing_projects.empty()) {
        last_error = !outcome.error.empty() ? outcome.error
                                            : failing_projects.begin()->first + ": " + failing_projects.begin()->second;
        last_error_at = outcome.record.finished_at;
    }
}

scheduler::scheduler(runtime& rt, std::chrono::milliseconds interval, std::chrono::milliseconds grace,
                     service_status& status)
    : rt_(rt),
      interval_(interval),
      grace_(grace),
      status_(status),
      wake_(rt.executor()),
      grace_timer_(rt.executor()) {}

net::task<int> scheduler::run() {
    log::logger lg("scheduler");
    int last = 0;
    if (rt_.leases()) rt_.leases()->start();
    while (!status_.stopping) {
        cycle_options options = rt_.cycle_settings();
        options.stop_requested = &status_.stopping;
        options.only_project = std::exchange(only_project_, std::nullopt);
        triggered_ = false;
        status_.running = true;
        status_.queued = false;
        auto began = std::chrono::steady_clock::now();
        auto outcome = co_await asio::co_spawn(co_await asio::this_coro::executor,
                                               net::cancellation_as_values(run_cycle(rt_.context(), options, rt_.letta())),
                                               asio::bind_cancellation_slot(cancel_.slot(), asio::use_awaitable));
        status_.running = false;
        status_.record(outcome, std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
        last = outcome.ok ? 0 : 1;
        HVS_LOG(lg, info) << "cycle " << outcome.record.outcome << ": " << outcome.record.projects_ok << " ok, "
                          << outcome.record.projects_failed << " failed, " << outcome.record.tasks_created
                          << " tasks created, " << outcome.record.tasks_updated << " updated, "
                          << outcome.record.issues_updated << " Huly updates, " << outcome.record.conflicts
                          << " conflicts";
        if (interval_.count() == 0 || status_.stopping) break;
        rt_.sweep_idle_connections();
        if (!triggered_) {
            wake_.expires_after(interval_);
            co_await wake_.async_wait(net::use_nothrow);  // trigger() and stop() cancel the wait
        }
    }
    grace_timer_.cancel();
    if (rt_.leases()) co_await rt_.leases()->finish();  // the other replicas take over at once
    co_return status_.stopping ? 0 : last;  // a requested stop is a clean exit
}

void scheduler::trigger(std::optional<std::string> project) {
    if (status_.stopping) return;
    if (!triggered_) only_project_ = std::move(project);
    else if (only_project_ != project) only_project_.reset();  // two different requests: sync everything
    triggered_ = true;
    status_.queued = status_.running;
    wake_.cancel();
}

void scheduler::stop() {
    log::logger lg("scheduler");
    if (!status_.stopping) {
        status_.stopping = true;
        wake_.cancel();
        if (!status_.running) return;
        HVS_LOG(lg, info) << "stopping: in-flight work has " << grace_.count() << " ms to finish";
        grace_timer_.expires_after(grace_);
        grace_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) cancel_.emit(asio::cancellation_type::terminal);
        });
        return;
    }
    HVS_LOG(lg, warning) << "stopping now: cancelling in-flight work";
    cancel_.emit(asio::cancellation_type::terminal);
}

}  // namespace hvs::service
