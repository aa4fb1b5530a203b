#include "hvs/store/migrations.hpp"

#include "hvs/store/postgres_sql.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace hvs::store {
namespace {

// Never edit a released migration: append a new one.
constexpr std::array<std::string_view, 8> migrations = {
    // 1: projects, issue <-> task links with per-field bases, learned Huly statuses, history.
    R"sql(
CREATE TABLE projects (
    identifier        TEXT PRIMARY KEY,          -- Huly project identifier, e.g. PROJ
    name              TEXT NOT NULL,
    vibe_id           TEXT UNIQUE,               -- Vibe project uuid once mirrored
    repo_path         TEXT,                      -- git repository given to Vibe
    description_hash  TEXT,
    issue_count       INTEGER NOT NULL DEFAULT 0,  -- the true count from Huly's project list
    watermark_ms      INTEGER,                   -- largest Huly modifiedOn seen; moves after success only
    cycles_since_full INTEGER NOT NULL DEFAULT 0,
    last_success_at   TEXT,
    last_attempt_at   TEXT,
    last_error        TEXT
);

CREATE TABLE links (
    issue_id          TEXT PRIMARY KEY,          -- Huly identifier, e.g. PROJ-12
    project           TEXT NOT NULL REFERENCES projects(identifier) ON DELETE CASCADE,
    task_id           TEXT UNIQUE,               -- Vibe task uuid
    base_title        TEXT,                      -- last synchronised values (status in Vibe's vocabulary)
    base_description  TEXT,
    base_status       TEXT,
    huly_title        TEXT,                      -- last observed in Huly
    huly_description  TEXT,
    huly_status       TEXT,
    huly_priority     TEXT,
    huly_modified_ms  INTEGER,
    vibe_title        TEXT,                      -- last observed in Vibe
    vibe_description  TEXT,
    vibe_status       TEXT,
    deleted_in_huly   INTEGER NOT NULL DEFAULT 0,
    deleted_in_vibe   INTEGER NOT NULL DEFAULT 0,
    rejected_status   TEXT,                      -- a Huly status Huly refused; not sent again while unchanged
    updated_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX links_by_project ON links(project);

CREATE TABLE huly_statuses (
    name        TEXT PRIMARY KEY,                -- statuses Huly listed as available when it refused one
    learned_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE sync_history (
    id               INTEGER PRIMARY KEY,
    started_at       TEXT NOT NULL,
    finished_at      TEXT,
    outcome          TEXT,                       -- ok | failed | interrupted | timeout
    projects_ok      INTEGER NOT NULL DEFAULT 0,
    projects_failed  INTEGER NOT NULL DEFAULT 0,
    tasks_created    INTEGER NOT NULL DEFAULT 0,
    tasks_updated    INTEGER NOT NULL DEFAULT 0,
    issues_updated   INTEGER NOT NULL DEFAULT 0,
    conflicts        INTEGER NOT NULL DEFAULT 0,
    errors           TEXT NOT NULL DEFAULT '[]'  -- JSON array of {project, error}
);

CREATE TABLE meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
)sql",
    // 2: PM agents bound to projects (one each, never shared), their memory block hashes, and every
    // Letta resource this service created (so cleanup touches only its own).
    R"sql(
CREATE TABLE agents (
    project     TEXT PRIMARY KEY REFERENCES projects(identifier) ON DELETE CASCADE,
    agent_id    TEXT NOT NULL UNIQUE,
    agent_name  TEXT NOT NULL,
    bound_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE agent_blocks (
    agent_id  TEXT NOT NULL,
    label     TEXT NOT NULL,
    block_id  TEXT,
    hash      TEXT NOT NULL,                     -- of the value Letta confirmed
    PRIMARY KEY (agent_id, label)
);

CREATE TABLE letta_resources (
    id          TEXT PRIMARY KEY,                -- agent-…, block-…, source-…, file-…
    kind        TEXT NOT NULL,                   -- agent | block | folder | file
    name        TEXT NOT NULL,
    project     TEXT,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
)sql",
    // 3: files uploaded into Letta folders, by the hash of the content Letta accepted, so a file is
    // uploaded again only when it changed (or its folder was re-created: the key has the folder id).
    R"sql(
CREATE TABLE letta_files (
    folder_id  TEXT NOT NULL,                    -- source-…
    file_name  TEXT NOT NULL,                    -- original_file_name in Letta
    hash       TEXT NOT NULL,                    -- core::content_hash of the uploaded content
    file_id    TEXT NOT NULL,                    -- file-… (replace semantics give a new one per upload)
    PRIMARY KEY (folder_id, file_name)
);
)sql",
    // 4: Vibe tasks that carry the marker of an issue another task of the project carries too, as
    // the last cycle of that project found them (reported by status, /health and /metrics; removed
    // by `repair duplicates --apply`).
    R"sql(
CREATE TABLE duplicate_tasks (
    project   TEXT NOT NULL,
    issue_id  TEXT NOT NULL,
    task_id   TEXT NOT NULL,               -- a task the repair would delete
    PRIMARY KEY (project, task_id)
);
)sql",
    // 5: a deletion mark is reversible: the status a task had before ON_HULY_DELETE=cancel
    // cancelled it, restored when its issue reappears.
    R"sql(
ALTER TABLE links ADD COLUMN status_before_cancel TEXT;
)sql",
    // 6: what each cycle's PM agent work wrote in Letta, per project (JSON, service/agent_work.hpp).
    R"sql(
ALTER TABLE sync_history ADD COLUMN agent_work TEXT NOT NULL DEFAULT '{}';
)sql",
    // 7: change detection moved from 64-bit FNV-1a (16 hex digits) to SHA-256 (64). The hashes
    // stored before are marked (core::legacy_hash_mark), not dropped: an unchanged block, file or
    // description is still recognised by its FNV-1a and nothing is written again for the format
    // alone; the next write of a content stores its SHA-256.
    R"sql(
UPDATE agent_blocks SET hash = 'fnv1a64:' || hash WHERE length(hash) = 16;
UPDATE letta_files SET hash = 'fnv1a64:' || hash WHERE length(hash) = 16;
UPDATE projects SET description_hash = 'fnv1a64:' || description_hash WHERE length(description_hash) = 16;
)sql",
    // 8: leases (PostgreSQL, where replicas share the store): who writes each project, and the
    // control agent's work, until when; the fence grows each time a lease changes hands and every
    // write of that project checks it. Replicas announce themselves until an expiry too. Times are
    // milliseconds on the database server's clock. (SQLite, one process, has the tables unused.)
    R"sql(
