#pragma once
// Which projects a replica claims (pure): each project belongs to one live replica, chosen by
// highest-random-weight hashing over the replica ids — every replica computes the same answer from
// the same list, and a replica joining or leaving moves only its own share.

#include <string>
#include <string_view>
#include <vector>

namespace hvs::service {

// The live replica (ids, any order, not empty) a project belongs to.
[[nodiscard]] std::string owner_of(std::string_view project, const std::vector<std::string>& live);

struct lease_plan {
    std::vector<std::string> claim;    // projects this replica should hold for this cycle
    std::vector<std::string> release;  // projects it holds that now belong to another replica
};

// `held`: projects whose lease `self` holds now; `projects`: this cycle's projects.
[[nodiscard]] lease_plan plan_leases(const std::string& self, const std::vector<std::string>& live,
                                     const std::vector<std::string>& projects, const std::vector<std::string>& held);

}  // namespace hvs::service
