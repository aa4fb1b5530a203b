// `huly-vibe-sync simulate`: serves the three upstream simulators and huly-change-watcher's (over
// the Huly simulator, polling it) on loopback until interrupted, and prints the settings that
// point the service at them.

#include "app/cli.hpp"
#include "app/command_line.hpp"

#include "hvs/core/log.hpp"
#include "hvs/sim/host.hpp"
#include "hvs/sim/huly_simulator.hpp"
#include "hvs/sim/huly_watcher_simulator.hpp"
#include "hvs/sim/letta_simulator.hpp"
#include "hvs/sim/vibe_simulator.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json/parse.hpp>

#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

namespace hvs::app {
namespace {

namespace json = boost::json;

struct service_flags {
    std::uint16_t port = 0;
    sim::host_options host;
};

struct simulate_flags {
    service_flags huly, vibe, letta;
    std::uint16_t watcher_port = 0;
    long watcher_poll_ms = 1'000;
    std::string seed_file;
    long latency_ms = 0;
    std::string huly_generation = "current";
    long huly_clock_offset_ms = 0;
    std::string letta_profile = "server-0.16.8";
    std::optional<std::size_t> letta_agent_quota;
    std::string vibe_generation = "0.0.71";
};

std::optional<sim::letta_profile> letta_profile_named(std::string_view name) {
    if (name == "server-0.16.8") return sim::letta_profile::server_0_16_8;
    if (name == "hosted") return sim::letta_profile::hosted;
    return std::nullopt;
}

// --huly-port, --huly-rate and --huly-burst (and Vibe's, Letta's): one simulator's port and admission.
void add_service_flags(CLI::App& app, const std::string& name, service_flags& flags) {
    add_value_option(app, "--" + name + "-port", flags.port, "0 = pick a free port and print it (default 0)")
        ->check(CLI::Range(0, 65535));
    add_value_option(app, "--" + name + "-rate", flags.host.rate,
                     "admitted requests per second; beyond: 429 + Retry-After (0 = unlimited, the default)")
        ->check(CLI::Range(0.0, 1e6));
    add_value_option(app, "--" + name + "-burst", flags.host.burst, "requests admitted at once (default 1)")
        ->check(CLI::Range(1U, 1'000'000U));
}

result<json::object> read_seed(const std::string& path) {
    if (path.empty()) return json::object{};
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(error_kind::invalid, "cannot read seed file '" + path + "'");
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    auto doc = json::parse(text.str(), ec);
    if (ec || !doc.is_object()) {
        return make_error(error_kind::invalid, "seed file '" + path + "' is not a JSON object" +
                                                   (ec ? ": " + ec.message() : std::string()));
    }
    return doc.as_object();
}

int simulate_command(const core::config& cfg, simulate_flags* flags) {
    for (auto* s : {&flags->huly, &flags->vibe, &flags->letta}) s->host.latency = std::chrono::milliseconds{flags->latency_ms};
    auto seed = read_seed(flags->seed_file);
    if (!seed) {
        std::cerr << "huly-vibe-sync simulate: " << seed.error().message << "\n";
        return exit_usage;
    }
    log::logger lg("simulate");

    sim::huly_options huly_opts;
    huly_opts.generation = *sim::huly_generation_named(flags->huly_generation);  // checked when parsed
    huly_opts.clock_offset = std::chrono::milliseconds{flags->huly_clock_offset_ms};
    sim::huly_simulator huly{huly_opts};
    sim::vibe_options vibe_opts;
    vibe_opts.generation = *sim::parse_vibe_generation(flags->vibe_generation);
    sim::vibe_simulator vibe{vibe_opts};
    sim::letta_options letta_opts;
    letta_opts.password = cfg.letta_password;  // LETTA_PASSWORD: the simulator then requires it
    letta_opts.profile = *letta_profile_named(flags->letta_profile);
    letta_opts.agent_quota = flags->letta_agent_quota;
    sim::letta_simulator letta{letta_opts};
    sim::huly_watcher_options watcher_opts;
    watcher_opts.poll_interval = std::chrono::milliseconds{flags->watcher_poll_ms};
    sim::huly_watcher_simulator watcher{huly, watcher_opts};
    const service_flags watcher_flags{flags->watcher_port, {}};

    struct served {
        std::string setting;
        std::string path;
        sim::simulator& simulator;
        const service_flags& flags;
        const char* seed_key;
    };
    const served services[] = {
        {"HULY_API_URL", "/api", huly, flags->huly, "huly"},
        {"VIBE_API_URL", "/api", vibe, flags->vibe, "vibe"},
        {"LETTA_BASE_URL", "/v1", letta, flags->letta, "letta"},
        {"HULY_EVENTS_URL", "/events", watcher, watcher_flags, "huly-watcher"},
    };

    boost::asio::io_context ioc;
    std::vector<std::unique_ptr<sim::host>> hosts;
    for (const auto& s : services) {
        if (auto* part = seed->if_contains(s.seed_key)) {
            try {
                s.simulator.seed(*part);
            } catch (const std::exception& ex) {
                std::cerr << "huly-vibe-sync simulate: seed for " << s.seed_key << " rejected: " << ex.what() << "\n";
                return exit_usage;
            }
        }
        auto& h = hosts.emplace_back(std::make_unique<sim::host>(ioc.get_executor(), s.simulator, s.flags.host));
        auto port = h->listen(s.flags.port);
        if (!port) {
            std::cerr << "huly-vibe-sync simulate: " << s.seed_key << ": " << port.error().describe() << "\n";
            return exit_failed;
        }
        std::cout << s.setting << "=http://127.0.0.1:" << *port << s.path << "\n";
    }
    std::cout.flush();
    boost::asio::co_spawn(ioc, net::cancellation_as_values(sim::run_watcher(watcher)), boost::asio::detached);
    HVS_LOG(lg, info) << "simulators ready (the watcher polls Huly every " << flags->watcher_poll_ms
                      << " ms); stop with Ctrl-C or SIGTERM";

    boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
        HVS_LOG(lg, info) << "stopping simulators";
        for (auto& h : hosts) h->stop();
        ioc.stop();
    });
    ioc.run();
    return exit_ok;
}

}  // namespace

