#pragma once
// What every scenario that runs the service needs: the three simulators served over loopback on
// their own thread and io_context (the real upstreams are other processes, so the figures measure
// the service, not the simulators' CPU on its thread), a scratch directory for the database and
// the stacks, and the configuration that points the service at them.

#include "scenario.hpp"

#include "hvs/core/config.hpp"
#include "hvs/service/runtime.hpp"
#include "hvs/sim/host.hpp"
#include "hvs/sim/huly_simulator.hpp"
#include "hvs/sim/huly_watcher_simulator.hpp"
#include "hvs/sim/letta_simulator.hpp"
#include "hvs/sim/vibe_simulator.hpp"

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

namespace hvs::bench {

// How one simulated upstream answers: latency before every answer, admitted rate and burst.
struct upstream_setup {
    unsigned latency_ms = 0;
    double rate = 0;  // requests per second; 0 = unlimited
    unsigned burst = 1;
};

inline constexpr std::string_view bench_password = "bench-password";

class workspace {
public:
    workspace(upstream_setup huly, upstream_setup vibe, upstream_setup letta);
    ~workspace();
    workspace(const workspace&) = delete;
    workspace& operator=(const workspace&) = delete;

    boost::asio::io_context ioc;  // the service's
    sim::huly_simulator huly;
    sim::vibe_simulator vibe;
    sim::letta_simulator letta;
    core::config cfg;  // Letta off; 16 workers; 16 connections and no pacing per upstream

    // huly-change-watcher over `huly`, polling every `poll_interval` on the simulators' thread from
    // start_simulators() until they stop, served apart (host "huly-watcher"); sets cfg.huly_events_url
    // to its /events. Before start_simulators(). `options.poll_interval` is overridden.
    sim::huly_watcher_simulator& add_huly_watcher(std::chrono::milliseconds poll_interval,
                                                  sim::huly_watcher_options options = {});

    // Seed first, then start serving; stop before reading the simulators' state or counters.
    void start_simulators();
    void stop_simulators();
    // Runs fn on the simulators' thread and waits for it.
    template <class F>
    void on_simulators(F fn) {
        std::promise<void> done;
        boost::asio::post(sim_ioc_, [&] {
            fn();
            done.set_value();
        });
        done.get_future().wait();
    }
    // On the simulators' thread: forget the requests counted so far (setup work is not measured).
    void reset_counts();
    // On the simulators' thread: admit every request, or go back to the scenario's rates.
    void admit_everything();
    void admit_scenario_rates();

    void enable_letta();
    // The service paces every upstream that has a rate at that rate with a burst of 1: the
    // upstream's own burst then absorbs the jitter between leaving here and arriving there.
    void pace_service_at_upstream_rates();
    // The original service's pacing: one worker, one connection, 5 requests/s, burst 1 per upstream.
    void pace_like_legacy();
    // Throws std::runtime_error when the runtime cannot be built from `cfg`.
    [[nodiscard]] std::unique_ptr<service::runtime> make_runtime();
    // The measured part of a cycle scenario: one whole cycle of `rt` (its PM agents too when Letta
    // is enabled), wall time and peak RSS recorded into `f` before the simulators stop (the checks
    // that follow read their whole state).
    service::cycle_outcome measured_cycle(service::runtime& rt, figures& f);

    // After stop_simulators(): requests admitted, 429s and each upstream's admitted requests by
    // route into `f`, and the bound: max over the rate-limited upstreams of admitted / rate.
    void report_requests(figures& f) const;
    // Each host's upstream_figures (hosts without requests left out), the admitted requests and 429s
    // added to the counters given. Reads the counters: on the simulators' thread, or after
    // stop_simulators().
    [[nodiscard]] boost::json::object upstream_requests(std::uint64_t* admitted = nullptr,
                                                        std::uint64_t* rejected = nullptr) const;
    // Write requests the upstream admitted (a 429 is not a write).
    [[nodiscard]] std::uint64_t writes(std::string_view upstream) const;
    // "huly", "vibe", "letta" or (once added) "huly-watcher".
    [[nodiscard]] const sim::host& host(std::string_view upstream) const;

    // Another Huly and Vibe host serving the same simulators with the same latency and rate, but
    // counting apart: returns `cfg` pointing at them, for one of several replicas whose requests are
    // reported each on its own. Before start_simulators(); they stop and reset with the others.
    [[nodiscard]] core::config add_entrance();
    // Requests entrance `index` (in the order added) admitted, per upstream, as report_requests
    // gives them. Reads the counters: on the simulators' thread, or after stop_simulators().
    [[nodiscard]] boost::json::object entrance_requests(std::size_t index) const;

private:
    struct entrance {
        std::unique_ptr<sim::host> huly, vibe;
    };

    boost::asio::io_context sim_ioc_;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> sim_work_;
    std::thread sim_thread_;
    upstream_setup huly_setup_, vibe_setup_, letta_setup_;
    std::unique_ptr<sim::host> huly_host_, vibe_host_, letta_host_;
    std::vector<entrance> entrances_;
    std::unique_ptr<sim::huly_watcher_simulator> watcher_;
    std::unique_ptr<sim::host> watcher_host_;
    boost::asio::cancellation_signal stop_watcher_;
    std::string letta_url_;
    std::filesystem::path dir_;
};

// The "projects" of a simulator's state (Huly's or Vibe's), by value.
[[nodiscard]] boost::json::array projects_of(const sim::simulator& sim);

// The requests admitted (not answered 429) by route.
[[nodiscard]] std::map<std::string, std::uint64_t> admitted_by_route(const sim::request_counts& counts);

// A route counts as a write unless it is a GET or HEAD.
[[nodiscard]] bool is_write_route(std::string_view route);

// One upstream's figures from its counters: requests and writes admitted, 429s, admitted requests
// by route (and the rejected ones by route, when there were any).
[[nodiscard]] boost::json::object upstream_figures(const sim::request_counts& counts);
[[nodiscard]] std::uint64_t admitted_writes(const sim::request_counts& counts);

// Seeds Huly with `projects` projects <prefix><p> of `issues` issues each ("Issue <n>", description
// "d", Todo) and Vibe with the same, each task carrying its issue's marker: both sides agree, and
// the first cycle links every pair by its marker without writing.
void seed_linked_projects(workspace& w, const std::string& prefix, unsigned projects, unsigned issues);

// Seeds Letta with the control agent "Huly-PM-Control" holding `tools` tools and no PM agent.
void seed_control_agent(sim::letta_simulator& letta, unsigned tools);
// Every project (by identifier) has exactly one PM agent tagged project:<ID>, holding every tool
// of the control agent; what is not so goes into f.wrong.
void check_one_agent_per_project(const sim::letta_simulator& letta, const std::vector<std::string>& projects,
                                 unsigned tools, figures& f);

}  // namespace hvs::bench
