// A replica on PostgreSQL whose lease of a project lapses during its cycle (paused, cut off: here a
// Huly read that answers after LEASE_TTL, with no renewal running) writes nothing for that project:
// not to Vibe (Vibe cannot check a fence, so the store is asked first) and not to the store. The
// next cycle claims the lease again and does the work. (Suite name Postgres*: ctest's fixture.)

#include "integration/sync/engine_fixture.hpp"

#include "support/postgres.hpp"

#include <gtest/gtest.h>

namespace hvs::test {
namespace {

using namespace std::chrono_literals;

class PostgresReplicaFencing : public EngineTest {
protected:
    void SetUp() override {
        EngineTest::SetUp();
        cfg_.database_url = fresh_postgres_database();
        cfg_.replica_id = "r1";
        cfg_.lease_ttl = 1500ms;  // no keep-alive runs in these cycles: a claim lasts 1.5 s
        start_service();
    }
};

TEST_F(PostgresReplicaFencing, ALeaseThatLapsedMidCycleStopsTheProjectsWritesUntilItIsClaimedAgain) {
    huly_.add_project("WEB", "Web", "");
    auto issue = huly_.add_issue("WEB", "Checkout bug", "d", "Todo");
    auto first = cycle();
    ASSERT_TRUE(first.ok) << first.error;
    ASSERT_EQ(tasks_of("Web").size(), 1u);

    // An edit (a task update, no create: nothing is stored before the request would go out).
    huly_.edit_issue(issue, "title", boost::json::value("Checkout button bug"));
    huly_host_->inject({.route = "GET /api/projects/{id}/issues", .kind = sim::fault_kind::stall, .count = 1,
                        .stall = 2500ms});
    reset_counts();
    auto lapsed = cycle();
    ASSERT_EQ(lapsed.projects.size(), 1u);
    EXPECT_FALSE(lapsed.projects[0].ok);
    EXPECT_NE(lapsed.projects[0].error.find("lease_lost"), std::string::npos) << lapsed.projects[0].error;
    EXPECT_EQ(writes_to(*vibe_host_), 0u) << "a replica without the lease wrote to Vibe";
    EXPECT_EQ(tasks_of("Web").at(0).title, "Checkout bug");

    auto again = cycle();
    ASSERT_TRUE(again.ok) << again.error;
    EXPECT_EQ(again.record.tasks_updated, 1);
    EXPECT_EQ(tasks_of("Web").at(0).title, "Checkout button bug");
}

}  // namespace
}  // namespace hvs::test
