#include "workspace.hpp"

#include "run.hpp"

#include "hvs/sync/text.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <string>

namespace hvs::bench {
namespace {

namespace json = boost::json;

sim::letta_options letta_options() {
    sim::letta_options o;
    o.password = std::string(bench_password);
    return o;
}

sim::host_options host_options_of(const upstream_setup& s) {
    return {std::chrono::milliseconds(s.latency_ms), s.rate, s.burst};
}

// Many connections: a replica (or several) keeps a pool per upstream.
net::server_params simulator_server_params() {
    net::server_params server;
    server.max_connections = 4096;
    return server;
}

// Serves `h` on a free loopback port; its base URL.
std::string listen_locally(sim::host& h) {
    auto port = h.listen(0);
    if (!port) throw std::runtime_error("simulator cannot listen: " + port.error().describe());
    return "http://127.0.0.1:" + std::to_string(*port);
}

}  // namespace

json::array projects_of(const sim::simulator& sim) {
    auto state = sim.state();
    return std::move(state.as_object().at("projects").as_array());
}

bool is_write_route(std::string_view route) { return !route.starts_with("GET ") && !route.starts_with("HEAD "); }

workspace::workspace(upstream_setup huly_setup, upstream_setup vibe_setup, upstream_setup letta_setup)
    : letta(letta_options()),
      huly_setup_(huly_setup),
      vibe_setup_(vibe_setup),
      letta_setup_(letta_setup),
      dir_(std::filesystem::temp_directory_path() / ("hvs-bench-" + std::to_string(std::random_device{}()))) {
    std::filesystem::create_directories(dir_ / "stacks");
    const auto server = simulator_server_params();
    huly_host_ = std::make_unique<sim::host>(sim_ioc_.get_executor(), huly, host_options_of(huly_setup), server);
    vibe_host_ = std::make_unique<sim::host>(sim_ioc_.get_executor(), vibe, host_options_of(vibe_setup), server);
    letta_host_ = std::make_unique<sim::host>(sim_ioc_.get_executor(), letta, host_options_of(letta_setup), server);
    cfg.huly_api_url = listen_locally(*huly_host_) + "/api";
    cfg.vibe_api_url = listen_locally(*vibe_host_) + "/api";
    letta_url_ = listen_locally(*letta_host_) + "/v1";
    cfg.db_path = (dir_ / "state.db").string();
    cfg.stacks_dir = (dir_ / "stacks").string();
    cfg.max_workers = 16;
    for (auto* limits : {&cfg.huly, &cfg.vibe, &cfg.letta}) *limits = {0, 1, 16};
}

workspace::~workspace() {
    stop_simulators();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

sim::huly_watcher_simulator& workspace::add_huly_watcher(std::chrono::milliseconds poll_interval,
                                                         sim::huly_watcher_options options) {
    options.poll_interval = poll_interval;
    watcher_ = std::make_unique<sim::huly_watcher_simulator>(huly, std::move(options));
    watcher_host_ = std::make_unique<sim::host>(sim_ioc_.get_executor(), *watcher_, sim::host_options{},
                                                simulator_server_params());
    cfg.huly_events_url = listen_locally(*watcher_host_) + "/events";
    return *watcher_;
}

void workspace::start_simulators() {
    sim_work_.emplace(sim_ioc_.get_executor());
    if (watcher_) {
        boost::asio::co_spawn(sim_ioc_, net::cancellation_as_values(sim::run_watcher(*watcher_)),
                              boost::asio::bind_cancellation_slot(stop_watcher_.slot(), boost::asio::detached));
    }
    sim_thread_ = std::thread([this] { sim_ioc_.run(); });
}

void workspace::stop_simulators() {
    if (!sim_thread_.joinable()) return;
    boost::asio::post(sim_ioc_, [this] {
        huly_host_->stop();
        vibe_host_->stop();
        letta_host_->stop();
        for (auto& e : entrances_) {
            e.huly->stop();
            e.vibe->stop();
        }
        if (watcher_host_) {
            watcher_host_->stop();
            stop_watcher_.emit(boost::asio::cancellation_type::terminal);
        }
        sim_work_.reset();
    });
    sim_thread_.join();
}

void workspace::reset_counts() {
    on_simulators([this] {
        huly_host_->reset_counts();
        vibe_host_->reset_counts();
        letta_host_->reset_counts();
        if (watcher_host_) watcher_host_->reset_counts();
        for (auto& e : entrances_) {
            e.huly->reset_counts();
            e.vibe->reset_counts();
        }
    });
}

void workspace::admit_everything() {
    on_simulators([this] {
        for (auto* h : {huly_host_.get(), vibe_host_.get(), letta_host_.get()}) h->set_rate(0, 1);
    });
}

void workspace::admit_scenario_rates() {
    on_simulators([this] {
        huly_host_->set_rate(huly_setup_.rate, huly_setup_.burst);
        vibe_host_->set_rate(vibe_setup_.rate, vibe_setup_.burst);
        letta_host_->set_rate(letta_setup_.rate, letta_setup_.burst);
    });
}

void workspace::enable_letta() {
    cfg.letta_base_url = letta_url_;
    cfg.letta_password = std::string(bench_password);
}

void workspace::pace_service_at_upstream_rates() {
    cfg.huly.rate = huly_setup_.rate;
    cfg.vibe.rate = vibe_setup_.rate;
    cfg.letta.rate = letta_setup_.rate;
    for (auto* limits : {&cfg.huly, &cfg.vibe, &cfg.letta}) limits->burst = 1;
}

void workspace::pace_like_legacy() {
    cfg.max_workers = 1;
    for (auto* limits : {&cfg.huly, &cfg.vibe, &cfg.letta}) *limits = {5, 1, 1};
}

std::unique_ptr<service::runtime> workspace::make_runtime() {
    auto rt = service::runtime::create(ioc.get_executor(), cfg);
    if (!rt) throw std::runtime_error("the service cannot start: " + rt.error().describe());
    return std::move(*rt);
}

service::cycle_outcome workspace::measured_cycle(service::runtime& rt, figures& f) {
    const stopwatch watch;
    auto outcome = run_to_end(ioc, service::run_cycle(rt.context(), rt.cycle_settings(), rt.letta()));
    watch.record(f);
    stop_simulators();
    return outcome;
}

const sim::host& workspace::host(std::string_view upstream) const {
    if (upstream == "huly") return *huly_host_;
    if (upstream == "vibe") return *vibe_host_;
    if (upstream == "huly-watcher" && watcher_host_) return *watcher_host_;
    return *letta_host_;
}

std::map<std::string, std::uint64_t> admitted_by_route(const sim::request_counts& counts) {
    auto out = counts.by_route;
    for (const auto& [route, n] : counts.rejected_by_route) out[route] -= n;
    std::erase_if(out, [](const auto& entry) { return entry.second == 0; });
    return out;
}

std::uint64_t admitted_writes(const sim::request_counts& counts) {
    std::uint64_t n = 0;
    for (const auto& [route, count] : admitted_by_route(counts)) {
        if (is_write_route(route)) n += count;
    }
    return n;
}

json::object upstream_figures(const sim::request_counts& counts) {
    json::object routes, rejected;
    for (const auto& [route, count] : admitted_by_route(counts)) routes[route] = count;
    for (const auto& [route, count] : counts.rejected_by_route) rejected[route] = count;
    json::object out{{"requests", counts.total - counts.rejected},
                     {"writes", admitted_writes(counts)},
                     {"rejected_429", counts.rejected},
                     {"by_route", std::move(routes)}};
    if (!rejected.empty()) out["rejected_by_route"] = std::move(rejected);
    return out;
}

std::uint64_t workspace::writes(std::string_view upstream) const { return admitted_writes(host(upstream).counts()); }

void workspace::report_requests(figures& f) const {
    f.requests = f.rejected_429 = 0;
    double bound = 0;
    const std::pair<const char*, const upstream_setup*> all[] = {
        {"huly", &huly_setup_}, {"vibe", &vibe_setup_}, {"letta", &letta_setup_}};
    for (const auto& [name, setup] : all) {
        const auto counts = host(name).counts();
        if (setup->rate > 0) bound = std::max(bound, static_cast<double>(counts.total - counts.rejected) / setup->rate);
    }
    f.extra["upstreams"] = upstream_requests(&f.requests, &f.rejected_429);
    if (bound > 0) {
        f.bound_seconds = bound;
        f.bound_basis = "max over upstreams of N/R";
    }
}

json::object workspace::upstream_requests(std::uint64_t* admitted, std::uint64_t* rejected) const {
    json::object upstreams;
    std::vector<std::string_view> names{"huly", "vibe", "letta"};
    if (watcher_host_) names.push_back("huly-watcher");
    for (auto name : names) {
        const auto counts = host(name).counts();
        if (counts.total == 0) continue;
        upstreams[name] = upstream_figures(counts);
        if (admitted) *admitted += counts.total - counts.rejected;
        if (rejected) *rejected += counts.rejected;
    }
    return upstreams;
}

core::config workspace::add_entrance() {
    const auto server = simulator_server_params();
    entrance e{std::make_unique<sim::host>(sim_ioc_.get_executor(), huly, host_options_of(huly_setup_), server),
               std::make_unique<sim::host>(sim_ioc_.get_executor(), vibe, host_options_of(vibe_setup_), server)};
    core::config out = cfg;
    out.huly_api_url = listen_locally(*e.huly) + "/api";
    out.vibe_api_url = listen_locally(*e.vibe) + "/api";
    entrances_.push_back(std::move(e));
    return out;
}

json::object workspace::entrance_requests(std::size_t index) const {
    const auto& e = entrances_.at(index);
    return json::object{{"huly", upstream_figures(e.huly->counts())}, {"vibe", upstream_figures(e.vibe->counts())}};
}

void seed_linked_projects(workspace& w, const std::string& prefix, unsigned projects, unsigned issues) {
    json::array huly_projects, vibe_projects;
    for (unsigned p = 0; p < projects; ++p) {
        std::string id = prefix + std::to_string(p);
        json::array issue_list, tasks;
        for (unsigned n = 1; n <= issues; ++n) {
            std::string title = "Issue " + std::to_string(n);
            issue_list.push_back(json::object{{"title", title}, {"description", "d"}, {"status", "Todo"}, {"number", n}});
            tasks.push_back(json::object{{"title", title},
                                         {"description", sync::with_marker("d", id + "-" + std::to_string(n))},
                                         {"status", "todo"}});
        }
        huly_projects.push_back(json::object{{"identifier", id}, {"name", "Project " + id}, {"issues", issue_list}});
        vibe_projects.push_back(json::object{{"name", "Project " + id}, {"git_repo_path", "/srv/" + id}, {"tasks", tasks}});
    }
    w.huly.seed(json::object{{"projects", huly_projects}});
    w.vibe.seed(json::object{{"projects", vibe_projects}});
}

void seed_control_agent(sim::letta_simulator& letta, unsigned tools) {
    json::array tool_list, control_tools;
    for (unsigned t = 0; t < tools; ++t) {
        tool_list.push_back(json::object{{"name", "huly_tool_" + std::to_string(t)}});
        control_tools.push_back(json::value("huly_tool_" + std::to_string(t)));
    }
    letta.seed(json::object{
        {"tools", tool_list},
        {"agents", json::array{json::object{{"name", "Huly-PM-Control"}, {"tags", json::array{}}, {"tools", control_tools}}}}});
}

void check_one_agent_per_project(const sim::letta_simulator& letta, const std::vector<std::string>& projects,
                                 unsigned tools, figures& f) {
    std::map<std::string, std::vector<std::string>> by_project;  // project:<ID> tag -> agent ids
    for (const auto& a : letta.agents()) {
        for (const auto& tag : a.at("tags").as_array()) {
            std::string_view t = tag.as_string();
            if (t.starts_with("project:")) by_project[std::string(t.substr(8))].push_back(std::string(a.at("id").as_string()));
        }
    }
    for (const auto& id : projects) {
        auto it = by_project.find(id);
        const std::size_t n = it == by_project.end() ? 0 : it->second.size();
        if (n != 1) {
            f.wrong.push_back(id + " has " + std::to_string(n) + " PM agents");
            continue;
        }
        auto names = letta.agent_tool_names(it->second.front());
        std::set<std::string> held(names.begin(), names.end());
        for (unsigned t = 0; t < tools; ++t) {
            if (!held.contains("huly_tool_" + std::to_string(t))) f.wrong.push_back(id + "'s agent lacks huly_tool_" + std::to_string(t));
        }
    }
    if (by_project.size() != projects.size()) {
        f.wrong.push_back(std::to_string(by_project.size()) + " projects have PM agents, expected " +
                          std::to_string(projects.size()));
    }
    f.checked = true;
}

}  // namespace hvs::bench
