#pragma once
// A dry run's account of a project's plan: one line per write it would make, then the totals.

#include "hvs/sync/mirror.hpp"
#include "hvs/sync/planner.hpp"

#include <string>

namespace hvs::sync {

[[nodiscard]] std::string describe_plan(const std::string& project, const project_plan& plan,
                                        const mirror_decision& mirror);

}  // namespace hvs::sync