command add_simulate_command(CLI::App& root) {
    CLI::App* app = root.add_subcommand(
        "simulate", "Serve the Huly, Vibe Kanban and Letta simulators and huly-change-watcher's (HULY_EVENTS_URL; "
                    "webhooks with HULY_WEBHOOK_URL) on loopback until interrupted (LETTA_PASSWORD, when set, is "
                    "required by the Letta simulator)");
    auto flags = std::make_shared<simulate_flags>();
    add_service_flags(*app, "huly", flags->huly);
    add_service_flags(*app, "vibe", flags->vibe);
    add_service_flags(*app, "letta", flags->letta);
    add_value_option(*app, "--watcher-port", flags->watcher_port,
                     "huly-change-watcher's port; 0 = pick a free port and print it (default 0)")
        ->check(CLI::Range(0, 65535));
    add_value_option(*app, "--watcher-poll-ms", flags->watcher_poll_ms,
                     "how often the watcher polls Huly for changes (default 1000; the real watcher's POLL_INTERVAL "
                     "is 5000, slow for demos)")
        ->check(CLI::Range(10L, 3'600'000L));
    add_value_option(*app, "--seed", flags->seed_file, R"(JSON workspace: {"huly":…, "vibe":…, "letta":…})");
    add_value_option(*app, "--latency-ms", flags->latency_ms, "delay before each answer (default 0)")
        ->check(CLI::Range(0L, 600'000L));
    add_value_option(*app, "--huly-generation", flags->huly_generation,
                     "current: the wrapper since 2026-01 (PATCH, syncMeta; default); 2025: no PATCH route "
                     "(Express 404), `filtered`")
        ->check(accepted_by(sim::huly_generation_named, "current or 2025"));
    add_value_option(*app, "--huly-clock-offset-ms", flags->huly_clock_offset_ms,
                     "the Huly simulator's clock runs N ms ahead (negative: behind)")
        ->check(CLI::Range(-86'400'000L, 86'400'000L));
    add_value_option(*app, "--letta-profile", flags->letta_profile,
                     "server-0.16.8 (default) or hosted (limit > 200 = 422, no /v1/folders/name/ route)")
        ->check(accepted_by(letta_profile_named, "server-0.16.8 or hosted"));
    add_value_option(*app, "--letta-agent-quota", flags->letta_agent_quota,
                     "POST /v1/agents/ answers 402 once N agents exist");
    add_value_option(*app, "--vibe-generation", flags->vibe_generation,
                     "0.0.71 (default), multi-repo or 0.1.15 (no local API)")
        ->check(accepted_by(sim::parse_vibe_generation, "0.0.71, multi-repo or 0.1.15"));
    return {app, [flags](const core::config& cfg) { return simulate_command(cfg, flags.get()); }};
}

}  // namespace hvs::app
