// hvs-bench: runs the scenarios of docs/performance.md against the in-process simulators over
// real loopback sockets and prints one JSON object per scenario.
//   hvs-bench [s1] [s1-legacy] [s1-large] [s2] [s6]   (default: s1 s1-legacy s2 s6)

#include "scenario.hpp"

#include "hvs/core/log.hpp"

#include <boost/json/serialize.hpp>

#include <iostream>
#include <set>
#include <string>

int main(int argc, char** argv) {
    using namespace hvs::bench;
    hvs::log::init(hvs::log::severity::error, hvs::log::format::text);
    std::set<std::string> wanted(argv + 1, argv + argc);
    if (wanted.empty()) wanted = {"s1", "s1-legacy", "s2", "s6"};
    bool all_correct = true;
    auto report = [&](const figures& f) {
        std::cout << boost::json::serialize(f.to_json()) << std::endl;
        all_correct = all_correct && f.state_correct && f.errors == 0;
    };
    if (wanted.contains("s1")) report(tool_fanout(42, 10, 50, 50, 10, 50, 16, "S1 tool fan-out"));
    // The original's pacing: one operation at a time, 5 per second, against the same simulator.
    if (wanted.contains("s1-legacy")) report(tool_fanout(42, 10, 50, 50, 10, 5, 1, "S1 legacy-equivalent"));
    if (wanted.contains("s1-large")) report(tool_fanout(1000, 20, 50, 200, 20, 200, 64, "S1-large"));
    if (wanted.contains("s2")) report(idle_cycle(1000, 100, 5));
    if (wanted.contains("s2-100")) report(idle_cycle(100, 100, 5));  // issue 4: 100 projects x 100 issues
    if (wanted.contains("s6")) report(agent_cold_start(42, 10, 50, 50, 10));
    return all_correct ? 0 : 1;
}
