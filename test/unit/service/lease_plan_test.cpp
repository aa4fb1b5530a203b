// Which projects a replica claims (service/lease_plan.hpp): every replica computes the same owner
// from the same live list, shares are even, and a replica joining or leaving moves only its share.

#include "hvs/service/lease_plan.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace hvs::service {
namespace {

std::vector<std::string> projects(int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back("P" + std::to_string(i));
    return out;
}

TEST(LeasePlan, EveryProjectHasExactlyOneOwnerWhateverTheOrderOfTheLiveList) {
    const std::vector<std::string> live{"r1", "r2", "r3"};
    const std::vector<std::string> shuffled{"r3", "r1", "r2"};
    std::map<std::string, int> share;
    for (const auto& p : projects(600)) {
        EXPECT_EQ(owner_of(p, live), owner_of(p, shuffled)) << p;
        ++share[owner_of(p, live)];
    }
    ASSERT_EQ(share.size(), 3u);
    for (const auto& [replica, n] : share) EXPECT_NEAR(n, 200, 50) << replica;
}

TEST(LeasePlan, TheReplicasClaimsPartitionTheProjects) {
    const std::vector<std::string> live{"a", "b", "c"};
    std::set<std::string> claimed;
    std::size_t total = 0;
    for (const auto& self : live) {
        auto plan = plan_leases(self, live, projects(90), {});
        total += plan.claim.size();
        claimed.insert(plan.claim.begin(), plan.claim.end());
        EXPECT_TRUE(plan.release.empty());
    }
    EXPECT_EQ(total, 90u);
    EXPECT_EQ(claimed.size(), 90u);
}

TEST(LeasePlan, AReplicaLeavingMovesOnlyItsOwnProjects) {
    const auto all = projects(300);
    for (const auto& p : all) {
        auto before = owner_of(p, {"r1", "r2", "r3"});
        auto after = owner_of(p, {"r1", "r3"});
        if (before != "r2") {
            EXPECT_EQ(before, after) << p << " moved though its owner stayed";
        }
    }
}

TEST(LeasePlan, AJoiningReplicaGetsItsShareBackFromTheOthers) {
    const std::vector<std::string> before{"r1"};
    const std::vector<std::string> after{"r1", "r2"};
    auto held = plan_leases("r1", before, projects(100), {}).claim;
    ASSERT_EQ(held.size(), 100u);
    auto plan = plan_leases("r1", after, projects(100), held);
    EXPECT_EQ(plan.claim.size() + plan.release.size(), 100u);
    EXPECT_GT(plan.release.size(), 20u);
    for (const auto& p : plan.release) EXPECT_EQ(owner_of(p, after), "r2");
}

TEST(LeasePlan, AProjectOutsideThisCycleStaysWithItsHolder) {
    // A cycle for one project (POST /api/sync?project=) must not hand back the others.
    const std::vector<std::string> live{"r1"};
    auto plan = plan_leases("r1", live, {"P1"}, {"P1", "P2", "P3"});
    EXPECT_EQ(plan.claim, std::vector<std::string>{"P1"});
    EXPECT_TRUE(plan.release.empty());
}

TEST(LeasePlan, AReplicaCountsItselfLiveBeforeItsHeartbeatIsSeen) {
    auto plan = plan_leases("r9", {}, projects(10), {});
    EXPECT_EQ(plan.claim.size(), 10u);
}

}  // namespace
}  // namespace hvs::service
