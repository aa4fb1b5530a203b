#pragma once
// The state database the configuration names: PostgreSQL when DATABASE_URL is set (the store
// replicas share), else the SQLite file at DB_PATH.

#include "hvs/core/config.hpp"
#include "hvs/store/database.hpp"

namespace hvs::store {

[[nodiscard]] bool uses_postgres(const core::config& cfg);

// For messages: the SQLite path, or the server as postgresql://user@host:port/db (no password).
[[nodiscard]] std::string describe_database(const core::config& cfg);

// Whether there is a database to read: the SQLite file exists (a command that only reads never
// creates one); always true for PostgreSQL (its schema is checked when read).
[[nodiscard]] bool database_exists(const core::config& cfg);

// Opened for writing and migrated to this binary's schema. SQLite: its directory must exist.
result<database> open_for_writing(const core::config& cfg);

// Opened for reading next to a running service: SQLite read-only (a missing file is an io error
// that says what to do); PostgreSQL an ordinary connection that is only read through.
result<database> open_for_reading(const core::config& cfg);

// The SQLite file's directory exists (io error naming it and DB_PATH otherwise).
result<void> sqlite_directory_exists(const std::string& path);

// The server a PostgreSQL connection string names, without its password.
[[nodiscard]] std::string describe_postgres_target(const std::string& url);

}  // namespace hvs::store
