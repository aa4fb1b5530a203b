#pragma once
// Versioned schema migrations, applied at start in order, each in its own transaction, tracked by
// PRAGMA user_version (SQLite) or the table hvs_schema_version (PostgreSQL, where replicas that start
// together take turns). A database newer than this binary is refused rather than misread.

#include "hvs/store/database.hpp"

#include <span>
#include <string_view>

namespace hvs::store {

// The schema version this binary writes.
[[nodiscard]] int latest_schema_version();

// The version the database is at (0: no schema yet).
result<int> schema_version(database& db);

// Brings the database up to latest_schema_version(); returns the version it found.
result<int> migrate(database& db);
// Up to `target` only (tests build a database as an older binary left it).
result<int> migrate(database& db, int target);

// The state a database holds, table by table, at latest_schema_version(): what `migrate-store`
// copies (store/state_copy.hpp). Tables in dependency order (a table after those it references);
// columns as the migrations leave them. A migration that adds a table or a column adds it here too
// (a unit test compares this list with the migrated schema).
enum class column_type { text, integer };
struct state_column {
    std::string_view name;
    column_type type;
};
struct state_table {
    std::string_view name;
    std::span<const state_column> columns;  // copied as they are (sync_history's id is regenerated)
    std::string_view order_by;              // the order rows are copied in (sync_history keeps its order)
};
[[nodiscard]] std::span<const state_table> state_tables();
// Tables of the schema that are not state and are never copied: who runs, not what is synced.
[[nodiscard]] std::span<const std::string_view> coordination_tables();

// The migration that marked the FNV-1a hashes stored before SHA-256 (core::legacy_hash_mark).
inline constexpr int legacy_hash_marking_migration = 7;

}  // namespace hvs::store
