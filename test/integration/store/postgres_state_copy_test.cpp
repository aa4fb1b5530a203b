// migrate-store's copy (store/state_copy.hpp): a SQLite state in a temporary directory copied into
// a fresh database on the real PostgreSQL 15 (test/support/postgres.hpp) — every table's rows,
// NULLs and 64-bit integers intact, history in its order; a target that holds a state refused and
// a failing copy rolled back whole; an older SQLite file copied through a migrated snapshot while
// the file itself stays as it was. StateTables: the copied column lists match the migrated schema.

#include "hvs/store/migrations.hpp"
#include "hvs/store/state_copy.hpp"

#include "support/postgres.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace hvs::store {
namespace {

class scratch_dir_for_copy {
public:
    scratch_dir_for_copy()
        : path_(std::filesystem::temp_directory_path() / ("hvs-state-copy-" + std::to_string(std::random_device{}()))) {
        std::filesystem::create_directories(path_);
    }
    ~scratch_dir_for_copy() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    scratch_dir_for_copy(const scratch_dir_for_copy&) = delete;
    scratch_dir_for_copy& operator=(const scratch_dir_for_copy&) = delete;
    [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

database open_or_fail(result<database> db) {
    EXPECT_TRUE(db) << db.error().describe();
    return std::move(*db);
}

database migrated_postgres_target() {
    auto db = open_or_fail(database::open_postgres(test::fresh_postgres_database()));
    auto migrated = migrate(db);
    EXPECT_TRUE(migrated) << migrated.error().describe();
    return db;
}

constexpr std::int64_t beyond_32_bits = 1'796'400'000'123;
constexpr std::int64_t beyond_double = 9'007'199'254'740'993;  // 2^53 + 1: no double holds it

// A row in every state table, NULLs where the schema allows them, and history out of key order.
void fill_every_table(database& db) {
    const char* rows = R"sql(
INSERT INTO projects (identifier, name, vibe_id, repo_path, description_hash, issue_count, watermark_ms,
                      cycles_since_full, last_success_at, last_attempt_at, last_error)
VALUES ('PROJ', 'Project', 'vibe-1', '/repos/proj', 'sha:abc', 7, 1796400000123, 3, '2026-12-01T00:00:00.000Z',
        '2026-12-02T00:00:00.000Z', NULL),
       ('NULLS', 'Only required', NULL, NULL, NULL, 0, NULL, 0, NULL, NULL, 'Huly answered 500');
INSERT INTO links (issue_id, project, task_id, base_title, base_description, base_status, huly_title,
                   huly_description, huly_status, huly_priority, huly_modified_ms, vibe_title, vibe_description,
                   vibe_status, deleted_in_huly, deleted_in_vibe, rejected_status, updated_at, status_before_cancel)
VALUES ('PROJ-1', 'PROJ', 'task-1', 'It''s a ?1 title', 'multi
line', 'todo', 'T', 'D', 'Todo', 'High', 9007199254740993, 'T', 'D', 'todo', 0, 1, 'Weird', '2026-12-03T00:00:00.000Z',
        'inprogress'),
       ('PROJ-2', 'PROJ', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1, 0, NULL,
        '2026-12-03T00:00:01.000Z', NULL);
INSERT INTO huly_statuses (name, learned_at) VALUES ('Done', '2026-11-01T00:00:00.000Z');
INSERT INTO sync_history (id, started_at, finished_at, outcome, projects_ok, projects_failed, tasks_created,
                          tasks_updated, issues_updated, conflicts, errors, agent_work)
VALUES (5, '2026-12-01T00:00:00.000Z', '2026-12-01T00:00:09.000Z', 'ok', 2, 0, 4, 1, 0, 0, '[]', '{}'),
       (9, '2026-12-02T00:00:00.000Z', NULL, NULL, 0, 0, 0, 0, 0, 0, '[{"project":"PROJ","error":"x"}]', '{"a":1}'),
       (12, '2026-12-03T00:00:00.000Z', '2026-12-03T00:00:01.000Z', 'failed', 1, 1, 0, 0, 2, 1, '[]', '{}');
INSERT INTO meta (key, value) VALUES ('control_agent_id', 'agent-control');
INSERT INTO agents (project, agent_id, agent_name, bound_at) VALUES ('PROJ', 'agent-1', 'Huly-PROJ-PM', '2026-12-01');
INSERT INTO agent_blocks (agent_id, label, block_id, hash) VALUES ('agent-1', 'persona', 'block-1', 'sha:1'),
                                                                 ('agent-1', 'scratch', NULL, 'fnv1a64:0123456789abcdef');
INSERT INTO letta_resources (id, kind, name, project, created_at) VALUES ('agent-1', 'agent', 'Huly-PROJ-PM', 'PROJ', '2026'),
                                                                         ('source-1', 'folder', 'Huly-shared', NULL, '2026');
INSERT INTO letta_files (folder_id, file_name, hash, file_id) VALUES ('source-1', 'README.md', 'sha:r', 'file-1');
INSERT INTO duplicate_tasks (project, issue_id, task_id) VALUES ('PROJ', 'PROJ-1', 'task-1b');
)sql";
    auto filled = db.exec(rows);
    ASSERT_TRUE(filled) << filled.error().describe();
}

using table_contents = std::vector<std::vector<std::optional<std::string>>>;

// A table's copied columns, row by row in copy order, each value as text (nullopt: NULL).
table_contents contents_of(database& db, const state_table& table) {
    std::string columns;
    for (const auto& column : table.columns) columns += (columns.empty() ? "" : ", ") + std::string(column.name);
    auto stmt = db.prepare("SELECT " + columns + " FROM " + std::string(table.name) + " ORDER BY " +
                           std::string(table.order_by));
    EXPECT_TRUE(stmt) << stmt.error().describe();
    table_contents out;
    for (;;) {
        auto row = stmt->step();
        EXPECT_TRUE(row) << row.error().describe();
        if (!row || !*row) return out;
        auto& values = out.emplace_back();
        for (std::size_t i = 0; i < table.columns.size(); ++i) values.push_back(stmt->optional_text(static_cast<int>(i)));
    }
}

std::int64_t rows_of(database& db, const std::string& table) {
    auto stmt = db.prepare("SELECT count(*) FROM " + table);
    EXPECT_TRUE(stmt);
    auto row = stmt->step();
    EXPECT_TRUE(row && *row);
    return stmt->integer(0);
}

TEST(PostgresStateCopy, CopiesEveryTableWithItsNullsAndLargeIntegers) {
    scratch_dir_for_copy dir;
    auto source = open_or_fail(database::open(dir.file("state.db")));
    ASSERT_TRUE(migrate(source));
    fill_every_table(source);
    auto target = migrated_postgres_target();

    auto copied = copy_state(source, target);
    ASSERT_TRUE(copied) << copied.error().describe();
    EXPECT_EQ(copied->total(), 16);
    ASSERT_EQ(copied->tables.size(), state_tables().size());
    for (const auto& table : state_tables()) {
        SCOPED_TRACE(std::string(table.name));
        auto want = contents_of(source, table);
        EXPECT_FALSE(want.empty());  // every table is exercised
        EXPECT_EQ(contents_of(target, table), want);
    }

    auto big = target.prepare("SELECT p.watermark_ms, l.huly_modified_ms FROM projects p JOIN links l "
                              "ON l.project = p.identifier WHERE l.issue_id = 'PROJ-1'");
    ASSERT_TRUE(big);
    ASSERT_TRUE(big->step().value());
    EXPECT_EQ(big->integer(0), beyond_32_bits);
    EXPECT_EQ(big->integer(1), beyond_double);
    // History in its order, with the target's own ids (GENERATED ALWAYS) that go on from there.
    auto history = target.prepare("SELECT id, started_at FROM sync_history ORDER BY id");
    ASSERT_TRUE(history);
    std::vector<std::string> started;
    while (history->step().value()) started.push_back(history->text(1));
    EXPECT_EQ(started, (std::vector<std::string>{"2026-12-01T00:00:00.000Z", "2026-12-02T00:00:00.000Z",
                                                 "2026-12-03T00:00:00.000Z"}));
    ASSERT_TRUE(target.exec("INSERT INTO sync_history (started_at) VALUES ('2026-12-04T00:00:00.000Z')"));
}

TEST(PostgresStateCopy, RefusesATargetThatHoldsAStateAndChangesNothing) {
    scratch_dir_for_copy dir;
    auto source = open_or_fail(database::open(dir.file("state.db")));
    ASSERT_TRUE(migrate(source));
    fill_every_table(source);
    auto target = migrated_postgres_target();
    ASSERT_TRUE(target.exec("INSERT INTO sync_history (started_at) VALUES ('2026-12-04T00:00:00.000Z')"));

    auto copied = copy_state(source, target);
    ASSERT_FALSE(copied);
    EXPECT_EQ(copied.error().kind, error_kind::invalid);
    EXPECT_NE(copied.error().message.find("already holds a state (sync_history 1)"), std::string::npos)
        << copied.error().message;
    EXPECT_EQ(rows_of(target, "projects"), 0);
    EXPECT_EQ(rows_of(target, "sync_history"), 1);
}

TEST(PostgresStateCopy, AFailureHalfwayWritesNothing) {
    scratch_dir_for_copy dir;
    auto source = open_or_fail(database::open(dir.file("state.db")));
    ASSERT_TRUE(migrate(source));
    fill_every_table(source);
    // A duplicate task of a project that does not exist is fine in SQLite (no foreign key there);
    // make the target refuse it instead, after projects and links went in.
    ASSERT_TRUE(source.exec("INSERT INTO duplicate_tasks (project, issue_id, task_id) VALUES ('GONE', 'GONE-1', 't')"));
    auto target = migrated_postgres_target();
    ASSERT_TRUE(target.exec("ALTER TABLE duplicate_tasks ADD CONSTRAINT known_project FOREIGN KEY (project) "
                            "REFERENCES projects(identifier)"));

    auto copied = copy_state(source, target);
    ASSERT_FALSE(copied);
    EXPECT_NE(copied.error().message.find("copying duplicate_tasks"), std::string::npos) << copied.error().message;
    for (const auto& table : state_tables()) EXPECT_EQ(rows_of(target, std::string(table.name)), 0) << table.name;
}

TEST(PostgresStateCopy, AnOlderSqliteFileIsCopiedThroughAMigratedSnapshotAndNotWritten) {
    scratch_dir_for_copy dir;
    const std::string path = dir.file("old.db");
    {
        auto old = open_or_fail(database::open(path));
        ASSERT_TRUE(migrate(old, 5));  // before sync_history.agent_work (6)
        ASSERT_TRUE(old.exec("INSERT INTO projects (identifier, name, watermark_ms) VALUES ('OLD', 'Old', 1796400000123);"
                             "INSERT INTO sync_history (started_at, outcome) VALUES ('2026-01-01T00:00:00.000Z', 'ok');"
                             "INSERT INTO agent_blocks (agent_id, label, hash) VALUES ('agent-9', 'persona', "
                             "'0123456789abcdef');"));
    }
    auto target = migrated_postgres_target();
    std::filesystem::path scratch;
    {
        auto source = sqlite_source::open(path);
        ASSERT_TRUE(source) << source.error().describe();
        EXPECT_EQ(source->found_version(), 5);
        auto copied = copy_state(source->db(), target);
        ASSERT_TRUE(copied) << copied.error().describe();
        EXPECT_EQ(copied->total(), 3);
        scratch = std::filesystem::path(source->db().path()).parent_path();
        EXPECT_NE(scratch, std::filesystem::path(path).parent_path());
    }
    EXPECT_FALSE(std::filesystem::exists(scratch)) << "the snapshot's directory is left behind";
    auto hash = target.prepare("SELECT hash FROM agent_blocks");
    ASSERT_TRUE(hash && hash->step().value());
    EXPECT_EQ(hash->text(0), "fnv1a64:0123456789abcdef");  // migration 7 ran on the snapshot
    auto file = open_or_fail(database::open_read_only(path));
    EXPECT_EQ(schema_version(file).value(), 5);
    EXPECT_TRUE(file.prepare("SELECT agent_work FROM sync_history").has_error());  // the file kept its schema
}

TEST(PostgresStateCopy, RefusesASqliteFileNewerThanThisBinaryOrWithoutState) {
    scratch_dir_for_copy dir;
    {
        auto newer = open_or_fail(database::open(dir.file("newer.db")));
        ASSERT_TRUE(newer.exec("PRAGMA user_version = " + std::to_string(latest_schema_version() + 1)));
        auto empty = open_or_fail(database::open(dir.file("empty.db")));
    }
    auto newer = sqlite_source::open(dir.file("newer.db"));
    ASSERT_FALSE(newer);
    EXPECT_NE(newer.error().message.find("newer than this binary"), std::string::npos) << newer.error().message;
    auto empty = sqlite_source::open(dir.file("empty.db"));
    ASSERT_FALSE(empty);
    EXPECT_NE(empty.error().message.find("no huly-vibe-sync state"), std::string::npos) << empty.error().message;
    auto missing = sqlite_source::open(dir.file("missing.db"));
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().kind, error_kind::invalid);
}

// Every table of the migrated schema is either copied or one of the coordination tables, and the
// copied column lists are the schema's columns (sync_history's id aside) with their types.
TEST(StateTables, MatchTheMigratedSchema) {
    scratch_dir_for_copy dir;
    auto db = open_or_fail(database::open(dir.file("schema.db")));
    ASSERT_TRUE(migrate(db));
    std::set<std::string> listed;
    for (const auto& table : state_tables()) listed.insert(std::string(table.name));
    for (const auto& name : coordination_tables()) listed.insert(std::string(name));
    std::set<std::string> in_schema;
    auto tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    ASSERT_TRUE(tables);
    while (tables->step().value()) in_schema.insert(tables->text(0));
    EXPECT_EQ(listed, in_schema);

    for (const auto& table : state_tables()) {
        SCOPED_TRACE(std::string(table.name));
        auto info = db.prepare("SELECT name, type FROM pragma_table_info(?1) ORDER BY cid");
        ASSERT_TRUE(info);
        info->bind(1, table.name);
        std::vector<std::string> schema_columns;
        while (info->step().value()) {
            if (table.name == "sync_history" && info->text(0) == "id") continue;  // regenerated
            schema_columns.push_back(info->text(0) + " " + info->text(1));
        }
        std::vector<std::string> copied_columns;
        for (const auto& column : table.columns) {
            copied_columns.push_back(std::string(column.name) +
                                     (column.type == column_type::integer ? " INTEGER" : " TEXT"));
        }
        EXPECT_EQ(copied_columns, schema_columns);
    }
}

}  // namespace
}  // namespace hvs::store
