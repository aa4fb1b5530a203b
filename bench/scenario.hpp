#pragma once
// What every benchmark scenario reports: one JSON object per line on stdout.

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>

namespace hvs::bench {

struct figures {
    std::string scenario;
    boost::json::object parameters;
    std::uint64_t requests = 0;      // requests the simulators received (N)
    double rate = 0;                 // the admitted rate R (0 = uncapped)
    double wall_seconds = 0;
    std::uint64_t errors = 0;
    std::uint64_t rejected_429 = 0;
    bool state_correct = false;      // the final state was checked and is right
    boost::json::object extra;

    [[nodiscard]] boost::json::object to_json() const;
};

// Resident set size of this process, in bytes (peak: VmHWM).
[[nodiscard]] std::int64_t peak_rss_bytes();

// The simulator admits `rate` per second with `burst`; the client paces itself at `client_rate`
// (burst 1) over at most `connections` connections.
figures tool_fanout(unsigned agents, unsigned tools, unsigned latency_ms, double rate, unsigned burst,
                    double client_rate, unsigned connections, const std::string& name);
figures idle_cycle(unsigned projects, unsigned issues_per_project, unsigned latency_ms);
figures agent_cold_start(unsigned projects, unsigned tools, unsigned latency_ms, double rate, unsigned burst);

}  // namespace hvs::bench
