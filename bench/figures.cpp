#include "scenario.hpp"

#include <fstream>
#include <string>

namespace hvs::bench {

boost::json::object figures::to_json() const {
    boost::json::object out{{"scenario", scenario}, {"parameters", parameters}};
    out["requests"] = requests;
    out["wall_seconds"] = wall_seconds;
    if (rate > 0) {
        double bound = static_cast<double>(requests) / rate;
        out["bound_seconds"] = bound;
        out["ratio_to_bound"] = bound > 0 ? wall_seconds / bound : 0.0;
    }
    out["errors"] = errors;
    out["rejected_429"] = rejected_429;
    out["state_correct"] = state_correct;
    out["peak_rss_bytes"] = peak_rss_bytes();
    for (const auto& [k, v] : extra) out[k] = v;
    return out;
}

std::int64_t peak_rss_bytes() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
    }
    return 0;
}

}  // namespace hvs::bench