CREATE TABLE leases (
    name           TEXT PRIMARY KEY,             -- project:<IDENTIFIER> or control
    holder         TEXT NOT NULL,                -- REPLICA_ID of the holder
    fence          INTEGER NOT NULL,
    expires_at_ms  INTEGER NOT NULL
);
CREATE TABLE replicas (
    id             TEXT PRIMARY KEY,
    expires_at_ms  INTEGER NOT NULL
);
)sql",
};



// The state at latest_schema_version(), column by column (see state_tables() in migrations.hpp).
constexpr column_type text_column = column_type::text;
constexpr column_type integer_column = column_type::integer;
constexpr state_column project_columns[] = {
    {"identifier", text_column},      {"name", text_column},         {"vibe_id", text_column},          {"repo_path", text_column},
    {"description_hash", text_column}, {"issue_count", integer_column}, {"watermark_ms", integer_column}, {"cycles_since_full", integer_column},
    {"last_success_at", text_column}, {"last_attempt_at", text_column}, {"last_error", text_column},
};
constexpr state_column link_columns[] = {
    {"issue_id", text_column},         {"project", text_column},          {"task_id", text_column},          {"base_title", text_column},
    {"base_description", text_column}, {"base_status", text_column},      {"huly_title", text_column},       {"huly_description", text_column},
    {"huly_status", text_column},      {"huly_priority", text_column},    {"huly_modified_ms", integer_column}, {"vibe_title", text_column},
    {"vibe_description", text_column}, {"vibe_status", text_column},      {"deleted_in_huly", integer_column}, {"deleted_in_vibe", integer_column},
    {"rejected_status", text_column},  {"updated_at", text_column},       {"status_before_cancel", text_column},
};
constexpr state_column huly_status_columns[] = {{"name", text_column}, {"learned_at", text_column}};
constexpr state_column history_columns[] = {
    {"started_at", text_column},        {"finished_at", text_column},       {"outcome", text_column},        {"projects_ok", integer_column},
    {"projects_failed", integer_column}, {"tasks_created", integer_column}, {"tasks_updated", integer_column}, {"issues_updated", integer_column},
    {"conflicts", integer_column},      {"errors", text_column},            {"agent_work", text_column},
};
constexpr state_column meta_columns[] = {{"key", text_column}, {"value", text_column}};
constexpr state_column agent_columns[] = {
    {"project", text_column}, {"agent_id", text_column}, {"agent_name", text_column}, {"bound_at", text_column}};
constexpr state_column agent_block_columns[] = {
    {"agent_id", text_column}, {"label", text_column}, {"block_id", text_column}, {"hash", text_column}};
