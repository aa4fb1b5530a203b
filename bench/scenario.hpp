#pragma once
// What every benchmark scenario reports (one JSON object per line on stdout) and the scenarios
// themselves (docs/performance.md).

#include <boost/json/object.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hvs::bench {

struct figures {
    std::string scenario;
    boost::json::object parameters;
    std::uint64_t requests = 0;      // requests the simulators admitted (N); 429s are counted apart
    double bound_seconds = 0;        // the fastest the upstreams allow: N/R, or the critical path
    std::string bound_basis;         // how bound_seconds was computed
    double wall_seconds = 0;
    std::uint64_t errors = 0;
    std::uint64_t rejected_429 = 0;
    std::vector<std::string> wrong;  // what the final-state check found wrong (empty = correct)
    bool checked = false;            // the final state was checked
    std::int64_t peak_rss_bytes = 0;
    boost::json::object extra;

    [[nodiscard]] bool state_correct() const { return checked && wrong.empty(); }
    [[nodiscard]] boost::json::object to_json() const;
};

// Peak resident set size of this process since the last reset, in bytes (VmHWM).
[[nodiscard]] std::int64_t peak_rss_bytes();
// Resident set size of this process now, in bytes (VmRSS).
[[nodiscard]] std::int64_t resident_bytes();
// Returns freed heap to the system and restarts the peak from the current resident size, so each
// scenario's peak is its own (the in-process simulators are included).
void reset_peak_rss();

// The measured part of a scenario: from construction to record(), which stores the wall time and
// the peak resident size so far.
// The resident size at the start is reported too: the simulators' seeded state is part of it.
class stopwatch {
public:
    stopwatch() : rss_at_start_(resident_bytes()), started_(std::chrono::steady_clock::now()) {}
    void record(figures& f) const {
        f.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
        f.peak_rss_bytes = peak_rss_bytes();
        f.extra["rss_at_start_bytes"] = rss_at_start_;
    }

private:
    std::int64_t rss_at_start_;
    std::chrono::steady_clock::time_point started_;
};

// S8's own settings (--watcher-poll-ms, --edits, --idle-window); unset ones: the scenario's
// defaults times the scale.
struct propagation_settings {
    unsigned watcher_poll_ms = 1000;             // huly-change-watcher's POLL_INTERVAL
    std::optional<unsigned> edits;               // default 200 (scaled)
    std::optional<double> idle_window_seconds;   // default 20 (scaled, at least 2)
};

// How a scenario is run: its sizes multiplied by `scale` (at least 1 of each), and with the
// service's own pacing or the original service's (one worker, 5 requests/s, burst 1).
struct run_settings {
    double scale = 1;
    bool legacy = false;
    std::string database_url;  // S7's PostgreSQL server (--database-url); empty: the tests' server
    propagation_settings propagation{};

    [[nodiscard]] unsigned scaled(unsigned n) const {
        return static_cast<unsigned>(std::max(1.0, std::round(n * scale)));
    }
};

// The tools sync of S1, S1-large and S4: `agents` PM agents missing all `tools` of the control
// agent; Letta answers after `latency_ms`, admits `rate` per second with `burst`; the service uses
// at most `connections` connections.
struct fanout_workload {
    std::string name;
    unsigned agents = 0, tools = 0, latency_ms = 0;
    double rate = 0;
    unsigned burst = 1;
    unsigned connections = 1;
};

figures tool_fanout(const fanout_workload& workload, const run_settings& run);  // tool_fanout.hpp: with a probe
figures health_under_load(const run_settings& run);
figures idle_cycle(unsigned projects, const run_settings& run);
figures change_burst(const run_settings& run);
figures cold_start(const run_settings& run);
figures agent_cold_start(const run_settings& run);
figures scale_out(const run_settings& run);
figures propagation(const run_settings& run);

}  // namespace hvs::bench
