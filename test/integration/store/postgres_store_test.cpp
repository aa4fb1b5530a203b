// The PostgreSQL engine behind store::database and the leases on it, against a real PostgreSQL 15
// (test/support/postgres.hpp): migrations, the state functions' SQL, transactions and savepoints,
// and the lease rules replicas rely on — one holder at a time, a takeover only after expiry with a
// larger fence, and a write carrying a stale fence refused.

#include "hvs/store/agent_repository.hpp"
#include "hvs/store/fenced_db.hpp"
#include "hvs/store/leases.hpp"
#include "hvs/store/migrations.hpp"
#include "hvs/store/project_repository.hpp"
#include "hvs/sync/model.hpp"

#include "support/postgres.hpp"
#include "support/run_async.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <thread>

namespace hvs::store {
namespace {

using namespace std::chrono_literals;

database fresh_store() {
    auto db = database::open_postgres(test::fresh_postgres_database());
    EXPECT_TRUE(db) << db.error().describe();
    auto migrated = migrate(*db);
    EXPECT_TRUE(migrated) << migrated.error().describe();
    return std::move(*db);
}

TEST(PostgresStore, MigratesToTheLatestSchemaOnceAndKnowsItsVersion) {
    auto db = fresh_store();
    auto version = schema_version(db);
    ASSERT_TRUE(version);
    EXPECT_EQ(*version, latest_schema_version());
    auto again = migrate(db);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, latest_schema_version());
    EXPECT_EQ(db.kind(), engine::postgres);
}

TEST(PostgresStore, RefusesASchemaNewerThanThisBinary) {
    auto db = fresh_store();
    ASSERT_TRUE(db.exec("UPDATE hvs_schema_version SET version = 999"));
    auto migrated = migrate(db);
    ASSERT_FALSE(migrated);
    EXPECT_NE(migrated.error().message.find("newer than this binary"), std::string::npos);
}

TEST(PostgresStore, ProjectStepsAndCyclesRoundTrip) {
    auto db = fresh_store();
    store::project_row row;
    row.identifier = "PROJ";
    row.name = "Project";
    row.watermark_ms = 1'796'400'000'000;  // beyond 32 bits: the columns are BIGINT
    sync::link l;
    l.issue_id = "PROJ-1";
    l.project = "PROJ";
    l.task_id = "task-1";
    l.base_title = "It's a title with 'quotes' and a ?1 in it";
    l.deleted_in_vibe = true;
    ASSERT_TRUE(store::save_project_step(db, row, {l}, {"Done", "Todo"}));
    ASSERT_TRUE(store::save_project_step(db, row, {l}, {"Done"}));  // upserts, statuses ignored when known
    auto loaded = store::load_project(db, "PROJ");
    ASSERT_TRUE(loaded && *loaded);
    EXPECT_EQ((*loaded)->watermark_ms, row.watermark_ms);
    auto links = store::load_links(db, "PROJ");
    ASSERT_TRUE(links);
    ASSERT_EQ(links->size(), 1u);
    EXPECT_EQ(links->front().base_title, l.base_title);
    EXPECT_TRUE(links->front().deleted_in_vibe);
    auto statuses = store::load_learned_statuses(db);
    ASSERT_TRUE(statuses);
    EXPECT_EQ(statuses->size(), 2u);

    store::cycle_record record;
    record.started_at = "2026-12-04T00:00:00.000Z";
    record.finished_at = "2026-12-04T00:00:01.000Z";
    record.outcome = "ok";
    record.projects_ok = 1;
    ASSERT_TRUE(store::save_cycle(db, record));
    auto cycles = store::load_cycles(db, 5);
    ASSERT_TRUE(cycles);
    ASSERT_EQ(cycles->size(), 1u);
    EXPECT_EQ(cycles->front().outcome, "ok");

    ASSERT_TRUE(store::bind_agent(db, "PROJ", store::agent_binding{"agent-1", "Huly - Project"}));
    ASSERT_TRUE(store::save_block_hash(db, "agent-1", "persona", std::string("block-1"), "h1"));
    ASSERT_TRUE(store::save_block_hash(db, "agent-1", "persona", std::nullopt, "h2"));  // keeps the block id
    auto hashes = store::load_block_hashes(db, "agent-1");
    ASSERT_TRUE(hashes);
    EXPECT_EQ(hashes->at("persona"), "h2");
}

TEST(PostgresStore, AFailedStepRollsBackItsSavepointOnlyAndAFailedTransactionEverything) {
    auto db = fresh_store();
    auto outcome = db.transaction([](database& tx) -> result<void> {
        if (auto done = tx.exec("INSERT INTO meta (key, value) VALUES ('kept', '1')"); !done) return done;
        auto inner = tx.transaction([](database& nested) -> result<void> {
            if (auto done = nested.exec("INSERT INTO meta (key, value) VALUES ('undone', '1')"); !done) return done;
            return nested.exec("INSERT INTO no_such_table VALUES (1)");
        });
        EXPECT_FALSE(inner);
        return {};  // the outer transaction goes on after its savepoint was rolled back
    });
    ASSERT_TRUE(outcome) << outcome.error().describe();
    auto failed = db.transaction([](database& tx) -> result<void> {
        if (auto done = tx.exec("INSERT INTO meta (key, value) VALUES ('gone', '1')"); !done) return done;
        return tx.exec("INSERT INTO no_such_table VALUES (1)");
    });
    ASSERT_FALSE(failed);
    EXPECT_NE(failed.error().message.find("no_such_table"), std::string::npos);
    auto s = db.prepare("SELECT key FROM meta ORDER BY key");
    ASSERT_TRUE(s);
    std::vector<std::string> seen;
    while (*s->step()) seen.push_back(s->text(0));
    EXPECT_EQ(seen, std::vector<std::string>{"kept"});
}

TEST(PostgresStore, AConnectionFailureNamesTheServerButNeverThePassword) {
    auto db = database::open_postgres("postgresql://hvs:SECRET-PASSWORD@127.0.0.1:1/nowhere?connect_timeout=2");
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().kind, error_kind::io);
    EXPECT_NE(db.error().message.find("postgresql://hvs@127.0.0.1:1/nowhere"), std::string::npos) << db.error().message;
    EXPECT_EQ(db.error().message.find("SECRET-PASSWORD"), std::string::npos) << db.error().message;
}

