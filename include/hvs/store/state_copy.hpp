#pragma once
// Moving a state from one database into another: `huly-vibe-sync migrate-store` copies a SQLite
// file into the PostgreSQL store replicas share. Every table of state_tables() (migrations.hpp) is
// copied in one transaction on the target, through store::database statements only, so the copy
// itself knows no engine. The source is never written.

#include "hvs/store/database.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hvs::store {

struct table_rows {
    std::string table;
    std::int64_t rows = 0;
};

// Rows per state table, in state_tables() order.
struct state_counts {
    std::vector<table_rows> tables;
    [[nodiscard]] std::int64_t total() const;
    // "projects 3, links 12" (tables with rows only; "nothing" when none has any).
    [[nodiscard]] std::string describe_nonempty() const;
};
using copy_report = state_counts;

// The rows each state table of `db` holds; `db` is at latest_schema_version().
result<state_counts> count_state(database& db);

// Copies every state table of `from` into `to`, both at latest_schema_version(), in one transaction
// on `to` and a consistent read of `from`. `to` must hold no state: a second state for a workspace
// would duplicate its tasks, so nothing is merged (error_kind::invalid naming what it holds). The
// rows per table are compared afterwards; any failure or difference rolls the whole copy back.
// sync_history keeps its order; its ids are the target's own.
result<copy_report> copy_state(database& from, database& to);

// A SQLite state file to copy from, opened without writing it.
class sqlite_source {
public:
    // At this binary's schema: the file itself, read-only. Older: a snapshot of it (VACUUM INTO, a
    // consistent copy) in a temporary directory, migrated there and removed with this object, as
    // the source may still be needed by the binary that wrote it. Newer, or no huly-vibe-sync state
    // (schema version 0), or missing: refused (error_kind::invalid).
    static result<sqlite_source> open(const std::string& path);

    sqlite_source(sqlite_source&&) noexcept;
    sqlite_source& operator=(sqlite_source&&) = delete;
    sqlite_source(const sqlite_source&) = delete;
    sqlite_source& operator=(const sqlite_source&) = delete;
    ~sqlite_source();

    [[nodiscard]] database& db() { return *db_; }
    // The schema version the file is at (older than latest_schema_version() when a snapshot was migrated).
    [[nodiscard]] int found_version() const { return found_version_; }

private:
    sqlite_source(std::optional<std::filesystem::path> scratch, database db, int found_version);
    std::optional<std::filesystem::path> scratch_;  // the snapshot's directory, removed last
    std::optional<database> db_;
    int found_version_ = 0;
};

}  // namespace hvs::store
