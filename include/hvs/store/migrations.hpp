#pragma once
// Versioned schema migrations, applied at start in order, each in its own transaction, tracked by
// PRAGMA user_version (SQLite) or the table hvs_schema_version (PostgreSQL, where replicas that start
// together take turns). A database newer than this binary is refused rather than misread.

#include "hvs/store/database.hpp"

namespace hvs::store {

// The schema version this binary writes.
[[nodiscard]] int latest_schema_version();

// The version the database is at (0: no schema yet).
result<int> schema_version(database& db);

// Brings the database up to latest_schema_version(); returns the version it found.
result<int> migrate(database& db);
// Up to `target` only (tests build a database as an older binary left it).
result<int> migrate(database& db, int target);

// The migration that marked the FNV-1a hashes stored before SHA-256 (core::legacy_hash_mark).
inline constexpr int legacy_hash_marking_migration = 7;

}  // namespace hvs::store
