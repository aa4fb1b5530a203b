#include "hvs/service/cycle.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

namespace hvs::service {
namespace {

namespace asio = boost::asio;

struct cycle_work {
    const bool* stop_requested = nullptr;
    agents::agent_context* letta = nullptr;
    std::optional<agents::control_agent> control;
    std::map<std::string, agents::agent_outcome> agent_outcomes;
    std::vector<huly::project> projects;
    std::map<std::string, sync::mirror_decision> mirrors;
    std::vector<std::optional<sync::project_outcome>> outcomes;
    std::size_t next = 0;
};

// Takes projects off the shared list until none is left or the cycle is cancelled.
net::task<void> worker(sync::sync_context& ctx, cycle_work& work) {
    for (;;) {
        auto cancelled = (co_await asio::this_coro::cancellation_state).cancelled();
        bool stopping = work.stop_requested && *work.stop_requested;
        if (cancelled != asio::cancellation_type::none || stopping || work.next >= work.projects.size()) co_return;
        std::size_t index = work.next++;
        const auto& project = work.projects[index];
        sync::sync_context project_ctx{ctx.huly, ctx.vibe, ctx.db, ctx.settings,
                                       ctx.log.with("project", project.identifier), ctx.plan_output};
        auto outcome = co_await sync::sync_project(project_ctx, project, work.mirrors[project.identifier]);
        if (work.letta && work.control && !ctx.settings.dry_run && !outcome.vibe_id.empty()) {
            agents::project_facts facts{project.identifier, project.name, project.description, outcome.vibe_id,
                                        "", outcome.repo_path};
            agents::agent_context agent_ctx{work.letta->letta, work.letta->db, work.letta->settings,
                                            work.letta->log.with("project", project.identifier)};
            work.agent_outcomes[project.identifier] = co_await agents::sync_pm_agent(
                agent_ctx, std::move(facts), outcome.links, outcome.previous_links, *work.control);
        }
        work.outcomes[index] = std::move(outcome);
    }
}

net::task<result<void>> read_world(sync::sync_context& ctx, const cycle_options& options, cycle_work& work) {
    auto ex = co_await asio::this_coro::executor;
    auto [order, e1, huly_projects, e2, vibe_projects, e3, stored] =
        co_await asio::experimental::make_parallel_group(
            asio::co_spawn(ex, net::cancellation_as_values(ctx.huly.list_projects()), asio::deferred),
            asio::co_spawn(ex, net::cancellation_as_values(ctx.vibe.list_projects()), asio::deferred),
            asio::co_spawn(ex,
                           net::cancellation_as_values(ctx.db.run([](store::database& db) {
                               return sync::load_projects(db);
                           })),
                           asio::deferred))
            .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    if (e1) std::rethrow_exception(e1);
    if (e2) std::rethrow_exception(e2);
    if (e3) std::rethrow_exception(e3);
    if (!huly_projects) co_return make_error(huly_projects.error().kind, "listing Huly projects: " + huly_projects.error().message);
    if (!vibe_projects) co_return make_error(vibe_projects.error().kind, "listing Vibe projects: " + vibe_projects.error().message);
    if (!stored) co_return stored.error();
    for (auto& p : *huly_projects) {
        if (p.archived && !options.include_archived) continue;
        if (options.only_project && p.identifier != *options.only_project) continue;
        work.projects.push_back(std::move(p));
    }
    work.mirrors = sync::plan_mirrors(work.projects, *stored, *vibe_projects);
    work.outcomes.resize(work.projects.size());
    co_return result<void>{};
}

net::task<void> run_projects(sync::sync_context& ctx, cycle_options options, cycle_work& work) {
    std::size_t workers = std::min<std::size_t>(std::max(1u, options.max_workers), work.projects.size());
    std::vector<net::task<void>> tasks;
    for (std::size_t i = 0; i < workers; ++i) tasks.push_back(worker(ctx, work));
    co_await net::run_all(std::move(tasks));
}

// Runs the project tasks; true when they all ended before the deadline.
net::task<bool> run_with_deadline(sync::sync_context& ctx, const cycle_options& options, cycle_work& work) {
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer deadline(ex, options.deadline);
    auto [order, failure, timer_ec] =
        co_await asio::experimental::make_parallel_group(
            asio::co_spawn(ex, net::cancellation_as_values(run_projects(ctx, options, work)), asio::deferred),
            deadline.async_wait(asio::deferred))
            .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
    if (failure) std::rethrow_exception(failure);
    co_return order[0] == 0;
}

}  // namespace

net::task<cycle_outcome> run_cycle(sync::sync_context& ctx, cycle_options options, agents::agent_context* letta) {
    cycle_outcome outcome;
    outcome.record.started_at = sync::now_iso8601();
    cycle_work work;
    work.stop_requested = options.stop_requested;
    work.letta = letta;
    boost::json::array errors;

    auto world = co_await read_world(ctx, options, work);
    if (world && letta && !ctx.settings.dry_run) {
        // Once per cycle, before any project task: every PM agent step shares it.
        auto control = co_await agents::ensure_control_agent(*letta);
        if (control) {
            work.control = std::move(*control);
        } else {
            outcome.letta_error = control.error().describe();
            HVS_LOG(ctx.log, warning) << "Letta: " << outcome.letta_error << "; PM agents are not updated this cycle";
        }
    }
    if (!world) {
        outcome.error = world.error().describe();
        errors.push_back(boost::json::object{{"project", nullptr}, {"error", outcome.error}});
        HVS_LOG(ctx.log, error) << "cycle failed before any project: " << outcome.error;
    } else {
        bool finished = co_await run_with_deadline(ctx, options, work);
        outcome.interrupted = options.stop_requested && *options.stop_requested;
        outcome.timed_out = !finished && !outcome.interrupted;
        for (std::size_t i = 0; i < work.projects.size(); ++i) {
            auto& result = work.outcomes[i];
            if (!result) {
                result = sync::project_outcome{};
                result->project = work.projects[i].identifier;
                result->error = outcome.interrupted ? "not reached before shutdown" : "not reached before the cycle deadline";
            }
            outcome.projects.push_back(std::move(*result));
        }
        outcome.agents = std::move(work.agent_outcomes);
    }

    auto& r = outcome.record;
    for (const auto& p : outcome.projects) {
        (p.ok ? r.projects_ok : r.projects_failed) += 1;
        r.tasks_created += static_cast<int>(p.tasks_created);
        r.tasks_updated += static_cast<int>(p.tasks_updated);
        r.issues_updated += static_cast<int>(p.issues_updated);
        r.conflicts += static_cast<int>(p.conflicts);
        if (!p.ok) {
            errors.push_back(boost::json::object{{"project", p.project}, {"error", p.error}});
            HVS_LOG(ctx.log, warning) << "project " << p.project << " failed: " << p.error;
        }
    }
    outcome.ok = world && !outcome.timed_out && !outcome.interrupted && r.projects_failed == 0;
    r.outcome = outcome.ok                ? "ok"
                : outcome.interrupted     ? "interrupted"
                : outcome.timed_out       ? "timeout"
                                          : "failed";
    r.finished_at = sync::now_iso8601();
    r.errors_json = boost::json::serialize(errors);
    if (!ctx.settings.dry_run) {
        // Named, not a temporary: GCC 12 mis-copies lambda temporaries inside co_await expressions.
        auto job = [record = r](store::database& db) { return sync::save_cycle(db, record); };
        auto saved = co_await ctx.db.run(std::move(job));
        if (!saved) HVS_LOG(ctx.log, error) << "recording the cycle failed: " << saved.error().describe();
    }
    co_return outcome;
}

}  // namespace hvs::service
