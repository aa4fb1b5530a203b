// S2 (idle cycle of a large, already-synced workspace) and S6 (PM agent cold start): whole
// cycles of the service against the three simulators over loopback.

#include "run.hpp"
#include "scenario.hpp"

#include "hvs/service/runtime.hpp"
#include "hvs/sim/host.hpp"
#include "hvs/sim/huly_simulator.hpp"
#include "hvs/sim/letta_simulator.hpp"
#include "hvs/sim/vibe_simulator.hpp"
#include "hvs/sync/text.hpp"

#include <boost/json.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <filesystem>
#include <future>
#include <optional>
#include <random>
#include <thread>

namespace hvs::bench {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

// The simulators run on their own thread and io_context, as the real upstreams are separate
// processes: the figures measure the service, not the simulators' CPU on the service's thread.
struct workspace {
    boost::asio::io_context ioc;
    boost::asio::io_context sim_ioc;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> sim_work;
    std::thread sim_thread;
    sim::huly_simulator huly;
    sim::vibe_simulator vibe;
    sim::letta_simulator letta{[] {
        sim::letta_options o;
        o.password = "bench-password";
        return o;
    }()};
    std::unique_ptr<sim::host> huly_host, vibe_host, letta_host;
    fs::path dir = fs::temp_directory_path() / ("hvs-bench-" + std::to_string(std::random_device{}()));
    core::config cfg;

    workspace(unsigned latency_ms, unsigned letta_latency_ms, double letta_rate, unsigned letta_burst) {
        fs::create_directories(dir / "stacks");
        net::server_params server;
        server.max_connections = 4096;
        sim::host_options plain{std::chrono::milliseconds(latency_ms), 0, 1};
        huly_host = std::make_unique<sim::host>(sim_ioc.get_executor(), huly, plain, server);
        vibe_host = std::make_unique<sim::host>(sim_ioc.get_executor(), vibe, plain, server);
        letta_host = std::make_unique<sim::host>(
            sim_ioc.get_executor(), letta,
            sim::host_options{std::chrono::milliseconds(letta_latency_ms), letta_rate, letta_burst}, server);
        cfg.huly_api_url = "http://127.0.0.1:" + std::to_string(*huly_host->listen(0)) + "/api";
        cfg.vibe_api_url = "http://127.0.0.1:" + std::to_string(*vibe_host->listen(0)) + "/api";
        cfg.letta_base_url = "http://127.0.0.1:" + std::to_string(*letta_host->listen(0)) + "/v1";
        cfg.db_path = (dir / "state.db").string();
        cfg.stacks_dir = (dir / "stacks").string();
        cfg.huly.rate = cfg.vibe.rate = 0;
        cfg.max_workers = 16;
        cfg.huly.connections = cfg.vibe.connections = 16;
    }
    ~workspace() {
        stop_simulators();
        std::error_code ec;
        fs::remove_all(dir, ec);
    }

    // Seed first, then start serving; stop before reading the simulators' state or counters.
    void start_simulators() {
        sim_work.emplace(sim_ioc.get_executor());
        sim_thread = std::thread([this] { sim_ioc.run(); });
    }
    void stop_simulators() {
        if (!sim_thread.joinable()) return;
        boost::asio::post(sim_ioc, [this] {
            huly_host->stop();
            vibe_host->stop();
            letta_host->stop();
            sim_work.reset();
        });
        sim_thread.join();
    }
    // Runs fn on the simulators' thread and waits for it.
    template <class F>
    void on_simulators(F fn) {
        std::promise<void> done;
        boost::asio::post(sim_ioc, [&] {
            fn();
            done.set_value();
        });
        done.get_future().wait();
    }

    std::uint64_t writes(const sim::host& h) const {
        std::uint64_t n = 0;
        for (const auto& [route, count] : h.counts().by_route) {
            if (!route.starts_with("GET ")) n += count;
        }
        return n;
    }
};

}  // namespace