constexpr state_column letta_resource_columns[] = {
    {"id", text_column}, {"kind", text_column}, {"name", text_column}, {"project", text_column}, {"created_at", text_column}};
constexpr state_column letta_file_columns[] = {
    {"folder_id", text_column}, {"file_name", text_column}, {"hash", text_column}, {"file_id", text_column}};
constexpr state_column duplicate_task_columns[] = {{"project", text_column}, {"issue_id", text_column}, {"task_id", text_column}};

constexpr state_table tables_of_state[] = {
    {"projects", project_columns, "identifier"},
    {"links", link_columns, "issue_id"},
    {"huly_statuses", huly_status_columns, "name"},
    {"sync_history", history_columns, "id"},
    {"meta", meta_columns, "key"},
    {"agents", agent_columns, "project"},
    {"agent_blocks", agent_block_columns, "agent_id, label"},
    {"letta_resources", letta_resource_columns, "id"},
    {"letta_files", letta_file_columns, "folder_id, file_name"},
    {"duplicate_tasks", duplicate_task_columns, "project, task_id"},
};
constexpr std::string_view tables_of_coordination[] = {"leases", "replicas"};

// The migration as `kind` runs it: SQLite's text, or PostgreSQL's rewrite of it (postgres_sql.hpp).
std::string migration_for(engine kind, std::size_t index) {
    return kind == engine::postgres ? postgres_ddl(migrations[index]) : std::string(migrations[index]);
}

// Replicas that start together migrate one after the other (the lock ends with the transaction).
constexpr std::string_view postgres_migration_lock = "SELECT pg_advisory_xact_lock(4817350021)";

result<void> record_version(database& tx, int version) {
    if (tx.kind() == engine::sqlite) return tx.exec("PRAGMA user_version = " + std::to_string(version));
    // PostgreSQL has no user_version: a table of one row (created by the first migration's
    // transaction, under the migration lock).
    if (auto made = tx.exec("CREATE TABLE IF NOT EXISTS hvs_schema_version (version BIGINT NOT NULL)"); !made) {
        return made;
    }
    if (auto cleared = tx.exec("DELETE FROM hvs_schema_version"); !cleared) return cleared;
    return tx.exec("INSERT INTO hvs_schema_version (version) VALUES (" + std::to_string(version) + ")");
}

result<std::int64_t> single_integer(database& db, std::string_view sql) {
    auto stmt = db.prepare(sql);
    if (!stmt) return stmt.error();
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) return make_error(error_kind::io, "no row from: " + std::string(sql));
    return stmt->integer(0);
}

}  // namespace

int latest_schema_version() { return static_cast<int>(migrations.size()); }

std::span<const state_table> state_tables() { return tables_of_state; }

std::span<const std::string_view> coordination_tables() { return tables_of_coordination; }

result<int> schema_version(database& db) {
    if (db.kind() == engine::sqlite) {
        auto version = single_integer(db, "PRAGMA user_version");
        if (!version) return version.error();
        return static_cast<int>(*version);
    }
    auto exists = single_integer(db, "SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = 'hvs_schema_version' "
                                     "AND schemaname = current_schema()");
    if (!exists) return exists.error();
    if (*exists == 0) return 0;
    auto version = single_integer(db, "SELECT COALESCE(max(version), 0) FROM hvs_schema_version");
    if (!version) return version.error();
    return static_cast<int>(*version);
}

result<int> migrate(database& db) { return migrate(db, latest_schema_version()); }

result<int> migrate(database& db, int target) {
    std::optional<int> found;
    for (;;) {
        auto applied = db.transaction([&](database& tx) -> result<bool> {
            if (tx.kind() == engine::postgres) {
                if (auto locked = tx.exec(postgres_migration_lock); !locked) return locked.error();
            }
            auto version = schema_version(tx);
            if (!version) return version.error();
            if (!found) found = *version;
            if (*version > latest_schema_version()) {
                return make_error(error_kind::io, "database '" + tx.path() + "' has schema version " +
                                                      std::to_string(*version) + ", newer than this binary's " +
                                                      std::to_string(latest_schema_version()) +
                                                      "; use a newer huly-vibe-sync");
            }
            if (*version >= std::min(target, latest_schema_version())) return false;
            if (auto done = tx.exec(migration_for(tx.kind(), static_cast<std::size_t>(*version))); !done) {
                return make_error(error_kind::io,
                                  "migration " + std::to_string(*version + 1) + " failed: " + done.error().message);
            }
            if (auto recorded = record_version(tx, *version + 1); !recorded) return recorded.error();
            return true;
        });
        if (!applied) return applied.error();
        if (!*applied) return *found;
    }
}

}  // namespace hvs::store
