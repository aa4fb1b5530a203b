// S5 cold start: 100 projects with 5,000 issues in Huly, nothing in Vibe, an empty database and
// no PM agents (the control agent holds 10 tools). One cycle creates every Vibe project and task
// (with the status follow-up a non-todo issue needs) and every PM agent, at R = 100/s on the
// three upstreams.

#include "run.hpp"
#include "scenario.hpp"
#include "workspace.hpp"

#include "hvs/service/cycle.hpp"
#include "hvs/sync/text.hpp"

#include <boost/json.hpp>

#include <map>

namespace hvs::bench {
namespace {

namespace json = boost::json;

// One issue in five is not todo in Vibe's terms: its task needs a status update after the create.
std::pair<const char*, const char*> status_of(unsigned n) {
    switch (n % 10) {
    case 0: return {"In Progress", "inprogress"};
    case 1: return {"Done", "done"};
    case 2:
    case 3: return {"Backlog", "todo"};
    default: return {"Todo", "todo"};
    }
}

struct wanted_task {
    std::string project_name, title, status;
};

// Every issue has exactly one task, in its project's Vibe project, with its title and status.
void check_tasks(const sim::vibe_simulator& vibe, const std::map<std::string, wanted_task>& wanted, figures& f) {
    std::map<std::string, unsigned> seen;
    for (const auto& p : projects_of(vibe)) {
        const std::string project_name(p.at("name").as_string());
        for (const auto& t : p.at("tasks").as_array()) {
            const auto& d = t.at("description");
            auto id = d.is_string() ? sync::marker_issue_id(d.as_string()) : std::nullopt;
            auto it = id ? wanted.find(*id) : wanted.end();
            if (it == wanted.end()) {
                f.wrong.push_back("task " + std::string(t.at("id").as_string()) + " belongs to no issue");
                continue;
            }
            ++seen[*id];
            const auto& w = it->second;
            if (project_name != w.project_name || t.at("title").as_string() != w.title ||
                t.at("status").as_string() != w.status) {
                f.wrong.push_back(*id + ": task '" + std::string(t.at("title").as_string()) + "' " +
                                  std::string(t.at("status").as_string()) + " in '" + project_name + "', expected '" +
                                  w.title + "' " + w.status + " in '" + w.project_name + "'");
            }
        }
    }
    for (const auto& [id, task] : wanted) {
        auto it = seen.find(id);
        if (it == seen.end() || it->second != 1) {
            f.wrong.push_back(id + " has " + std::to_string(it == seen.end() ? 0 : it->second) + " tasks");
        }
    }
}

}  // namespace

figures cold_start(const run_settings& run) {
    const unsigned projects = run.scaled(100);
    const unsigned issues = run.scaled(50);
    const unsigned tools = run.scaled(10);
    const upstream_setup tracker{5, 100, 10}, letta{50, 100, 10};
    workspace w(tracker, tracker, letta);
    seed_control_agent(w.letta, tools);
    json::array huly_projects;
    std::vector<std::string> identifiers;
    std::map<std::string, wanted_task> wanted;  // by issue id
    for (unsigned p = 0; p < projects; ++p) {
        const std::string id = "S" + std::to_string(p), name = "Cold Project " + std::to_string(p);
        json::array issue_list;
        for (unsigned n = 1; n <= issues; ++n) {
            const auto [huly_status, vibe_status] = status_of(n);
            const std::string title = "Task " + std::to_string(n) + " of " + id;
            issue_list.push_back(json::object{{"title", title}, {"description", "About " + title}, {"status", huly_status}});
            wanted[id + "-" + std::to_string(n)] = {name, title, vibe_status};
        }
        identifiers.push_back(id);
        huly_projects.push_back(json::object{{"identifier", id}, {"name", name}, {"issues", std::move(issue_list)}});
    }
    w.huly.seed(json::object{{"projects", std::move(huly_projects)}});
    w.enable_letta();
    w.pace_service_at_upstream_rates();
    if (run.legacy) w.pace_like_legacy();
    w.start_simulators();

    auto rt = w.make_runtime();
    figures f;
    auto outcome = w.measured_cycle(*rt, f);

    f.scenario = "S5 cold start";
    f.parameters = {{"projects", projects}, {"issues", projects * issues}, {"control_tools", tools},
                    {"latency_ms", tracker.latency_ms}, {"letta_latency_ms", letta.latency_ms}, {"rate", tracker.rate},
                    {"burst", tracker.burst}, {"client_rate", w.cfg.vibe.rate}, {"workers", w.cfg.max_workers},
                    {"connections", w.cfg.vibe.connections}};
    w.report_requests(f);
    unsigned agents_failed = 0, agents_created = 0;
    for (const auto& [project, agent] : outcome.agents) {
        agents_failed += agent.ok ? 0 : 1;
        agents_created += agent.created ? 1 : 0;
    }
    f.errors = static_cast<std::uint64_t>(outcome.record.projects_failed) + agents_failed;
    if (!outcome.ok) f.wrong.push_back("the cycle failed: " + outcome.error);
    if (outcome.record.tasks_created != static_cast<int>(wanted.size())) {
        f.wrong.push_back(std::to_string(outcome.record.tasks_created) + " tasks created, expected " +
                          std::to_string(wanted.size()));
    }
    check_tasks(w.vibe, wanted, f);
    check_one_agent_per_project(w.letta, identifiers, tools, f);
    f.extra["tasks_created"] = outcome.record.tasks_created;
    f.extra["agents_created"] = agents_created;
    return f;
}

}  // namespace hvs::bench
