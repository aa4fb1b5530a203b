// The SQLite layer, the migrations and the database thread, on temporary files.

#include "hvs/core/hash.hpp"
#include "hvs/store/db_worker.hpp"
#include "hvs/store/migrations.hpp"

#include "support/run_async.hpp"

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

namespace hvs::store {
namespace {

namespace fs = std::filesystem;

class StoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("hvs-store-" + std::to_string(std::random_device{}()));
        fs::create_directories(dir_);
    }
    void TearDown() override {
        std::error_code ec;
        fs::permissions(dir_, fs::perms::owner_all, ec);
        fs::remove_all(dir_, ec);
    }
    std::string path(const std::string& name = "state.db") const { return (dir_ / name).string(); }

    fs::path dir_;
};

TEST_F(StoreTest, MigratesAFreshDatabaseOnceAndRecordsTheVersion) {
    auto db = database::open(path());
    ASSERT_TRUE(db) << db.error().describe();
    auto first = migrate(*db);
    ASSERT_TRUE(first);
    EXPECT_EQ(*first, 0);
    auto again = migrate(*db);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, latest_schema_version());
    auto stmt = db->prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='links'");
    ASSERT_TRUE(stmt);
    ASSERT_TRUE(*stmt->step());
    EXPECT_EQ(stmt->integer(0), 1);
}

TEST_F(StoreTest, RefusesADatabaseFromANewerBinary) {
    auto db = database::open(path());
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec("PRAGMA user_version = 999"));
    auto outcome = migrate(*db);
    ASSERT_FALSE(outcome);
    EXPECT_NE(outcome.error().message.find("newer than this binary"), std::string::npos);
}

// A database as the FNV-1a binary left it: its hashes are marked, so the new binary still recognises
// them (core::content_digest); a value already in the SHA-256 form is left as it is.
TEST_F(StoreTest, TheHashMigrationMarksTheFnvHashesStoredBefore) {
    auto db = database::open(path());
    ASSERT_TRUE(db);
    ASSERT_TRUE(migrate(*db, legacy_hash_marking_migration - 1));
    const std::string sha(64, 'a');
    ASSERT_TRUE(db->exec(
        "INSERT INTO projects (identifier, name, description_hash) VALUES ('WEB', 'Web', 'cbf29ce484222325'), "
        "('API', 'Api', NULL);"
        "INSERT INTO agent_blocks (agent_id, label, hash) VALUES ('agent-1', 'project', 'af63dc4c8601ec8c'), "
        "('agent-1', 'persona', '" + sha + "');"
        "INSERT INTO letta_files (folder_id, file_name, hash, file_id) VALUES "
        "('source-1', 'README.md', '0123456789abcdef', 'file-1')"));
    auto found = migrate(*db);
    ASSERT_TRUE(found) << found.error().describe();
    EXPECT_EQ(*found, legacy_hash_marking_migration - 1);

    auto values = [&](const std::string& sql) {
        std::vector<std::string> out;
        auto stmt = db->prepare(sql);
        EXPECT_TRUE(stmt);
        while (true) {
            auto row = stmt->step();
            EXPECT_TRUE(row);
            if (!row || !*row) break;
            out.push_back(stmt->optional_text(0).value_or("NULL"));
        }
        return out;
    };
    EXPECT_EQ(values("SELECT description_hash FROM projects ORDER BY identifier"),
              (std::vector<std::string>{"NULL", "fnv1a64:cbf29ce484222325"}));
    EXPECT_EQ(values("SELECT hash FROM agent_blocks ORDER BY label"),
              (std::vector<std::string>{sha, "fnv1a64:af63dc4c8601ec8c"}));
    EXPECT_TRUE(core::digest("a").matches("fnv1a64:af63dc4c8601ec8c"));  // the block stored for "a"
    EXPECT_EQ(values("SELECT hash FROM letta_files"), (std::vector<std::string>{"fnv1a64:0123456789abcdef"}));
}

TEST_F(StoreTest, ACorruptFileIsAClearError) {
    std::ofstream(path("garbage.db")) << std::string(8192, 'x');
    auto db = database::open(path("garbage.db"));
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().kind, error_kind::io);
    EXPECT_NE(db.error().message.find("garbage.db"), std::string::npos);
    EXPECT_NE(db.error().message.find("not a database"), std::string::npos) << db.error().message;
}

