// S2 (idle cycle of a large, already-synced workspace) and S6 (PM agent cold start): whole
// cycles of the service against the three simulators over loopback.

#include "run.hpp"
#include "scenario.hpp"
#include "workspace.hpp"

#include "hvs/service/cycle.hpp"

#include <boost/json.hpp>


namespace hvs::bench {

namespace json = boost::json;

figures idle_cycle(unsigned projects_at_scale_1, const run_settings& run) {
    const unsigned projects = run.scaled(projects_at_scale_1);
    const unsigned issues = run.scaled(100);
    const unsigned latency_ms = 5;
    workspace w({latency_ms}, {latency_ms}, {});
    seed_linked_projects(w, "P", projects, issues);
    w.start_simulators();

    auto rt = w.make_runtime();
    auto first = run_to_end(w.ioc, service::run_cycle(rt->context(), rt->cycle_settings()));  // links by marker
    w.reset_counts();
    figures f;
    auto idle = w.measured_cycle(*rt, f);

    f.scenario = "S2 idle cycle";
    f.parameters = {{"projects", projects}, {"issues_per_project", issues}, {"latency_ms", latency_ms},
                    {"connections", w.cfg.huly.connections}, {"workers", w.cfg.max_workers}};
    w.report_requests(f);
    // No rate cap: the bound is the critical path, list the projects, then list one project's
    // issues and tasks (the two lists run at once).
    f.bound_seconds = 2 * latency_ms / 1000.0;
    f.bound_basis = "critical path: 2 dependent requests x L";
    f.errors = static_cast<std::uint64_t>(first.record.projects_failed + idle.record.projects_failed);
    const std::uint64_t writes = w.writes("huly") + w.writes("vibe");
    if (!first.ok || !idle.ok) f.wrong.push_back("a cycle failed: " + first.error + idle.error);
    if (first.record.tasks_created != 0) f.wrong.push_back("the linking cycle created tasks");
    if (writes != 0) f.wrong.push_back(std::to_string(writes) + " writes in the idle cycle");
    f.checked = true;
    f.extra["writes"] = writes;
    f.extra["reads_per_project"] = static_cast<double>(f.requests) / projects;
    return f;
}

figures agent_cold_start(const run_settings& run) {
    const unsigned projects = run.scaled(42);
    const unsigned tools = run.scaled(10);
    const upstream_setup letta{50, 50, 10};
    workspace w({}, {}, letta);
    seed_control_agent(w.letta, tools);
    json::array huly_projects;
    std::vector<std::string> identifiers;
    for (unsigned p = 0; p < projects; ++p) {
        identifiers.push_back("A" + std::to_string(p));
        huly_projects.push_back(json::object{
            {"identifier", identifiers.back()},
            {"name", "Agent Project " + std::to_string(p)},
            {"issues", json::array{json::object{{"title", "First"}, {"status", "Todo"}}}}});
    }
    w.huly.seed(json::object{{"projects", huly_projects}});
    w.enable_letta();
    w.pace_service_at_upstream_rates();
    if (run.legacy) w.pace_like_legacy();
    w.start_simulators();

    auto rt = w.make_runtime();
    figures f;
    auto outcome = w.measured_cycle(*rt, f);

    f.scenario = "S6 agent cold start";
    f.parameters = {{"projects", projects}, {"control_tools", tools}, {"letta_latency_ms", letta.latency_ms},
                    {"letta_rate", letta.rate}, {"letta_burst", letta.burst}, {"client_rate", w.cfg.letta.rate},
                    {"workers", w.cfg.max_workers}, {"letta_connections", w.cfg.letta.connections}};
    w.report_requests(f);  // only Letta has a rate: the bound is Letta's N/R
    unsigned created = 0, failed = 0;
    for (const auto& [project, agent] : outcome.agents) {
        created += agent.created ? 1 : 0;
        failed += agent.ok ? 0 : 1;
    }
    f.errors = failed + static_cast<std::uint64_t>(outcome.record.projects_failed);
    if (!outcome.ok) f.wrong.push_back("the cycle failed: " + outcome.error);
    if (created != projects) f.wrong.push_back(std::to_string(created) + " agents created, expected " + std::to_string(projects));
    check_one_agent_per_project(w.letta, identifiers, tools, f);
    f.extra["agents_created"] = created;
    return f;
}

}  // namespace hvs::bench
