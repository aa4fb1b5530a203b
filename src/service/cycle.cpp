#include "hvs/service/cycle.hpp"

#include "hvs/core/json.hpp"
#include "hvs/service/agent_work.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace hvs::service {
namespace {

namespace asio = boost::asio;

struct cycle_work {
    const bool* stop_requested = nullptr;
    agents::agent_context* letta = nullptr;
    std::optional<agents::control_agent> control;
    std::string letta_error;
    std::map<std::string, agents::agent_outcome> agent_outcomes;
    std::vector<huly::project> projects;
    std::map<std::string, sync::mirror_decision> mirrors;
    std::vector<std::optional<sync::project_outcome>> outcomes;
    std::size_t next = 0;        // next project to sync
    std::size_t next_agent = 0;  // next project whose PM agent to update
    std::optional<result<void>> world;  // set once the project lists were read (or failed)
    std::map<std::string, std::string> upstream_problems;
    const std::function<void(const project_progress&)>* on_progress = nullptr;
    std::size_t projects_synced = 0;
    std::size_t agents_updated = 0;
    std::size_t agents_wanted = 0;
    lease_keeper* leases = nullptr;                     // replicas on PostgreSQL: who writes what
    std::map<std::string, store::write_fence> fences;   // by project, when leases are kept
};

// The database as a project's work sees it: fenced by the project's lease when replicas share it.
store::fenced_db project_db(const store::fenced_db& db, const cycle_work& work, const std::string& project) {
    if (!work.leases) return db;
    auto fence = work.fences.find(project);
    if (fence == work.fences.end()) return db;
    return store::fenced_db(db.worker(), fence->second);
}

void report_sync_progress(cycle_work& work, const sync::project_outcome& outcome) {
    ++work.projects_synced;
    if (!*work.on_progress) return;
    (*work.on_progress)(project_progress{work.projects_synced, work.projects.size(), &outcome, nullptr});
}

void report_agent_progress(cycle_work& work, const sync::project_outcome& synced, const agents::agent_outcome& outcome) {
    ++work.agents_updated;
    if (!*work.on_progress) return;
    (*work.on_progress)(project_progress{work.agents_updated, work.agents_wanted, &synced, &outcome});
}

bool should_stop(const cycle_work& work, asio::cancellation_type cancelled) {
    return cancelled != asio::cancellation_type::none || (work.stop_requested && *work.stop_requested);
}

// Takes projects off the shared list until none is left or the cycle is cancelled.
net::task<void> sync_worker(sync::sync_context& ctx, cycle_work& work) {
    for (;;) {
        auto cancelled = (co_await asio::this_coro::cancellation_state).cancelled();
        if (should_stop(work, cancelled) || work.next >= work.projects.size()) co_return;
        std::size_t index = work.next++;
        const auto& project = work.projects[index];
        sync::sync_context project_ctx{ctx.huly, ctx.vibe, project_db(ctx.db, work, project.identifier), ctx.settings,
                                       ctx.log.with("project", project.identifier), ctx.plan_output};
        work.outcomes[index] = co_await sync::sync_project(project_ctx, project, work.mirrors[project.identifier]);
        report_sync_progress(work, *work.outcomes[index]);
    }
}

// True when the project's sync left something a PM agent describes.
bool wants_agent(const std::optional<sync::project_outcome>& outcome) {
    return outcome && !outcome->vibe_id.empty();
}

// Takes synced projects off the shared list and brings their PM agents up to date.
net::task<void> agent_worker(cycle_work& work) {
    for (;;) {
        auto cancelled = (co_await asio::this_coro::cancellation_state).cancelled();
        if (should_stop(work, cancelled) || work.next_agent >= work.projects.size()) co_return;
        std::size_t index = work.next_agent++;
        const auto& outcome = work.outcomes[index];
        if (!wants_agent(outcome)) continue;
        const auto& project = work.projects[index];
        agents::project_facts facts{project.identifier, project.name, project.description, outcome->vibe_id,
                                    "", outcome->repo_path};
        agents::agent_context agent_ctx{work.letta->letta, project_db(work.letta->db, work, project.identifier),
                                        work.letta->blocking,
                                        work.letta->settings, work.letta->log.with("project", project.identifier)};
        auto& agent = work.agent_outcomes[project.identifier];
        agent = co_await agents::sync_pm_agent(agent_ctx, std::move(facts), outcome->links, outcome->previous_links,
                                               *work.control);
        report_agent_progress(work, *outcome, agent);
    }
}

// Replicas: this cycle's projects are those whose lease this replica holds now; the others are
// another replica's (not failures here, and not written).
net::task<result<void>> keep_leased_projects(cycle_work& work, bool every_project) {
    std::vector<std::string> identifiers;
    for (const auto& p : work.projects) identifiers.push_back(p.identifier);
    auto claimed = co_await work.leases->claim_projects(std::move(identifiers), every_project);
    if (!claimed) co_return claimed.error();
    work.fences = std::move(*claimed);
    std::erase_if(work.projects, [&](const huly::project& p) { return !work.fences.contains(p.identifier); });
    co_return result<void>{};
}

// A cycle for a selection: the other projects are left as they are (their mirrors too).
void keep_selected_projects(const project_selection& only, cycle_work& work) {
    auto vibe_id_of = [&](const std::string& identifier) {
        auto mirror = work.mirrors.find(identifier);
        return mirror == work.mirrors.end() ? std::string() : mirror->second.vibe_id;
    };
    std::erase_if(work.projects, [&](const huly::project& p) {
        return !only.contains(p.identifier, vibe_id_of(p.identifier));
    });
}

net::task<result<void>> read_world(sync::sync_context& ctx, const cycle_options& options, cycle_work& work) {
    auto ex = co_await asio::this_coro::executor;
    auto [order, e1, huly_projects, e2, vibe_projects, e3, stored] =
        co_await asio::experimental::make_parallel_group(
            asio::co_spawn(ex, net::cancellation_as_values(ctx.huly.list_projects()), asio::deferred),
            asio::co_spawn(ex, net::cancellation_as_values(ctx.vibe.list_projects()), asio::deferred),
            asio::co_spawn(ex,
                           net::cancellation_as_values(ctx.db.run([](store::database& db) {
                               return store::load_projects(db);
                           })),
                           asio::deferred))
            .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    if (e1) std::rethrow_exception(e1);
    if (e2) std::rethrow_exception(e2);
    if (e3) std::rethrow_exception(e3);
    if (!huly_projects) {
        work.upstream_problems["huly"] = huly_projects.error().describe();
        co_return make_error(huly_projects.error().kind, "listing Huly projects: " + huly_projects.error().message);
    }
    if (!vibe_projects) {
        work.upstream_problems["vibe"] = vibe_projects.error().describe();
        co_return make_error(vibe_projects.error().kind, "listing Vibe projects: " + vibe_projects.error().message);
    }
    if (!stored) co_return stored.error();
    for (auto& p : *huly_projects) {
        if (p.archived && !options.include_archived) continue;
        work.projects.push_back(std::move(p));
    }
    work.mirrors = sync::plan_mirrors(work.projects, *stored, *vibe_projects);
    if (options.only) keep_selected_projects(*options.only, work);
    if (work.leases) {
        bool every_project = !options.only.has_value();
        if (auto claimed = co_await keep_leased_projects(work, every_project); !claimed) co_return claimed.error();
    }
    work.outcomes.resize(work.projects.size());
    co_return result<void>{};
}

std::size_t worker_count(const cycle_options& options, std::size_t jobs) {
    return std::min<std::size_t>(std::max(1u, options.max_workers), jobs);
}

net::task<void> run_projects(sync::sync_context& ctx, const cycle_options& options, cycle_work& work) {
    std::vector<net::task<void>> tasks;
    for (std::size_t i = 0; i < worker_count(options, work.projects.size()); ++i) tasks.push_back(sync_worker(ctx, work));
    co_await net::run_all(std::move(tasks));
}

// After every project's sync: Letta, however slow, never delays a Huly/Vibe write.
net::task<void> run_agents(sync::sync_context& ctx, const cycle_options& options, cycle_work& work) {
    if (!work.letta || ctx.settings.dry_run) co_return;
    // Once per cycle: every PM agent step shares it. With replicas, only the control lease's holder
    // may create the control agent or record its id; the others use what Letta and the store have.
    agents::agent_context control_ctx = *work.letta;
    bool may_write_control = true;
    if (work.leases) {
        auto fence = co_await work.leases->claim_control();
        if (!fence) {
            work.letta_error = fence.error().describe();
            co_return;
        }
        may_write_control = fence->has_value();
        if (*fence) control_ctx.db = store::fenced_db(work.letta->db.worker(), **fence);
    }
    auto control = co_await agents::ensure_control_agent(control_ctx, may_write_control);
    if (!control) {
        work.letta_error = control.error().describe();
        HVS_LOG(ctx.log, warning) << "Letta: " << work.letta_error << "; PM agents are not updated this cycle";
        co_return;
    }
    work.control = std::move(*control);
    work.agents_wanted = static_cast<std::size_t>(std::count_if(work.outcomes.begin(), work.outcomes.end(), wants_agent));
    std::vector<net::task<void>> tasks;
    for (std::size_t i = 0; i < worker_count(options, work.projects.size()); ++i) tasks.push_back(agent_worker(work));
    co_await net::run_all(std::move(tasks));
}

net::task<void> run_cycle_body(sync::sync_context& ctx, const cycle_options& options, cycle_work& work) {
    work.world = co_await read_world(ctx, options, work);
    if (!*work.world) co_return;
    co_await run_projects(ctx, options, work);
    co_await run_agents(ctx, options, work);
}

// Runs the whole cycle, its start included; true when it ended before the deadline.
net::task<bool> run_with_deadline(sync::sync_context& ctx, const cycle_options& options, cycle_work& work) {
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer deadline(ex, options.deadline);
    auto [order, failure, timer_ec] =
        co_await asio::experimental::make_parallel_group(
            asio::co_spawn(ex, net::cancellation_as_values(run_cycle_body(ctx, options, work)), asio::deferred),
            deadline.async_wait(asio::deferred))
            .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
    if (failure) std::rethrow_exception(failure);
    co_return order[0] == 0;
}

// Tells the clients when the cycle ends (nothing for an unbounded one); clears it when destroyed.
class client_deadlines {
public:
    explicit client_deadlines(const cycle_options& options) : clients_(options.bounded_clients) {
        if (options.deadline > std::chrono::hours(24 * 366)) return;
        auto until = std::chrono::steady_clock::now() + options.deadline;
        for (auto* c : clients_) c->set_deadline(until);
    }
    ~client_deadlines() {
        for (auto* c : clients_) c->set_deadline(std::nullopt);
    }
    client_deadlines(const client_deadlines&) = delete;
    client_deadlines& operator=(const client_deadlines&) = delete;

private:
    std::vector<net::http_client*> clients_;
};

std::string unreached_reason(const cycle_outcome& outcome) {
    return outcome.interrupted ? "not reached before shutdown" : "not reached before the cycle deadline";
}

// Every project whose PM agent should have been updated and was not: failed, with the reason.
void record_missing_agents(const cycle_work& work, cycle_outcome& outcome) {
    if (!work.letta) return;
    std::string reason = !work.letta_error.empty() ? "Letta: " + work.letta_error : unreached_reason(outcome);
    for (std::size_t i = 0; i < work.projects.size(); ++i) {
        if (!wants_agent(work.outcomes[i])) continue;
        auto [it, added] = outcome.agents.try_emplace(work.projects[i].identifier);
        if (added) it->second.error = reason;
    }
}

// Why Letta counts as refusing or failing this cycle: the control agent, else the first PM agent failure.
std::string letta_problem(const cycle_outcome& outcome) {
    if (!outcome.letta_error.empty()) return outcome.letta_error;
    std::size_t failed = 0;
    std::string first;
    for (const auto& [project, agent] : outcome.agents) {
        if (agent.ok) continue;
        if (failed++ == 0) first = project + ": " + agent.error;
    }
    if (failed == 0) return "";
    return std::to_string(failed) + " of " + std::to_string(outcome.agents.size()) + " PM agents failed (" + first + ")";
}

// One line per project whose PM agent wrote something or failed; nothing for an agent already up to date.
void log_agent_work(log::logger lg, const agents::agent_outcome& agent) {
    if (!agent.ok) {
        HVS_LOG(lg, warning) << agent_work_line(agent);
    } else if (worth_reporting(agent)) {
        HVS_LOG(lg, info) << agent_work_line(agent);
    }
}

}  // namespace