figures idle_cycle(unsigned projects, unsigned issues_per_project, unsigned latency_ms) {
    workspace w(latency_ms, 0, 0, 1);
    // Both sides already agree: Huly issues and Vibe tasks carrying their markers.
    json::array huly_projects, vibe_projects;
    for (unsigned p = 0; p < projects; ++p) {
        std::string id = "P" + std::to_string(p);
        json::array issues, tasks;
        for (unsigned n = 1; n <= issues_per_project; ++n) {
            std::string title = "Issue " + std::to_string(n);
            issues.push_back(json::object{{"title", title}, {"description", "d"}, {"status", "Todo"}, {"number", n}});
            tasks.push_back(json::object{{"title", title},
                                         {"description", sync::with_marker("d", id + "-" + std::to_string(n))},
                                         {"status", "todo"}});
        }
        huly_projects.push_back(json::object{{"identifier", id}, {"name", "Project " + id}, {"issues", issues}});
        vibe_projects.push_back(json::object{{"name", "Project " + id},
                                             {"git_repo_path", "/srv/" + id},
                                             {"tasks", tasks}});
    }
    w.huly.seed(json::object{{"projects", huly_projects}});
    w.vibe.seed(json::object{{"projects", vibe_projects}});
    w.cfg.letta_base_url.clear();
    w.start_simulators();

    auto rt = service::runtime::create(w.ioc.get_executor(), w.cfg);
    if (!rt) throw std::runtime_error(rt.error().describe());
    auto first = run(w.ioc, service::run_cycle((*rt)->context(), (*rt)->cycle_settings()));  // links by marker
    w.on_simulators([&] {
        w.huly_host->reset_counts();
        w.vibe_host->reset_counts();
    });
    auto started = std::chrono::steady_clock::now();
    auto idle = run(w.ioc, service::run_cycle((*rt)->context(), (*rt)->cycle_settings()));
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    w.stop_simulators();

    figures f;
    f.scenario = "S2 idle cycle";
    f.parameters = {{"projects", projects}, {"issues_per_project", issues_per_project}, {"latency_ms", latency_ms}};
    auto huly = w.huly_host->counts();
    auto vibe = w.vibe_host->counts();
    f.requests = huly.total + vibe.total;
    f.wall_seconds = wall;
    f.errors = static_cast<std::uint64_t>(idle.record.projects_failed);
    std::uint64_t writes = w.writes(*w.huly_host) + w.writes(*w.vibe_host);
    f.state_correct = first.ok && idle.ok && first.record.tasks_created == 0 && writes == 0;
    f.extra["writes"] = writes;
    f.extra["huly_reads"] = huly.total;
    f.extra["vibe_reads"] = vibe.total;
    f.extra["reads_per_project"] = static_cast<double>(huly.total + vibe.total) / projects;
    return f;
}

figures agent_cold_start(unsigned projects, unsigned tools, unsigned latency_ms, double rate, unsigned burst) {
    workspace w(0, latency_ms, rate, burst);
    json::array tool_list, control_tools;
    for (unsigned t = 0; t < tools; ++t) {
        tool_list.push_back(json::object{{"name", "huly_tool_" + std::to_string(t)}});
        control_tools.push_back(json::value("huly_tool_" + std::to_string(t)));
    }
    w.letta.seed(json::object{
        {"tools", tool_list},
        {"agents", json::array{json::object{{"name", "Huly-PM-Control"}, {"tags", json::array{}}, {"tools", control_tools}}}}});
    json::array huly_projects;
    for (unsigned p = 0; p < projects; ++p) {
        std::string id = "A" + std::to_string(p);
        huly_projects.push_back(json::object{
            {"identifier", id},
            {"name", "Agent Project " + std::to_string(p)},
            {"issues", json::array{json::object{{"title", "First"}, {"status", "Todo"}}}}});
    }
    w.huly.seed(json::object{{"projects", huly_projects}});
    w.cfg.letta_password = "bench-password";
    w.cfg.letta.rate = rate;
    w.cfg.letta.burst = 1;  // paced, never bursting: the simulator's burst absorbs the jitter
    w.cfg.letta.connections = 16;
    w.start_simulators();

    auto rt = service::runtime::create(w.ioc.get_executor(), w.cfg);
    if (!rt) throw std::runtime_error(rt.error().describe());
    auto started = std::chrono::steady_clock::now();
    auto outcome = run(w.ioc, service::run_cycle((*rt)->context(), (*rt)->cycle_settings(), (*rt)->letta()));
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    w.stop_simulators();

    figures f;
    f.scenario = "S6 agent cold start";
    f.parameters = {{"projects", projects}, {"control_tools", tools}, {"letta_latency_ms", latency_ms},
                    {"letta_rate", rate}, {"letta_burst", burst}};
    auto letta = w.letta_host->counts();
    f.requests = letta.total;
    f.rejected_429 = letta.rejected;
    f.rate = rate;
    f.wall_seconds = wall;
    unsigned created = 0, failed = 0;
    for (const auto& [project, agent] : outcome.agents) {
        created += agent.created ? 1 : 0;
        failed += agent.ok ? 0 : 1;
    }
    f.errors = failed;
    f.state_correct = outcome.ok && created == projects;
    f.extra["agents_created"] = created;
    f.extra["creates"] = letta.by_route["POST /v1/agents/"];
    return f;
}

}  // namespace hvs::bench
