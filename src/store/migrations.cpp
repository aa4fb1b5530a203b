#include "hvs/store/migrations.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace hvs::store {
namespace {

// Never edit a released migration: append a new one.
constexpr std::array<std::string_view, 7> migrations = {
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
};

}  // namespace

int latest_schema_version() { return static_cast<int>(migrations.size()); }

result<int> schema_version(database& db) {
    auto stmt = db.prepare("PRAGMA user_version");
    if (!stmt) return stmt.error();
    auto row = stmt->step();
    if (!row) return row.error();
    return static_cast<int>(stmt->integer(0));
}

result<int> migrate(database& db) { return migrate(db, latest_schema_version()); }

result<int> migrate(database& db, int target) {
    auto found = schema_version(db);
    if (!found) return found.error();
    if (*found > latest_schema_version()) {
        return make_error(error_kind::io, "database '" + db.path() + "' has schema version " + std::to_string(*found) +
                                              ", newer than this binary's " + std::to_string(latest_schema_version()) +
                                              "; use a newer huly-vibe-sync");
    }
    for (int version = *found; version < std::min(target, latest_schema_version()); ++version) {
        auto applied = db.transaction([&](database& tx) -> result<void> {
            if (auto done = tx.exec(migrations[static_cast<std::size_t>(version)]); !done) {
                return make_error(error_kind::io,
                                  "migration " + std::to_string(version + 1) + " failed: " + done.error().message);
            }
            return tx.exec("PRAGMA user_version = " + std::to_string(version + 1));
        });
        if (!applied) return applied.error();
    }
    return *found;
}

}  // namespace hvs::store
