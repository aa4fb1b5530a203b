#include "hvs/service/lease_plan.hpp"

#include <algorithm>
#include <cstdint>
#include <set>

namespace hvs::service {
namespace {

// SplitMix64 over FNV-1a: stable across processes and builds (std::hash is not), well spread.
std::uint64_t rendezvous_weight(std::string_view replica, std::string_view project) {
    std::uint64_t h = 14695981039346656037ull;
    auto mix_in = [&h](std::string_view text) {
        for (unsigned char c : text) {
            h ^= c;
            h *= 1099511628211ull;
        }
    };
    mix_in(replica);
    mix_in("\x1f");
    mix_in(project);
    h += 0x9e3779b97f4a7c15ull;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
    return h ^ (h >> 31);
}

}  // namespace

std::string owner_of(std::string_view project, const std::vector<std::string>& live) {
    const std::string* best = nullptr;
    std::uint64_t best_weight = 0;
    for (const auto& replica : live) {
        auto weight = rendezvous_weight(replica, project);
        if (!best || weight > best_weight || (weight == best_weight && replica < *best)) {
            best = &replica;
            best_weight = weight;
        }
    }
    return best ? *best : std::string();
}

lease_plan plan_leases(const std::string& self, const std::vector<std::string>& live,
                       const std::vector<std::string>& projects, const std::vector<std::string>& held) {
    // A replica always counts itself live: its own heartbeat may not be visible to it yet.
    std::vector<std::string> replicas = live;
    if (std::find(replicas.begin(), replicas.end(), self) == replicas.end()) replicas.push_back(self);
    lease_plan plan;
    std::set<std::string> mine;
    for (const auto& project : projects) {
        if (owner_of(project, replicas) == self) {
            plan.claim.push_back(project);
            mine.insert(project);
        }
    }
    // Only what now belongs to another replica is handed back: a project outside this cycle (a
    // cycle for one project, a project gone from Huly) stays this replica's.
    for (const auto& project : held) {
        if (!mine.contains(project) && owner_of(project, replicas) != self) plan.release.push_back(project);
    }
    return plan;
}

}  // namespace hvs::service
