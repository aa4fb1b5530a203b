// S1 / S1-large: N agents x T control tools all missing, Letta simulator with latency L, admitted
// rate R and a burst; the tools sync must approach N*T/R and leave identical tool sets.

#include "run.hpp"
#include "scenario.hpp"

#include "hvs/agents/tool_sync.hpp"
#include "hvs/sim/host.hpp"
#include "hvs/sim/letta_simulator.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>

namespace hvs::bench {

figures tool_fanout(unsigned agents, unsigned tools, unsigned latency_ms, double rate, unsigned burst,
                    double client_rate, unsigned connections, const std::string& name) {
    namespace json = boost::json;
    boost::asio::io_context ioc;
    sim::letta_options options;
    options.password = "bench-password";
    sim::letta_simulator letta(options);
    json::array tool_list, control_tools, agent_list;
    for (unsigned t = 0; t < tools; ++t) {
        tool_list.push_back(json::object{{"name", "huly_tool_" + std::to_string(t)}});
        control_tools.push_back(json::value("huly_tool_" + std::to_string(t)));
    }
    agent_list.push_back(json::object{{"name", "Huly-PM-Control"}, {"tags", json::array{}}, {"tools", control_tools}});
    for (unsigned a = 0; a < agents; ++a) {
        agent_list.push_back(json::object{{"name", "Huly - Bench " + std::to_string(a)},
                                          {"tags", json::array{"huly-vibe-sync", json::value("project:B" + std::to_string(a))}},
                                          {"tools", json::array{}}});
    }
    letta.seed(json::object{{"tools", tool_list}, {"agents", agent_list}});

    net::server_params server;
    server.max_connections = 4096;
    sim::host host(ioc.get_executor(), letta, {std::chrono::milliseconds(latency_ms), rate, burst}, server);
    auto port = host.listen(0);
    if (!port) throw std::runtime_error(port.error().describe());

    // The client paces at the admitted rate but never bursts: the simulator's own burst then
    // absorbs the few milliseconds of jitter between leaving here and arriving there.
    net::rate_limiter limiter(client_rate, 1);
    net::client_params params;
    params.name = "letta";
    params.pool.max_connections = connections;
    params.retry.max_attempts = 6;
    auto http = net::http_client::create(ioc.get_executor(),
                                         *net::parse_base_url("http://127.0.0.1:" + std::to_string(*port) + "/v1"),
                                         params, limiter);
    if (!http) throw std::runtime_error(http.error().describe());
    letta::client client(**http, options.password);

    auto started = std::chrono::steady_clock::now();
    auto report = run(ioc, agents::sync_tools_from_control(client, {"Huly-PM-Control", false, false, {}, {}}, {}));
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    figures f;
    f.scenario = name;
    f.parameters = {{"agents", agents}, {"tools", tools}, {"latency_ms", latency_ms}, {"rate", rate},
                    {"burst", burst}, {"client_rate", client_rate}, {"connections", connections}};
    f.requests = host.counts().total;
    f.rejected_429 = host.counts().rejected;
    f.rate = rate;
    f.wall_seconds = wall;
    f.errors = report ? report->errors() : 1;
    bool correct = report.has_value();
    for (const auto& a : letta.agents()) {
        if (a.at("name").as_string().starts_with("Huly - Bench")) {
            auto names = letta.agent_tool_names(std::string(a.at("id").as_string()));
            for (unsigned t = 0; t < tools; ++t) {
                correct = correct && std::find(names.begin(), names.end(), "huly_tool_" + std::to_string(t)) != names.end();
            }
        }
    }
    f.state_correct = correct;
    f.extra["operations"] = static_cast<std::uint64_t>(agents) * tools;
    f.extra["legacy_sequential_seconds"] = static_cast<double>(agents) * tools * 0.2;
    return f;
}

}  // namespace hvs::bench
