// `huly-vibe-sync simulate`: serves the three upstream simulators on loopback until interrupted,
// and prints the settings that point the service at them.

#include "app/cli.hpp"

#include "hvs/core/flags.hpp"
#include "hvs/core/log.hpp"
#include "hvs/sim/host.hpp"
#include "hvs/sim/huly_simulator.hpp"
#include "hvs/sim/letta_simulator.hpp"
#include "hvs/sim/vibe_simulator.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json/parse.hpp>

#include <charconv>
#include <fstream>
#include <iostream>
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
    std::string seed_file;
    sim::letta_profile letta_profile = sim::letta_profile::server_0_16_8;
    std::optional<std::size_t> letta_agent_quota;
    sim::vibe_generation vibe_generation = sim::vibe_generation::v0_0_71;
    sim::huly_options huly_options;  // --huly-generation, --huly-clock-offset-ms
};

template <class Number>
std::optional<Number> number_of(std::string_view text) {
    Number value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

result<simulate_flags> parse_flags(const std::vector<std::string>& args) {
    simulate_flags flags;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string name(core::flag_name(args[i]));
        auto given = core::take_flag_value(args, i);
        if (!given) return given.error();
        const std::string value = std::move(*given);
        auto bad = [&](std::string allowed) {
            return make_error(error_kind::invalid, "invalid " + name + "='" + value + "': expected " + allowed);
        };
        auto service = [&](std::string_view prefix) -> service_flags* {
            if (prefix == "--huly") return &flags.huly;
            if (prefix == "--vibe") return &flags.vibe;
            if (prefix == "--letta") return &flags.letta;
            return nullptr;
        };
        auto dash = name.find('-', 2);
        service_flags* svc = dash == std::string::npos ? nullptr : service(std::string_view(name).substr(0, dash));
        std::string knob = dash == std::string::npos ? "" : name.substr(dash + 1);

        if (name == "--seed") {
            flags.seed_file = value;
        } else if (name == "--latency-ms") {
            auto ms = number_of<long>(value);
            if (!ms || *ms < 0 || *ms > 600'000) return bad("milliseconds from 0 to 600000");
            for (auto* s : {&flags.huly, &flags.vibe, &flags.letta}) s->host.latency = std::chrono::milliseconds{*ms};
        } else if (name == "--vibe-generation") {
            auto generation = sim::parse_vibe_generation(value);
            if (!generation) return bad("0.0.71, multi-repo or 0.1.15");
            flags.vibe_generation = *generation;
        } else if (svc && knob == "port") {
            auto port = number_of<std::uint16_t>(value);
            if (!port) return bad("a port from 0 to 65535");
            svc->port = *port;
        } else if (svc && knob == "rate") {
            auto rate = number_of<double>(value);
            if (!rate || *rate < 0 || *rate > 1e6) return bad("requests per second from 0 (unlimited) to 1000000");
            svc->host.rate = *rate;
        } else if (name == "--huly-generation") {
            auto generation = sim::huly_generation_named(value);
            if (!generation) return bad("current (the wrapper since 2026-01, with PATCH) or 2025 (no PATCH)");
            flags.huly_options.generation = *generation;
        } else if (name == "--huly-clock-offset-ms") {
            auto ms = number_of<long>(value);
            if (!ms || *ms < -86'400'000 || *ms > 86'400'000) return bad("milliseconds from -86400000 to 86400000");
            flags.huly_options.clock_offset = std::chrono::milliseconds{*ms};
        } else if (svc && knob == "burst") {
            auto burst = number_of<unsigned>(value);
            if (!burst || *burst < 1 || *burst > 1'000'000) return bad("an integer from 1 to 1000000");
            svc->host.burst = *burst;
        } else if (name == "--letta-profile") {
            if (value != "server-0.16.8" && value != "hosted") return bad("server-0.16.8 or hosted");
            flags.letta_profile = value == "hosted" ? sim::letta_profile::hosted : sim::letta_profile::server_0_16_8;
        } else if (name == "--letta-agent-quota") {
            auto quota = number_of<std::size_t>(value);
            if (!quota) return bad("a number of agents");
            flags.letta_agent_quota = *quota;
        } else {
            return make_error(error_kind::invalid, "unknown flag " + name + " (see huly-vibe-sync simulate --help)");
        }
    }
    return flags;
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

}  // namespace

int simulate_command(const core::config& cfg, const std::vector<std::string>& args) {
    auto flags = parse_flags(args);
    if (!flags) {
        std::cerr << "huly-vibe-sync simulate: " << flags.error().message << "\n";
        return exit_usage;
    }
    auto seed = read_seed(flags->seed_file);
    if (!seed) {
        std::cerr << "huly-vibe-sync simulate: " << seed.error().message << "\n";
        return exit_usage;
    }
    log::logger lg("simulate");

    sim::huly_simulator huly{flags->huly_options};
    sim::vibe_options vibe_opts;
    vibe_opts.generation = flags->vibe_generation;
    sim::vibe_simulator vibe{vibe_opts};
    sim::letta_options letta_opts;
    letta_opts.password = cfg.letta_password;  // LETTA_PASSWORD: the simulator then requires it
    letta_opts.profile = flags->letta_profile;
    letta_opts.agent_quota = flags->letta_agent_quota;
    sim::letta_simulator letta{letta_opts};

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
    HVS_LOG(lg, info) << "simulators ready; stop with Ctrl-C or SIGTERM";

    boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
        HVS_LOG(lg, info) << "stopping simulators";
        for (auto& h : hosts) h->stop();
        ioc.stop();
    });
    ioc.run();
    return exit_ok;
}

}  // namespace hvs::app
