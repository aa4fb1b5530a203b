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

namespace {

// A "Name:   1234 kB" line of /proc/self/status, in bytes.
std::int64_t status_bytes(const std::string& name) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind(name + ":", 0) == 0) return std::stoll(line.substr(name.size() + 1)) * 1024;
    }
    return 0;
}

}  // namespace

std::int64_t peak_rss_bytes() { return status_bytes("VmHWM"); }
std::int64_t resident_bytes() { return status_bytes("VmRSS"); }

void reset_peak_rss() {
    malloc_trim(0);
    std::ofstream("/proc/self/clear_refs") << "5";  // Linux >= 4.0: VmHWM = VmRSS
}

}  // namespace hvs::bench
