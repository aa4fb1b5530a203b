#pragma once
// hvs-bench's command line. Pure: parsing yields the choices or an error naming what is wrong.

#include "scenario.hpp"

#include "hvs/core/error.hpp"

#include <set>
#include <string>
#include <vector>

namespace hvs::bench {

struct bench_options {
    std::set<std::string> service_paced;  // scenarios to run with the service's own pacing
    std::set<std::string> legacy;         // scenarios to run (also) with the original's pacing
    double scale = 1;
    std::string database_url;  // the PostgreSQL server for S7 (an admin URL); empty: the tests' server
    propagation_settings propagation;  // S8's settings
    bool help = false;
};

// `known`: every scenario name; `paced`: those with an upstream rate (the only ones
// --legacy-equivalent adds a run to); `defaults`: what runs when no scenario is named.
// "s1-legacy" selects S1 with the original's pacing only. Unknown flags or scenario names, a
// missing value or a scale that is not a number > 0 are error_kind::invalid.
[[nodiscard]] result<bench_options> parse_options(const std::vector<std::string>& args,
                                                  const std::vector<std::string>& known,
                                                  const std::set<std::string>& paced,
                                                  const std::vector<std::string>& defaults);

[[nodiscard]] std::string usage(const std::vector<std::string>& known, const std::vector<std::string>& defaults);

}  // namespace hvs::bench
