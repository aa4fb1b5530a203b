// hvs-bench: runs the scenarios of docs/performance.md against the in-process simulators over
// real loopback sockets and prints one JSON object per scenario run (see --help).

#include "options.hpp"
#include "scenario.hpp"

#include "hvs/core/log.hpp"

#include <boost/json/serialize.hpp>

#include <exception>
#include <functional>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace hvs::bench;

struct scenario_def {
    std::string name;
    bool paced;  // has an upstream rate: --legacy-equivalent adds a run with the original's pacing
    std::function<figures(const run_settings&)> run;
};

const std::vector<scenario_def>& scenarios() {
    static const std::vector<scenario_def> all = {
        {"s1", true, [](const run_settings& r) { return tool_fanout({"S1 tool fan-out", 42, 10, 50, 50, 10, 16}, r); }},
        {"s1-large", true, [](const run_settings& r) { return tool_fanout({"S1-large", 1000, 20, 50, 200, 20, 64}, r); }},
        {"s2", false, [](const run_settings& r) { return idle_cycle(1000, r); }},
        {"s2-100", false, [](const run_settings& r) { return idle_cycle(100, r); }},  // issue 4's 100 x 100
        {"s3", true, change_burst},
        {"s4", false, health_under_load},  // measures the ops server, not the pacing
        {"s5", true, cold_start},
        {"s6", true, agent_cold_start},
        {"s7", false, scale_out},  // 3 replicas on one PostgreSQL: shares, idle, burst, takeover
        {"s8", false, propagation},  // change feeds on: edit-to-write latency, idle requests
    };
    return all;
}

// Runs one scenario, prints its line, and says on stderr what went wrong; false when something did.
bool run_one(const scenario_def& def, const run_settings& settings, figures* service_run, figures& out) {
    try {
        reset_peak_rss();
        out = def.run(settings);
    } catch (const std::exception& e) {
        std::cerr << "hvs-bench: " << def.name << " could not run: " << e.what() << std::endl;
        return false;
    }
    if (settings.scale != 1) out.parameters["scale"] = settings.scale;
    if (def.paced) out.parameters["pacing"] = settings.legacy ? "legacy-equivalent" : "service";
    if (settings.legacy) {
        out.scenario += " (legacy-equivalent)";
        if (service_run && service_run->wall_seconds > 0) {
            out.extra["service_paced_wall_seconds"] = service_run->wall_seconds;
            out.extra["legacy_over_service"] = out.wall_seconds / service_run->wall_seconds;
        }
    }
    std::cout << boost::json::serialize(out.to_json()) << std::endl;
    bool ok = true;
    if (!out.state_correct()) {
        std::cerr << "hvs-bench: " << out.scenario << ": the final state is WRONG (" << out.wrong.size() << " problems)"
                  << (out.checked ? "" : ", or was not checked") << std::endl;
        for (std::size_t i = 0; i < out.wrong.size() && i < 20; ++i) std::cerr << "  " << out.wrong[i] << std::endl;
        ok = false;
    }
    if (out.errors > 0) {
        std::cerr << "hvs-bench: " << out.scenario << ": " << out.errors << " errors" << std::endl;
        ok = false;
    }
    return ok;
}

}  // namespace

int main(int argc, char** argv) {
    hvs::log::init(hvs::log::severity::error, hvs::log::format::text);
    std::vector<std::string> known, defaults;
    std::set<std::string> paced;
    for (const auto& def : scenarios()) {
        known.push_back(def.name);
        if (def.paced) paced.insert(def.name);
        if (def.name != "s2-100") defaults.push_back(def.name);
    }
    auto options = parse_options(std::vector<std::string>(argv + 1, argv + argc), known, paced, defaults);
    if (!options) {
        std::cerr << "hvs-bench: " << options.error().message << std::endl;
        return 2;
    }
    if (options->help) {
        std::cout << usage(known, defaults);
        return 0;
    }
    bool all_ok = true;
    for (const auto& def : scenarios()) {
        std::optional<figures> service_run;
        if (options->service_paced.contains(def.name)) {
            figures f;
            const run_settings service_run_settings{options->scale, false, options->database_url, options->propagation};
            all_ok = run_one(def, service_run_settings, nullptr, f) && all_ok;
            service_run = std::move(f);
        }
        if (options->legacy.contains(def.name)) {
            figures f;
            const run_settings legacy_run{options->scale, true, options->database_url, options->propagation};
            all_ok = run_one(def, legacy_run, service_run ? &*service_run : nullptr, f) && all_ok;
        }
    }
    return all_ok ? 0 : 1;
}