TEST(PostgresLeases, OneHolderAtATimeAndATakeoverOnlyAfterExpiryWithALargerFence) {
    auto db = fresh_store();
    auto first = claim_lease(db, "project:A", "r1", 60s);
    ASSERT_TRUE(first && *first);
    auto refused = claim_lease(db, "project:A", "r2", 60s);
    ASSERT_TRUE(refused);
    EXPECT_FALSE(*refused) << "a live lease went to a second holder";
    auto renewed = claim_lease(db, "project:A", "r1", 60s);
    ASSERT_TRUE(renewed && *renewed);
    EXPECT_EQ(**renewed, **first) << "renewing by the holder keeps the fence";

    ASSERT_TRUE(claim_lease(db, "project:B", "r1", 1ms));
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    std::optional<std::int64_t> taken;
    while (!taken && std::chrono::steady_clock::now() < deadline) {  // by the server's clock: 1 ms
        auto attempt = claim_lease(db, "project:B", "r2", 60s);
        ASSERT_TRUE(attempt);
        taken = *attempt;
    }
    ASSERT_TRUE(taken) << "an expired lease was never taken over";
    EXPECT_GT(*taken, **first);
}

TEST(PostgresLeases, AWriteWithAStaleFenceIsRefusedAndWritesNothing) {
    auto db = fresh_store();
    auto old_fence = claim_lease(db, "project:P", "r1", 1ms);
    ASSERT_TRUE(old_fence && *old_fence);
    std::optional<std::int64_t> new_fence;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!new_fence && std::chrono::steady_clock::now() < deadline) {
        auto attempt = claim_lease(db, "project:P", "r2", 60s);
        ASSERT_TRUE(attempt);
        new_fence = *attempt;
    }
    ASSERT_TRUE(new_fence);

    boost::asio::io_context ioc;
    db_worker worker(std::move(db));
    fenced_db stale(worker, write_fence{"project:P", "r1", **old_fence});
    fenced_db current(worker, write_fence{"project:P", "r2", *new_fence});
    auto write = [](const std::string& value) {
        return [value](database& tx) { return store::bind_agent(tx, "P", store::agent_binding{value, "name"}); };
    };
    ASSERT_TRUE(worker.direct().exec("INSERT INTO projects (identifier, name) VALUES ('P', 'P')"));
    auto refused = test::run_async(ioc, stale.run(write("agent-from-r1")));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, error_kind::lease_lost);
    EXPECT_NE(refused.error().message.find("r2"), std::string::npos) << refused.error().message;
    auto accepted = test::run_async(ioc, current.run(write("agent-from-r2")));
    ASSERT_TRUE(accepted) << accepted.error().describe();
    auto bound = store::load_binding(worker.direct(), "P");
    ASSERT_TRUE(bound && *bound);
    EXPECT_EQ((*bound)->agent_id, "agent-from-r2");
}

TEST(PostgresLeases, RenewalKeepsOnlyUnexpiredLeasesAndAReleasedReplicaFreesEverything) {
    auto db = fresh_store();
    ASSERT_TRUE(claim_lease(db, "project:A", "r1", 60s));
    ASSERT_TRUE(claim_lease(db, "control", "r1", 60s));
    auto live = heartbeat(db, "r1", 60s);
    ASSERT_TRUE(live);
    EXPECT_EQ(*live, std::vector<std::string>{"r1"});
    auto held = renew_leases(db, "r1", 60s);
    ASSERT_TRUE(held);
    EXPECT_EQ(held->size(), 2u);
    ASSERT_TRUE(release_replica(db, "r1"));
    auto after = renew_leases(db, "r1", 60s);
    ASSERT_TRUE(after);
    EXPECT_TRUE(after->empty());
    auto others = heartbeat(db, "r2", 60s);
    ASSERT_TRUE(others);
    EXPECT_EQ(*others, std::vector<std::string>{"r2"}) << "a released replica is no longer live";
    auto taken = claim_lease(db, "project:A", "r2", 60s);
    ASSERT_TRUE(taken && *taken) << "a released lease is free at once";
}

}  // namespace
}  // namespace hvs::store
