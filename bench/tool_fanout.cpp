// S1 / S1-large: N agents x T control tools all missing, Letta simulator with latency L, admitted
// rate R and a burst; the service's tools sync must approach N*T/R and leave identical tool sets.

#include "tool_fanout.hpp"

#include "run.hpp"
#include "workspace.hpp"

#include "hvs/agents/tool_sync.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <set>
#include <utility>

namespace hvs::bench {
namespace {

namespace json = boost::json;

std::string tool_name(unsigned t) { return "huly_tool_" + std::to_string(t); }

void seed(sim::letta_simulator& letta, unsigned agents, unsigned tools) {
    json::array tool_list, control_tools, agent_list;
    for (unsigned t = 0; t < tools; ++t) {
        tool_list.push_back(json::object{{"name", tool_name(t)}});
        control_tools.push_back(json::value(tool_name(t)));
    }
    agent_list.push_back(json::object{{"name", "Huly-PM-Control"}, {"tags", json::array{}}, {"tools", control_tools}});
    for (unsigned a = 0; a < agents; ++a) {
        agent_list.push_back(json::object{{"name", "Huly - Bench " + std::to_string(a)},
                                          {"tags", json::array{"huly-vibe-sync", json::value("project:B" + std::to_string(a))}},
                                          {"tools", json::array{}}});
    }
    letta.seed(json::object{{"tools", tool_list}, {"agents", agent_list}});
}

// Every PM agent holds every control tool, and no agent was lost or added.
void check_tool_sets(const sim::letta_simulator& letta, unsigned agents, unsigned tools, figures& f) {
    unsigned seen = 0;
    for (const auto& a : letta.agents()) {
        const auto name = std::string(a.at("name").as_string());
        if (!name.starts_with("Huly - Bench")) continue;
        ++seen;
        auto names = letta.agent_tool_names(std::string(a.at("id").as_string()));
        std::set<std::string> held(names.begin(), names.end());
        for (unsigned t = 0; t < tools; ++t) {
            if (!held.contains(tool_name(t))) f.wrong.push_back(name + " lacks " + tool_name(t));
        }
    }
    if (seen != agents) f.wrong.push_back(std::to_string(seen) + " PM agents, expected " + std::to_string(agents));
    f.checked = true;
}

struct probe_guard {
    fanout_probe* probe;
    boost::asio::io_context& ioc;
    bool started = false;

    void stop() {
        if (probe && std::exchange(started, false)) probe->stop(ioc);
    }
    ~probe_guard() { stop(); }
};

}  // namespace

figures tool_fanout(const fanout_workload& workload, const run_settings& run) { return tool_fanout(workload, run, nullptr); }

figures tool_fanout(const fanout_workload& workload, const run_settings& run, fanout_probe* probe) {
    const unsigned agents = run.scaled(workload.agents);
    const unsigned tools = run.scaled(workload.tools);
    workspace w({}, {}, {workload.latency_ms, workload.rate, workload.burst});
    seed(w.letta, agents, tools);
    w.enable_letta();
    w.cfg.http_attempts = 6;
    w.cfg.letta.connections = workload.connections;
    w.pace_service_at_upstream_rates();
    if (run.legacy) w.pace_like_legacy();
    w.start_simulators();

    auto rt = w.make_runtime();
    // The probe stops before the runtime goes, also when the sync throws.
    probe_guard guard{probe, w.ioc, false};
    if (probe) {
        probe->start(w.ioc, *rt, w.cfg);
        guard.started = true;
    }
    const stopwatch watch;
    agents::tool_sync_request request;
    request.control_agent = w.cfg.letta_control_agent;
    request.max_in_flight = w.cfg.letta.connections;
    auto report = run_to_end(w.ioc, agents::sync_tools_from_control(rt->letta()->letta, request, {}));
    figures f;
    watch.record(f);  // before the checks, which read the simulators' whole state
    guard.stop();
    w.stop_simulators();

    f.scenario = workload.name;
    f.parameters = {{"agents", agents},
                    {"tools", tools},
                    {"latency_ms", workload.latency_ms},
                    {"rate", workload.rate},
                    {"burst", workload.burst},
                    {"client_rate", w.cfg.letta.rate},
                    {"client_burst", w.cfg.letta.burst},
                    {"connections", w.cfg.letta.connections}};
    w.report_requests(f);
    f.errors = report ? report->errors() : 1;
    if (!report) f.wrong.push_back("the tools sync failed: " + report.error().describe());
    check_tool_sets(w.letta, agents, tools, f);
    f.extra["operations"] = static_cast<std::uint64_t>(agents) * tools;
    // What the original's 200 ms sleep per operation alone costs.
    f.extra["original_sleep_seconds"] = static_cast<double>(agents) * tools * 0.2;
    if (probe) probe->report(f);
    return f;
}

}  // namespace hvs::bench
