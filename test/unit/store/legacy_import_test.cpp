// Importing the original service's sync-state.db (schema from reference original-service.md 1(a) 27-30).

#include "hvs/store/migrations.hpp"
#include "hvs/store/project_repository.hpp"
#include "hvs/sync/legacy_import.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

namespace hvs::sync {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view legacy_schema = R"sql(
CREATE TABLE sync_metadata (key TEXT PRIMARY KEY, value TEXT, updated_at INTEGER);
CREATE TABLE projects (identifier TEXT PRIMARY KEY, name TEXT NOT NULL, huly_id TEXT, vibe_id INTEGER,
  last_sync_at INTEGER, issue_count INTEGER DEFAULT 0, last_checked_at INTEGER, filesystem_path TEXT, git_url TEXT,
  status TEXT DEFAULT 'active', created_at INTEGER, updated_at INTEGER, letta_agent_id TEXT, letta_folder_id TEXT,
  letta_source_id TEXT, letta_last_sync_at INTEGER, description_hash TEXT);
CREATE TABLE issues (identifier TEXT PRIMARY KEY, project_identifier TEXT NOT NULL, huly_id TEXT, vibe_task_id INTEGER,
  title TEXT NOT NULL, description TEXT, status TEXT, priority TEXT, last_sync_at INTEGER, created_at INTEGER,
  updated_at INTEGER, FOREIGN KEY (project_identifier) REFERENCES projects(identifier));
INSERT INTO sync_metadata VALUES ('last_sync', '1762000000000', 1762000000000);
INSERT INTO projects (identifier, name, vibe_id, filesystem_path, issue_count, letta_agent_id)
  VALUES ('APP', 'App', '6f1d6c52-4a5b-4c1e-9f0a-2b3c4d5e6f70', '/opt/stacks/app', 3,
          'agent-0b2d6f1e-1111-4222-8333-444455556666');
INSERT INTO issues VALUES ('APP-1', 'APP', 'h1', 'a1b2c3d4-0000-4000-8000-000000000001', 'Login page', 'Fix it',
  'In Progress', 'high', 0, 0, 0);
INSERT INTO issues VALUES ('APP-2', 'APP', 'h2', 'a1b2c3d4-0000-4000-8000-000000000002', 'APP-2', '', 'unknown',
  'medium', 0, 0, 0);
INSERT INTO issues VALUES ('APP-3', 'APP', 'h3', NULL, 'Never synced', '', 'Backlog', 'low', 0, 0, 0);
)sql";

class LegacyImport : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("hvs-legacy-" + std::to_string(std::random_device{}()));
        fs::create_directories(dir_);
        auto legacy = store::database::open((dir_ / "sync-state.db").string());
        ASSERT_TRUE(legacy);
        ASSERT_TRUE(legacy->exec(legacy_schema));
    }
    void TearDown() override { fs::remove_all(dir_); }

    store::database ours() {
        auto db = store::database::open((dir_ / "new.db").string());
        EXPECT_TRUE(db);
        EXPECT_TRUE(store::migrate(*db));
        return std::move(*db);
    }

    fs::path dir_;
};

TEST_F(LegacyImport, ProjectsAndLinksComeOverWithTrustworthyBasesOnly) {
    auto db = ours();
    auto report = import_legacy(db, (dir_ / "sync-state.db").string());
    ASSERT_TRUE(report) << report.error().describe();
    EXPECT_EQ(report->projects, 1);
    EXPECT_EQ(report->links, 2);
    EXPECT_EQ(report->skipped_links, 1);
    EXPECT_EQ(report->agents, 1);
    auto bound = db.prepare("SELECT agent_id FROM agents WHERE project = 'APP'");
    ASSERT_TRUE(bound);
    ASSERT_TRUE(*bound->step());
    EXPECT_EQ(bound->text(0), "agent-0b2d6f1e-1111-4222-8333-444455556666");

    auto project = store::load_project(db, "APP");
    ASSERT_TRUE(project && *project);
    EXPECT_EQ((*project)->vibe_id, "6f1d6c52-4a5b-4c1e-9f0a-2b3c4d5e6f70");
    EXPECT_EQ((*project)->repo_path, "/opt/stacks/app");
    EXPECT_FALSE((*project)->watermark_ms);  // the first cycle reads every issue

    auto links = store::load_links(db, "APP");
    ASSERT_TRUE(links);
    ASSERT_EQ(links->size(), 2u);
    EXPECT_EQ((*links)[0].task_id, "a1b2c3d4-0000-4000-8000-000000000001");
    EXPECT_EQ((*links)[0].base_title, "Login page");
    EXPECT_EQ((*links)[0].base_status, "inprogress");
    EXPECT_FALSE((*links)[0].huly_title);  // not observed yet
    EXPECT_FALSE((*links)[1].base_title);  // clobbered by the legacy partial upsert: not trusted
    EXPECT_FALSE((*links)[1].base_description);
    EXPECT_FALSE((*links)[1].base_status);
}

TEST_F(LegacyImport, RunningItTwiceChangesNothing) {
    auto db = ours();
    ASSERT_TRUE(import_legacy(db, (dir_ / "sync-state.db").string()));
    auto again = import_legacy(db, (dir_ / "sync-state.db").string());
    ASSERT_TRUE(again);
    EXPECT_EQ(again->projects, 0);
    EXPECT_EQ(again->links, 0);
    EXPECT_EQ(again->kept_existing, 3);
}

TEST_F(LegacyImport, WrongFilesAreRefusedClearly) {
    auto db = ours();
    auto missing = import_legacy(db, (dir_ / "nope.db").string());
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("does not exist"), std::string::npos);
    auto not_legacy = import_legacy(db, (dir_ / "new.db").string());
    ASSERT_FALSE(not_legacy);
    EXPECT_NE(not_legacy.error().message.find("not the original service"), std::string::npos);
}

TEST_F(LegacyImport, TheLegacyFileIsNotModified) {
    auto before = fs::last_write_time(dir_ / "sync-state.db");
    auto size = fs::file_size(dir_ / "sync-state.db");
    auto db = ours();
    ASSERT_TRUE(import_legacy(db, (dir_ / "sync-state.db").string()));
    EXPECT_EQ(fs::last_write_time(dir_ / "sync-state.db"), before);
    EXPECT_EQ(fs::file_size(dir_ / "sync-state.db"), size);
}

}  // namespace
}  // namespace hvs::sync
