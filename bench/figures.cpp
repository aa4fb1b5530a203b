#include "scenario.hpp"

#include <malloc.h>

#include <fstream>
#include <string>

namespace hvs::bench {

boost::json::object figures::to_json() const {
    boost::json::object out{{"scenario", scenario}, {"parameters", parameters}};
    out["requests"] = requests;
    out["wall_seconds"] = wall_seconds;
    if (bound_seconds > 0) {
        out["bound_seconds"] = bound_seconds;
        out["bound_basis"] = bound_basis;
        out["ratio_to_bound"] = wall_seconds / bound_seconds;
    }
    out["errors"] = errors;
    out["rejected_429"] = rejected_429;
    out["state_correct"] = state_correct();
    if (!wrong.empty()) out["state_problems"] = wrong.size();
    out["peak_rss_bytes"] = peak_rss_bytes;
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

void reset_peak_rss() {
    malloc_trim(0);
    std::ofstream("/proc/self/clear_refs") << "5";  // Linux >= 4.0: VmHWM = VmRSS
}

}  // namespace hvs::bench
