#pragma once
// Versioned schema migrations, applied at start in order, each in its own transaction, tracked by
// PRAGMA user_version. A database newer than this binary is refused rather than misread.

#include "hvs/store/sqlite.hpp"

namespace hvs::store {

// The schema version this binary writes.
[[nodiscard]] int latest_schema_version();

// The version the database is at (0: no schema yet).
result<int> schema_version(database& db);

// Brings the database up to latest_schema_version(); returns the version it found.
result<int> migrate(database& db);

}  // namespace hvs::store