std::string_view cycle_verdict(bool world_read, bool timed_out, bool interrupted, int projects_failed,
                               int agents_failed) {
    if (interrupted) return "interrupted";
    if (timed_out) return "timeout";
    if (!world_read || projects_failed > 0) return "failed";
    return agents_failed > 0 ? "partial" : "ok";
}

net::task<cycle_outcome> run_cycle(sync::sync_context& ctx, cycle_options options, agents::agent_context* letta) {
    cycle_outcome outcome;
    outcome.record.started_at = core::now_iso8601();
    cycle_work work;
    work.stop_requested = options.stop_requested;
    work.leases = options.leases;
    work.letta = letta;
    work.on_progress = &options.on_progress;
    boost::json::array errors;

    bool finished = false;
    {
        client_deadlines bounded(options);
        finished = co_await run_with_deadline(ctx, options, work);
    }
    outcome.interrupted = options.stop_requested && *options.stop_requested;
    outcome.every_project = !options.only.has_value();
    outcome.timed_out = !finished && !outcome.interrupted;
    const bool world_read = work.world && *work.world;
    if (!world_read) {
        outcome.error = work.world ? work.world->error().describe()
                                   : unreached_reason(outcome) + " while listing the projects";
        errors.push_back(boost::json::object{{"project", nullptr}, {"error", outcome.error}});
        HVS_LOG(ctx.log, error) << "cycle failed before any project: " << outcome.error;
    } else {
        for (std::size_t i = 0; i < work.projects.size(); ++i) {
            auto& result = work.outcomes[i];
            if (!result) {
                result = sync::project_outcome{};
                result->project = work.projects[i].identifier;
                result->error = unreached_reason(outcome);
            }
            outcome.projects.push_back(*result);
        }
        outcome.letta_error = work.letta_error;
        outcome.agents = std::move(work.agent_outcomes);
        record_missing_agents(work, outcome);
    }
    if (work.leases && world_read) outcome.leases = work.leases->last_share();
    outcome.upstream_problems = std::move(work.upstream_problems);
    if (auto problem = letta_problem(outcome); !problem.empty()) outcome.upstream_problems["letta"] = problem;

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
    int agents_failed = 0;
    for (const auto& [project, agent] : outcome.agents) {
        log_agent_work(ctx.log.with("project", project), agent);
        if (agent.ok) continue;
        ++agents_failed;
        errors.push_back(boost::json::object{{"project", project}, {"error", "PM agent: " + agent.error}});
    }
    r.agent_work_json = boost::json::serialize(agent_work_json(outcome.agents));
    r.outcome = std::string(cycle_verdict(world_read, outcome.timed_out, outcome.interrupted, r.projects_failed,
                                          agents_failed));
    outcome.ok = r.outcome == "ok";
    r.finished_at = core::now_iso8601();
    r.errors_json = boost::json::serialize(errors);
    if (!ctx.settings.dry_run) {
        // Named, not a temporary: GCC 12 mis-copies lambda temporaries inside co_await expressions.
        auto job = [record = r](store::database& db) { return store::save_cycle(db, record); };
        auto saved = co_await ctx.db.run(std::move(job));
        if (!saved) HVS_LOG(ctx.log, error) << "recording the cycle failed: " << saved.error().describe();
    }
    co_return outcome;
}

}  // namespace hvs::service