TEST_F(StoreTest, AMissingDirectoryIsAClearError) {
    auto db = database::open(path("no/such/dir/state.db"));
    ASSERT_FALSE(db);
    EXPECT_NE(db.error().message.find("cannot open database"), std::string::npos) << db.error().message;
}

TEST_F(StoreTest, TransactionRollsBackOnError) {
    auto db = database::open(path());
    ASSERT_TRUE(db);
    ASSERT_TRUE(migrate(*db));
    auto failed = db->transaction([](database& tx) -> result<void> {
        if (auto done = tx.exec("INSERT INTO meta(key, value) VALUES ('a', '1')"); !done) return done.error();
        return make_error(error_kind::io, "simulated failure after the first write");
    });
    ASSERT_FALSE(failed);
    auto stmt = db->prepare("SELECT count(*) FROM meta");
    ASSERT_TRUE(stmt);
    ASSERT_TRUE(*stmt->step());
    EXPECT_EQ(stmt->integer(0), 0);
}

TEST_F(StoreTest, TransactionRollsBackWhenTheJobThrows) {
    auto db = database::open(path());
    ASSERT_TRUE(db);
    ASSERT_TRUE(migrate(*db));
    EXPECT_THROW((void)db->transaction([](database& tx) -> result<void> {
                     if (auto done = tx.exec("INSERT INTO meta(key, value) VALUES ('a', '1')"); !done) return done.error();
                     throw std::runtime_error("a bug in the job");
                 }),
                 std::runtime_error);
    // The write is gone and the next transaction can begin.
    auto next = db->transaction([](database& tx) -> result<void> {
        return tx.exec("INSERT INTO meta(key, value) VALUES ('b', '2')");
    });
    ASSERT_TRUE(next) << next.error().message;
    auto stmt = db->prepare("SELECT group_concat(key) FROM meta");
    ASSERT_TRUE(stmt);
    ASSERT_TRUE(*stmt->step());
    EXPECT_EQ(stmt->text(0), "b");
}

TEST_F(StoreTest, StatementsBindAndReadOptionalValues) {
    auto db = database::open(path());
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec("CREATE TABLE t (a TEXT, b INTEGER)"));
    auto insert = db->prepare("INSERT INTO t (a, b) VALUES (?1, ?2)");
    ASSERT_TRUE(insert);
    ASSERT_TRUE(insert->bind(1, std::optional<std::string>{}).bind(2, std::int64_t{7}).run());
    ASSERT_TRUE(insert->bind(1, std::string("x\0y", 3)).bind(2, std::optional<std::int64_t>{}).run());
    auto select = db->prepare("SELECT a, b FROM t ORDER BY rowid");
    ASSERT_TRUE(select);
    ASSERT_TRUE(*select->step());
    EXPECT_FALSE(select->optional_text(0));
    EXPECT_EQ(select->optional_integer(1), 7);
    ASSERT_TRUE(*select->step());
    EXPECT_EQ(select->text(0), std::string("x\0y", 3));  // byte-exact, NUL included
    EXPECT_FALSE(select->optional_integer(1));
    EXPECT_FALSE(*select->step());
}

TEST_F(StoreTest, WorkerRunsJobsOnItsOwnThreadAndResumesTheCaller) {
    auto db = database::open(path());
    ASSERT_TRUE(db);
    db_worker worker(std::move(*db));
    boost::asio::io_context ioc;
    auto io_thread = std::this_thread::get_id();
    auto outcome = hvs::test::run_async(ioc, [](db_worker& w, std::thread::id io) -> core::task<bool> {
        auto job_thread = co_await w.run([](database& d) -> result<std::thread::id> {
            if (auto done = migrate(d); !done) return done.error();
            return std::this_thread::get_id();
        });
        bool elsewhere = job_thread && *job_thread != io;
        bool back_home = std::this_thread::get_id() == io;
        auto failing = co_await w.run([](database&) -> result<int> { throw std::runtime_error("boom"); });
        co_return elsewhere && back_home && !failing && failing.error().kind == error_kind::io;
    }(worker, io_thread));
    EXPECT_TRUE(outcome);
}

}  // namespace
}  // namespace hvs::store
